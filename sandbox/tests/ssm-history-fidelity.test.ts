// Parameter history through the real SSM SDK client: every PutParameter is a version, the last 100 are
// kept, GetParameterHistory pages them oldest first; and the sandbox's back-dated writes. Follows:
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterHistory.html
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
//     (ParameterMaxVersionLimitExceeded: "Parameter Store retains the 100 most recently created versions of a
//     parameter. After this number of versions has been created, Parameter Store deletes the oldest version
//     when a new one is created.")
//   https://docs.aws.amazon.com/systems-manager/latest/userguide/example_ssm_GetParameterHistory_section.html
//     (the entries' shape: LastModifiedUser an IAM ARN, Labels [], Tier Standard, Policies [])
//   https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-versions.html
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  paginateGetParameterHistory,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { startSandbox, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

let sb: Sandbox;
let ssm: ReturnType<typeof clientsFor>['ssm'];

beforeAll(async () => {
  sb = await startSandbox();
  ssm = clientsFor(sb, { maxAttempts: 1 }).ssm;
});
afterAll(() => sb.stop());

const put = (name: string, value: string, extra: Partial<ConstructorParameters<typeof PutParameterCommand>[0]> = {}) =>
  ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true, ...extra }));

describe('GetParameterHistory', () => {
  test('every version oldest first, in the documented shape; an unchanged value is a new version too', async () => {
    const name = '/hist/live-color';
    await put(name, 'blue', { Overwrite: false, Description: 'Live colour' });
    const second = await put(name, 'blue');
    expect(second.Version).toBe(2);
    await put(name, 'green');
    const out = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(out.NextToken).toBeUndefined();
    expect(out.Parameters?.map((p) => [p.Version, p.Value])).toEqual([[1, 'blue'], [2, 'blue'], [3, 'green']]);
    expect(out.Parameters?.[0]).toEqual({
      Name: name,
      Type: 'String',
      LastModifiedDate: expect.any(Date),
      LastModifiedUser: 'arn:aws:iam::123456789012:root',
      Description: 'Live colour',
      Value: 'blue',
      Version: 1,
      Labels: [],
      Tier: 'Standard',
      Policies: [],
      DataType: 'text',
    });
    const dates = out.Parameters?.map((p) => p.LastModifiedDate?.getTime() ?? 0) ?? [];
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
    // GetParameter's `name:version` selects a kept version.
    expect((await ssm.send(new GetParameterCommand({ Name: `${name}:1` }))).Parameter).toMatchObject({ Value: 'blue', Version: 1 });
  });

  test('101 writes keep versions 2–101; pages of 50 with an opaque NextToken, the last page without one', async () => {
    const name = '/hist/many';
    for (let v = 1; v <= 101; v += 1) await put(name, `value-${v}`);
    expect(sb.world.ssm.history.get(name)).toHaveLength(100);

    const first = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(first.Parameters?.map((p) => p.Version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await ssm.send(new GetParameterHistoryCommand({ Name: name, NextToken: first.NextToken }));
    expect(second.Parameters?.map((p) => p.Version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 52));
    expect(second.NextToken).toBeUndefined();

    const versions: number[] = [];
    for await (const page of paginateGetParameterHistory({ client: ssm, pageSize: 30 }, { Name: name })) {
      expect(page.Parameters?.length).toBeLessThanOrEqual(30);
      versions.push(...(page.Parameters ?? []).map((p) => p.Version ?? 0));
    }
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect((await rejectionOf(ssm.send(new GetParameterCommand({ Name: `${name}:1` })))).name).toBe('ParameterNotFound');

    // The 102nd write drops version 2; a token issued before still continues after its last version.
    const third = await ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 10 }));
    await put(name, 'value-102');
    const next = await ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 10, NextToken: third.NextToken }));
    expect(next.Parameters?.[0]?.Version).toBe(12);
  });

  test('a missing parameter is ParameterNotFound; a deleted one loses its history and starts again at version 1', async () => {
    const missing = await rejectionOf(ssm.send(new GetParameterHistoryCommand({ Name: '/hist/absent' })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['ParameterNotFound', 400]);
    const name = '/hist/deleted';
    await put(name, 'a');
    await put(name, 'b');
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    expect((await rejectionOf(ssm.send(new GetParameterHistoryCommand({ Name: name })))).name).toBe('ParameterNotFound');
    expect((await put(name, 'c')).Version).toBe(1);
    expect((await ssm.send(new GetParameterHistoryCommand({ Name: name }))).Parameters?.map((p) => [p.Version, p.Value])).toEqual([[1, 'c']]);
  });

  test.each([
    [{ MaxResults: 51 }, 'ValidationException', "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"],
    [{ MaxResults: 0 }, 'ValidationException', "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    [{ NextToken: 'not-a-token' }, 'InvalidNextToken', "The specified token isn't valid."],
  ])('rejects %j', async (extra, name, message) => {
    await put('/hist/validation', 'x');
    const e = await rejectionOf(ssm.send(new GetParameterHistoryCommand({ Name: '/hist/validation', ...extra })));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual([name, message, 400]);
  });

  test('GetParameterHistory is logged and faulted per operation like the others', async () => {
    await put('/hist/faulted', 'x');
    const since = Date.now();
    sb.injectFault({ kind: 'throttle', operation: 'GetParameterHistory', service: 'ssm', times: 1 });
    const e = await rejectionOf(ssm.send(new GetParameterHistoryCommand({ Name: '/hist/faulted' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 400]);
    await ssm.send(new GetParameterHistoryCommand({ Name: '/hist/faulted' }));
    expect(sb.requests({ operation: 'GetParameterHistory', since }).map((r) => [r.status, r.errorCode])).toEqual([[400, 'ThrottlingException'], [200, undefined]]);
    expect(sb.state().parameterHistory['/hist/faulted']).toHaveLength(1);
  });

  test("a token from another parameter's history is InvalidNextToken", async () => {
    for (let v = 1; v <= 3; v += 1) await put('/hist/token-a', `a${v}`);
    await put('/hist/token-b', 'b');
    const a = await ssm.send(new GetParameterHistoryCommand({ Name: '/hist/token-a', MaxResults: 1 }));
    const e = await rejectionOf(ssm.send(new GetParameterHistoryCommand({ Name: '/hist/token-b', NextToken: a.NextToken })));
    expect(e.name).toBe('InvalidNextToken');
  });
});

describe('back-dated versions (putParameterAt, POST /_sandbox/parameters)', () => {
  test('a version written "long ago" reads back with that LastModifiedDate, in GetParameter and the history', async () => {
    const name = '/hist/stale-lock';
    const longAgo = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const changes: unknown[] = [];
    const onChange = (e: unknown) => changes.push(e);
    sb.events.on('parameterChanged', onChange);
    const logged = sb.requests({ operation: 'PutParameter' }).length;
    expect(sb.putParameterAt(name, 'run-1', longAgo)).toBe(1);
    expect(sb.requests({ operation: 'PutParameter' })).toHaveLength(logged); // not a call to the endpoint
    sb.events.off('parameterChanged', onChange);
    expect(changes).toEqual([{ name, value: 'run-1', version: 1 }]);
    const got = await ssm.send(new GetParameterCommand({ Name: name }));
    expect(got.Parameter).toMatchObject({ Value: 'run-1', Version: 1, Type: 'String' });
    expect(got.Parameter?.LastModifiedDate?.getTime()).toBe(longAgo.getTime());
    await put(name, 'run-2');
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(history.Parameters?.map((p) => p.LastModifiedDate?.getTime())).toEqual([longAgo.getTime(), expect.any(Number)]);
  });

  test('over the control API, with an ISO time; a bad date is a 400', async () => {
    const at = '2020-02-20T01:02:03.456Z';
    const res = await fetch(`${sb.endpoint}/_sandbox/parameters`, { method: 'POST', body: JSON.stringify({ name: '/hist/http', value: 'blue', lastModifiedDate: at }) });
    expect([res.status, await res.json()]).toEqual([200, { name: '/hist/http', version: 1, lastModifiedDate: at }]);
    const got = await ssm.send(new GetParameterCommand({ Name: '/hist/http' }));
    expect(got.Parameter?.LastModifiedDate?.toISOString()).toBe(at);
    const bad = await fetch(`${sb.endpoint}/_sandbox/parameters`, { method: 'POST', body: JSON.stringify({ name: '/hist/http', value: 'x', lastModifiedDate: 'yesterday' }) });
    expect(bad.status).toBe(400);
    const reserved = await fetch(`${sb.endpoint}/_sandbox/parameters`, { method: 'POST', body: JSON.stringify({ name: '/aws/x', value: 'x', lastModifiedDate: at }) });
    expect([reserved.status, await reserved.json()]).toEqual([400, { error: 'No access to reserved parameter name: aws/x.' }]);
  });
});

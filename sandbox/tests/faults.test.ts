// Fault injection and the request log, seen from the real SDK clients, plus the HTTP control API.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

let sb: Sandbox;
let sc: BlueGreenScenario;

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200 });
  sc = await sb.createBlueGreen({ name: 'faults', desiredCount: 1 });
});
afterAll(() => sb.stop());

const toBlue = () => [{ Type: 'forward' as const, TargetGroupArn: sc.targetGroups.blue }];

describe('faults', () => {
  test('throttling the next 2 ModifyListener calls: the SDK retries and succeeds; the log shows all 3', async () => {
    const { elb } = clientsFor(sb);
    const since = Date.now();
    sb.injectFault({ kind: 'throttle', operation: 'ModifyListener', times: 2 });
    const out = await elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: toBlue() }));
    expect(out.$metadata.attempts).toBe(3);
    expect(sb.requests({ operation: 'ModifyListener', since }).map((r) => [r.status, r.errorCode])).toEqual([
      [400, 'Throttling'],
      [400, 'Throttling'],
      [200, undefined],
    ]);
    expect(sb.requestCounts({ since })).toEqual({ ModifyListener: 3 });
    expect(sb.faults()).toEqual([]);
  });

  test('a throttled JSON call is ThrottlingException with status 400', async () => {
    const { ssm } = clientsFor(sb, { maxAttempts: 1 });
    sb.injectFault({ kind: 'throttle', operation: 'GetParameter', service: 'ssm', times: 1 });
    const e = await rejectionOf(ssm.send(new GetParameterCommand({ Name: sc.parameterName })));
    expect(e.name).toBe('ThrottlingException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  test.each([
    [500, 'InternalFailure'],
    [503, 'ServiceUnavailable'],
  ] as const)('a %i is %s, and is retried by the SDK', async (status, code) => {
    const since = Date.now();
    sb.injectFault({ kind: 'error', status, operation: 'DescribeServices', times: 1 });
    const e = await rejectionOf(clientsFor(sb, { maxAttempts: 1 }).ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.blue.name] })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual([code, status]);
    sb.injectFault({ kind: 'error', status, operation: 'DescribeServices', times: 1 });
    const ok = await clientsFor(sb).ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.blue.name] }));
    expect(ok.services).toHaveLength(1);
    expect(sb.requests({ operation: 'DescribeServices', since }).map((r) => r.status)).toEqual([status, status, 200]);
  });

  test('a dropped connection is retried by the SDK; without retries it is a network error', async () => {
    sb.injectFault({ kind: 'drop', operation: 'GetParameter', times: 1 });
    const e = await rejectionOf(clientsFor(sb, { maxAttempts: 1 }).ssm.send(new GetParameterCommand({ Name: sc.parameterName })));
    expect(e.$metadata?.httpStatusCode).toBeUndefined();
    sb.injectFault({ kind: 'drop', operation: 'GetParameter', times: 1 });
    const out = await clientsFor(sb).ssm.send(new GetParameterCommand({ Name: sc.parameterName }));
    expect(out.Parameter?.Value).toBe('blue');
    expect(sb.requests({ operation: 'GetParameter' }).map((r) => r.status).slice(-2)).toEqual([0, 200]);
  });

  test('latency delays the call; a time window applies to every call until it ends', async () => {
    const { ssm } = clientsFor(sb, { maxAttempts: 1 });
    sb.injectFault({ kind: 'latency', latencyMs: 300, operation: 'GetParameter', times: 1 });
    const t0 = Date.now();
    await ssm.send(new GetParameterCommand({ Name: sc.parameterName }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

    sb.injectFault({ kind: 'throttle', operation: '*', durationMs: 300 });
    expect((await rejectionOf(ssm.send(new GetParameterCommand({ Name: sc.parameterName })))).name).toBe('ThrottlingException');
    expect((await rejectionOf(ssm.send(new PutParameterCommand({ Name: sc.parameterName, Value: 'green', Overwrite: true })))).name).toBe('ThrottlingException');
    await new Promise((r) => setTimeout(r, 320));
    expect((await ssm.send(new GetParameterCommand({ Name: sc.parameterName }))).Parameter?.Value).toBe('blue');
  });
});

describe('replies lost after the call took effect', () => {
  const lost = (since: number, operation: string) =>
    sb.requests({ operation, since }).map(({ status, errorCode, fault, lostReply }) => ({ status, errorCode, fault, lostReply }));
  const changes = (name: string) => {
    const seen: { name: string; version?: number }[] = [];
    const on = (e: { name: string; version?: number }) => e.name === name && seen.push(e);
    sb.events.on('parameterChanged', on);
    return { seen, off: () => sb.events.off('parameterChanged', on) };
  };

  test('drop-reply on a create: the parameter is written, and the SDK retry meets ParameterAlreadyExists', async () => {
    const name = '/faults/drop-reply-create';
    const since = Date.now();
    const watch = changes(name);
    sb.injectFault({ kind: 'drop-reply', operation: 'PutParameter', times: 1 });
    const e = await rejectionOf(clientsFor(sb).ssm.send(new PutParameterCommand({ Name: name, Value: 'green', Type: 'String', Overwrite: false })));
    watch.off();
    expect(e.name).toBe('ParameterAlreadyExists');
    expect(sb.world.ssm.parameters.get(name)).toMatchObject({ Value: 'green', Version: 1 });
    expect(watch.seen).toEqual([{ name, value: 'green', version: 1 }]);
    expect(lost(since, 'PutParameter')).toEqual([
      { status: 0, errorCode: undefined, fault: 'drop-reply', lostReply: { status: 200 } },
      { status: 400, errorCode: 'ParameterAlreadyExists', fault: undefined, lostReply: undefined },
    ]);
  });

  test('drop-reply on an overwrite: the retry writes again and answers Version 2', async () => {
    const name = '/faults/drop-reply-overwrite';
    sb.injectFault({ kind: 'drop-reply', operation: 'PutParameter', times: 1 });
    const out = await clientsFor(sb).ssm.send(new PutParameterCommand({ Name: name, Value: 'green', Type: 'String', Overwrite: true }));
    expect(out.Version).toBe(2);
    expect(out.$metadata.attempts).toBe(2);
    expect(sb.world.ssm.parameters.get(name)).toMatchObject({ Value: 'green', Version: 2 });
  });

  test('drop-reply without retries: a network error, yet the parameter exists; a failing call loses its error reply', async () => {
    const name = '/faults/drop-reply-single';
    const { ssm } = clientsFor(sb, { maxAttempts: 1 });
    const since = Date.now();
    sb.injectFault({ kind: 'drop-reply', operation: 'PutParameter', times: 1 });
    const e = await rejectionOf(ssm.send(new PutParameterCommand({ Name: name, Value: 'green', Type: 'String' })));
    expect(e.$metadata?.httpStatusCode).toBeUndefined();
    expect(e.name).not.toBe('ParameterAlreadyExists');
    expect(sb.world.ssm.parameters.get(name)).toMatchObject({ Value: 'green', Version: 1 });

    sb.injectFault({ kind: 'drop-reply', operation: 'PutParameter', times: 1 });
    const again = await rejectionOf(ssm.send(new PutParameterCommand({ Name: name, Value: 'blue', Type: 'String' })));
    expect(again.$metadata?.httpStatusCode).toBeUndefined();
    expect(lost(since, 'PutParameter').map((r) => [r.status, r.lostReply])).toEqual([
      [0, { status: 200 }],
      [0, { status: 400, errorCode: 'ParameterAlreadyExists' }],
    ]);
    expect(sb.world.ssm.parameters.get(name)).toMatchObject({ Value: 'green', Version: 1 });
  });

  test('hang: ModifyListener takes effect while the client times out waiting for the reply', async () => {
    const since = Date.now();
    const modified = new Promise((resolve) => sb.events.once('listenerModified', resolve));
    sb.injectFault({ kind: 'hang', operation: 'ModifyListener', times: 1 });
    const { elb } = clientsFor(sb, { maxAttempts: 1, requestTimeoutMs: 300 });
    const toGreen = [{ Type: 'forward' as const, TargetGroupArn: sc.targetGroups.green }];
    const e = await rejectionOf(elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: toGreen })));
    expect(e.name).toBe('TimeoutError');
    await modified;
    expect(sb.forwardWeights(sc.listenerArn)).toEqual({ [sc.targetGroups.green]: 1 });
    expect(lost(since, 'ModifyListener')).toEqual([{ status: 0, errorCode: undefined, fault: 'hang', lostReply: { status: 200 } }]);
    await elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: toBlue() }));
  });

  test('hang with latencyMs: the silent connection is destroyed then; without it, stop() still ends it', async () => {
    sb.injectFault({ kind: 'hang', latencyMs: 200, operation: 'GetParameter', times: 1 });
    const e = await rejectionOf(clientsFor(sb, { maxAttempts: 1 }).ssm.send(new GetParameterCommand({ Name: sc.parameterName })));
    expect(e.$metadata?.httpStatusCode).toBeUndefined();

    // A second sandbox, so stopping it does not end the shared one: a client with no timeout at all.
    const other = await startSandbox();
    other.injectFault({ kind: 'hang', operation: 'GetParameter' });
    const logged = new Promise((resolve) => other.events.once('request', resolve));
    const pending = rejectionOf(clientsFor(other, { maxAttempts: 1 }).ssm.send(new GetParameterCommand({ Name: '/nothing/here' })));
    expect(await logged).toMatchObject({ status: 0, fault: 'hang', lostReply: { status: 400, errorCode: 'ParameterNotFound' } });
    await other.stop();
    expect((await pending).$metadata?.httpStatusCode).toBeUndefined();
  });

  test('unknown kinds are refused', () => {
    expect(() => sb.injectFault({ kind: 'reply-later' as never, operation: '*' })).toThrow(/unknown fault kind "reply-later"; expected one of .*drop-reply, hang/);
  });
});

describe('control API over HTTP', () => {
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sb.endpoint}/_sandbox${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  test('faults, request counts, alarms and the state dump', async () => {
    const added = await call('POST', '/faults', { kind: 'throttle', operation: 'GetParameter', times: 1 });
    expect(added.json.id).toMatch(/^fault-\d+$/);
    expect((await call('GET', '/faults')).json).toEqual([expect.objectContaining({ kind: 'throttle', operation: 'GetParameter' })]);
    await call('DELETE', '/faults');
    expect((await call('GET', '/faults')).json).toEqual([]);

    await call('DELETE', '/requests');
    await clientsFor(sb).ssm.send(new GetParameterCommand({ Name: sc.parameterName }));
    expect((await call('GET', '/requests/counts')).json).toEqual({ GetParameter: 1 });
    expect((await call('GET', '/requests?operation=GetParameter')).json).toEqual([expect.objectContaining({ service: 'ssm', status: 200 })]);

    await call('POST', '/alarms', { name: 'x-5xx', state: 'ALARM' });
    const state = (await call('GET', '/state')).json as { alarms: { name: string }[]; listeners: { arn: string }[] };
    expect(state.alarms.map((a) => a.name)).toEqual(['x-5xx']);
    expect(state.listeners.map((l) => l.arn)).toContain(sc.listenerArn);
    expect((await call('GET', '/nope')).status).toBe(404);
  });

  test('a scenario can be created over HTTP', async () => {
    const r = await call('POST', '/scenarios/blue-green', { name: 'http-made', desiredCount: 1, withTestListener: true });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ parameterName: '/http-made/live-color', prodUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const td = await call('POST', '/task-definitions', { family: 'http-made', behaviour: 'unhealthy', version: 'v2' });
    expect(td.json.taskDefinitionArn).toMatch(/task-definition\/http-made:2$/);
    expect((await call('POST', '/behaviour', { service: 'http-made-blue', behaviour: 'slow:10' })).json).toEqual({ tasks: 1 });
  });
});

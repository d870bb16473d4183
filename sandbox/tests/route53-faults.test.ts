// Route 53 under the sandbox's faults, through the real SDK client, and its calls in the request log. Follows:
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html#limits-api-requests ("Route 53
//     returns an HTTP 400 error (Bad request). The response header also includes a Code element with a value of
//     Throttling and a Message element with a value of Rate exceeded"; PriorRequestNotComplete when Route 53 "can't
//     process a request before the next request arrives")
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html (PriorRequestNotComplete)
//   https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html (throttling and 5xx are retried)
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  PriorRequestNotComplete,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { startSandbox, type Sandbox } from '../index.js';
import { change, changeBatch, failure, route53For, simple } from './route53-support.js';

let sb: Sandbox;
let once: Route53Client;
let retrying: Route53Client;
let zoneId: string;
let n = 0;

beforeAll(async () => {
  sb = await startSandbox({ route53ChangeDelayMs: 0 });
  once = route53For(sb, { maxAttempts: 1 });
  retrying = route53For(sb, { maxAttempts: 3 });
  zoneId = sb.route53.createHostedZone('faults.example.com').id;
});
afterAll(() => sb.stop());
beforeEach(() => {
  sb.clearFaults();
  sb.clearRequests();
});

/** A CREATE of a record set no earlier test made. */
const create = (client: Route53Client) => {
  n += 1;
  const name = `host-${n}.faults.example.com.`;
  return { name, call: changeBatch(client, zoneId, [change('CREATE', simple(name, ['192.0.2.1']))]) };
};
const exists = (name: string) => sb.route53.zoneRecordSets(zoneId).some((s) => s.name === name);
const logged = () => sb.requests({ service: 'route53' }).map((e) => ({ operation: e.operation, status: e.status, errorCode: e.errorCode, fault: e.fault, lostReply: e.lostReply }));

describe('faults before the call runs', () => {
  test('throttle is Route 53\'s Throttling (400, Rate exceeded), which the SDK retries', async () => {
    sb.injectFault({ kind: 'throttle', operation: 'ChangeResourceRecordSets', service: 'route53', times: 1 });
    const refused = create(once);
    const e = await failure(refused.call);
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['Throttling', 'Rate exceeded', 400]);
    expect(exists(refused.name)).toBe(false);

    sb.injectFault({ kind: 'throttle', operation: 'ChangeResourceRecordSets', service: 'route53', times: 1 });
    const retried = create(retrying);
    expect((await retried.call).ChangeInfo?.Status).toBe('PENDING');
    expect(exists(retried.name)).toBe(true);
    expect(logged().slice(1)).toEqual([
      { operation: 'ChangeResourceRecordSets', status: 400, errorCode: 'Throttling', fault: 'throttle', lostReply: undefined },
      { operation: 'ChangeResourceRecordSets', status: 200, errorCode: undefined, fault: undefined, lostReply: undefined },
    ]);
  });

  test('PriorRequestNotComplete (rejectNextChanges) is its own exception class, and retried', async () => {
    sb.route53.rejectNextChanges(1);
    const e = await failure(create(once).call);
    expect(e).toBeInstanceOf(PriorRequestNotComplete);
    expect([e.message, e.$metadata.httpStatusCode]).toEqual(['The request was rejected because Route 53 was still processing a prior request.', 400]);
    sb.route53.rejectNextChanges(1);
    const retried = create(retrying);
    await retried.call;
    expect(exists(retried.name)).toBe(true);
    expect(logged().map((l) => l.errorCode)).toEqual(['PriorRequestNotComplete', 'PriorRequestNotComplete', undefined]);
  });

  test.each([
    [500, 'InternalFailure'],
    [503, 'ServiceUnavailable'],
  ] as const)('error %i is %s, a server fault the SDK retries', async (status, code) => {
    sb.injectFault({ kind: 'error', status, operation: 'GetHostedZone', service: 'route53', times: 1 });
    const e = await failure(once.send(new GetHostedZoneCommand({ Id: zoneId })));
    expect([e.name, e.$metadata.httpStatusCode, e.$fault]).toEqual([code, status, 'server']);
    sb.injectFault({ kind: 'error', status, operation: 'GetHostedZone', service: 'route53', times: 1 });
    expect((await retrying.send(new GetHostedZoneCommand({ Id: zoneId }))).HostedZone?.Name).toBe('faults.example.com.');
  });

  test('latency delays the answer; drop closes the connection before the call runs', async () => {
    sb.injectFault({ kind: 'latency', latencyMs: 150, operation: 'ListResourceRecordSets', service: 'route53', times: 1 });
    await once.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(sb.requests({ service: 'route53' })[0]?.durationMs).toBeGreaterThanOrEqual(150);

    sb.injectFault({ kind: 'drop', operation: 'ChangeResourceRecordSets', service: 'route53', times: 1 });
    const dropped = create(once);
    expect((await failure(dropped.call)).message).toMatch(/socket hang up|ECONNRESET/);
    expect(exists(dropped.name)).toBe(false);
    expect(logged()[1]).toEqual({ operation: 'ChangeResourceRecordSets', status: 0, errorCode: undefined, fault: 'drop', lostReply: undefined });
  });
});

describe('faults after the call took effect', () => {
  test('drop-reply: the change is made, the client sees a reset connection', async () => {
    sb.injectFault({ kind: 'drop-reply', operation: 'ChangeResourceRecordSets', service: 'route53', times: 1 });
    const lost = create(once);
    expect((await failure(lost.call)).message).toMatch(/socket hang up|ECONNRESET/);
    expect(exists(lost.name)).toBe(true);
    expect(logged()).toEqual([{ operation: 'ChangeResourceRecordSets', status: 0, errorCode: undefined, fault: 'drop-reply', lostReply: { status: 200 } }]);
  });

  test('hang: the change is made, the client times out; a retry of the same CREATE then finds it exists', async () => {
    sb.injectFault({ kind: 'hang', operation: 'ChangeResourceRecordSets', service: 'route53', times: 1 });
    const client = route53For(sb, { maxAttempts: 1, requestTimeoutMs: 300 });
    const held = create(client);
    expect((await failure(held.call)).name).toBe('TimeoutError');
    expect(exists(held.name)).toBe(true);
    expect(logged()[0]).toEqual({ operation: 'ChangeResourceRecordSets', status: 0, errorCode: undefined, fault: 'hang', lostReply: { status: 200 } });
    const again = await failure(changeBatch(once, zoneId, [change('CREATE', simple(held.name, ['192.0.2.1']))]));
    expect(again.name).toBe('InvalidChangeBatch');
  });
});

describe('request log', () => {
  test('every Route 53 operation is logged under route53; a route the sandbox does not serve is 404 and not logged', async () => {
    const { call } = create(once);
    const changeId = (await call).ChangeInfo?.Id;
    await once.send(new GetChangeCommand({ Id: changeId }));
    await once.send(new GetHostedZoneCommand({ Id: zoneId }));
    await once.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    await once.send(new ListHostedZonesByNameCommand({}));
    expect(sb.requestCounts({ service: 'route53' })).toEqual({
      ChangeResourceRecordSets: 1,
      GetChange: 1,
      GetHostedZone: 1,
      ListResourceRecordSets: 1,
      ListHostedZonesByName: 1,
    });
    const e = await failure(once.send(new CreateHostedZoneCommand({ Name: 'new.example.com', CallerReference: 'x' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['UnknownOperationException', 404]);
    expect(sb.requests({ service: 'route53' })).toHaveLength(5);
  });
});

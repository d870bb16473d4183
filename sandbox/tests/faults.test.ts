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

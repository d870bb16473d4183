// The ALB data plane: weighted forwards, rules, fixed responses, 503 without targets, per-request
// routing on keep-alive connections, and in-flight requests finishing across a listener change.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ModifyListenerCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { clientsFor } from './clients.js';

let sb: Sandbox;
let sc: BlueGreenScenario;
let clients: ReturnType<typeof clientsFor>;

const weighted = (blue: number, green: number): Action[] => [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: sc.targetGroups.blue, Weight: blue },
        { TargetGroupArn: sc.targetGroups.green, Weight: green },
      ],
    },
  },
];
const shift = (blue: number, green: number) =>
  clients.elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: weighted(blue, green) }));

/** GET through a given agent; resolves with status, target group header and body. */
function get(url: string, agent?: http.Agent): Promise<{ status: number; group: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, group: String(res.headers['x-sandbox-target-group'] ?? ''), body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 150, healthCheckTimeoutMs: 2000, deregistrationDelayMs: 300, ecsTickMs: 50 });
  clients = clientsFor(sb);
  sc = await sb.createBlueGreen({ name: 'proxy', desiredCount: 2, withRule: false, healthCheckGracePeriodSeconds: 600 });
  const v2 = sc.registerTaskDefinition({ version: 'v2' });
  await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, taskDefinition: v2, desiredCount: 2 }));
  await sb.waitFor(() => sb.targetHealth(sc.targetGroups.green).filter((t) => t.state === 'healthy').length === 2, { timeoutMs: 10_000 });
});
afterAll(() => sb.stop());

describe('forward', () => {
  test('splits 50/50 by weight and round-robins within each group', async () => {
    await shift(50, 50);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const results = await Promise.all(Array.from({ length: 200 }, () => get(`${sc.prodUrl}/`, agent)));
    agent.destroy();
    expect(results.every((r) => r.status === 200)).toBe(true);
    const blue = results.filter((r) => r.group === 'proxy-blue').length;
    expect(blue).toBeGreaterThan(65);
    expect(blue).toBeLessThan(135);
    const versions = new Set(results.map((r) => (JSON.parse(r.body) as { version: string }).version));
    expect(versions).toEqual(new Set(['v1', 'v2']));
    const greenPorts = new Set(results.filter((r) => r.group === 'proxy-green').map((r) => JSON.parse(r.body).pid as number));
    expect(greenPorts.size).toBe(2);
  });

  test('routes every request on a keep-alive connection by the configuration current at that request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await shift(100, 0);
    expect((await get(`${sc.prodUrl}/`, agent)).group).toBe('proxy-blue');
    await shift(0, 100);
    expect((await get(`${sc.prodUrl}/`, agent)).group).toBe('proxy-green');
    agent.destroy();
  });

  test('lets in-flight requests finish on the old group while new requests go to the new one', async () => {
    await shift(100, 0);
    sb.setTaskBehaviour({ service: sc.services.blue.name }, 'slow:700');
    const inFlight = Array.from({ length: 6 }, () => get(`${sc.prodUrl}/slow`));
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue).reduce((n, t) => n + t.inFlight, 0) === 6, { timeoutMs: 2000 });
    await shift(0, 100);
    const after = await Promise.all(Array.from({ length: 6 }, () => get(`${sc.prodUrl}/`)));
    expect(after.map((r) => r.group)).toEqual(Array(6).fill('proxy-green'));
    const before = await Promise.all(inFlight);
    expect(before.map((r) => [r.status, r.group])).toEqual(Array(6).fill([200, 'proxy-blue']));
    sb.setTaskBehaviour({ service: sc.services.blue.name }, 'healthy');
  });

  test('a forward to a group without targets answers 503 like an ALB', async () => {
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, desiredCount: 0 }));
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.green).length === 0, { timeoutMs: 5000 });
    await shift(0, 100);
    const r = await get(`${sc.prodUrl}/`);
    expect(r.status).toBe(503);
    expect(r.body).toContain('503 Service Temporarily Unavailable');
    await shift(100, 0);
    expect((await get(`${sc.prodUrl}/`)).status).toBe(200);
  });
});

describe('rules', () => {
  test('path rules in priority order, a fixed response, and the default action', async () => {
    const rs = await sb.createBlueGreen({ name: 'proxy-rules', desiredCount: 1, withRule: true });
    const other = await get(`${rs.prodUrl}/other/thing`);
    expect([other.status, other.body, other.group]).toEqual([200, 'other', '']);
    const app = await get(`${rs.prodUrl}/app`);
    expect([app.status, app.group]).toEqual([200, 'proxy-rules-blue']);
  });
});

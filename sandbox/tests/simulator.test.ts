// The ECS simulator and target health with real task processes: rollouts complete (and the SDK's own
// waiter agrees), old tasks drain without failing a request, crashing tasks trip the circuit breaker,
// target health moves through AWS's states with AWS's reason codes.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeServicesCommand, UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox, type Sandbox } from '../index.js';
import { clientsFor } from './clients.js';

let sb: Sandbox;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 150, healthCheckTimeoutMs: 400, deregistrationDelayMs: 300, ecsTickMs: 50 });
  clients = clientsFor(sb);
});
afterAll(() => sb.stop());

const versionOf = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string }).version;

describe('rollouts', () => {
  test('an in-place rollout completes, drains the old tasks and fails no request', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-roll', desiredCount: 2 });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const oldPids = sb.world.ecs.tasks.filter((t) => t.serviceName === sc.services.blue.name).map((t) => sb.world.scheduler.processes.get(t.arn)?.child);
    const states = new Set<string>();
    const onHealth = (e: { targetGroupArn: string; target: { state: string } }) => {
      if (e.targetGroupArn === sc.targetGroups.blue) states.add(e.target.state);
    };
    sb.events.on('targetHealth', onHealth);

    // Steady traffic through the listener for the whole rollout.
    let stop = false;
    const statuses: number[] = [];
    const load = (async () => {
      while (!stop) statuses.push((await fetch(`${sc.prodUrl}/`).then((r) => r.text().then(() => r.status))));
    })();

    const out = await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, taskDefinition: v2 }));
    expect(out.service?.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    const waited = await waitUntilServicesStable(
      { client: clients.ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { cluster: sc.clusterName, services: [sc.services.blue.name] },
    );
    expect(waited.state).toBe('SUCCESS');
    await sb.waitFor(() => sb.world.ecs.services.find((s) => s.name === sc.services.blue.name)?.deployments[0]?.rolloutState === 'COMPLETED', { timeoutMs: 10_000 });
    stop = true;
    await load;
    sb.events.off('targetHealth', onHealth);

    const svc = (await clients.ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.blue.name] }))).services?.[0];
    expect(svc?.deployments).toHaveLength(1);
    expect(svc?.deployments?.[0]).toMatchObject({ taskDefinition: v2, rolloutState: 'COMPLETED', runningCount: 2 });
    const messages = svc?.events?.map((e) => e.message) ?? [];
    expect(messages).toContainEqual(expect.stringMatching(/has begun draining connections on 1 tasks\.$/));
    expect(messages).toContainEqual(expect.stringMatching(/has stopped 1 running tasks: \(task [0-9a-f]{32}\)\.$/));
    expect(messages).toContainEqual(expect.stringMatching(/\(deployment ecs-svc\/\d+\) deployment completed\.$/));
    expect(states).toEqual(new Set(['initial', 'healthy', 'draining', 'removed']));
    const targets = sb.targetHealth(sc.targetGroups.blue);
    expect(targets.map((t) => t.state)).toEqual(['healthy', 'healthy']);
    expect(await Promise.all(targets.map((t) => versionOf(t.port)))).toEqual(['v2', 'v2']);
    expect(oldPids.every((c) => c?.exitCode !== null || c?.signalCode !== null)).toBe(true);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  test('tasks that crash on start trip the circuit breaker: FAILED with ECS events', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-crash', desiredCount: 1 });
    const bad = sc.registerTaskDefinition({ version: 'v3', behaviour: 'crash' });
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, taskDefinition: bad, desiredCount: 1 }));
    const failed = await sb.waitFor(
      () => sb.world.ecs.services.find((s) => s.name === sc.services.green.name)?.deployments.find((d) => d.rolloutState === 'FAILED'),
      { timeoutMs: 15_000, what: 'a FAILED deployment' },
    );
    expect(failed.failedTasks).toBeGreaterThanOrEqual(3);
    const svc = (await clients.ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.green.name] }))).services?.[0];
    expect(svc?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
    const messages = svc?.events?.map((e) => e.message) ?? [];
    expect(messages[0]).toBe(`(service ${sc.services.green.name}) (deployment ${failed.id}) deployment failed: tasks failed to start.`);
    expect(messages).toContain(
      `(service ${sc.services.green.name}) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
    );
    expect(messages).toContainEqual(expect.stringMatching(/has started 1 tasks: \(task [0-9a-f]{32}\)\.$/));
    const stopped = sb.world.ecs.tasks.filter((t) => t.serviceName === sc.services.green.name);
    expect(stopped.every((t) => t.lastStatus === 'STOPPED' && t.stopCode === 'EssentialContainerExited')).toBe(true);
    expect(sb.targetHealth(sc.targetGroups.green)).toEqual([]);
  });

  test('scaling to 0 drains and stops every task', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-scale', desiredCount: 1 });
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, desiredCount: 0 }));
    await sb.waitFor(() => sb.world.ecs.tasks.filter((t) => t.serviceName === sc.services.blue.name).every((t) => t.lastStatus === 'STOPPED'), { timeoutMs: 5000 });
    expect(sb.targetHealth(sc.targetGroups.blue)).toEqual([]);
    expect((await fetch(`${sc.prodUrl}/`)).status).toBe(503);
  });
});

describe('desired count moved by Application Auto Scaling', () => {
  const serviceOf = (name: string) => {
    const s = sb.world.ecs.services.find((x) => x.name === name);
    if (!s) throw new Error(`no service ${name}`);
    return s;
  };
  const steady = (name: string) => serviceOf(name).events[0]?.message === `(service ${name}) has reached a steady state.`;

  test('raising it starts tasks that become healthy targets; lowering it (over HTTP) drains and stops tasks', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-autoscale', desiredCount: 1 });
    const name = sc.services.blue.name;
    const deploymentId = serviceOf(name).deployments[0]?.id;
    const since = Date.now();
    const firstEvent = serviceOf(name).events[0]?.id;

    sb.setDesiredCount({ cluster: sc.clusterName, service: name }, 3);
    const started = sb.world.ecs.tasks.filter((t) => t.serviceName === name && t.desiredStatus === 'RUNNING' && t.createdAt.getTime() >= since);
    expect(started).toHaveLength(2);
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue).filter((t) => t.state === 'healthy').length === 3 && steady(name), {
      timeoutMs: 15_000,
      what: '3 healthy targets and a steady state',
    });
    const ports = sb.targetHealth(sc.targetGroups.blue).map((t) => t.port);
    expect(started.every((t) => t.port !== undefined && ports.includes(t.port))).toBe(true);
    const svc = (await clients.ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [name] }))).services?.[0];
    // No new deployment: the same one, COMPLETED, now with 3 tasks.
    expect(svc).toMatchObject({ desiredCount: 3, runningCount: 3 });
    expect(svc?.deployments?.map((d) => [d.id, d.rolloutState, d.desiredCount])).toEqual([[deploymentId, 'COMPLETED', 3]]);
    const scaledUp = eventsSince(serviceOf(name).events, firstEvent);
    expect(scaledUp[0]).toBe(`(service ${name}) has started 2 tasks: (task ${started[0]?.id}) (task ${started[1]?.id}).`);
    expect(scaledUp.filter((m) => m === `(service ${name}) registered 1 targets in (target-group ${sc.targetGroups.blue})`)).toHaveLength(2);
    expect(scaledUp.at(-1)).toBe(`(service ${name}) has reached a steady state.`);
    // Application Auto Scaling is not the action: its UpdateService is not in the request log.
    expect(sb.requests({ since, operation: 'UpdateService' })).toEqual([]);

    const lastEvent = serviceOf(name).events[0]?.id;
    const r = await fetch(`${sb.endpoint}/_sandbox/desired-count`, { method: 'POST', body: JSON.stringify({ service: name, desiredCount: 1 }) });
    expect([r.status, await r.json()]).toEqual([200, { service: name, desiredCount: 1 }]);
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue).length === 1 && steady(name), { timeoutMs: 15_000, what: 'one target left and a steady state' });
    const stopped = sb.world.ecs.tasks.filter((t) => t.serviceName === name && t.desiredStatus === 'STOPPED');
    expect(stopped.map((t) => [t.lastStatus, t.stoppedReason])).toEqual([
      ['STOPPED', `Scaling activity initiated by (deployment ${deploymentId})`],
      ['STOPPED', `Scaling activity initiated by (deployment ${deploymentId})`],
    ]);
    const scaledDown = eventsSince(serviceOf(name).events, lastEvent);
    expect(scaledDown.filter((m) => m.endsWith('has begun draining connections on 1 tasks.'))).toHaveLength(2);
    expect(scaledDown.filter((m) => /has stopped 1 running tasks: \(task [0-9a-f]{32}\)\.$/.test(m))).toHaveLength(2);
    expect(scaledDown.at(-1)).toBe(`(service ${name}) has reached a steady state.`);
    expect((await fetch(`${sc.prodUrl}/`)).status).toBe(200);
  });

  test('refuses what UpdateService refuses, and services it cannot find', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-autoscale-bad', desiredCount: 1 });
    expect(() => sb.setDesiredCount({ service: 'nope' }, 1)).toThrow('no ACTIVE service nope');
    expect(() => sb.setDesiredCount({ cluster: 'elsewhere', service: sc.services.blue.name }, 1)).toThrow(/no ACTIVE service .* in cluster elsewhere/);
    expect(() => sb.setDesiredCount({ service: sc.services.blue.name }, -1)).toThrow('Invalid desiredCount: must be a non-negative integer.');
    const r = await fetch(`${sb.endpoint}/_sandbox/desired-count`, { method: 'POST', body: JSON.stringify({ service: sc.services.blue.name, desiredCount: '2' }) });
    expect(r.status).toBe(400);
    expect(serviceOf(sc.services.blue.name).desiredCount).toBe(1);
  });
});

/** Messages written after the event with id `after`, oldest first. */
function eventsSince(events: { id: string; message: string }[], after: string | undefined): string[] {
  const index = events.findIndex((e) => e.id === after);
  return events.slice(0, index === -1 ? events.length : index).map((e) => e.message).reverse();
}

describe('target health', () => {
  test('a task failing its checks goes initial → unhealthy with Target.ResponseCodeMismatch, then ECS replaces it', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-unhealthy', desiredCount: 1 });
    const seen: { state: string; reason?: string; description?: string }[] = [];
    const onHealth = (e: { targetGroupArn: string; target: { state: string; reason?: string; description?: string } }) => {
      if (e.targetGroupArn === sc.targetGroups.green) seen.push(e.target);
    };
    sb.events.on('targetHealth', onHealth);
    const bad = sc.registerTaskDefinition({ version: 'v2', behaviour: 'unhealthy' });
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, taskDefinition: bad, desiredCount: 1 }));
    await sb.waitFor(() => seen.some((t) => t.state === 'unhealthy'), { timeoutMs: 5000 });
    expect(seen[0]).toMatchObject({ state: 'initial', reason: 'Elb.RegistrationInProgress' });
    expect(seen.find((t) => t.state === 'unhealthy')).toMatchObject({
      reason: 'Target.ResponseCodeMismatch',
      description: 'Health checks failed with these codes: [500]',
    });
    const messages = await sb.waitFor(() => {
      const events = sb.world.ecs.services.find((s) => s.name === sc.services.green.name)?.events.map((e) => e.message) ?? [];
      return events.some((m) => m.includes('failed ELB health checks')) && events;
    }, { timeoutMs: 5000 });
    expect(messages.find((m) => m.includes('failed ELB health checks'))).toMatch(
      new RegExp(`\\(task [0-9a-f]{32}\\) failed ELB health checks in \\(target-group ${sc.targetGroups.green.replace(/[/.]/g, '\\$&')}\\)$`),
    );
    sb.events.off('targetHealth', onHealth);
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, desiredCount: 0 }));
  });

  test('slow answers are Target.Timeout; a group no listener uses is unused, then checked again', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-states', desiredCount: 1, healthCheckGracePeriodSeconds: 600 });
    sb.setTaskBehaviour({ service: sc.services.blue.name }, 'slow:1000');
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue)[0]?.state === 'unhealthy', { timeoutMs: 5000 });
    expect(sb.targetHealth(sc.targetGroups.blue)[0]).toMatchObject({ reason: 'Target.Timeout', description: 'Request timed out' });
    sb.setTaskBehaviour({ service: sc.services.blue.name }, 'healthy');
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue)[0]?.state === 'healthy', { timeoutMs: 5000 });

    // Point the only listener at green alone: blue's group is no longer used by the load balancer.
    await clients.elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: sc.targetGroups.green }] }));
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue)[0]?.state === 'unused', { timeoutMs: 2000 });
    expect(sb.targetHealth(sc.targetGroups.blue)[0]).toMatchObject({ reason: 'Target.NotInUse' });
    await clients.elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: sc.targetGroups.blue }] }));
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue)[0]?.state === 'healthy', { timeoutMs: 2000 });
  });

  test('degrade-after turns a healthy task unhealthy N seconds after start', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-degrade', desiredCount: 1, taskBehaviour: 'degrade-after:1', healthCheckGracePeriodSeconds: 600 });
    expect((await fetch(`${sc.prodUrl}/`)).status).toBe(200);
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue)[0]?.state === 'unhealthy', { timeoutMs: 5000 });
    // Every target unhealthy: the load balancer fails open and still sends requests to them.
    const r = await fetch(`${sc.prodUrl}/`);
    expect(r.status).toBe(500);
    expect(r.headers.get('x-sandbox-target-group')).toBe('sim-degrade-blue');
  });

  test('degrade-after-traffic stays healthy under health checks alone, and degrades after the first user request', async () => {
    const sc = await sb.createBlueGreen({ name: 'sim-traffic', desiredCount: 1, taskBehaviour: 'degrade-after-traffic:0.3', healthCheckGracePeriodSeconds: 600 });
    await new Promise((r) => setTimeout(r, 600));
    expect(sb.targetHealth(sc.targetGroups.blue)[0]?.state).toBe('healthy');
    const first = await fetch(`${sc.prodUrl}/checkout`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ version: 'v1', colour: 'blue' });
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.blue)[0]?.state === 'unhealthy', { timeoutMs: 5000 });
  });
});

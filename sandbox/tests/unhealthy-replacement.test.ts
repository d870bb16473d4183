// ECS replacing tasks that fail their target group's health checks, as the ECS guide describes it:
// "the Amazon ECS service scheduler will start replacement tasks first and maintain
// minimumHealthyPercent tasks until the replacement tasks become healthy. As the replacement tasks
// launch and become healthy, the unhealthy tasks will gradually be stopped" — and when maximumPercent
// leaves no room, the unhealthy tasks are stopped first to make room.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import type { Service, Task } from '../ecs/model.js';
import type { TargetHealthEvent } from '../elb/model.js';
import { clientsFor } from './clients.js';

let sb: Sandbox;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 150, healthCheckTimeoutMs: 400, deregistrationDelayMs: 300, ecsTickMs: 50 });
  clients = clientsFor(sb, { maxAttempts: 1 });
});
afterAll(() => sb.stop());

const blueService = (sc: BlueGreenScenario): Service => {
  const s = sb.world.ecs.services.find((x) => x.name === sc.services.blue.name);
  if (!s) throw new Error(`no service ${sc.services.blue.name}`);
  return s;
};
const tasksOf = (sc: BlueGreenScenario): Task[] => sb.world.ecs.tasks.filter((t) => t.serviceName === sc.services.blue.name);
const running = (sc: BlueGreenScenario): Task[] => tasksOf(sc).filter((t) => t.desiredStatus === 'RUNNING');
/** Service events oldest first. */
const eventsOf = (sc: BlueGreenScenario): string[] => blueService(sc).events.map((e) => e.message).reverse();

/** Sequential requests through the listener until `done()` or the deadline; the statuses seen. */
async function loadUntil(url: string, done: () => boolean, deadlineMs: number): Promise<number[]> {
  const statuses: number[] = [];
  const until = Date.now() + deadlineMs;
  while (!done() && Date.now() < until) {
    const r = await fetch(`${url}/`);
    await r.arrayBuffer();
    statuses.push(r.status);
  }
  return statuses;
}

/** Makes one running task of the service fail its health checks; returns it. */
function breakOneTask(sc: BlueGreenScenario): Task {
  const [task] = running(sc);
  if (!task) throw new Error('no running task');
  sb.world.scheduler.setBehaviour(task, 'unhealthy');
  return task;
}

describe('a task failing its ELB health checks (maximumPercent 200, minimumHealthyPercent 100)', () => {
  test('one of two: the replacement starts first, the failing task stops once it is healthy, no 503 meanwhile', async () => {
    const sc = await sb.createBlueGreen({ name: 'repl-one', desiredCount: 2 });
    const tg = sc.targetGroups.blue;
    const before = new Set(tasksOf(sc).map((t) => t.arn));
    const broken = breakOneTask(sc);
    // After every target-health change: how many targets could take traffic, and, when the failing
    // task's target starts draining, how many of the others are healthy.
    let fewestServable = Infinity;
    let healthyOthersWhenDrained: number | undefined;
    const onHealth = (e: TargetHealthEvent) => {
      if (e.targetGroupArn !== tg) return;
      const targets = sb.targetHealth(tg);
      fewestServable = Math.min(fewestServable, targets.filter((t) => t.state === 'healthy' || t.state === 'initial').length);
      if (e.target.port === broken.port && e.target.state === 'draining') {
        healthyOthersWhenDrained = targets.filter((t) => t.port !== broken.port && t.state === 'healthy').length;
      }
    };
    // The task's checks start failing on a later health-check round: nothing is missed by subscribing now.
    sb.events.on('targetHealth', onHealth);

    const statuses = await loadUntil(sc.prodUrl, () => broken.lastStatus === 'STOPPED', 20_000);
    await sb.waitFor(() => broken.lastStatus === 'STOPPED' && running(sc).every((t) => sb.targetHealth(tg).some((x) => x.port === t.port && x.state === 'healthy')), {
      timeoutMs: 10_000,
      what: 'the failing task stopped and two healthy tasks',
    });
    sb.events.off('targetHealth', onHealth);

    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s === 503)).toEqual([]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(fewestServable).toBeGreaterThanOrEqual(1);
    // The failing task was deregistered only once its replacement was healthy beside the other task.
    expect(healthyOthersWhenDrained).toBe(2);

    const started = tasksOf(sc).filter((t) => !before.has(t.arn));
    expect(started).toHaveLength(1);
    const replacement = started[0];
    expect(running(sc)).toContain(replacement);
    expect(running(sc)).toHaveLength(2);
    expect(broken).toMatchObject({ desiredStatus: 'STOPPED', stoppedReason: `Task failed ELB health checks in (target-group ${tg})` });
    const events = eventsOf(sc);
    const failedAt = events.indexOf(`(service ${sc.services.blue.name}) (task ${broken.id}) failed ELB health checks in (target-group ${tg})`);
    const startedAt = events.indexOf(`(service ${sc.services.blue.name}) has started 1 tasks: (task ${replacement?.id}).`);
    const stoppedAt = events.indexOf(`(service ${sc.services.blue.name}) has stopped 1 running tasks: (task ${broken.id}).`);
    expect(failedAt).toBeGreaterThanOrEqual(0);
    expect(startedAt).toBeGreaterThan(failedAt);
    expect(stoppedAt).toBeGreaterThan(startedAt);
    // Counted once for the circuit breaker; the completed rollout stays completed.
    expect(blueService(sc).deployments[0]).toMatchObject({ failedTasks: 1, rolloutState: 'COMPLETED' });
  });

  test('the only task: it keeps serving (the load balancer fails open) until its replacement is registered, no 503', async () => {
    const sc = await sb.createBlueGreen({ name: 'repl-only', desiredCount: 1 });
    const tg = sc.targetGroups.blue;
    let fewestRegistered = Infinity;
    const onHealth = (e: TargetHealthEvent) => {
      if (e.targetGroupArn === tg) fewestRegistered = Math.min(fewestRegistered, sb.targetHealth(tg).filter((t) => t.state !== 'draining').length);
    };
    sb.events.on('targetHealth', onHealth);
    const broken = breakOneTask(sc);
    const statuses = await loadUntil(sc.prodUrl, () => broken.lastStatus === 'STOPPED', 20_000);
    sb.events.off('targetHealth', onHealth);

    expect(broken.lastStatus).toBe('STOPPED');
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s === 503)).toEqual([]);
    expect(fewestRegistered).toBeGreaterThanOrEqual(1);
    expect(running(sc)).toHaveLength(1);
  });
});

describe('scaling while a replacement starts', () => {
  test('scaling to 0 stops the replacement and the failing task alike: nothing is left running', async () => {
    const sc = await sb.createBlueGreen({ name: 'repl-scale', desiredCount: 2 });
    const before = new Set(tasksOf(sc).map((t) => t.arn));
    const broken = breakOneTask(sc);
    const replacement = await sb.waitFor(() => tasksOf(sc).find((t) => !before.has(t.arn)), { timeoutMs: 10_000, what: 'a replacement started' });
    expect(broken.desiredStatus).toBe('RUNNING');
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, desiredCount: 0 }));
    await sb.waitFor(() => tasksOf(sc).every((t) => t.lastStatus === 'STOPPED'), { timeoutMs: 10_000, what: 'every task stopped' });
    expect(replacement.desiredStatus).toBe('STOPPED');
    expect(broken.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${sc.targetGroups.blue})`);
    expect(sb.targetHealth(sc.targetGroups.blue)).toEqual([]);
  });
});

describe('no room under maximumPercent', () => {
  test('maximumPercent 100: the failing task is stopped at once, then replaced', async () => {
    const sc = await sb.createBlueGreen({ name: 'repl-full', desiredCount: 2 });
    await clients.ecs.send(
      new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 } }),
    );
    const described = await clients.ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.blue.name] }));
    expect(described.services?.[0]?.deploymentConfiguration).toMatchObject({ maximumPercent: 100, minimumHealthyPercent: 50 });

    const before = new Set(tasksOf(sc).map((t) => t.arn));
    const broken = breakOneTask(sc);
    await sb.waitFor(() => broken.stoppingAt, { timeoutMs: 10_000, what: 'the failing task stopping' });
    // Nothing was started while the failing task still counted against the 2-task limit.
    const startedBeforeStop = tasksOf(sc).filter((t) => !before.has(t.arn) && t.createdAt < (broken.stoppingAt ?? new Date(0)));
    expect(startedBeforeStop).toEqual([]);
    expect(tasksOf(sc).filter((t) => t.desiredStatus === 'RUNNING').length).toBeLessThanOrEqual(2);

    const replacement = await sb.waitFor(() => running(sc).find((t) => !before.has(t.arn) && sb.targetHealth(sc.targetGroups.blue).some((x) => x.port === t.port && x.state === 'healthy')), {
      timeoutMs: 10_000,
      what: 'a healthy replacement',
    });
    expect(replacement.createdAt.getTime()).toBeGreaterThanOrEqual(broken.stoppingAt?.getTime() ?? Infinity);
    const events = eventsOf(sc);
    expect(events.indexOf(`(service ${sc.services.blue.name}) has started 1 tasks: (task ${replacement.id}).`)).toBeGreaterThan(
      events.findIndex((m) => m.endsWith(`(task ${broken.id}) failed ELB health checks in (target-group ${sc.targetGroups.blue})`)),
    );
    expect(broken.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${sc.targetGroups.blue})`);
  });
});

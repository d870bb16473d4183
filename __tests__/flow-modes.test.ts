// The two other modes: `rollback` (flip traffic to the other colour after checking it, no redeploy)
// and `status` (report, change nothing).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
/** mode: status of the engine the config names. */
const status = (config: Config, deps: FlowDeps) => engineFor(config).modes.status(config, deps);
const { Cancelled, LockHeld } = await import('../src/errors.js');
const { FakeAws, PARAMETER, SERVICES, TEST_LISTENER, TG, forwardTo, healthy, taskDefArn, unhealthy, weighted } = await import('../__fixtures__/fake-aws.js');
const { BLUE_URL, IDLE_URL, LOCK, T0, advanceUntil, foreignLock, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const unused = (id: string) => ({ id, port: 8080, state: 'unused' });
const rollbackMode = { mode: 'rollback' as const };

describe('mode: rollback', () => {
  it('flips to the other colour after its target health and HTTP checks, and records it', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'green' }), config: rollbackMode });
    const result = await settle(manualRollback(h.config, h.deps), 1_000);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toEqual({
      status: 'succeeded',
      liveColour: 'blue',
      previousColour: 'green',
      rolledBack: true,
      rollbackReason: 'mode: rollback moved traffic from green to blue',
      switchedAt: '2026-11-22T10:00:20.000Z',
      targetColour: 'blue',
      taskDefinitionArn: expect.stringContaining(':task-definition/'),
    });
    expect(h.aws.liveColour()).toBe('blue');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    // The checks came first: target health, then healthy-threshold passes of the target colour's URL.
    const write = h.aws.calls.findIndex((c) => c.op === 'elb.writeActions');
    expect(h.aws.calls.findIndex((c) => c.op === 'elb.describeTargetHealth' && c.args[0] === TG.blue)).toBeLessThan(write);
    expect(h.probe.calls.map((c) => [c.url, c.at - T0])).toEqual([
      [BLUE_URL, 0],
      [BLUE_URL, 10_000],
      [BLUE_URL, 20_000],
    ]);
    expect(h.aws.callsOf('elb.writeActions')[0]!.at - T0).toBe(20_000);
    // No redeploy.
    expect(h.aws.count('ecs.updateService')).toBe(0);
    expect(h.aws.count('ecs.registerTaskDefinition')).toBe(0);
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(h.state.phases()).toEqual(['started', 'verifying', 'shifting', 'settled']);
    expect(h.state.firstSave('snapshot')!.call).toBeLessThanOrEqual(write);
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining('Switched traffic from green to blue'), { title: 'Traffic switched to blue' });
  });

  it('refuses when the other colour runs no tasks, changing nothing', async () => {
    const h = await harness({ aws: new FakeAws({ idleDesired: 0 }), config: rollbackMode });
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.outcome).toEqual({ status: 'failed', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    expect(result.error?.message).toContain('Cannot roll back to green: shop-green runs no tasks (desired 0)');
    expect(result.errorTitle).toBe('Manual rollback failed; traffic stays as it was (blue)');
    expect(h.aws.mutations().map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'ssm.delete']);
    expect(h.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
  });

  it('recovers a split listener onto the recorded colour', async () => {
    const h = await harness({ aws: new FakeAws({ listenerActions: [weighted({ blue: 70, green: 30 })], record: 'blue' }), config: rollbackMode });
    const result = await settle(manualRollback(h.config, h.deps), 1_000);

    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue', previousColour: 'green', rolledBack: true });
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 100, green: 0 });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(h.probe.calls.every((c) => c.url === BLUE_URL)).toBe(true);
  });

  it('refuses a split listener when the record names no colour', async () => {
    const h = await harness({ aws: new FakeAws({ listenerActions: [weighted({ blue: 50, green: 50 })], record: null }), config: rollbackMode });
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.outcome).toEqual({ status: 'failed', rolledBack: false });
    expect(result.error?.message).toContain('does not name a colour');
    expect(result.errorTitle).toBe('Manual rollback failed');
    expect(h.aws.count('elb.writeActions')).toBe(0);
  });

  it('leaves the listener as it was when the health check fails', async () => {
    const h = await harness({ config: { ...rollbackMode, waitTimeoutMs: 60_000 } });
    h.probe.failing.add(IDLE_URL);
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error?.message).toContain(`Health check of ${IDLE_URL} did not pass`);
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });

  it('leaves the listener as it was when the target colour has no healthy targets', async () => {
    const h = await harness({ config: { ...rollbackMode, waitTimeoutMs: 30_000 } });
    h.aws.health.set(TG.green, [unhealthy('10.0.0.9')]);
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.error?.message).toContain("The green target group's targets did not all become healthy");
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.probe.calls).toEqual([]);
  });

  it('verify-route: forward detaches an unused group it attached when verification then fails', async () => {
    const original: Action[] = [forwardTo(TG.blue)];
    const h = await harness({ config: { ...rollbackMode, waitTimeoutMs: 60_000, verifyRoute: 'forward' } });
    h.aws.health.set(TG.green, (attached) => (attached ? [healthy('10.0.1.1')] : [unused('10.0.1.1')]));
    h.probe.failing.add(IDLE_URL);
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('failed');
    expect(h.aws.writes().map((w) => weightsOf(w, TG))).toEqual([
      { blue: 100, green: 0 },
      { blue: 1, green: 0 },
    ]);
    expect(h.aws.listenerActions()).toEqual(original);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });

  it('says so when restoring the listener fails too', async () => {
    const h = await harness({ config: rollbackMode });
    let writes = 0;
    h.aws.faults.push((op) => (op === 'ssm.put' ? new Error('AccessDenied: ssm:PutParameter') : undefined));
    h.aws.faults.push((op) => (op === 'elb.writeActions' && ++writes === 2 ? new Error('ThrottlingException') : undefined));
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome).toEqual({ status: 'failed', rolledBack: false });
    expect(result.error?.message).toBe('AccessDenied: ssm:PutParameter; restoring the listener failed too: ThrottlingException');
    expect(result.errorTitle).toBe('Manual rollback failed');
  });

  it('puts the listener and the record back when recording the new colour fails', async () => {
    const h = await harness({ config: rollbackMode });
    let puts = 0;
    h.aws.faults.push((op) => (op === 'ssm.put' && ++puts === 1 ? new Error('InternalServerError') : undefined));
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('failed');
    expect(h.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });

  it('leaves the listener as it was when cancelled during verification', async () => {
    const h = await harness({ config: rollbackMode });
    const done = manualRollback(h.config, h.deps);
    await advanceUntil(() => h.probe.calls.length === 1, 'the first probe');
    h.controller.abort(new Cancelled('SIGINT'));
    const result = await settle(done);
    expect(result.outcome.status).toBe('failed');
    expect(result.error?.message).toBe('the job was cancelled (SIGINT)');
    expect(h.aws.count('elb.writeActions')).toBe(0);
  });

  it('checks target health only when there is no health-check-url', async () => {
    const h = await harness({ config: rollbackMode });
    h.config.health = { ...h.config.health };
    delete h.config.health.url;
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.probe.calls).toEqual([]);
  });

  it('points the test listener at the colour that is now idle', async () => {
    const h = await harness({ aws: new FakeAws({ testListener: true }), config: { ...rollbackMode, testListenerArn: TEST_LISTENER } });
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.liveColour(TEST_LISTENER)).toBe('blue');
  });

  it('fails fast when another run holds the lock', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 + 60_000), version: 1 });
    const h = await harness({ aws, config: rollbackMode });
    await expect(manualRollback(h.config, h.deps)).rejects.toThrow(LockHeld);
    expect(aws.count('elb.readActions')).toBe(1); // the pair check's read, before the lock: discovery never ran
  });

  it('dry run: only reads and says what it would do', async () => {
    const h = await harness({ config: { ...rollbackMode, dryRun: true } });
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.outcome).toEqual({ status: 'no-op', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    expect(result.notes.plan).toEqual(["Make sure green runs as many tasks as blue wants, check its targets and health URL, then move all traffic from blue to green and record green."]);
    expect(h.aws.mutations()).toEqual([]);
  });
});

describe('mode: status', () => {
  const statusMode = { mode: 'status' as const };

  it("reports the live colour, both services' task definitions and images, and changes nothing", async () => {
    const aws = new FakeAws({ live: 'green' });
    aws.taskDefinitions.set(taskDefArn(5), { taskDefinitionArn: taskDefArn(5), family: 'shop', revision: 5, containerDefinitions: [{ name: 'app', image: 'shop:5' }, { name: 'envoy', image: 'envoy:1.30' }] });
    aws.addService(SERVICES.green, 3, taskDefArn(5));
    const h = await harness({ aws, config: statusMode });
    const result = await settle(status(h.config, h.deps));

    expect(result.outcome).toEqual({ status: 'no-op', liveColour: 'green', previousColour: 'green', taskDefinitionArn: taskDefArn(5), rolledBack: false });
    expect(result.notes.services).toEqual([
      { colour: 'blue', service: 'shop-blue', taskDefinitionArn: taskDefArn(1), images: ['app=shop:1'], desired: 2, running: 2 },
      { colour: 'green', service: 'shop-green', taskDefinitionArn: taskDefArn(5), images: ['app=shop:5', 'envoy=envoy:1.30'], desired: 3, running: 3 },
    ]);
    expect(result.notes.notes).toEqual([]);
    expect(result.notes.listenerBefore).toContain('green 100%');
    expect(aws.mutations()).toEqual([]);
    expect(h.state.saves).toEqual([]);
    expect(result.error).toBeUndefined();
  });

  it('notes a split listener, drift, and a colour that gets traffic without healthy targets', async () => {
    const split = new FakeAws({ listenerActions: [weighted({ blue: 75, green: 25 })] });
    split.health.set(TG.green, [unhealthy('10.0.0.5')]);
    const h = await harness({ aws: split, config: statusMode });
    const result = await settle(status(h.config, h.deps));
    expect(result.outcome).toEqual({ status: 'no-op', rolledBack: false });
    expect(result.notes.notes).toEqual([
      "The listener is split: blue 75%, green 25%. Run 'mode: rollback' to put all traffic on the recorded colour.",
      'green receives traffic but has no healthy targets.',
    ]);
    expect(split.mutations()).toEqual([]);

    const drifted = await harness({ aws: new FakeAws({ record: 'green' }), config: statusMode });
    const driftResult = await settle(status(drifted.config, drifted.deps));
    expect(driftResult.notes.notes).toEqual([`${PARAMETER} records 'green' but the listener sends traffic to blue.`]);
    expect(drifted.aws.mutations()).toEqual([]);

    const missing = await harness({ aws: new FakeAws({ record: null }), config: statusMode });
    const missingResult = await settle(status(missing.config, missing.deps));
    expect(missingResult.notes.notes).toEqual([`${PARAMETER} records '(missing)' but the listener sends traffic to blue.`]);
  });
});

describe('manual rollback: expected-live-color', () => {
  it('changes nothing when traffic is no longer on the expected colour (already rolled back)', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'blue' }), config: { mode: 'rollback', expectedLiveColour: 'green' } });
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.error).toBeUndefined();
    expect(result.outcome).toEqual({ status: 'no-op', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    // Only the lock was taken and released.
    expect(h.aws.mutations().filter((c) => c.args[0] !== LOCK)).toEqual([]);
    expect(h.aws.liveColour()).toBe('blue');
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining('traffic is on blue, not on green'), { title: 'Rollback not needed' });
  });

  it('rolls back when the expected colour is live', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'green' }), config: { mode: 'rollback', expectedLiveColour: 'green' } });
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue', previousColour: 'green', rolledBack: true });
    expect(h.aws.liveColour()).toBe('blue');
  });
});

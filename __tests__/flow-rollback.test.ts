// Once traffic has moved: weighted shifts (canary, linear), the bake, and the automatic rollback on a
// failed check, an alarm, a cancellation or a listener write that did not take, with the dead-colour rule.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { post } = await import('../src/engines/listener/post.js');
const { Cancelled, RollbackFailed } = await import('../src/errors.js');
const { FakeAws, LISTENER, PARAMETER, SERVICES, TG, forwardTo, healthy, taskDefArn, unhealthy } = await import('../__fixtures__/fake-aws.js');
const { IDLE_URL, LOCK, T0, advanceUntil, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');
const { makeConfig } = await import('../__fixtures__/config.js');
const HEALTH = makeConfig().health;
type Harness = Awaited<ReturnType<typeof harness>>;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const ORIGINAL: Action[] = [forwardTo(TG.blue)];
const INTERVAL = 10_000;

/** Runs `act` the moment main saves `phase`. */
const atPhase = (h: Harness, phase: string, act: () => void) => {
  h.state.onSave = (key, value) => {
    if (key === 'phase' && value === phase) act();
  };
};

const expectRestored = (h: Harness) => {
  expect(h.aws.listenerActions()).toEqual(ORIGINAL);
  expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  expect(h.aws.parameters.has(LOCK)).toBe(false);
  expect(h.state.phase()).toBe('settled');
};

describe('bake failure', () => {
  it('rolls back to the exact snapshot within unhealthy-threshold × interval of the first failure', async () => {
    const h = await harness();
    let failFrom = Infinity;
    atPhase(h, 'baking', () => (failFrom = Date.now() + 42_000));
    h.probe.answer = () => Date.now() < failFrom;

    const result = await settle(deploy(h.config, h.deps), 1_000);

    expectRestored(h);
    expect(h.state.phases().slice(-3)).toEqual(['baking', 'rolling-back', 'settled']);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', previousColour: 'blue', taskDefinitionArn: taskDefArn(2), rolledBack: true });
    expect(result.outcome.rollbackReason).toContain(`health check ${IDLE_URL} failed during the bake time`);
    expect(result.outcome.rollbackReason).toContain('status 503, expected 200');
    expect(result.error?.message).toMatch(/Rolled back at .*: traffic is back on blue and \/shop\/live-color = blue\./);
    expect(result.errorTitle).toBe('Blue-green deploy rolled back to blue');

    const failures = h.probe.calls.filter((c) => !c.ok);
    expect(failures).toHaveLength(h.config.health.unhealthyThreshold);
    const restoreWrite = h.aws.callsOf('elb.writeActions').at(-1)!;
    expect(restoreWrite.args[1]).toEqual(ORIGINAL);
    const timeToDetect = restoreWrite.at - failures[0]!.at;
    expect(timeToDetect).toBeLessThanOrEqual(h.config.health.unhealthyThreshold * INTERVAL);
    expect(timeToDetect).toBe((h.config.health.unhealthyThreshold - 1) * INTERVAL);
    expect(result.notes.trafficSteps.map((s) => s.note)).toEqual(['step 1/1', 'rollback']);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('Restoring traffic to blue'));
  });

  it('does not roll back on fewer than unhealthy-threshold failures in a row', async () => {
    const h = await harness();
    let bakeProbes = 0;
    let baking = false;
    atPhase(h, 'baking', () => (baking = true));
    // fail, fail, pass, fail, fail, pass...: never three in a row.
    h.probe.answer = () => !baking || ++bakeProbes % 3 === 0;
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.liveColour()).toBe('green');
    // Failures below the threshold leave a trace, and the 5-minute bake is visibly alive.
    const lines = core.messages(core.info);
    expect(lines).toContainEqual(`FAIL health check ${IDLE_URL} (2/3 in a row during the bake time): status 503, expected 200`);
    expect(lines.filter((l) => l.startsWith('Watching the bake time: ')).length).toBeGreaterThanOrEqual(9);
  });

  it('rolls back when the new colour loses every healthy target', async () => {
    const h = await harness({ config: { health: { ...HEALTH, url: undefined } } });
    atPhase(h, 'baking', () => h.aws.health.set(TG.green, [unhealthy('10.0.0.1'), unhealthy('10.0.0.2')]));
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('green target health failed during the bake time');
    expect(result.outcome.rollbackReason).toContain('no healthy green targets');
    expectRestored(h);
  });

  it('probes post-switch-health-check-url during the bake', async () => {
    const h = await harness({ config: { health: { ...HEALTH, postSwitchUrl: 'https://shop.example.com/{color}/ready' } } });
    h.probe.failing.add('https://shop.example.com/green/ready');
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('health check https://shop.example.com/green/ready failed');
    expectRestored(h);
  });
});

describe('the dead-colour rule', () => {
  it('keeps traffic on the new colour when the old one has no healthy targets, and says neither side is safe', async () => {
    const h = await harness();
    atPhase(h, 'baking', () => {
      h.aws.health.set(TG.blue, [unhealthy('10.0.0.1'), unhealthy('10.0.0.2')]);
      h.probe.failing.add(IDLE_URL);
    });
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(h.aws.writes()).toHaveLength(1); // only the switch: nothing was written back
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'green', previousColour: 'blue', rolledBack: false });
    expect(result.error).toBeInstanceOf(RollbackFailed);
    expect(result.error?.message).toContain('Did not roll back: blue has no healthy targets');
    expect(result.error?.message).toContain('Neither side is safe');
    expect(result.errorTitle).toBe('Blue-green rollback FAILED: act now');
    expect(h.state.phase()).toBe('settled');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
  });

  it('restores the snapshot and fails loudly when neither colour has healthy targets', async () => {
    const h = await harness();
    atPhase(h, 'baking', () => {
      h.aws.health.set(TG.blue, [unhealthy('10.0.0.1')]);
      h.aws.health.set(TG.green, [unhealthy('10.0.0.3')]);
    });
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(h.aws.listenerActions()).toEqual(ORIGINAL);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(result.outcome.status).toBe('failed');
    // What AWS shows, read back: traffic is on blue again, and blue has nothing healthy either.
    expect(result.outcome).toMatchObject({ liveColour: 'blue', rolledBack: true });
    expect(result.error?.message).toContain('Traffic is now on blue (read back)');
    expect(result.error?.message).toContain('Neither colour has healthy targets');
    expect(result.error?.message).toContain('the service is down');
  });

  it('moves the rest of a canary onto the new colour when the old one died mid-shift', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'canary', percent: 10, waitMs: 300_000 } } });
    atPhase(h, 'shifting', () => {
      h.aws.health.set(TG.blue, []);
      h.probe.failing.add(IDLE_URL);
    });
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(h.aws.writes().map((w) => weightsOf(w, TG))).toEqual([
      { blue: 90, green: 10 },
      { blue: 0, green: 100 },
    ]);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(result.error?.message).toContain('Did not roll back');
  });
});

describe('cancellation', () => {
  it('during verify: fails with nothing to restore', async () => {
    const h = await harness();
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.probe.calls.length === 1, 'the first verify probe');
    h.controller.abort(new Cancelled('SIGINT'));
    const result = await settle(done);

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error).toBeInstanceOf(Cancelled);
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.aws.listenerActions()).toEqual(ORIGINAL);
    expect(h.state.read('snapshot')).toBe('');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
  });

  it('during the rollout: fails at once without waiting for ECS', async () => {
    const h = await harness();
    h.aws.rolloutOutcome.set('shop-green', 'IN_PROGRESS');
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'deploying', 'deploying');
    h.controller.abort(new Cancelled('SIGTERM'));
    const result = await settle(done);
    expect(result.error).toBeInstanceOf(Cancelled);
    expect(Date.now() - T0).toBeLessThan(15_000);
    expect(h.aws.count('elb.writeActions')).toBe(0);
  });

  it('during the bake: rolls back to blue', async () => {
    const h = await harness();
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'baking', 'baking');
    await jest.advanceTimersByTimeAsync(60_000);
    const cancelledAt = Date.now();
    h.controller.abort(new Cancelled('SIGINT'));
    const result = await settle(done);

    expectRestored(h);
    expect(h.aws.callsOf('elb.writeActions').at(-1)!.at).toBe(cancelledAt);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', rolledBack: true });
    expect(result.outcome.rollbackReason).toBe('the job was cancelled (SIGINT)');
    expect(result.errorTitle).toBe('Deploy cancelled; traffic is back on blue');
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('Cancelled: the job was cancelled (SIGINT)'));
  });

  it('during the bake: uses the rescue ports for the rollback', async () => {
    const h = await harness();
    const rescue = new FakeAws();
    // The rescue ports are another client over the same AWS: share its state.
    for (const key of ['actions', 'parameters', 'health'] as const) Object.assign(rescue, { [key]: h.aws[key] });
    h.deps.rescuePorts = () => rescue;
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'baking', 'baking');
    h.controller.abort(new Cancelled('SIGINT'));
    const result = await settle(done);
    expect(result.outcome.status).toBe('rolled-back');
    expect(rescue.writes()).toEqual([ORIGINAL]);
    expect(h.aws.writes()).toHaveLength(1);
    expect(h.aws.listenerActions()).toEqual(ORIGINAL);
  });

  it('during a canary wait: rolls back', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'canary', percent: 10, waitMs: 300_000 } } });
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.aws.count('elb.writeActions') === 1, 'the 10% step');
    await jest.advanceTimersByTimeAsync(30_000);
    h.controller.abort(new Cancelled('SIGINT'));
    const result = await settle(done);

    expectRestored(h);
    expect(result.outcome.status).toBe('rolled-back');
    expect(h.aws.writes().map((w) => weightsOf(w, TG))).toEqual([
      { blue: 90, green: 10 },
      { blue: 1, green: 0 },
    ]);
  });
});

describe('weighted shifts', () => {
  it('canary 10% 5m: 10% then 100%, the record written only after 100%', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'canary', percent: 10, waitMs: 300_000 } } });
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.aws.count('elb.writeActions') === 1, 'the 10% step');
    const firstStepAt = Date.now();
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(core.notice).toHaveBeenCalledTimes(1);
    expect(core.notice).toHaveBeenLastCalledWith('Shifted traffic from blue to green: blue 90% / green 10%.', { title: 'Traffic shifted: green at 10%' });
    const result = await settle(done, 1_000);
    expect(core.notice).toHaveBeenLastCalledWith('Switched traffic from blue to green: blue 0% / green 100%.', { title: 'Traffic switched to green' });

    expect(result.outcome.status).toBe('succeeded');
    const writes = h.aws.callsOf('elb.writeActions');
    expect(writes.map((w) => weightsOf(w.args[1] as Action[], TG))).toEqual([
      { blue: 90, green: 10 },
      { blue: 0, green: 100 },
    ]);
    expect(writes[1]!.at - firstStepAt).toBe(300_000);
    const recordWrite = h.aws.calls.findIndex((c) => c.op === 'ssm.put' && c.args[1] === 'green');
    expect(recordWrite).toBeGreaterThan(h.aws.calls.lastIndexOf(writes[1]!));
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(result.notes.trafficSteps.map((s) => [s.split.green, s.note])).toEqual([
      [10, 'step 1/2'],
      [100, 'step 2/2'],
    ]);
    // During the wait the new colour was watched on the interval.
    expect(h.probe.calls.filter((c) => c.at >= firstStepAt && c.at <= writes[1]!.at).length).toBeGreaterThanOrEqual(30);
  });

  it('linear 25% 1m: 25, 50, 75, 100', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'linear', percent: 25, waitMs: 60_000 } } });
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    const writes = h.aws.callsOf('elb.writeActions');
    expect(writes.map((w) => weightsOf(w.args[1] as Action[], TG).green)).toEqual([25, 50, 75, 100]);
    expect(writes.map((w) => w.at - writes[0]!.at)).toEqual([0, 60_000, 120_000, 180_000]);
    const puts = h.aws.callsOf('ssm.put').filter((c) => c.args[0] === PARAMETER);
    expect(puts.map((c) => c.args[1])).toEqual(['green']);
    expect(puts[0]!.at).toBe(writes[3]!.at);
  });

  it('rolls back on a failure during a step wait', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'linear', percent: 25, waitMs: 60_000 } } });
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.aws.count('elb.writeActions') === 2, 'the 50% step');
    h.probe.failing.add(IDLE_URL);
    const result = await settle(done, 1_000);

    expectRestored(h);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('failed during the 50% step');
    expect(h.aws.writes().map((w) => weightsOf(w, TG).green)).toEqual([25, 50, 0]);
    expect(h.aws.writes().at(-1)).toEqual(ORIGINAL);
    expect(h.aws.callsOf('ssm.put').filter((c) => c.args[1] === 'green')).toEqual([]);
  });
});

describe('alarms', () => {
  const alarmed = async () => {
    const h = await harness({ config: { alarms: ['shop-5xx', 'shop-latency'] } });
    h.aws.alarmStates.set('shop-5xx', { name: 'shop-5xx', state: 'OK' });
    h.aws.alarmStates.set('shop-latency', { name: 'shop-latency', state: 'OK' });
    return h;
  };

  it('rolls back when an alarm goes into ALARM during the bake, naming it', async () => {
    const h = await alarmed();
    atPhase(h, 'baking', () => h.aws.alarmStates.set('shop-5xx', { name: 'shop-5xx', state: 'ALARM', reason: 'Threshold Crossed: 5 datapoints > 10' }));
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expectRestored(h);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('CloudWatch alarms failed during the bake time');
    expect(result.outcome.rollbackReason).toContain('shop-5xx in ALARM: Threshold Crossed');
    expect(result.outcome.rollbackReason).not.toContain('shop-latency');
  });

  it('refuses to switch when an alarm is already in ALARM', async () => {
    const h = await alarmed();
    h.aws.alarmStates.set('shop-latency', { name: 'shop-latency', state: 'ALARM' });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('failed');
    expect(result.error?.message).toContain('shop-latency already in ALARM before any traffic moved');
    expect(h.aws.count('elb.writeActions')).toBe(0);
  });

  it('refuses to switch when an alarm does not exist', async () => {
    const h = await alarmed();
    h.aws.alarmStates.delete('shop-latency');
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain('Alarm shop-latency not found');
    expect(h.aws.count('elb.writeActions')).toBe(0);
  });

  it('does not roll back when the alarms cannot be read during the bake', async () => {
    const h = await alarmed();
    atPhase(h, 'baking', () => h.aws.faults.push((op) => (op === 'alarms.describe' ? new Error('ThrottlingException') : undefined)));
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining('Could not read the CloudWatch alarms: ThrottlingException'));
  });
});

describe('listener writes that do not take', () => {
  it('rolls back when writeActions is throttled in the middle of a shift', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'linear', percent: 25, waitMs: 60_000 } } });
    let writes = 0;
    h.aws.faults.push((op) => (op === 'elb.writeActions' && ++writes === 3 ? Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }) : undefined));
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expectRestored(h);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toBe('Rate exceeded');
    expect(h.aws.callsOf('elb.writeActions').map((c) => weightsOf(c.args[1] as Action[], TG).green)).toEqual([25, 50, 75, 0]);
  });

  it('rolls back when the read-back does not match what was written', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'canary', percent: 10, waitMs: 60_000 } } });
    // The first write of the production forward lands with other weights than sent (someone else's change, or a bad write).
    h.aws.onWrite = (target, actions) => {
      if (target.arn !== LISTENER) return actions;
      h.aws.onWrite = undefined;
      return actions.map((a) => (a.Type === 'forward' ? { ...a, ForwardConfig: { ...a.ForwardConfig, TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 80 }, { TargetGroupArn: TG.green, Weight: 20 }] } } : a));
    };
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expectRestored(h);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('reads');
    expect(result.outcome.rollbackReason).toContain('not the');
    expect(h.aws.writes()).toHaveLength(2);
  });

  it('leaves the snapshot for post when the rollback itself cannot write', async () => {
    const h = await harness();
    atPhase(h, 'baking', () => {
      h.probe.failing.add(IDLE_URL);
      h.aws.faults.push((op) => (op === 'elb.writeActions' ? new Error('AccessDenied: elasticloadbalancing:ModifyListener') : undefined));
    });
    const result = await settle(deploy(h.config, h.deps), 1_000);

    // Read back: every restore write failed, so traffic is still on green and the outputs say so.
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'green', previousColour: 'blue', rolledBack: false });
    expect(result.error).toBeInstanceOf(RollbackFailed);
    expect(result.error?.message).toContain('Then the rollback failed: AccessDenied');
    expect(result.error?.message).toContain('Traffic is now on green (read back).');
    // Not settled: post will try the restore again from the saved snapshot.
    expect(h.state.phase()).toBe('rolling-back');
    expect(h.state.read('snapshot')).not.toBe('');
    expect(h.aws.liveColour()).toBe('green');
  });

  // Reproduced against dist/: with every write of the switch failing, the listener never left blue, yet
  // the outputs said `rolled-back: true` and "traffic is back on blue".
  it('reports a failed deploy, not a rollback, when traffic never moved (the write never took)', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'canary', percent: 10, waitMs: 60_000 } } });
    // The canary write is acknowledged but never applied; the read-back then fails the shift.
    h.aws.onWrite = (target, actions) => {
      if (target.arn !== LISTENER) return actions;
      h.aws.onWrite = undefined;
      return h.aws.listenerActions(target.arn);
    };
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    expect(result.error?.message).toContain('Traffic never left blue: the listener is as it was and /shop/live-color = blue.');
    expect(result.errorTitle).toBe('Blue-green deploy failed; traffic stayed on blue');
    expect(h.aws.writes()).toHaveLength(1);
    expectRestored(h);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('already matches the snapshot'));
  });

  it("rolls back when some of the new colour's targets stay unhealthy for unhealthy-threshold checks", async () => {
    // ECS replacing failing tasks keeps some targets healthy at every moment: that is not a healthy release.
    const h = await harness();
    atPhase(h, 'baking', () => h.aws.health.set(TG.green, [healthy('10.0.0.1'), unhealthy('10.0.0.2')]));
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('1 unhealthy green target(s)');
    expectRestored(h);
  });

  it('rolls back at once when ECS reports a task of the new colour failed its ELB health checks', async () => {
    // Probes can keep passing while ECS replaces failing tasks one by one: ECS's own event says it.
    const h = await harness();
    const events = () => h.aws.services.get(SERVICES.green)!.events;
    events().unshift('2026-11-22T09:59:00.000Z (service shop-green) (task old) failed ELB health checks in (target-group x)');
    atPhase(h, 'baking', () => {
      setTimeout(() => events().unshift('2026-11-22T10:01:00.000Z (service shop-green) (task abc) failed ELB health checks in (target-group y)'), 15_000);
    });
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('green ECS tasks failed during the bake time');
    expect(result.outcome.rollbackReason).toContain('(task abc) failed ELB health checks');
    expect(result.outcome.rollbackReason).not.toContain('(task old)');
    expectRestored(h);
  });

  it('does not count ECS events that were there before the switch', async () => {
    const h = await harness();
    h.aws.services.get(SERVICES.green)!.events.unshift('2026-11-22T09:59:00.000Z (service shop-green) (task old) failed ELB health checks in (target-group x)');
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
  });

  it('keeps the deploy when a target is unhealthy for fewer than unhealthy-threshold checks', async () => {
    const h = await harness();
    atPhase(h, 'baking', () => {
      const since = Date.now();
      // Unhealthy for the first check only (checks run every 10 s), then healthy again.
      h.aws.health.set(TG.green, () => (Date.now() - since < 5_000 ? [healthy('10.0.0.1'), unhealthy('10.0.0.2')] : [healthy('10.0.0.1'), healthy('10.0.0.2')]));
    });
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
  });
});

describe('what the rollback reports is what AWS shows', () => {
  // Reproduced against dist/: the lock parameter was deleted about 5 s before the rollback's
  // ModifyListener and record write (the rollback's promise was returned, not awaited, inside
  // try … finally { release }), so another run could take the lock while traffic was still moving.
  it('releases the lock only once the rollback has written the listener and the record', async () => {
    const h = await harness();
    atPhase(h, 'baking', () => h.probe.failing.add(IDLE_URL));
    // A slow restore write, as a busy ALB API gives it.
    const write = h.aws.elb.writeActions;
    h.aws.elb.writeActions = async (target, actions) => {
      if (h.state.phase() === 'rolling-back') await new Promise((resolve) => setTimeout(resolve, 5_000));
      return write(target, actions);
    };
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    const ops = h.aws.calls.map((c) => c.op);
    const release = ops.lastIndexOf('ssm.delete');
    expect(release).toBeGreaterThan(ops.lastIndexOf('elb.writeActions'));
    expect(release).toBeGreaterThan(ops.lastIndexOf('ssm.put'));
    expectRestored(h);
  });

  // Reproduced against dist/: the listener was restored and confirmed, only the record write failed, and
  // the outputs said `failed`, `rolled-back: false`, no live colour, "rollback FAILED: act now".
  it('reports a rollback whose record write failed as a rollback, says the record is not confirmed, and leaves it to post', async () => {
    const h = await harness();
    atPhase(h, 'baking', () => h.probe.failing.add(IDLE_URL));
    h.aws.faults.push((op, args) => (op === 'ssm.put' && h.state.phase() === 'rolling-back' && args[1] === 'blue' ? new Error('InternalFailure') : undefined));
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', previousColour: 'blue', rolledBack: true });
    expect(result.errorTitle).toBe('Blue-green deploy rolled back to blue; record not confirmed');
    expect(result.error?.message).toContain('the listener sends all traffic to blue (read back)');
    expect(result.error?.message).toContain('/shop/live-color may still name green; the post step writes it again');
    expect(h.aws.liveColour()).toBe('blue');
    expect(h.state.phase()).toBe('rolling-back');

    // Post, with SSM answering again, puts the record right and calls it what it is.
    h.aws.faults.length = 0;
    const after = await post(h.config, h.aws, h.state.copy());
    expect(after.outcome).toBe('confirmed');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });
});

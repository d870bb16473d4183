// Target-group stickiness on the production forward (see src/flow/stickiness.ts for the ALB behaviour):
// the idle colour is released before it is redeployed, never rejoins production before it passed, a
// rollback lists only the colour it restores, a scale-down releases first, and the summary says how long
// the previous colour keeps its clients.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/flow/deploy.js');
const { manualRollback } = await import('../src/flow/manual-rollback.js');
const { post } = await import('../src/flow/post.js');
const { UnsafeListenerState } = await import('../src/errors.js');
const { boundUntil, withoutTargetGroup } = await import('../src/flow/stickiness.js');
const { FakeAws, PARAMETER, SERVICES, TEST_LISTENER, TG, healthy } = await import('../__fixtures__/fake-aws.js');
const { IDLE_URL, T0, advanceUntil, harness, settle } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const HOUR_S = 3_600;
/** The production forward as AWS returns it: both colours listed, stickiness on. */
const sticky = (weights: { blue: number; green: number }): Action => ({
  Type: 'forward',
  Order: 1,
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: TG.blue, Weight: weights.blue },
      { TargetGroupArn: TG.green, Weight: weights.green },
    ],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: HOUR_S },
  },
});
const groupsOf = (actions: Action[]) => actions.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups?.map((g) => [g.TargetGroupArn === TG.blue ? 'blue' : 'green', g.Weight]);
const stickinessOf = (actions: Action[]) => actions.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroupStickinessConfig;
/** A record written `ago` ms before the test's clock: traffic last moved then. */
const movedAgo = (aws: InstanceType<typeof FakeAws>, ago: number, value = 'blue') =>
  aws.parameters.set(PARAMETER, { value, version: 3, lastModified: new Date(T0 - ago).toISOString() });

describe('withoutTargetGroup and boundUntil', () => {
  it('takes a weight-0 group out of the forward and keeps everything else', () => {
    const actions = [sticky({ blue: 100, green: 0 })];
    expect(withoutTargetGroup(actions, TG.green)).toEqual([{ ...actions[0], ForwardConfig: { ...actions[0]!.ForwardConfig, TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 100 }] } }]);
    expect(withoutTargetGroup(actions, 'arn:not-listed')).toEqual(actions);
  });

  it('refuses to take out a group that still carries traffic', () => {
    expect(() => withoutTargetGroup([sticky({ blue: 90, green: 10 })], TG.green)).toThrow(UnsafeListenerState);
  });

  it('counts the duration from the record\'s last write, or from now when it is unknown', () => {
    expect(boundUntil({ durationMs: 60_000 }, new Date(T0 - 10_000).toISOString(), T0)).toBe(T0 + 50_000);
    expect(boundUntil({ durationMs: 60_000 }, undefined, T0)).toBe(T0 + 60_000);
    // A record stamped in the future (clock skew) cannot shorten the wait below the duration from now.
    expect(boundUntil({ durationMs: 60_000 }, new Date(T0 + 99_000).toISOString(), T0)).toBe(T0 + 60_000);
  });
});

describe('deploy with target-group stickiness', () => {
  it('outside the window: deploys as usual and says until when the previous colour keeps its clients', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    movedAgo(aws, 2 * HOUR_S * 1000);
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(aws.writes().map(groupsOf)).toEqual([[['blue', 0], ['green', 100]]]);
    expect(stickinessOf(aws.listenerActions())).toEqual({ Enabled: true, DurationSeconds: HOUR_S });
    const switchAt = aws.callsOf('elb.writeActions')[0]!.at;
    expect(result.notes.notes).toContainEqual(
      `Target-group stickiness (3600 s) is on: clients bound to blue before the switch may stay on blue until ${new Date(switchAt + HOUR_S * 1000).toISOString()}. ` +
        'Keep blue running and unchanged until then; a scale-down or the next deploy of this action takes it out of the production forward first.',
    );
  });

  it('inside the window with a test listener: takes the idle colour out of production before redeploying it, checks it through the test listener only, and brings it back at the first step', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })], testListener: true });
    movedAgo(aws, 60_000);
    const h = await harness({ aws, config: { testListenerArn: TEST_LISTENER } });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    const release = aws.callsOf('elb.writeActions').find((c) => (c.args[0] as { arn: string }).arn !== TEST_LISTENER);
    expect(groupsOf(release!.args[1] as Action[])).toEqual([['blue', 100]]);
    // Released before the new revision went anywhere near green.
    expect(aws.calls.indexOf(release!)).toBeLessThan(aws.calls.findIndex((c) => c.op === 'ecs.updateService'));
    expect(h.state.firstSave('snapshot')!.call).toBeLessThanOrEqual(aws.calls.indexOf(release!));
    // Never added back to production before it passed: the next production write is the switch.
    expect(aws.writes().map(groupsOf)).toEqual([[['blue', 100]], [['blue', 0], ['green', 100]]]);
    expect(result.notes.notes).toContainEqual(expect.stringContaining('green was taken out of the production forward before it was redeployed'));
  });

  it('inside the window without a test listener: refuses before the idle colour is touched, saying until when and what to do', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    movedAgo(aws, 60_000);
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    const until = new Date(T0 - 60_000 + HOUR_S * 1000).toISOString();
    expect(result.error?.message).toContain(`may still hold clients on green until ${until}`);
    expect(result.error?.message).toContain('Set test-listener-arn');
    expect(result.error?.message).toContain(`wait until ${until}`);
    expect(aws.count('ecs.updateService')).toBe(0);
    expect(aws.count('elb.writeActions')).toBe(0);
  });

  it('with no trustworthy record: writes the record, then refuses, so a run after the duration can go on', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })], record: 'green' });
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain('did not say when traffic last moved, so the duration counts from now');
    expect(aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(aws.count('ecs.updateService')).toBe(0);
  });

  it('says so in a dry run too, changing nothing', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })], record: 'green' });
    const h = await harness({ aws, config: { dryRun: true } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    expect(aws.mutations()).toEqual([]);
  });

  it('rolls back without the failed colour listed, so clients bound to it move back at once, and keeps the setting', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    movedAgo(aws, 2 * HOUR_S * 1000);
    const h = await harness({ aws });
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.probe.failing.add(IDLE_URL);
    };
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', rolledBack: true });
    expect(groupsOf(aws.listenerActions())).toEqual([['blue', 100]]);
    expect(stickinessOf(aws.listenerActions())).toEqual({ Enabled: true, DurationSeconds: HOUR_S });
    expect(aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });

  it('post restores a killed deploy the same way', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    movedAgo(aws, 2 * HOUR_S * 1000);
    const h = await harness({ aws, config: { bakeTimeMs: 3_600_000 } });
    void deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'baking', 'baking');
    const result = await post(h.config, aws, h.state.copy());
    expect(result.outcome).toBe('restored');
    expect(groupsOf(aws.listenerActions())).toEqual([['blue', 100]]);
  });

  it('scale-down-previous takes the previous colour out of the forward first, then scales it to 0', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    movedAgo(aws, 2 * HOUR_S * 1000);
    const h = await harness({ aws, config: { scaleDownPrevious: true } });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(aws.writes().map(groupsOf)).toEqual([[['blue', 0], ['green', 100]], [['green', 100]]]);
    const scaleDown = aws.callsOf('ecs.updateService').find((c) => (c.args[2] as { desiredCount?: number }).desiredCount === 0);
    expect(scaleDown?.args[1]).toBe(SERVICES.blue);
    expect(aws.calls.indexOf(scaleDown!)).toBeGreaterThan(aws.calls.lastIndexOf(aws.callsOf('elb.writeActions').at(-1)!));
    expect(result.notes.notes).toContainEqual(expect.stringContaining('blue was taken out of the production forward before it was scaled down'));
  });
});

describe('mode: rollback with target-group stickiness', () => {
  it('lists only the colour it rolls back to, so clients bound to the other one move at once', async () => {
    const aws = new FakeAws({ live: 'green', listenerActions: [sticky({ blue: 0, green: 100 })] });
    aws.health.set(TG.blue, [healthy('10.0.0.1'), healthy('10.0.0.2')]);
    const h = await harness({ aws, config: { mode: 'rollback' } });
    const result = await settle(manualRollback(h.config, h.deps), 1_000);

    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue', previousColour: 'green' });
    expect(groupsOf(aws.listenerActions())).toEqual([['blue', 100]]);
    expect(stickinessOf(aws.listenerActions())).toEqual({ Enabled: true, DurationSeconds: HOUR_S });
    expect(result.notes.notes).toContainEqual(expect.stringContaining('green was taken out of the production forward'));
  });
});

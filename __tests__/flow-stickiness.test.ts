// Target-group stickiness on the production forward (see src/flow/stickiness.ts for the ALB behaviour):
// the idle colour is released before it is redeployed, never rejoins production before it passed, a
// rollback lists only the colour it restores, a scale-down releases first, and the summary says how long
// the previous colour keeps its clients.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
const { post } = await import('../src/engines/listener/post.js');
const { UnsafeListenerState } = await import('../src/errors.js');
const { withoutTargetGroup } = await import('../src/engines/listener/stickiness.js');
const { AwsAccessFailed } = await import('../src/aws/aws-error.js');
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
/** The same with another duration, listing only the colours given. */
const stickyFor = (seconds: number, weights: Partial<Record<'blue' | 'green', number>>): Action => ({
  Type: 'forward',
  Order: 1,
  ForwardConfig: {
    TargetGroups: (Object.entries(weights) as ['blue' | 'green', number][]).map(([c, w]) => ({ TargetGroupArn: TG[c], Weight: w })),
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: seconds },
  },
});
const groupsOf = (actions: Action[]) => actions.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups?.map((g) => [g.TargetGroupArn === TG.blue ? 'blue' : 'green', g.Weight]);
const stickinessOf = (actions: Action[]) => actions.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroupStickinessConfig;
/** A record written `ago` ms before the test's clock, as the last of a long history. */
const movedAgo = (aws: InstanceType<typeof FakeAws>, ago: number, value = 'blue') => {
  aws.history.delete(PARAMETER);
  aws.setRecord(value === 'blue' ? 'green' : 'blue', new Date(T0 - 10 * HOUR_S * 1000).toISOString());
  aws.setRecord(value, new Date(T0 - ago).toISOString());
};

describe('withoutTargetGroup', () => {
  it('takes a weight-0 group out of the forward and keeps everything else', () => {
    const actions = [sticky({ blue: 100, green: 0 })];
    expect(withoutTargetGroup(actions, TG.green)).toEqual([{ ...actions[0], ForwardConfig: { ...actions[0]!.ForwardConfig, TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 100 }] } }]);
    expect(withoutTargetGroup(actions, 'arn:not-listed')).toEqual(actions);
  });

  it('refuses to take out a group that still carries traffic', () => {
    expect(() => withoutTargetGroup([sticky({ blue: 90, green: 10 })], TG.green)).toThrow(UnsafeListenerState);
  });
});

/** A record history: [value, ms before the test's clock] oldest first. */
const recordHistory = (aws: InstanceType<typeof FakeAws>, versions: [string, number, string?][]) => {
  aws.history.delete(PARAMETER);
  for (const [value, ago, description] of versions) aws.setRecord(value, new Date(T0 - ago).toISOString(), description);
};

describe('deploy with target-group stickiness and no test listener (the verification rule)', () => {
  it.each([300, 86_400])('a fresh stack (%i s): the first deploy succeeds, the idle colour checked through the rule and joining the forward only at the switch', async (duration) => {
    const aws = new FakeAws({ listenerActions: [stickyFor(duration, { blue: 100, green: 0 })] });
    recordHistory(aws, [['blue', 60_000]]);
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    // green never served anyone: not released, no refusal; the only production write is the switch.
    expect(aws.writes().map(groupsOf)).toEqual([[['blue', 0], ['green', 100]]]);
    expect(aws.count('elb.createRule')).toBe(1);
    // The rule forwards to green before the rollout, so the ALB health-checks green's new tasks as they start.
    const ruleWrite = aws.callsOf('elb.writeRule')[0]!;
    expect(aws.calls.indexOf(ruleWrite)).toBeLessThan(aws.calls.findIndex((c) => c.op === 'ecs.updateService'));
    expect(aws.verificationRules()).toEqual([]);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining(`no client can be bound to green, because ${PARAMETER} has never named green (its whole history, since version 1`));
  });

  it('the same without green in the forward at all', async () => {
    const aws = new FakeAws({ listenerActions: [stickyFor(300, { blue: 100 })] });
    recordHistory(aws, [['blue', 10_000]]);
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(aws.writes().map(groupsOf)).toEqual([[['blue', 0], ['green', 100]]]);
  });

  it('right after a successful deploy: releases the previous colour first, checks it through the rule, and brings it back at the first step', async () => {
    const aws = new FakeAws({ live: 'green', listenerActions: [sticky({ blue: 0, green: 100 })] });
    recordHistory(aws, [['blue', 3 * HOUR_S * 1000], ['green', 120_000]]);
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(aws.writes().map(groupsOf)).toEqual([[['green', 100]], [['blue', 100], ['green', 0]]]);
    const release = aws.callsOf('elb.writeActions')[0]!;
    expect(aws.calls.indexOf(release)).toBeLessThan(aws.calls.findIndex((c) => c.op === 'ecs.updateService'));
    expect(result.notes.notes).toContainEqual(expect.stringContaining('blue was taken out of the production forward before it was redeployed'));
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining(`clients may be bound to blue until ${new Date(T0 - 120_000 + HOUR_S * 1000).toISOString()}, because ${PARAMETER} changed from blue to green at`));
  });

  it('with a test listener: takes the idle colour out of production before redeploying it, checks it through the test listener only, and brings it back at the first step', async () => {
    const aws = new FakeAws({ live: 'green', listenerActions: [sticky({ blue: 0, green: 100 })], testListener: true });
    recordHistory(aws, [['blue', 3 * HOUR_S * 1000], ['green', 60_000]]);
    const h = await harness({ aws, config: { testListenerArn: TEST_LISTENER } });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(aws.count('elb.createRule')).toBe(0);
    expect(aws.writes().map(groupsOf)).toEqual([[['green', 100]], [['blue', 100], ['green', 0]]]);
    const release = aws.callsOf('elb.writeActions').find((c) => (c.args[0] as { arn: string }).arn !== TEST_LISTENER)!;
    expect(h.state.firstSave('snapshot')!.call).toBeLessThanOrEqual(aws.calls.indexOf(release));
    expect(aws.calls.indexOf(release)).toBeLessThan(aws.calls.findIndex((c) => c.op === 'ecs.updateService'));
  });

  it('a colour traffic came back from (a rollback writes the same value again, marked) counts as having served then', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    recordHistory(aws, [['blue', 5 * HOUR_S * 1000], ['blue', 600_000, 'Live colour of the blue-green pair; traffic came back from green']]);
    const h = await harness({ aws, config: { verifyRoute: 'forward' } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    expect(result.error?.message).toContain(`(${PARAMETER} was written after traffic came back from green at ${new Date(T0 - 600_000).toISOString()} (version 2)`);
  });

  it('verify-route: forward inside the window refuses before the idle colour is touched, saying which facts decided, until when and what to do', async () => {
    const aws = new FakeAws({ live: 'green', listenerActions: [sticky({ blue: 0, green: 100 })] });
    recordHistory(aws, [['blue', 3 * HOUR_S * 1000], ['green', 60_000]]);
    const h = await harness({ aws, config: { verifyRoute: 'forward' } });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'green', rolledBack: false });
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    const until = new Date(T0 - 60_000 + HOUR_S * 1000).toISOString();
    expect(result.error?.message).toContain(`may still hold clients on blue until ${until} (${PARAMETER} changed from blue to green at ${new Date(T0 - 60_000).toISOString()} (version 2), less than the stickiness duration`);
    expect(result.error?.message).toContain('Set verify-route: auto or header');
    expect(result.error?.message).toContain(`wait until ${until}`);
    expect(aws.count('ecs.updateService')).toBe(0);
    expect(aws.mutations().map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'ssm.delete']);
  });

  it('verify-route: forward outside the window deploys as usual and says until when the previous colour keeps its clients', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    recordHistory(aws, [['green', 4 * HOUR_S * 1000], ['blue', 2 * HOUR_S * 1000]]);
    const h = await harness({ aws, config: { verifyRoute: 'forward' } });
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

  it.each([
    ['GetParameterHistory denied', (aws: InstanceType<typeof FakeAws>) => (aws.historyFailure = new AwsAccessFailed('Not allowed to call ssm:GetParameterHistory')), `ssm:GetParameterHistory on ${PARAMETER} was denied (grant it, and the history decides); counting from its last write`],
    ['a history SSM cut short', (aws: InstanceType<typeof FakeAws>) => { aws.history.set(PARAMETER, [{ version: 57, value: 'blue', modifiedAt: new Date(T0 - 60_000).toISOString() }]); }, `does not reach back the stickiness duration (1h 00m) and never names green`],
  ])('when the history cannot say (%s): the conservative rule, and the message says why', async (_what, arrange, why) => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })] });
    recordHistory(aws, [['blue', 60_000]]);
    arrange(aws);
    const h = await harness({ aws, config: { verifyRoute: 'forward' } });
    const refused = await settle(deploy(h.config, h.deps));
    expect(refused.error?.message).toContain(why);

    // With the verification rule the same facts only mean: release green first, then deploy.
    const rule = await harness({ aws });
    const result = await settle(deploy(rule.config, rule.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(aws.writes().map(groupsOf)).toEqual([[['blue', 100]], [['blue', 0], ['green', 100]]]);
  });

  it('with no trustworthy record: writes the record, then (verify-route: forward) refuses, so a run after the duration can go on', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })], record: 'green' });
    const h = await harness({ aws, config: { verifyRoute: 'forward' } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain(`${PARAMETER} did not match the listener, so its history does not say when green last served users; counting from now`);
    expect(aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(aws.count('ecs.updateService')).toBe(0);
  });

  it('says so in a dry run too, changing nothing', async () => {
    const aws = new FakeAws({ listenerActions: [sticky({ blue: 100, green: 0 })], record: 'green' });
    const h = await harness({ aws, config: { dryRun: true, verifyRoute: 'forward' } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    expect(aws.mutations()).toEqual([]);
  });

  it('a rule that cannot be created (verify-route: auto) while green may hold clients: refused, naming the rule\'s problem and the sticky facts', async () => {
    const aws = new FakeAws({ live: 'green', listenerActions: [sticky({ blue: 0, green: 100 })] });
    recordHistory(aws, [['blue', 3 * HOUR_S * 1000], ['green', 60_000]]);
    aws.faults.push((op) => (op === 'elb.createRule' ? new AwsAccessFailed('Not allowed to call elasticloadbalancing:CreateRule: AccessDenied.') : undefined));
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'green', rolledBack: false });
    expect(result.error?.message).toContain('No verification rule could be created on listener-arn: Not allowed to call elasticloadbalancing:CreateRule');
    expect(result.error?.message).toContain('target-group stickiness may still bind clients to it until');
    expect(aws.writes()).toEqual([]);
    expect(aws.count('ecs.updateService')).toBe(0);
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

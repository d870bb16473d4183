// The inputs against the pair AWS has, before anything changes: each colour's service registered in its
// own target group, forwards only to the pair's groups. And capacity parity before any weight moves.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
/** mode: status of the engine the config names. */
const status = (config: Config, deps: FlowDeps) => engineFor(config).modes.status(config, deps);
const { NotEnoughCapacity, PairMismatch } = await import('../src/errors.js');
const { FakeAws, PARAMETER, SERVICES, TEST_LISTENER, TG, forwardTo, healthy } = await import('../__fixtures__/fake-aws.js');
const { LOCK, T0, advanceUntil, harness, settle } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const FOREIGN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-canary/93e2d6bc24d8a069';

/** The two target group inputs swapped: each names the other colour's group. */
const swapped = { targetGroups: { blue: TG.green, green: TG.blue } };

describe('the pair check', () => {
  // Reproduced against dist/: the action took the service serving 100 % of users for the idle one and
  // rolled an unverified revision onto it, then failed with a message about the health-check path.
  it('refuses swapped target group inputs before the lock, naming both services, both ARNs and the fix', async () => {
    const aws = new FakeAws();
    aws.parameters.set(PARAMETER, { value: 'blue', version: 1 });
    const h = await harness({ aws, config: swapped });

    const error = await settle(deploy(h.config, h.deps)).catch((e: unknown) => e as Error);

    expect(error).toBeInstanceOf(PairMismatch);
    const message = (error as Error).message;
    expect(message).toContain(`blue-service shop-blue registers its tasks in ${TG.blue} (the green-target-group-arn)`);
    expect(message).toContain(`green-service shop-green registers its tasks in ${TG.green} (the blue-target-group-arn)`);
    expect(message).toContain('The two target group inputs are swapped: swap them.');
    expect(message).toContain('Nothing was changed.');
    expect(aws.mutations()).toEqual([]);
    expect(aws.parameters.has(LOCK)).toBe(false);
  });

  it('refuses the same in mode: rollback, before it flips anything', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'green' }), config: { ...swapped, mode: 'rollback' } });
    await expect(settle(manualRollback(h.config, h.deps))).rejects.toThrow(PairMismatch);
    expect(h.aws.mutations()).toEqual([]);
    expect(h.aws.liveColour()).toBe('green');
  });

  it('names a service registered in neither group, or in none at all, and what to set', async () => {
    const aws = new FakeAws();
    aws.services.get(SERVICES.blue)!.targetGroupArns = [FOREIGN];
    aws.services.get(SERVICES.green)!.targetGroupArns = [];
    const h = await harness({ aws });
    const error = await settle(deploy(h.config, h.deps)).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(PairMismatch);
    expect((error as Error).message).toContain(`blue-service shop-blue registers its tasks in ${FOREIGN} (neither target group input)`);
    expect((error as Error).message).toContain('green-service shop-green is in no target group (it has no loadBalancers)');
    expect((error as Error).message).toContain('set blue-target-group-arn to the group shop-blue uses; set green-target-group-arn to the group shop-green uses');
    expect(aws.mutations()).toEqual([]);
  });

  it('accepts a service registered in its own group and in another (a second load balancer)', async () => {
    const aws = new FakeAws();
    aws.services.get(SERVICES.green)!.targetGroupArns = [FOREIGN, TG.green];
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
  });

  it('refuses a service registered in both colours\' groups', async () => {
    const aws = new FakeAws();
    aws.services.get(SERVICES.green)!.targetGroupArns = [TG.green, TG.blue];
    const h = await harness({ aws });
    await expect(settle(deploy(h.config, h.deps))).rejects.toThrow(/green-service shop-green registers its tasks in .*shop-green.* and .*shop-blue.*set green-target-group-arn/);
    expect(aws.mutations()).toEqual([]);
  });

  it('refuses a test listener that forwards to a group outside the pair, and a production forward that does', async () => {
    const aws = new FakeAws({ testListener: true });
    aws.actions.set(TEST_LISTENER, [forwardTo(FOREIGN)]);
    const h = await harness({ aws, config: { testListenerArn: TEST_LISTENER } });
    await expect(settle(deploy(h.config, h.deps))).rejects.toThrow(`test-listener-arn forwards to ${FOREIGN}, which is neither blue-target-group-arn nor green-target-group-arn`);

    const prod = new FakeAws({ listenerActions: [forwardTo(FOREIGN)] });
    const h2 = await harness({ aws: prod });
    await expect(settle(deploy(h2.config, h2.deps))).rejects.toThrow(/The listener in listener-arn: The forward action sends traffic to target group .*shop-canary/);
    expect([...aws.mutations(), ...prod.mutations()]).toEqual([]);
  });

  it('is reported, not thrown, by mode: status', async () => {
    const h = await harness({ config: { ...swapped, mode: 'status' } });
    const result = await settle(status(h.config, h.deps));
    expect(result.notes.notes).toContainEqual(expect.stringContaining('The two target group inputs are swapped'));
  });
});

describe('capacity parity', () => {
  it('deploys the idle colour with the live count when it wants fewer tasks', async () => {
    const h = await harness({ aws: new FakeAws({ idleDesired: 2 }) });
    h.aws.services.get(SERVICES.blue)!.desiredCount = 10;
    h.aws.health.set(TG.green, Array.from({ length: 10 }, (_, i) => healthy(`10.0.1.${i}`)));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.callsOf('ecs.updateService')[0]?.args[2]).toEqual({ taskDefinitionArn: expect.any(String), desiredCount: 10 });
  });

  it('catches up with Auto Scaling: the live colour scaled up during the rollout, the idle one follows before any weight moves', async () => {
    const h = await harness();
    const green = () => h.aws.services.get(SERVICES.green)!;
    h.aws.health.set(TG.green, () => Array.from({ length: green().desiredCount }, (_, i) => healthy(`10.0.1.${i}`)));
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'verifying', 'verify');
    h.aws.services.get(SERVICES.blue)!.desiredCount = 6; // Application Auto Scaling, behind our back
    const result = await settle(done, 1_000);

    expect(result.outcome.status).toBe('succeeded');
    const scale = h.aws.callsOf('ecs.updateService').find((c) => (c.args[2] as { desiredCount?: number }).desiredCount === 6);
    expect(scale?.args[1]).toBe(SERVICES.green);
    expect(scale!.at).toBeLessThanOrEqual(h.aws.callsOf('elb.writeActions')[0]!.at);
    expect(h.aws.calls.findIndex((c) => c === scale)).toBeLessThan(h.aws.calls.findIndex((c) => c.op === 'elb.writeActions'));
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('scaling green to 6 before any traffic moves'));
  });

  it('refuses to move traffic when the idle colour is scaled in again while it waits, with how to fix it', async () => {
    const h = await harness();
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'verifying', 'verify');
    h.aws.services.get(SERVICES.blue)!.desiredCount = 4;
    // Auto Scaling scales the idle colour back in each time it is scaled up.
    const update = h.aws.ecs.updateService;
    h.aws.ecs.updateService = async (cluster, service, change) => {
      const id = await update(cluster, service, change);
      if (service === SERVICES.green && change.desiredCount === 4) h.aws.services.get(SERVICES.green)!.desiredCount = 2;
      return id;
    };
    h.aws.health.set(TG.green, Array.from({ length: 4 }, (_, i) => healthy(`10.0.1.${i}`)));
    const result = await settle(done, 1_000);

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error).toBeInstanceOf(NotEnoughCapacity);
    expect(result.error?.message).toContain('shop-green wants 2 task(s) again, fewer than the 4 shop-blue (blue) runs');
    expect(result.error?.message).toContain('--min-capacity');
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.aws.liveColour()).toBe('blue');
  });

  it('makes mode: rollback scale the colour it rolls back to up to the live count before it flips', async () => {
    const aws = new FakeAws({ live: 'green', idleDesired: 1 });
    aws.services.get(SERVICES.green)!.desiredCount = 3;
    aws.health.set(TG.blue, () => Array.from({ length: aws.services.get(SERVICES.blue)!.desiredCount }, (_, i) => healthy(`10.0.0.${i}`)));
    const h = await harness({ aws, config: { mode: 'rollback' } });
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue' });
    const scale = aws.callsOf('ecs.updateService')[0];
    expect(scale?.args.slice(1)).toEqual([SERVICES.blue, { desiredCount: 3 }]);
    expect(aws.calls.indexOf(scale!)).toBeLessThan(aws.calls.findIndex((c) => c.op === 'elb.writeActions'));
  });
});

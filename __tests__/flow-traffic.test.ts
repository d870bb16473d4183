// engine: traffic with the in-memory AWS: the idle group is verified and traffic moves with every safety of
// the pair engine, and the action makes no ECS call at all — in deploy, rollback and status.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { trafficDeploy } = await import('../src/engines/traffic/deploy.js');
const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
/** mode: status of the engine the config names. */
const status = (config: Config, deps: FlowDeps) => engineFor(config).modes.status(config, deps);
const { FakeAws, PARAMETER, TG, healthy, unhealthy } = await import('../__fixtures__/fake-aws.js');
const { IDLE_URL, LOCK, T0, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const TRAFFIC = { engine: 'traffic' as const, cluster: '', services: { blue: 'shop-blue', green: 'shop-green' }, taskDefinition: { kind: 'live' as const }, containerName: undefined, image: undefined };
const ecsCalls = (aws: InstanceType<typeof FakeAws>) => aws.calls.filter((c) => c.op.startsWith('ecs.'));

describe('engine: traffic', () => {
  it('verifies the idle group and switches to it, recording it, with no ECS call', async () => {
    const h = await harness({ config: TRAFFIC });
    const result = await settle(trafficDeploy(h.config, h.deps));

    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', previousColour: 'blue', targetColour: 'green', rolledBack: false });
    expect(result.outcome.taskDefinitionArn).toBeUndefined();
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 0, green: 100 });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(h.probe.callsTo(IDLE_URL).length).toBeGreaterThanOrEqual(3);
    expect(ecsCalls(h.aws)).toEqual([]);
  });

  it('does not switch to a group whose targets are unhealthy; traffic stays, nothing else changed', async () => {
    const aws = new FakeAws();
    aws.health.set(TG.green, [unhealthy('10.0.0.9')]);
    const h = await harness({ aws, config: { ...TRAFFIC, waitTimeoutMs: 60_000 } });
    const result = await settle(trafficDeploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(weightsOf(h.aws.listenerActions(), TG).green).toBe(0);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(ecsCalls(h.aws)).toEqual([]);
  });

  it('does not switch to fewer healthy targets than the live group has', async () => {
    const aws = new FakeAws();
    aws.health.set(TG.blue, [healthy('10.0.0.1'), healthy('10.0.0.2'), healthy('10.0.0.3')]);
    aws.health.set(TG.green, [healthy('10.0.1.1')]);
    const h = await harness({ aws, config: { ...TRAFFIC, waitTimeoutMs: 60_000 } });
    const result = await settle(trafficDeploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error?.message).toContain("green target group's targets did not all become healthy in time (need 3)");
    expect(weightsOf(h.aws.listenerActions(), TG).green).toBe(0);
  });

  it('rolls back when the new group fails its bake', async () => {
    const h = await harness({ config: TRAFFIC });
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.probe.failing.add(IDLE_URL);
    };
    const result = await settle(trafficDeploy(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', rolledBack: true });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(ecsCalls(h.aws)).toEqual([]);
  });

  it('mode: rollback and mode: status make no ECS call either', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'green' }), config: { ...TRAFFIC, mode: 'rollback' } });
    const back = await settle(manualRollback(h.config, h.deps));
    expect(back.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue', rolledBack: true });
    expect(back.outcome.taskDefinitionArn).toBeUndefined();
    const report = await settle(status({ ...h.config, mode: 'status' }, h.deps));
    expect(report.outcome).toMatchObject({ status: 'no-op', liveColour: 'blue' });
    expect(report.notes.services?.map((s) => [s.colour, s.service, s.running])).toEqual([
      ['blue', 'shop-blue', expect.any(Number)],
      ['green', 'shop-green', expect.any(Number)],
    ]);
    expect(ecsCalls(h.aws)).toEqual([]);
  });
});

// engine: ecs with an approval between the test traffic and production (src/flow/builtin-approval.ts):
// prepare stops at the POST_TEST_TRAFFIC_SHIFT pause with the gate passed and leaves the hook waiting;
// promote checks again and continues exactly that deployment, and refuses anything else, changing nothing.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { builtInPrepare, builtInPromote } = await import('../src/engines/ecs/approval.js');
const { postBuiltIn } = await import('../src/engines/ecs/post.js');
const { readConfig } = await import('../src/inputs.js');
const { InputError, PreparedStateChanged } = await import('../src/errors.js');
const { taskDefArn } = await import('../__fixtures__/fake-aws.js');
const { T0, settle } = await import('../__fixtures__/flow.js');
const { builtInWorld, TEST_URL } = await import('../__fixtures__/builtin-harness.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const world = () => builtInWorld();

describe('engine: ecs prepare', () => {
  it('starts the deployment and stops at POST_TEST_TRAFFIC_SHIFT with the gate passed, the hook left waiting, post told to leave it', async () => {
    const w = world();
    const h = await w.run({ mode: 'prepare' });
    const result = await settle(builtInPrepare(h.config, h.deps), 1_000);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ status: 'succeeded', taskDefinitionArn: taskDefArn(2), serviceDeploymentArn: w.ecs.running[0]?.state.arn, rolledBack: false });
    const d = w.ecs.running[0]!.state;
    expect(d).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    expect(d.hooks[0]?.status).toBe('AWAITING_ACTION');
    expect(w.ecs.calls.filter((c) => c.startsWith('resume'))).toEqual([]);
    expect(h.probe.callsTo(TEST_URL).length).toBeGreaterThanOrEqual(2);
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining(`To go live, run mode: promote with expected-task-definition-arn: ${taskDefArn(2)} before`), { title: 'Prepared shop-blue; users stay on the previous revision' });
    // Nothing half-done: post, after a main that ended there, leaves the deployment alone.
    expect(h.state.read('service-deployment')).toBe('');
    expect(h.state.phase()).toBe('settled');
    await postBuiltIn({ deployments: w.ecs, ssm: w.aws.ssm }, h.state.copy(), { pollMs: 1 });
    expect(w.ecs.calls.filter((c) => c.startsWith('resume') || c.startsWith('stop'))).toEqual([]);
  });

  it('a release that fails its gate is rolled back, as a deploy is', async () => {
    const w = world();
    const h = await w.run({ mode: 'prepare' });
    h.probe.failing.add(TEST_URL);
    const result = await settle(builtInPrepare(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true });
    expect(w.ecs.calls).toContain('resume ROLLBACK at POST_TEST_TRAFFIC_SHIFT');
  });

  it('refuses, before any change, a service whose hook continues on timeout: the release would go live unapproved', async () => {
    const w = world();
    w.ecs.service.hooks = [{ targetType: 'PAUSE', stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 60, timeoutAction: 'CONTINUE' }];
    const h = await w.run({ mode: 'prepare' });
    await expect(settle(builtInPrepare(h.config, h.deps))).rejects.toBeInstanceOf(InputError);
    expect(w.aws.mutations()).toEqual([]);
    expect(w.ecs.running).toEqual([]);
  });
});

describe('engine: ecs promote', () => {
  async function prepared() {
    const w = world();
    const p = await w.run({ mode: 'prepare' });
    const result = await settle(builtInPrepare(p.config, p.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    return w;
  }
  const promoting = (w: ReturnType<typeof world>, expected = taskDefArn(2)) => w.run({ mode: 'promote', taskDefinition: { kind: 'live' }, expectedTaskDefinitionArn: expected });

  it('checks the prepared revision again, continues its hook, and follows the deployment to SUCCESSFUL', async () => {
    const w = await prepared();
    const h = await promoting(w);
    const result = await settle(builtInPromote(h.config, h.deps), 1_000);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ status: 'succeeded', taskDefinitionArn: taskDefArn(2), serviceDeploymentArn: w.ecs.running[0]?.state.arn });
    expect(w.ecs.calls.filter((c) => c.startsWith('resume'))).toEqual(['resume CONTINUE at POST_TEST_TRAFFIC_SHIFT']);
    expect(h.probe.callsTo(TEST_URL).length).toBeGreaterThanOrEqual(2);
    expect(w.ecs.running[0]?.state.status).toBe('SUCCESSFUL');
    // The promote started no deployment of its own.
    expect(w.aws.callsOf('ecs.updateService')).toHaveLength(1);
  });

  it('a promote whose checks fail rolls the prepared deployment back', async () => {
    const w = await prepared();
    const h = await promoting(w);
    h.probe.failing.add(TEST_URL);
    const result = await settle(builtInPromote(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(w.ecs.calls).toContain('resume ROLLBACK at POST_TEST_TRAFFIC_SHIFT');
  });

  it.each([
    ['another release', (w: ReturnType<typeof world>) => w, taskDefArn(7), `deploys ${taskDefArn(2)}, not the prepared ${taskDefArn(7)}: another release started since`],
    [
      'its hook timed out',
      (w: ReturnType<typeof world>) => {
        const d = w.ecs.running[0]!.state;
        d.hooks = d.hooks.map((x) => ({ ...x, status: 'TIMED_OUT' }));
        d.status = 'ROLLBACK_SUCCESSFUL';
        d.statusReason = 'Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook timed out.';
        return w;
      },
      taskDefArn(2),
      'its POST_TEST_TRAFFIC_SHIFT hook timed out',
    ],
    [
      'someone answered the hook',
      (w: ReturnType<typeof world>) => {
        const d = w.ecs.running[0]!.state;
        d.hooks = d.hooks.map((x) => ({ ...x, status: 'SUCCEEDED' }));
        d.lifecycleStage = 'PRODUCTION_TRAFFIC_SHIFT';
        return w;
      },
      taskDefArn(2),
      'with no hook waiting at POST_TEST_TRAFFIC_SHIFT: it is not where prepare left it',
    ],
  ])('refuses when %s, saying what it found, and changes nothing', async (_what, change, expected, message) => {
    const w = change(await prepared());
    const before = w.aws.mutations().length;
    const callsBefore = w.ecs.calls.length;
    const h = await promoting(w, expected);
    const error = await settle(builtInPromote(h.config, h.deps)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreparedStateChanged);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toContain('Nothing was changed.');
    expect(w.aws.mutations()).toHaveLength(before);
    expect(w.ecs.calls.slice(callsBefore).filter((c) => c.startsWith('resume') || c.startsWith('stop'))).toEqual([]);
  });

  it('refuses when nothing was prepared', async () => {
    const w = world();
    const h = await promoting(w);
    await expect(settle(builtInPromote(h.config, h.deps))).rejects.toThrow('shop-blue has no service deployment: nothing was prepared');
  });
});

describe('inputs', () => {
  it('engine: ecs takes mode prepare, and promote with expected-task-definition-arn (and not a release to build)', () => {
    const base: Record<string, string> = { engine: 'ecs', cluster: 'shop', service: 'shop', 'aws-region': 'us-east-1' };
    const read = (extra: Record<string, string>) => readConfig((name) => ({ ...base, ...extra })[name] ?? '', {});
    expect(read({ mode: 'prepare' }).mode).toBe('prepare');
    expect(read({ mode: 'promote', 'expected-task-definition-arn': taskDefArn(2) })).toMatchObject({ mode: 'promote', expectedTaskDefinitionArn: taskDefArn(2) });
    expect(() => read({ mode: 'promote' })).toThrow("Input 'expected-task-definition-arn' is invalid");
    expect(() => read({ mode: 'promote', 'expected-task-definition-arn': taskDefArn(2), 'task-definition': 'shop:3' })).toThrow("Input 'task-definition' is invalid");
  });
});

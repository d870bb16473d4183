// End-to-end: engine: ecs with an approval between the test traffic and production. mode: prepare starts the
// service deployment and stops at the POST_TEST_TRAFFIC_SHIFT pause with the gate passed; mode: promote
// checks again and continues exactly that deployment; a promote that finds another release or a hook that
// timed out changes nothing. Under load: no user request fails, and none reaches the new revision before
// the promote.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NativeScenario, Sandbox, ServiceDeploymentEvent } from '../sandbox/index.js';
import { startSandbox } from '../sandbox/index.js';
import { FAST_INPUTS, SANDBOX_TIMINGS } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { annotations, runPlain, startUsers, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;
/** One ECS minute here: the hooks' timeouts below are counted in these. */
const MINUTE_MS = 2_000;

beforeAll(async () => {
  sandbox = await startSandbox({ ...SANDBOX_TIMINGS, minuteMs: MINUTE_MS });
});
afterAll(async () => {
  printFigures('builtin-approval.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

const service = (name: string, timeoutInMinutes = 30) =>
  sandbox.createNativeService({ name, desiredCount: 2, bakeTimeInMinutes: 0, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes }] });

const inputs = (sc: NativeScenario, extra: Record<string, string>): Record<string, string> => ({
  ...FAST_INPUTS,
  engine: 'ecs',
  cluster: sc.clusterName,
  service: sc.serviceName,
  'health-check-url': `${sc.testUrl ?? ''}/health`,
  'post-switch-health-check-url': `${sc.prodUrl}/health`,
  ...extra,
});

const weights = (sc: NativeScenario) => {
  const w = sandbox.forwardWeights(sc.productionRuleArn);
  return { a: w[sc.targetGroups.primary] ?? 0, b: w[sc.targetGroups.alternate] ?? 0 };
};
const latest = (sc: NativeScenario) => sandbox.serviceDeployments(sc.serviceName)[0];
const answers = (since: number) => sandbox.requests({ service: 'ecs', since }).filter((r) => r.operation === 'ContinueServiceDeployment' || r.operation === 'StopServiceDeployment');

describe('engine: ecs, prepare then promote', () => {
  it('prepare leaves the new revision waiting at POST_TEST_TRAFFIC_SHIFT; promote takes it live; no user request fails or reaches it before', async () => {
    const sc = await service('e2e-ecs-approve');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const users = startUsers(`${sc.prodUrl}/`);
    const prepared = await runPlain(sandbox, inputs(sc, { mode: 'prepare', 'task-definition': v2 }));
    const promotedAt = Date.now();
    expectRun(prepared, { conclusion: 'success', status: 'succeeded' });
    expect(prepared.outputs).toMatchObject({ 'task-definition-arn': v2, 'service-deployment-arn': latest(sc)?.arn });
    expect(latest(sc)).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
    expect(annotations(prepared, 'notice').map((a) => a.title)).toContain(`Prepared ${sc.serviceName}; users stay on the previous revision`);
    // The post step left the waiting deployment alone.
    expect(answers(promotedAt - 60_000)).toEqual([]);

    const promoted = await runPlain(sandbox, inputs(sc, { mode: 'promote', 'expected-task-definition-arn': v2 }));
    const load = await users.stop();
    recordFigures({ scenario: 'ecs prepare → promote', wallMs: prepared.durationMs + promoted.durationMs, requests: load.total, failed: load.failed });

    expectRun(promoted, { conclusion: 'success', status: 'succeeded' });
    expect(latest(sc)?.status).toBe('SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 0, b: 100 });
    expect(answers(promotedAt).map((r) => r.operation)).toEqual(['ContinueServiceDeployment']);
    expectNoFailedRequests(load);
    expect(users.window(0, promotedAt).byVersion?.v2).toBeUndefined();
    expect(load.byVersion?.v2).toBeGreaterThan(0);
  }, 2 * TEST_TIMEOUT_MS);

  it('a promote of another release than the one waiting is refused and changes nothing', async () => {
    const sc = await service('e2e-ecs-approve-other');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    expectRun(await runPlain(sandbox, inputs(sc, { mode: 'prepare', 'task-definition': v2 })), { conclusion: 'success', status: 'succeeded' });
    const since = Date.now();
    const promoted = await runPlain(sandbox, inputs(sc, { mode: 'promote', 'expected-task-definition-arn': v3 }));
    expectRun(promoted, { conclusion: 'failure', status: 'failed' });
    expect(annotations(promoted, 'error')[0]?.message).toContain(`not the prepared ${v3}: another release started since`);
    expect(answers(since)).toEqual([]);
    expect(latest(sc)).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    // Leave the service as it was: roll the waiting deployment back.
    expectRun(await runPlain(sandbox, inputs(sc, { mode: 'rollback' })), { conclusion: 'success', status: 'succeeded' });
  }, 2 * TEST_TIMEOUT_MS);

  it('a promote after the hook timed out says so and changes nothing', async () => {
    // 4 ECS minutes: long enough for prepare's gate, short enough to wait out here.
    const sc = await service('e2e-ecs-approve-late', 4);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const timedOut = new Promise<void>((resolve) => {
      const on = (e: ServiceDeploymentEvent) => {
        if (e.service !== sc.serviceName || e.status !== 'ROLLBACK_SUCCESSFUL') return;
        sandbox.events.off('serviceDeployment', on);
        resolve();
      };
      sandbox.events.on('serviceDeployment', on);
    });
    expectRun(await runPlain(sandbox, inputs(sc, { mode: 'prepare', 'task-definition': v2 })), { conclusion: 'success', status: 'succeeded' });
    await timedOut;
    const since = Date.now();
    const promoted = await runPlain(sandbox, inputs(sc, { mode: 'promote', 'expected-task-definition-arn': v2 }));
    expectRun(promoted, { conclusion: 'failure', status: 'failed' });
    expect(annotations(promoted, 'error')[0]?.message).toContain('its POST_TEST_TRAFFIC_SHIFT hook timed out');
    expect(answers(since)).toEqual([]);
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
  }, 2 * TEST_TIMEOUT_MS);
});

// End-to-end: the built action judges a release by the sandbox ALB's own per-target-group metrics (served by
// the sandbox's CloudWatch GetMetricData, published with a delay), under live load, with no health URL: a
// release that fails 5% of real requests is stopped at its 10% canary step, one whose p99 triples in the
// bake, a too-quiet service ends as analysis-inconclusive says, and a healthy release passes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../sandbox/index.js';
import { runAction } from '../sandbox/harness/runner.js';
import { ACTION_DIR, createScenario, FAST_INPUTS, inputsFor, retire, SANDBOX_TIMINGS } from './support/fixture.js';
import { expectNoFailedRequests, expectRun } from './support/metrics.js';
import { colourOf } from './support/observe.js';
import { runUnderLoad, startUsers, STEP_TIMEOUT_MS, stopAllLoads, TEST_TIMEOUT_MS, type RunUnderLoad } from './support/run-under-load.js';

/** One CloudWatch minute here: every window must hold failure-limit + 1 = 3 of them. */
const MINUTE_MS = 3_000;
/** Enough users that the 10% canary gets ~45 requests a minute: 5% of them is a couple of errors every minute. */
const RATE = 150;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ ...SANDBOX_TIMINGS, minuteMs: MINUTE_MS });
});
afterAll(async () => {
  await stopAllLoads();
  await sandbox.stop();
});

/** Analysis alone: no health URL at all, the idle colour is gated on target health before any user. */
const analysisInputs = (sc: BlueGreenScenario, overrides: Record<string, string>) =>
  inputsFor(sc, { 'health-check-url': '', 'post-switch-health-check-url': '', 'analysis-min-requests': '20', 'bake-time': '9s', ...overrides });

/** Users reached the new colour only once the listener let them, and none after the restore. */
function expectServedOnlyAsShifted(sc: BlueGreenScenario, r: RunUnderLoad, restored: boolean): void {
  const changes = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
  const first = changes[0];
  expect(first).toBeDefined();
  // Requests issued before the first weight moved were all served by v1.
  expect(Object.keys(r.loadRun.window(r.startedAt, (first?.at ?? 0) - 100).byVersion ?? {})).toEqual(['v1']);
  if (restored) {
    const last = changes.at(-1);
    expect(colourOf(sc, last?.weights ?? {})).toBe('blue');
    const after = r.loadRun.window((last?.at ?? 0) + 100, r.endedAt);
    expect(Object.keys(after.byVersion ?? {}).filter((v) => v !== 'v1')).toEqual([]);
  }
}

describe('real-user analysis (ALB metrics)', () => {
  it('rolls back at the 10% canary step a release that passes its health check but fails 5% of real requests', async () => {
    const sc = await createScenario(sandbox, 'e2e-analysis-5xx');
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'fail-rate:5' });
    const r = await runUnderLoad(sandbox, sc, { ratePerSecond: RATE, inputs: analysisInputs(sc, { 'task-definition': v2, 'traffic-shift': 'canary 10% 9s', 'analysis-max-error-rate': '1%' }) });
    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    const reason = r.run.outputs['rollback-reason'] ?? '';
    expect(reason).toContain('real-user analysis failed during the 10% step');
    expect(reason).toMatch(/green failed 2 minute\(s\) in a row .*error rate [\d.]+% \(\d+\/\d+\) > analysis-max-error-rate 1%.*\(blue: /);
    // Never past the canary: the listener went to 10% green and back.
    const weights = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).map((c) => c.weights[sc.targetGroups.green] ?? 0);
    expect(weights).toEqual([10, 0]);
    expectServedOnlyAsShifted(sc, r, true);
    // The users who failed are the canary's 5% of its 10%: well under 1% of all requests.
    expect(r.load.failed).toBeLessThan(r.load.total * 0.01);
    expect(r.run.summary).toContain('### Real-user analysis (ALB metrics)');
    expect(r.run.summary).toMatch(/\| ❌ fail: error rate/);
    expect(r.run.summary).toContain('xychart-beta');
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('rolls back in the bake a release whose p99 triples against the previous colour, and passes a healthy one', async () => {
    const slow = await createScenario(sandbox, 'e2e-analysis-p99');
    const v2 = slow.registerTaskDefinition({ version: 'v2', behaviour: 'slow:150' });
    const r = await runUnderLoad(sandbox, slow, { ratePerSecond: 60, inputs: analysisInputs(slow, { 'task-definition': v2, 'analysis-max-p99': '1.5x' }) });
    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    expect(r.run.outputs['rollback-reason']).toMatch(/real-user analysis failed during the bake time: green p99 \d+ ms > 1\.5× \d+ ms at [\d:, ]+ UTC — green failed 2 minute\(s\) in a row .*p99 \d+ ms > analysis-max-p99 1\.5× the previous colour's minutes before the shift \d+ ms/);
    expectServedOnlyAsShifted(slow, r, true);
    expectNoFailedRequests(r.load);
    retire(sandbox, slow);

    const good = await createScenario(sandbox, 'e2e-analysis-ok');
    const healthy = await runUnderLoad(sandbox, good, { ratePerSecond: 60, inputs: analysisInputs(good, { 'task-definition': good.registerTaskDefinition({ version: 'v2' }), 'analysis-max-p99': '1.5x', 'analysis-max-error-rate': '1%' }) });
    expectRun(healthy.run, { conclusion: 'success', status: 'succeeded' });
    expectNoFailedRequests(healthy.load);
    expect(healthy.run.summary).toMatch(/\| ✅ pass \|/);
    retire(sandbox, good);
  }, 2 * TEST_TIMEOUT_MS);

  it('engine: ecs: stops through ECS a canary whose new revision fails 5% of real requests (StopServiceDeployment, ROLLBACK)', async () => {
    const sc = await sandbox.createNativeService({ name: 'e2e-analysis-ecs', desiredCount: 2, strategy: 'CANARY', canary: { canaryPercent: 10, canaryBakeTimeInMinutes: 20 }, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
    const bad = sc.registerTaskDefinition({ version: 'v2', behaviour: 'fail-rate:5' });
    const since = Date.now();
    const users = startUsers(`${sc.prodUrl}/`, RATE);
    const run = await runAction({
      actionDir: ACTION_DIR,
      inputs: { ...FAST_INPUTS, engine: 'ecs', cluster: sc.clusterName, service: sc.serviceName, 'task-definition': bad, 'bake-time': '9s', 'analysis-max-error-rate': '1%', 'analysis-min-requests': '20' },
      env: sandbox.env(),
      timeoutMs: STEP_TIMEOUT_MS,
    });
    await users.stop();
    expectRun(run, { conclusion: 'failure', status: 'rolled-back' });
    expect(run.outputs['rollback-reason']).toMatch(/real-user analysis failed .*new revision failed 2 minute\(s\) in a row .*error rate [\d.]+% \(\d+\/\d+\) > analysis-max-error-rate 1% \(previous revision: /);
    expect(sandbox.requests({ service: 'ecs', operation: 'StopServiceDeployment', since })).toHaveLength(1);
    expect(sandbox.serviceDeployments(sc.serviceName)[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    const w = sandbox.forwardWeights(sc.productionRuleArn);
    expect({ primary: w[sc.targetGroups.primary], alternate: w[sc.targetGroups.alternate] }).toEqual({ primary: 100, alternate: 0 });
    sandbox.deleteService(sc.clusterName, sc.serviceName);
  }, TEST_TIMEOUT_MS);

  it('ends a too-quiet bake as "not enough traffic to judge" (analysis-inconclusive: fail, the default)', async () => {
    const sc = await createScenario(sandbox, 'e2e-analysis-quiet');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const r = await runUnderLoad(sandbox, sc, { ratePerSecond: 3, inputs: analysisInputs(sc, { 'task-definition': v2, 'analysis-max-error-rate': '1%' }) });
    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    expect(r.run.outputs['rollback-reason']).toMatch(/not enough traffic to judge: 0 of \d minute\(s\) had a verdict.*fewer than analysis-min-requests 20/);
    expectServedOnlyAsShifted(sc, r, true);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

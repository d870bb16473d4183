// End-to-end: bad releases under live traffic. An idle colour that never passes its checks is never
// switched to; a live colour that degrades during the bake is rolled back within the detection window.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, HEALTH_INTERVAL_MS, inputsFor, retire, startE2eSandbox, UNHEALTHY_THRESHOLD } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { colourOf, listenerCopy, liveColour, lockName, parameterValue } from './support/observe.js';
import { annotations, LOAD_RATE, runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('rollback.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

/**
 * Time to restore, from the moment the live colour starts failing to the listener restored, may be at
 * most unhealthy-threshold × interval (the action's detection window: the first failing probe starts
 * within one interval of the degradation, the threshold-th one threshold - 1 intervals later) plus:
 * - the restore's round trips before the listener changes: DescribeListeners, then DescribeTargetHealth
 *   ×2 in parallel, then ModifyListener (three sequential calls on loopback, each a few ms idle and up to
 *   ~100 ms on a busy 2-core machine): 300 ms;
 * - the last probe's own duration (a 500 answers at once) and timer lateness on a noisy machine: 200 ms.
 * The degradation moment is taken from the users' first failed request minus two requests' spacing at
 * LOAD_RATE (green's two tasks degrade a request or two apart), which can only lengthen the measurement.
 * Measured here: 0.5–1.1 s against the 1.5 s limit, on an idle machine and beside two CPU hogs alike.
 */
const RESTORE_ROUND_TRIPS_MS = 300;
const SCHEDULING_NOISE_MS = 200;
const DEGRADATION_RESOLUTION_MS = 2 * (1000 / LOAD_RATE);
const RESTORE_LIMIT_MS = UNHEALTHY_THRESHOLD * HEALTH_INTERVAL_MS + RESTORE_ROUND_TRIPS_MS + SCHEDULING_NOISE_MS;

describe('bad releases', () => {
  let unhealthyMessage = '';

  it('never switches to an idle colour that fails its checks', async () => {
    const sc = await createScenario(sandbox, 'e2e-unhealthy');
    const before = listenerCopy(sandbox, sc.listenerArn);
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'unhealthy' });

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2 }) });
    recordFigures({ scenario: 'idle colour unhealthy', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'failure', status: 'failed' });
    expect(r.run.outputs).toMatchObject({ 'live-color': 'blue', 'rolled-back': 'false' });
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    expect(listenerCopy(sandbox, sc.listenerArn)).toEqual(before);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    const errors = annotations(r.run, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.title).toMatch(/traffic stayed on blue/);
    // Green's tasks fail the target group's checks, ECS replaces them until its circuit breaker trips.
    expect(errors[0]?.message).toMatch(/^e2e-unhealthy-green: ECS marked the rollout FAILED: ECS deployment circuit breaker/);
    unhealthyMessage = errors[0]?.message ?? '';
    expect(r.run.summary).toContain('ECS service events');
    expectNoFailedRequests(r.load);
    expect(r.load.byVersion).toEqual({ v1: r.load.total });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  // Bug in src/flow/deploy-idle.ts (now src/engines/pair/deploy-idle.ts): it appends '.' to ECS's rolloutStateReason, which already ends in one.
  // Observed: "e2e-unhealthy-green: ECS marked the rollout FAILED: ECS deployment circuit breaker: tasks failed to start.."
  it('quotes the rollout failure without a doubled full stop', () => {
    expect(unhealthyMessage).toMatch(/circuit breaker/);
    expect(unhealthyMessage).not.toMatch(/\.\./);
  });

  it('rolls back a live colour that degrades during the bake, within the detection window', async () => {
    // A grace period as real services have one: without it the sandbox's ECS replaces green's failing tasks
    // (its target group notices in 2 × 250 ms) before the action's 2 × 500 ms window ends, the fresh tasks
    // pass a probe, and the failing streak starts over.
    const sc = await createScenario(sandbox, 'e2e-degrade', { healthCheckGracePeriodSeconds: 60 });
    const snapshot = listenerCopy(sandbox, sc.listenerArn);
    // Green turns to 500s one second after its first user request, i.e. one second into the bake.
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' });

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '5s' }) });

    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    // previous-color is the colour that served before this run: blue, as live-color after the rollback.
    expect(r.run.outputs).toMatchObject({ 'live-color': 'blue', 'previous-color': 'blue', 'rolled-back': 'true' });
    // The reason names the check that tripped: the HTTP probe, green's target health or ECS's task events, whichever counted first.
    expect(r.run.outputs['rollback-reason']).toMatch(/^(health check http:\/\/127\.0\.0\.1:\d+\/health|green target health|green ECS tasks) failed during the bake time/);
    const prodChanges = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    expect(prodChanges.map((c) => colourOf(sc, c.weights))).toEqual(['green', 'blue']);
    expect(listenerCopy(sandbox, sc.listenerArn)).toEqual(snapshot);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    // Exactly one error annotation, titled for the outcome: what was seen, when, and that traffic is back.
    const errors = annotations(r.run, 'error');
    expect(errors.map((e) => e.title)).toEqual(['Blue-green deploy rolled back to blue']);
    expect(errors[0]?.message).toMatch(/ failed during the bake time at .*traffic is back on blue and \/e2e-degrade\/live-color = blue\.$/);
    expect(r.run.main.stdout).toMatch(/Failed: .* failed during the bake time .*Restoring traffic to blue\./);
    // Every failed check left a line as it happened, and the summary names the release that failed.
    expect(r.run.main.stdout).toMatch(/^FAIL .* \(1\/[12] in a row during the bake time\): /m);
    expect(r.run.summary).toContain(`**Failed release:** \`${v2}\``);

    // Time to restore: from green's first failure as users saw it to the listener restored.
    const [switched, restored] = prodChanges;
    const firstFailure = r.load.failures[0];
    if (!switched || !restored || !firstFailure) throw new Error(`expected a switch, a restore and failed requests; got ${JSON.stringify({ prodChanges, failures: r.load.failures.length })}`);
    const degradedAt = Date.parse(firstFailure.at) - DEGRADATION_RESOLUTION_MS;
    const timeToRestore = restored.at - degradedAt;
    // Degradation came about one second after the switch (green's first user request), not before.
    expect(degradedAt - switched.at).toBeGreaterThanOrEqual(1000 - DEGRADATION_RESOLUTION_MS - SCHEDULING_NOISE_MS);
    expect(timeToRestore).toBeLessThanOrEqual(RESTORE_LIMIT_MS);

    // Users saw failures only between the degradation and the restore (plus requests in flight at it).
    const failedAfterRestore = r.loadRun.window(restored.at + 50, r.endedAt);
    expectNoFailedRequests(failedAfterRestore);
    expectNoFailedRequests(r.loadRun.window(r.startedAt, degradedAt));
    recordFigures({
      scenario: 'degrade during bake',
      wallMs: r.run.durationMs,
      requests: r.load.total,
      failed: r.load.failed,
      notes: `time to restore ${timeToRestore} ms (limit ${RESTORE_LIMIT_MS} ms)`,
    });
    expect(liveColour(sandbox, sc)).toBe('blue');
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  // With no health-check grace period the sandbox's ECS replaces green's failing tasks (its target group
  // notices in 2 × 250 ms) before the action's 2 × 500 ms probe window ends; each fresh task passes
  // probes for a second, so the consecutive-failure streak keeps restarting. Before the action watched
  // ECS's "failed ELB health checks" events this deploy succeeded in 3 of 4 runs while users saw 63 of
  // 328 requests fail.
  it('rolls back a release whose failing tasks ECS keeps replacing', async () => {
    const sc = await createScenario(sandbox, 'e2e-cycling', { healthCheckGracePeriodSeconds: 0 });
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' });
    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '5s' }) });
    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

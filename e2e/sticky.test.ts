// End-to-end under sticky load: the production forward has target-group stickiness, and the users are
// clients that keep the ALB's AWSALBTG cookie (sandbox/elb/stickiness.ts models what AWS does). A
// healthy deploy, a rollback and a scale-down must each cost users nothing, and after a rollback no
// request may reach the failed colour.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { ACTION_DIR, createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { colourOf, healthyTargets, liveColour, parameterValue, record } from './support/observe.js';
import { runAction } from '../sandbox/harness/runner.js';
import { LOAD_RATE, runUnderLoad, startUsers, STEP_TIMEOUT_MS, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('sticky.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

/** Longer than any run here: every binding made during a run is still valid at its end. */
const STICKINESS_SECONDS = 300;
/**
 * For the rollback: bindings to blue made before the switch expire during the bake, so the clients come
 * to green and bind to it; the restore must then move them back at once, not 2 s later.
 */
const SHORT_STICKINESS_SECONDS = 2;
const CLIENTS = 20;

describe('target-group stickiness under sticky load', () => {
  it('healthy deploy: clients bound to blue stay on healthy blue, new ones go to green, none fails; the summary says until when', async () => {
    const sc = await createScenario(sandbox, 'e2e-sticky-deploy', { stickinessSeconds: STICKINESS_SECONDS });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '2s' }), clients: CLIENTS });
    const switched = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).find((c) => colourOf(sc, c.weights) === 'green');
    const after = r.loadRun.window((switched?.at ?? Infinity) + 100, r.endedAt);
    recordFigures({ scenario: 'sticky: healthy deploy', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed, notes: `after the switch: ${JSON.stringify(after.byTargetGroup)}` });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    expectNoFailedRequests(r.load);
    // The clients bound to blue before the switch are still served by blue, which keeps running.
    expect(after.byTargetGroup?.[`${sc.name}-blue`] ?? 0).toBeGreaterThan(0);
    expect(r.run.summary).toMatch(/Target-group stickiness \(300 s\) is on: clients bound to blue before the switch may stay on blue until \d{4}-\d\d-\d\dT/);
    // green never served anyone (the record's history never names it): nothing to release, the switch is the only change.
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).map((c) => Object.keys(c.weights).length)).toEqual([2]);
    expect(r.run.main.stdout).toContain('no client can be bound to green');
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('rollback: every client bound to the failed colour moves back at once; none is served by it after the restore', async () => {
    const sc = await createScenario(sandbox, 'e2e-sticky-rollback', { stickinessSeconds: SHORT_STICKINESS_SECONDS, healthCheckGracePeriodSeconds: 60 });
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:3' });
    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '10s' }), clients: CLIENTS, trailingRequests: 50 });
    const prod = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    const restored = prod.at(-1);
    const afterRestore = r.loadRun.window((restored?.at ?? Infinity) + 100);
    recordFigures({ scenario: 'sticky: rollback', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed, notes: `after the restore: ${JSON.stringify(afterRestore.byTargetGroup)}` });

    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    // Users did reach green (bound to it) before the rollback.
    expect(r.loadRun.window(r.startedAt, restored?.at ?? 0).byTargetGroup?.[`${sc.name}-green`] ?? 0).toBeGreaterThan(0);
    expect(colourOf(sc, restored?.weights ?? {})).toBe('blue');
    expect(Object.keys(restored?.weights ?? {})).toEqual([sc.targetGroups.blue]);
    expect(afterRestore.total).toBeGreaterThanOrEqual(50);
    expect(afterRestore.byTargetGroup).toEqual({ [`${sc.name}-blue`]: afterRestore.total });
    expectNoFailedRequests(afterRestore);
    expect(liveColour(sandbox, sc)).toBe('blue');
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('scale-down: blue is taken out of the forward before it is scaled to 0, so its clients move to green and none fails', async () => {
    const sc = await createScenario(sandbox, 'e2e-sticky-scaledown', { stickinessSeconds: STICKINESS_SECONDS });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '2s', 'scale-down-previous': 'true' }),
      clients: CLIENTS,
      trailingRequests: 50,
    });
    recordFigures({ scenario: 'sticky: scale-down', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    expectNoFailedRequests(r.load);
    const prod = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    expect(Object.keys(prod.at(-1)?.weights ?? {})).toEqual([sc.targetGroups.green]);
    await sandbox.waitFor(() => healthyTargets(sandbox, sc, 'blue') === 0, { what: 'blue scaled down' });
    const afterRelease = r.loadRun.window((prod.at(-1)?.at ?? Infinity) + 100);
    expect(afterRelease.byTargetGroup).toEqual({ [`${sc.name}-green`]: afterRelease.total });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a second deploy right after the first releases the previous colour\'s clients before redeploying it', async () => {
    const sc = await createScenario(sandbox, 'e2e-sticky-again', { stickinessSeconds: STICKINESS_SECONDS });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    // One set of users across both deploys: those bound to blue (v1) before the first switch are still
    // bound to it when the second deploy puts v3 on blue.
    const users = startUsers(`${sc.prodUrl}/`, LOAD_RATE, CLIENTS);
    const recorder = record(sandbox);
    const deployOnce = (taskDefinition: string) =>
      runAction({ actionDir: ACTION_DIR, inputs: inputsFor(sc, { 'task-definition': taskDefinition, 'bake-time': '1s' }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    const first = await deployOnce(v2);
    const second = await deployOnce(v3);
    const stats = await users.stop();
    recorder.detach();
    const backToBlue = recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).find((c) => colourOf(sc, c.weights) === 'blue');
    recordFigures({ scenario: 'sticky: deploy again at once', wallMs: first.durationMs + second.durationMs, requests: stats.total, failed: stats.failed, notes: JSON.stringify(stats.byVersion) });

    expectRun(first, { conclusion: 'success', status: 'succeeded' });
    expectRun(second, { conclusion: 'success', status: 'succeeded' });
    expectNoFailedRequests(stats);
    expect(stats.byVersion?.v1 ?? 0).toBeGreaterThan(0);
    // Nobody got v3 before blue passed its checks and the switch gave it traffic.
    expect(backToBlue).toBeDefined();
    expect(users.window(0, (backToBlue?.at ?? 0) - 100).byVersion?.v3).toBeUndefined();
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

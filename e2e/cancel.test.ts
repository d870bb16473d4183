// End-to-end: the job is cancelled, or main dies, while the new colour bakes. A cancelled main rolls back
// by itself inside the runner's SIGINT → SIGTERM window; a killed main leaves it to post.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RequestLogEntry, Sandbox } from '../sandbox/index.js';
import { RUNNER_CANCEL_TIMINGS } from '../sandbox/harness/runner.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { bakeUnderway, colourOf, listenerCopy, lockName, nextEvent, parameterValue } from './support/observe.js';
import { annotations, runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('cancel.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

// Long enough that the cancel surely lands inside it; the run never waits it out.
const BAKE = { 'bake-time': '30s' };

describe('cancellation during the bake', () => {
  it('main receives SIGINT and restores the listener and the record itself', async () => {
    const sc = await createScenario(sandbox, 'e2e-cancel');
    const snapshot = listenerCopy(sandbox, sc.listenerArn);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const bakeStarted = () => bakeUnderway(sandbox, sc, 'green');

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...BAKE }), cancelAfterMs: bakeStarted });

    expectRun(r.run, { conclusion: 'cancelled', status: 'rolled-back' });
    expect(r.run.main.outcome).toBe('cancelled');
    expect(r.run.main.stdout).toMatch(/::group::Bake green/);
    // Main finished its rollback on SIGINT alone, well inside the 7.5 s before the runner's SIGTERM.
    expect(r.run.main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT']);
    const sigintAt = r.run.main.startedAt + (r.run.main.signalsSent[0]?.atMs ?? NaN);
    const prodChanges = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    expect(prodChanges.map((c) => colourOf(sc, c.weights))).toEqual(['green', 'blue']);
    const restoreMs = (prodChanges[1]?.at ?? Infinity) - sigintAt;
    expect(restoreMs).toBeLessThan(RUNNER_CANCEL_TIMINGS.sigintToSigtermMs);
    expect(listenerCopy(sandbox, sc.listenerArn)).toEqual(snapshot);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expect(r.run.outputs).toMatchObject({ 'live-color': 'blue', 'rolled-back': 'true' });
    expect(annotations(r.run, 'warning')).toEqual([expect.objectContaining({ step: 'main', message: expect.stringContaining('Received SIGINT') })]);
    expect(annotations(r.run, 'error')).toContainEqual(expect.objectContaining({ step: 'main', title: 'Deploy cancelled; traffic is back on blue' }));
    // Post found nothing left to do.
    expect(r.run.post?.stdout).toMatch(/Main finished and reported: nothing to do/);
    // Both colours were healthy throughout: the cancel cost users nothing.
    expectNoFailedRequests(r.load);
    recordFigures({ scenario: 'cancel (SIGINT) in bake', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed, notes: `SIGINT → listener restored ${restoreMs} ms` });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('main is killed outright: post restores traffic and releases the lock', async () => {
    const sc = await createScenario(sandbox, 'e2e-killed');
    const snapshot = listenerCopy(sandbox, sc.listenerArn);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const bakeStarted = () => bakeUnderway(sandbox, sc, 'green');

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...BAKE }), cancelAfterMs: bakeStarted, killMain: true });

    expectRun(r.run, { conclusion: 'failure' });
    expect(r.run.main.signal).toBe('SIGKILL');
    expect(r.run.state.phase).toBe('baking');
    expect(r.run.outputs).toEqual({});
    const prodChanges = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    expect(prodChanges.map((c) => colourOf(sc, c.weights))).toEqual(['green', 'blue']);
    // The restore happened in post, not in main.
    expect(prodChanges[1]?.at).toBeGreaterThanOrEqual(r.run.post?.startedAt ?? Infinity);
    expect(listenerCopy(sandbox, sc.listenerArn)).toEqual(snapshot);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    const post = r.run.annotations.filter((a) => a.step === 'post');
    expect(post).toEqual([
      expect.objectContaining({ level: 'warning', title: 'Post step: restoring traffic', message: expect.stringContaining("phase 'baking'") }),
      expect.objectContaining({ level: 'error', title: 'Post step restored traffic', message: expect.stringContaining('restored traffic on blue') }),
    ]);
    // Main's step already failed (it was killed); post says what it did in an error annotation and exits 0.
    expect(r.run.post?.outcome).toBe('success');
    expectNoFailedRequests(r.load);
    recordFigures({ scenario: 'main killed in bake', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a cancel before the switch leaves the listener and the record untouched', async () => {
    const sc = await createScenario(sandbox, 'e2e-cancel-early');
    const before = listenerCopy(sandbox, sc.listenerArn);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    // Green's first target-health check: its rollout is done and the action is verifying it.
    const verifying = () =>
      nextEvent<RequestLogEntry>(sandbox, 'request', (e) => e.operation === 'DescribeTargetHealth', 60_000, 'the verify phase').then(() => undefined);

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...BAKE }), cancelAfterMs: verifying });
    recordFigures({ scenario: 'cancel (SIGINT) in verify', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'cancelled', status: 'failed' });
    expect(r.run.main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT']);
    expect(r.run.state.snapshot).toBeUndefined();
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    expect(listenerCopy(sandbox, sc.listenerArn)).toEqual(before);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expect(r.run.outputs).toMatchObject({ 'live-color': 'blue', 'rolled-back': 'false' });
    expect(r.run.post?.stdout).toMatch(/Main finished and reported: nothing to do/);
    expectNoFailedRequests(r.load);
    expect(r.load.byVersion).toEqual({ v1: r.load.total });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

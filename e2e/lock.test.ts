// End-to-end: two workflow runs deploy the same pair at the same moment. The deployment lock lets exactly
// one through; the other fails fast, names the holder, changes nothing and leaves the winner's lock alone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { runAction, type ActionRun } from '../sandbox/harness/runner.js';
import { ACTION_DIR, createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { colourOf, lockName, parameterValue, record } from './support/observe.js';
import { annotations, startUsers, STEP_TIMEOUT_MS, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('lock.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

describe('lock contention', () => {
  it('lets exactly one of two concurrent runs deploy', async () => {
    const sc = await createScenario(sandbox, 'e2e-lock');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    const recorder = record(sandbox);
    const load = startUsers(`${sc.prodUrl}/`);
    const since = Date.now();

    // Both start together; whichever finishes first must be the one that lost the lock.
    type Finished = { run: ActionRun; version: string; at: number; lockAtEnd: string | undefined };
    const start = (version: string, taskDefinition: string): Promise<Finished> =>
      runAction({ actionDir: ACTION_DIR, inputs: inputsFor(sc, { 'task-definition': taskDefinition, 'bake-time': '2s' }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS }).then(
        (run) => ({ run, version, at: Date.now(), lockAtEnd: parameterValue(sandbox, lockName(sc)) }),
      );
    const runs = [start('v2', v2), start('v3', v3)];
    const first = await Promise.race(runs);
    const [a, b] = await Promise.all(runs);
    const stats = await load.stop();
    recorder.detach();
    if (!a || !b) throw new Error('both runs must finish');
    const loser = first;
    const winner = first === a ? b : a;
    recordFigures({ scenario: 'lock contention', wallMs: winner.run.durationMs, requests: stats.total, failed: stats.failed, notes: `loser done in ${loser.run.durationMs} ms` });

    expectRun(winner.run, { conclusion: 'success', status: 'succeeded' });
    expectRun(loser.run, { conclusion: 'failure', status: 'failed' });

    // The loser failed fast, naming the run that holds the lock.
    const lockValue = recorder.parameterChanges.find((c) => c.name === lockName(sc) && c.value !== undefined)?.value ?? '';
    const holder = JSON.parse(lockValue) as { id: string; holder: string };
    const errors = annotations(loser.run, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain(`Another deployment holds the lock ${lockName(sc)}`);
    expect(errors[0]?.message).toContain(`lock id ${holder.id}`);
    expect(loser.run.main.durationMs).toBeLessThan(5_000);
    // ...while the winner still held its lock: the loser (main and post) did not delete it.
    expect(loser.lockAtEnd).toBe(lockValue);
    expect(recorder.parameterChanges.filter((c) => c.name === lockName(sc)).map((c) => c.value === undefined)).toEqual([false, true]);
    expect(sandbox.requests({ since, operation: 'DeleteParameter' })).toHaveLength(1);

    // The loser changed nothing: one task definition rolled out, one switch, to the winner's version.
    expect(sandbox.requests({ since, operation: 'UpdateService' })).toHaveLength(1);
    expect(recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).map((c) => colourOf(sc, c.weights))).toEqual(['green']);
    expect(recorder.parameterChanges.filter((c) => c.name === sc.parameterName).map((c) => c.value)).toEqual(['green']);
    expect(loser.run.state.phase).toBe('done');
    expect(loser.run.state.snapshot).toBeUndefined();
    expect(winner.run.outputs['task-definition-arn']).toBe(winner.version === 'v2' ? v2 : v3);
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expect(parameterValue(sandbox, sc.parameterName)).toBe('green');
    expectNoFailedRequests(stats);
    const afterSwitch = load.window((recorder.listenerChanges.find((c) => c.arn === sc.listenerArn)?.at ?? Infinity) + 100);
    expect(afterSwitch.byVersion).toEqual({ [winner.version]: afterSwitch.total });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

describe('one lock per job, not per run', () => {
  // The lock id was run id + attempt: two jobs of one workflow run (or two legs of one matrix job)
  // deploying the same pair both "held" it, and the first to finish deleted it.
  it('two legs of one matrix job (same run, attempt and job) exclude each other', async () => {
    const sc = await createScenario(sandbox, 'e2e-lock-matrix');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    const sameJob = { GITHUB_RUN_ID: '4242424242', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'deploy', GITHUB_RUN_NUMBER: '7' };
    const recorder = record(sandbox);
    const start = (taskDefinition: string) =>
      runAction({ actionDir: ACTION_DIR, inputs: inputsFor(sc, { 'task-definition': taskDefinition, 'bake-time': '2s' }), env: { ...sandbox.env(), ...sameJob }, timeoutMs: STEP_TIMEOUT_MS });
    const [a, b] = await Promise.all([start(v2), start(v3)]);
    recorder.detach();
    recordFigures({ scenario: 'lock, two legs of one job', wallMs: Math.max(a.durationMs, b.durationMs) });

    const outcomes = [a, b].map((r) => r.outputs.status).sort();
    expect(outcomes).toEqual(['failed', 'succeeded']);
    const loser = a.outputs.status === 'failed' ? a : b;
    expect(annotations(loser, 'error')[0]?.message).toMatch(/Another deployment holds the lock .* job deploy .*lock id 4242424242-1-deploy-[0-9a-f]{8}/);
    // One rollout, one switch, and the lock deleted once, by its holder, at the end.
    expect(recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).map((c) => colourOf(sc, c.weights))).toEqual(['green']);
    expect(recorder.parameterChanges.filter((c) => c.name === lockName(sc)).map((c) => c.value === undefined)).toEqual([false, true]);
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

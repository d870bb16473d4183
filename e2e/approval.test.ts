// End-to-end: `mode: prepare` then `mode: promote`, as the two jobs of deploy-with-approval.yml run them,
// against the sandbox under live load. Prepare leaves users on blue while green waits verified; promote
// switches to exactly that; a deploy that lands in between is refused by promote before anything moves.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { colourOf, lockName, parameterValue } from './support/observe.js';
import { annotations, runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('approval.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

describe('prepare, then promote', () => {
  it('prepare leaves every user on blue; promote switches to the prepared green without a failed request', async () => {
    const sc = await createScenario(sandbox, 'e2e-approve');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });

    const prepared = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { mode: 'prepare', 'task-definition': v2 }) });
    expectRun(prepared.run, { conclusion: 'success', status: 'succeeded' });
    expect(prepared.run.outputs).toMatchObject({ 'live-color': 'blue', 'previous-color': 'blue', 'target-color': 'green', 'task-definition-arn': v2, 'rolled-back': 'false' });
    expect(prepared.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    expect(prepared.load.byVersion).toEqual({ v1: prepared.load.total });
    expectNoFailedRequests(prepared.load);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expect(annotations(prepared.run, 'notice')).toContainEqual(expect.objectContaining({ title: 'Prepared green; traffic stays on blue' }));
    expect(prepared.run.summary).toContain(`**green** is prepared, running \`${v2}\` and passed its checks; **blue** still serves all traffic.`);
    // The reviewers' view: the test listener shows the prepared version.
    const review = (await (await fetch(`${sc.testUrl}/`)).json()) as { version: string };
    expect(review.version).toBe('v2');

    const promoted = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { mode: 'promote', 'expected-task-definition-arn': prepared.run.outputs['task-definition-arn'] ?? '' }) });
    recordFigures({ scenario: 'promote after prepare', wallMs: promoted.run.durationMs, requests: promoted.load.total, failed: promoted.load.failed });
    expectRun(promoted.run, { conclusion: 'success', status: 'succeeded' });
    expect(promoted.run.outputs).toMatchObject({ 'live-color': 'green', 'previous-color': 'blue', 'target-color': 'green', 'task-definition-arn': v2 });
    expect(promoted.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).map((c) => colourOf(sc, c.weights))).toEqual(['green']);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('green');
    expectNoFailedRequests(promoted.load);
    // Promote did not deploy: green's tasks are the ones prepare started.
    expect(promoted.run.main.stdout).not.toMatch(/::group::Deploy green/);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a deploy between prepare and promote is refused by promote, naming what changed; nothing moves', async () => {
    const sc = await createScenario(sandbox, 'e2e-approve-drift');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const v3 = sc.registerTaskDefinition({ version: 'v3' });

    const prepared = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { mode: 'prepare', 'task-definition': v2 }) });
    expectRun(prepared.run, { conclusion: 'success', status: 'succeeded' });
    // While the approval waits, another pipeline prepares v3 on the same idle colour.
    const other = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { mode: 'prepare', 'task-definition': v3 }) });
    expectRun(other.run, { conclusion: 'success', status: 'succeeded' });

    const promoted = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { mode: 'promote', 'expected-task-definition-arn': v2 }) });
    expectRun(promoted.run, { conclusion: 'failure', status: 'failed' });
    expect(promoted.run.outputs).toMatchObject({ 'live-color': 'blue', 'rolled-back': 'false' });
    const [error] = annotations(promoted.run, 'error');
    expect(error?.message).toContain(`runs ${v3}, not the prepared ${v2}`);
    expect(error?.message).toContain('Nothing was changed');
    expect(promoted.recorder.listenerChanges).toEqual([]);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expectNoFailedRequests(promoted.load);
    expect(promoted.load.byVersion).toEqual({ v1: promoted.load.total });
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

// End-to-end: GitHub deployment records (`github-deployment: true`) written by the built action through the
// real @actions/github to the sandbox's GitHub fake, while the deploy runs against the sandbox under load:
// the sequences for success, rollback, cancellation, a killed main, a manual rollback; a token without
// `deployments: write` and a GitHub that hangs cost a warning and never delay the switch.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { JOB_TOKEN } from '../sandbox/harness/action-metadata.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { bakeUnderway, colourOf } from './support/observe.js';
import { annotations, runPlain, runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('github-deployments.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

const RECORDS = { 'github-deployment': 'true', environment: 'production', 'environment-url': 'https://shop.example.com/' };

describe('GitHub deployment records', () => {
  it('a healthy deploy: one deployment of the commit, in_progress then success with the environment and run URLs', async () => {
    const sc = await createScenario(sandbox, 'e2e-gh-ok');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const since = Date.now();

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...RECORDS }) });
    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    recordFigures({ scenario: 'deploy with GitHub records', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    const creates = sandbox.github.requests({ operation: 'createDeployment', since });
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({
      ref: '0000000000000000000000000000000000000000',
      task: 'deploy',
      environment: 'production',
      required_contexts: [],
      auto_merge: false,
      payload: { tool: 'ecs-blue-green-action', colour: 'green', previousColour: 'blue', taskDefinitionArn: v2 },
    });
    expect(creates[0]?.headers.authorization).toBe('token ***');
    const [deployment] = sandbox.github.deployments().filter((d) => (d.payload as { taskDefinitionArn?: string }).taskDefinitionArn === v2);
    if (!deployment) throw new Error('no deployment recorded');
    const statuses = sandbox.github.statuses(deployment.id);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(statuses[1]).toMatchObject({ environment_url: 'https://shop.example.com/', description: 'green is live' });
    expect(statuses[1]?.log_url).toMatch(/^https:\/\/github\.com\/sandbox\/app\/actions\/runs\/\d+\/attempts\/1$/);
    // The record was open (in_progress) before traffic moved.
    const opened = sandbox.github.requests({ operation: 'createDeploymentStatus', since })[0]?.at ?? Infinity;
    const switched = r.recorder.listenerChanges.find((c) => c.arn === sc.listenerArn)?.at ?? 0;
    expect(opened).toBeLessThan(switched);
    // The token is masked: it appears only in the runner's own ::add-mask:: commands.
    expect(r.run.main.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(JOB_TOKEN);
    expect(annotations(r.run, 'warning')).toEqual([]);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a rollback: the deployment ends failure with the reason, within GitHub\'s 140 characters', async () => {
    const sc = await createScenario(sandbox, 'e2e-gh-rollback');
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' });

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...RECORDS }) });
    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    const [deployment] = sandbox.github.deployments().filter((d) => (d.payload as { taskDefinitionArn?: string }).taskDefinitionArn === v2);
    if (!deployment) throw new Error('no deployment recorded');
    const statuses = sandbox.github.statuses(deployment.id);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(statuses[1]?.description).toMatch(/^Rolled back to blue: /);
    expect(statuses[1]?.description.length).toBeLessThanOrEqual(140);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a cancelled job: main rolls back and closes the record as failure; a killed main is closed by post as error', async () => {
    const sc = await createScenario(sandbox, 'e2e-gh-cancel');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const cancelled = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...RECORDS, 'bake-time': '30s' }), cancelAfterMs: () => bakeUnderway(sandbox, sc, 'green') });
    expectRun(cancelled.run, { conclusion: 'cancelled', status: 'rolled-back' });
    const [first] = sandbox.github.deployments().filter((d) => (d.payload as { taskDefinitionArn?: string }).taskDefinitionArn === v2);
    expect(sandbox.github.statuses(first?.id ?? -1).map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expectNoFailedRequests(cancelled.load);

    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    const killed = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v3, ...RECORDS, 'bake-time': '30s' }), cancelAfterMs: () => bakeUnderway(sandbox, sc, 'green'), killMain: true });
    expect(killed.run.post?.outcome).toBe('success');
    const [second] = sandbox.github.deployments().filter((d) => (d.payload as { taskDefinitionArn?: string }).taskDefinitionArn === v3);
    const statuses = sandbox.github.statuses(second?.id ?? -1);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'error']);
    expect(statuses[1]?.description).toMatch(/post step restored traffic on blue/);
    expect(colourOf(sc, sandbox.forwardWeights(sc.listenerArn))).toBe('blue');
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('mode: rollback records the restored version as a deployment of its own', async () => {
    const sc = await createScenario(sandbox, 'e2e-gh-manual');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const deployed = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2 }) });
    expectRun(deployed.run, { conclusion: 'success', status: 'succeeded' });
    const since = Date.now();

    const back = await runPlain(sandbox, inputsFor(sc, { mode: 'rollback', ...RECORDS }));
    expectRun(back, { conclusion: 'success', status: 'succeeded' });
    const creates = sandbox.github.requests({ operation: 'createDeployment', since });
    expect(creates.map((c) => c.body)).toEqual([expect.objectContaining({ task: 'deploy:rollback', payload: expect.objectContaining({ colour: 'blue', previousColour: 'green', taskDefinitionArn: expect.stringMatching(/:1$/) }) })]);
    const statuses = sandbox.github.requests({ operation: 'createDeploymentStatus', since }).map((s) => (s.body as { state: string }).state);
    expect(statuses).toEqual(['in_progress', 'success']);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('GitHub refusing (no deployments: write) or hanging is a warning; the deploy and its switch do not wait', async () => {
    const sc = await createScenario(sandbox, 'e2e-gh-faults');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    sandbox.github.setTokenPermission(JOB_TOKEN, 'read');
    const refused = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, ...RECORDS }) });
    sandbox.github.setTokenPermission(JOB_TOKEN, 'write');
    expectRun(refused.run, { conclusion: 'success', status: 'succeeded' });
    expect(annotations(refused.run, 'warning')).toEqual([expect.objectContaining({ title: 'GitHub deployment record', message: expect.stringContaining('permissions: deployments: write') })]);

    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    sandbox.github.hang('createDeployment');
    const since = Date.now();
    const hung = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v3, ...RECORDS }) });
    expectRun(hung.run, { conclusion: 'success', status: 'succeeded' });
    const hangStarted = sandbox.github.requests({ operation: 'createDeployment', since })[0]?.at ?? NaN;
    const switched = hung.recorder.listenerChanges.find((c) => c.arn === sc.listenerArn)?.at ?? Infinity;
    // The switch did not wait for GitHub's answer (which never came; the call gave up after 10 s).
    expect(switched - hangStarted).toBeLessThan(10_000);
    expect(annotations(hung.run, 'warning')).toEqual([expect.objectContaining({ title: 'GitHub deployment record' })]);
    expectNoFailedRequests(hung.load);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});


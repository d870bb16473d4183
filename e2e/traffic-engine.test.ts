// End-to-end: engine: traffic. Two target groups filled by plain processes (as an Auto Scaling group's
// instances would be), no ECS at all; the built action verifies the idle group and moves traffic under load,
// rolls a bad group back, and never calls ECS (the request log says so).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox, TargetPair } from '../sandbox/index.js';
import { runAction } from '../sandbox/harness/runner.js';
import { ACTION_DIR, FAST_INPUTS, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { annotations, runPlain, startUsers, STEP_TIMEOUT_MS, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('traffic-engine.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

const inputs = (pair: TargetPair, extra: Record<string, string> = {}) => ({
  ...FAST_INPUTS,
  engine: 'traffic',
  'blue-target-group-arn': pair.targetGroups.blue,
  'green-target-group-arn': pair.targetGroups.green,
  'listener-arn': pair.listenerArn,
  'test-listener-arn': pair.testListenerArn ?? '',
  'state-parameter': pair.parameterName,
  'health-check-url': `${pair.testUrl ?? ''}/health`,
  'post-switch-health-check-url': `${pair.prodUrl}/`,
  ...extra,
});

const weightsOf = (pair: TargetPair) => {
  const w = sandbox.forwardWeights(pair.listenerArn);
  return { blue: w[pair.targetGroups.blue], green: w[pair.targetGroups.green] };
};

describe('engine: traffic', () => {
  it('switches to the group something else filled, under load, without a failed request or an ECS call', async () => {
    const pair = await sandbox.createTargetPair({ name: 'e2e-traffic', withTestListener: true });
    await pair.replaceTargets('green', { count: 2, version: 'v2' });
    const since = Date.now();
    const users = startUsers(`${pair.prodUrl}/`);

    const run = await runAction({ actionDir: ACTION_DIR, inputs: inputs(pair), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    const load = await users.stop();
    recordFigures({ scenario: 'traffic engine switch', wallMs: run.durationMs, requests: load.total, failed: load.failed });

    expectRun(run, { conclusion: 'success', status: 'succeeded' });
    expect(run.outputs).toMatchObject({ 'live-color': 'green', 'previous-color': 'blue', 'target-color': 'green', 'task-definition-arn': '' });
    expect(weightsOf(pair)).toEqual({ blue: 0, green: 100 });
    expectNoFailedRequests(load);
    expect(load.total).toBeGreaterThan(50);
    expect(sandbox.requests({ service: 'ecs', since })).toEqual([]);
    const answer = (await (await fetch(`${pair.prodUrl}/`)).json()) as { version: string };
    expect(answer.version).toBe('v2');
  }, TEST_TIMEOUT_MS);

  it('rolls back a group that degrades under users; a manual rollback and status work too; still no ECS call', async () => {
    const pair = await sandbox.createTargetPair({ name: 'e2e-traffic-bad', withTestListener: true });
    await pair.replaceTargets('green', { count: 2, version: 'v2', behaviour: 'degrade-after-traffic:1' });
    const since = Date.now();

    const bad = await runPlain(sandbox, inputs(pair));
    expectRun(bad, { conclusion: 'failure', status: 'rolled-back' });
    expect(bad.outputs).toMatchObject({ 'live-color': 'blue', 'rolled-back': 'true' });
    expect(weightsOf(pair)).toEqual({ blue: 100, green: 0 });
    expect(annotations(bad, 'error')[0]?.title).toBe('Blue-green deploy rolled back to blue');

    // A good green, a switch, then a manual rollback to blue, then status.
    await pair.replaceTargets('green', { count: 2, version: 'v3' });
    expectRun(await runPlain(sandbox, inputs(pair)), { conclusion: 'success', status: 'succeeded' });
    expectRun(await runPlain(sandbox, inputs(pair, { mode: 'rollback' })), { conclusion: 'success', status: 'succeeded' });
    expect(weightsOf(pair)).toEqual({ blue: 100, green: 0 });
    const report = await runPlain(sandbox, inputs(pair, { mode: 'status' }));
    expectRun(report, { conclusion: 'success', status: 'no-op' });
    expect(report.outputs['live-color']).toBe('blue');
    expect(sandbox.requests({ service: 'ecs', since })).toEqual([]);
  }, 2 * TEST_TIMEOUT_MS);

  it('refuses ECS inputs with engine: traffic before any AWS call', async () => {
    const pair = await sandbox.createTargetPair({ name: 'e2e-traffic-refuse' });
    const since = Date.now();
    const run = await runPlain(sandbox, inputs(pair, { cluster: 'shop', 'task-definition': 'shop:2' }));
    expectRun(run, { conclusion: 'failure', status: 'failed' });
    expect(annotations(run, 'error')[0]?.message).toContain('no value with engine: traffic');
    expect(sandbox.requests({ since })).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

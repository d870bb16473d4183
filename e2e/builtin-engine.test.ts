// End-to-end: engine: ecs. One service deployed by the sandbox's simulation of ECS's built-in blue/green
// (stages, PAUSE hooks, ECS writing the rule weights, the target-group swap), the built action as its
// gatekeeper under load: healthy releases with each strategy, a bad release stopped at the test stage
// before any user reaches it, a release degrading during a canary step and during the bake, a cancelled
// job at each pause, post after a killed main, a manual rollback, status, and refusals of misconfigured services.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NativeScenario, NativeServiceOptions, Sandbox, ServiceDeploymentEvent } from '../sandbox/index.js';
import { runAction } from '../sandbox/harness/runner.js';
import { ACTION_DIR, FAST_INPUTS, SANDBOX_TIMINGS } from './support/fixture.js';
import { startSandbox } from '../sandbox/index.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { annotations, explain, runPlain, startUsers, STEP_TIMEOUT_MS, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;
/** One ECS "minute" (bake, canary and linear step bakes, hook timeouts) lasts this long here. */
const MINUTE_MS = 1_000;

const seen: ServiceDeploymentEvent[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ ...SANDBOX_TIMINGS, minuteMs: MINUTE_MS });
  sandbox.events.on('serviceDeployment', (e: ServiceDeploymentEvent) => seen.push(e));
});
afterAll(async () => {
  printFigures('builtin-engine.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

const ALL_PAUSES = ['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'];

function service(name: string, o: Partial<NativeServiceOptions> = {}): Promise<NativeScenario> {
  return sandbox.createNativeService({ name, desiredCount: 2, bakeTimeInMinutes: 1, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }], ...o });
}

const inputs = (sc: NativeScenario, extra: Record<string, string> = {}): Record<string, string> => ({
  ...FAST_INPUTS,
  engine: 'ecs',
  cluster: sc.clusterName,
  service: sc.serviceName,
  'health-check-url': `${sc.testUrl ?? ''}/health`,
  'post-switch-health-check-url': `${sc.prodUrl}/health`,
  ...extra,
});

/** Production rule weights by which group: the one v1 started in (`a`) and the other (`b`). */
const weights = (sc: NativeScenario) => {
  const w = sandbox.forwardWeights(sc.productionRuleArn);
  return { a: w[sc.targetGroups.primary] ?? 0, b: w[sc.targetGroups.alternate] ?? 0 };
};

/**
 * Resolves when the service's deployment is paused at `stage` (the sandbox's own event). Only this service's:
 * its deployment is the one the action started, so the pause comes after main installed its signal handlers;
 * another service's pause could come before main has even loaded, and a SIGINT then kills it unhandled.
 */
const pausedAt = (sc: NativeScenario, stage: string) =>
  new Promise<number>((resolve) => {
    const on = (e: ServiceDeploymentEvent) => {
      if (e.service === sc.serviceName && e.lifecycleStage === stage && e.hookStatus === 'AWAITING_ACTION') {
        sandbox.events.off('serviceDeployment', on);
        resolve(e.at);
      }
    };
    sandbox.events.on('serviceDeployment', on);
  });

const calls = (operation: string, since: number) => sandbox.requests({ service: 'ecs', operation, since });
/** How each PAUSE hook of the service ended, in order: SUCCEEDED (CONTINUE), FAILED (ROLLBACK), TIMED_OUT. */
const hookOutcomes = (sc: NativeScenario, since: number) => {
  const last = new Map<string, string>();
  for (const e of seen) if (e.at >= since && e.service === sc.serviceName && e.hookId && e.hookStatus && e.hookStatus !== 'AWAITING_ACTION') last.set(e.hookId, e.hookStatus);
  return [...last.values()];
};
const latest = (sc: NativeScenario) => sandbox.serviceDeployments(sc.serviceName)[0];

describe('engine: ecs', () => {
  it.each([
    ['BLUE_GREEN', {}],
    ['CANARY', { strategy: 'CANARY' as const, canary: { canaryPercent: 20, canaryBakeTimeInMinutes: 1 }, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] }],
    ['LINEAR', { strategy: 'LINEAR' as const, linear: { stepPercent: 50, stepBakeTimeInMinutes: 1 }, pauseHooks: [{ stages: ALL_PAUSES, timeoutInMinutes: 30 }] }],
  ])('%s: a healthy release goes live through the gates, under load, without a failed request', async (strategy, options) => {
    const sc = await service(`e2e-ecs-${strategy.toLowerCase().replace('_', '')}`, options);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const since = Date.now();
    const users = startUsers(`${sc.prodUrl}/`);
    const run = await runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': v2 }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    const load = await users.stop();
    recordFigures({ scenario: `ecs engine ${strategy}`, wallMs: run.durationMs, requests: load.total, failed: load.failed });

    expectRun(run, { conclusion: 'success', status: 'succeeded' });
    expect(run.outputs).toMatchObject({ 'task-definition-arn': v2, 'rolled-back': 'false', 'live-color': '', 'previous-color': '' });
    expect(run.outputs['service-deployment-arn']).toBe(latest(sc)?.arn);
    expect(latest(sc)?.status).toBe('SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 0, b: 100 });
    expectNoFailedRequests(load);
    expect(load.byVersion?.v2).toBeGreaterThan(0);
    // The action never wrote a listener rule: ECS owns the weights.
    expect(sandbox.requests({ service: 'elbv2', operation: 'ModifyRule', since })).toEqual([]);
    expect(calls('UpdateService', since)).toHaveLength(1);
    const outcomes = hookOutcomes(sc, since);
    expect(outcomes.length).toBe(calls('ContinueServiceDeployment', since).length);
    expect(outcomes.length).toBeGreaterThanOrEqual(strategy === 'BLUE_GREEN' ? 1 : 2);
    expect(outcomes.every((o) => o === 'SUCCEEDED')).toBe(true);
    // ECS's stages are the job's timeline; the log says where it paused and what the action answered.
    expect(run.summary).toContain('ECS: POST_TEST_TRAFFIC_SHIFT');
    expect(run.main.stdout).toContain('ContinueServiceDeployment(CONTINUE) at POST_TEST_TRAFFIC_SHIFT');
  }, 2 * TEST_TIMEOUT_MS);

  it('PAUSE hooks before the test traffic are approval points too: gated (alarms, then the new targets) and answered CONTINUE', async () => {
    sandbox.setAlarm('e2e-ecs-early-5xx', 'OK');
    const sc = await service('e2e-ecs-early', { pauseHooks: [{ stages: ['PRE_SCALE_UP', 'POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const since = Date.now();
    const run = await runPlain(sandbox, inputs(sc, { 'task-definition': v2, 'cloudwatch-alarms': 'e2e-ecs-early-5xx' }));
    expectRun(run, { conclusion: 'success', status: 'succeeded' });
    for (const stage of ['PRE_SCALE_UP', 'POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT']) expect(run.main.stdout).toContain(`ContinueServiceDeployment(CONTINUE) at ${stage}`);
    expect(run.summary).toContain('Check the alarms at PRE_SCALE_UP');
    expect(run.summary).toContain("Check the new revision's targets at POST_SCALE_UP");
    expect(hookOutcomes(sc, since)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  }, TEST_TIMEOUT_MS);

  it('the task definition the service runs already is refused before any change (ECS would start no deployment); force-new-deployment deploys it', async () => {
    const sc = await service('e2e-ecs-same');
    const since = Date.now();
    const refused = await runPlain(sandbox, inputs(sc, { 'task-definition': sc.taskDefinitionArn }));
    expectRun(refused, { conclusion: 'failure', status: 'failed' });
    expect(annotations(refused, 'error')[0]?.message).toContain('Set force-new-deployment: true');
    expect(calls('UpdateService', since)).toEqual([]);
    const forced = await runPlain(sandbox, inputs(sc, { 'task-definition': sc.taskDefinitionArn, 'force-new-deployment': 'true' }));
    expectRun(forced, { conclusion: 'success', status: 'succeeded' });
    expect(latest(sc)?.status).toBe('SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 0, b: 100 });
  }, TEST_TIMEOUT_MS);

  it('a release that fails through the test rule is rolled back at POST_TEST_TRAFFIC_SHIFT: no user ever reaches it', async () => {
    const sc = await service('e2e-ecs-gate');
    // Its health path passes (ECS's SCALE_UP succeeds, so do the probes); real requests fail.
    const bad = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:0' });
    const since = Date.now();
    const users = startUsers(`${sc.prodUrl}/`);
    // The team's smoke test makes one real request through the test rule, which reaches only the new revision.
    const smoke = 'curl --fail --silent --show-error --max-time 5 "${BLUE_GREEN_TARGET_URL%/health}/checkout"';
    const run = await runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': bad, 'smoke-test-command': smoke }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    const load = await users.stop();
    recordFigures({ scenario: 'ecs engine gate at test stage', wallMs: run.durationMs, requests: load.total, failed: load.failed });

    expectRun(run, { conclusion: 'failure', status: 'rolled-back' });
    expect(run.outputs['rolled-back']).toBe('true');
    expect(run.outputs['rollback-reason']).toContain('POST_TEST_TRAFFIC_SHIFT');
    expect(latest(sc)?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(load.byVersion?.v2 ?? 0).toBe(0);
    expectNoFailedRequests(load);
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
    expect(hookOutcomes(sc, since)).toEqual(['FAILED']);
    expect(calls('StopServiceDeployment', since)).toEqual([]);
    expect(annotations(run, 'error')[0]?.message).toContain('No production traffic had reached the new revision');
  }, TEST_TIMEOUT_MS);

  it('a release that degrades during a canary step is stopped and rolled back by ECS', async () => {
    const sc = await service('e2e-ecs-canary-bad', { strategy: 'CANARY', canary: { canaryPercent: 30, canaryBakeTimeInMinutes: 20 } });
    const bad = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' });
    const since = Date.now();
    const users = startUsers(`${sc.prodUrl}/`);
    const run = await runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': bad }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    const load = await users.stop();
    recordFigures({ scenario: 'ecs engine canary degrade', wallMs: run.durationMs, requests: load.total, failed: load.failed });

    expectRun(run, { conclusion: 'failure', status: 'rolled-back' });
    expect(latest(sc)?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(calls('StopServiceDeployment', since)).toHaveLength(1);
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
    expect(annotations(run, 'error')[0]?.message).toContain('Production traffic had reached the new revision');
  }, TEST_TIMEOUT_MS);

  it('a release that degrades during the bake is rolled back at POST_PRODUCTION_TRAFFIC_SHIFT', async () => {
    const sc = await service('e2e-ecs-bake-bad', { pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
    const bad = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' });
    const since = Date.now();
    const users = startUsers(`${sc.prodUrl}/`);
    const run = await runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': bad, 'bake-time': '8s' }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    await users.stop();

    expectRun(run, { conclusion: 'failure', status: 'rolled-back' });
    expect(hookOutcomes(sc, since)).toEqual(['SUCCEEDED', 'FAILED']);
    expect(latest(sc)?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
    expect(run.outputs['rollback-reason']).toContain('POST_PRODUCTION_TRAFFIC_SHIFT');
  }, TEST_TIMEOUT_MS);

  it.each(ALL_PAUSES)('a job cancelled while paused at %s rolls the deployment back within the runner window', async (stage) => {
    const sc = await service(`e2e-ecs-cancel-${ALL_PAUSES.indexOf(stage)}`, { pauseHooks: [{ stages: ALL_PAUSES, timeoutInMinutes: 30 }] });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    // The action answers each pause at once when healthy: hold it at the stage with a long bake for the last one.
    const paused = pausedAt(sc, stage);
    const run = await runAction({
      actionDir: ACTION_DIR,
      inputs: inputs(sc, { 'task-definition': v2, 'bake-time': '60s' }),
      env: sandbox.env(),
      cancelAfterMs: async () => {
        await paused;
      },
      timeoutMs: STEP_TIMEOUT_MS,
    });
    expect(run.conclusion).toBe('cancelled');
    await sandbox.waitFor(() => latest(sc)?.status === 'ROLLBACK_SUCCESSFUL', { timeoutMs: 20_000, what: 'ROLLBACK_SUCCESSFUL' });
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
    expect(run.outputs['rolled-back']).toBe('true');
  }, TEST_TIMEOUT_MS);

  it('post rolls back a deployment a killed main left paused', async () => {
    const sc = await service('e2e-ecs-kill');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    // A smoke test that waits keeps the deployment paused at POST_TEST_TRAFFIC_SHIFT when main is killed.
    const paused = pausedAt(sc, 'POST_TEST_TRAFFIC_SHIFT');
    const run = await runAction({
      actionDir: ACTION_DIR,
      inputs: inputs(sc, { 'task-definition': v2, 'smoke-test-command': 'sleep 30' }),
      env: sandbox.env(),
      killMain: true,
      cancelAfterMs: async () => {
        await paused;
      },
      timeoutMs: STEP_TIMEOUT_MS,
    });
    const post = annotations(run, 'error').find((a) => a.step === 'post');
    expect(post?.title).toBe('Post step restored traffic');
    expect(post?.message).toContain('the post step rolled back service deployment');
    expect(latest(sc)?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
  }, TEST_TIMEOUT_MS);

  it('mode: rollback deploys the previous revision again through the gates; status reports the deployment', async () => {
    const sc = await service('e2e-ecs-manual');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    expectRun(await runPlain(sandbox, inputs(sc, { 'task-definition': v2 })), { conclusion: 'success', status: 'succeeded' });
    expect(weights(sc)).toEqual({ a: 0, b: 100 });

    const back = await runPlain(sandbox, inputs(sc, { mode: 'rollback' }));
    expectRun(back, { conclusion: 'success', status: 'succeeded' });
    expect(back.outputs).toMatchObject({ 'rolled-back': 'true', 'task-definition-arn': sc.taskDefinitionArn });
    // The second deployment went to the other group: ECS swapped them after the first.
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
    const answer = (await (await fetch(`${sc.prodUrl}/`)).json()) as { version: string };
    expect(answer.version).toBe('v1');

    const report = await runPlain(sandbox, inputs(sc, { mode: 'status' }));
    expectRun(report, { conclusion: 'success', status: 'no-op' });
    expect(report.outputs['service-deployment-arn']).toBe(latest(sc)?.arn);
    expect(report.main.stdout).toContain('SUCCESSFUL');
  }, 2 * TEST_TIMEOUT_MS);

  it('a lost CONTINUE reply and a throttled follow do not roll back a healthy release', async () => {
    const sc = await service('e2e-ecs-faults');
    // The CONTINUE takes effect but its reply never arrives: the SDK sends it again and ECS answers that the
    // hook is completed. The follow's reads are throttled for a while too.
    sandbox.injectFault({ kind: 'drop-reply', operation: 'ContinueServiceDeployment', service: 'ecs', times: 1 });
    sandbox.injectFault({ kind: 'throttle', operation: 'DescribeServiceDeployments', service: 'ecs', times: 4 });
    const run = await runPlain(sandbox, inputs(sc, { 'task-definition': sc.registerTaskDefinition({ version: 'v2' }) }));
    sandbox.clearFaults();
    expectRun(run, { conclusion: 'success', status: 'succeeded' });
    // Read back at once the hook shows SUCCEEDED; on a slow runner ECS may already have moved past it.
    expect(run.main.stdout).toMatch(/ContinueServiceDeployment\(CONTINUE\) at POST_TEST_TRAFFIC_SHIFT: the call failed \(.*completed.*\), but ECS shows (the hook SUCCEEDED|the deployment past it \([A-Z_]+( at \w+)?\)) \(read back\)/);
    expect(latest(sc)?.status).toBe('SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 0, b: 100 });
  }, TEST_TIMEOUT_MS);

  it('a lost StopServiceDeployment reply still ends in ROLLBACK_SUCCESSFUL, reported as such', async () => {
    const sc = await service('e2e-ecs-stop-lost', { strategy: 'CANARY', canary: { canaryPercent: 30, canaryBakeTimeInMinutes: 20 } });
    sandbox.injectFault({ kind: 'drop-reply', operation: 'StopServiceDeployment', service: 'ecs', times: 1 });
    const users = startUsers(`${sc.prodUrl}/`);
    const run = await runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' }) }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    await users.stop();
    sandbox.clearFaults();
    expectRun(run, { conclusion: 'failure', status: 'rolled-back' });
    expect(latest(sc)?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(annotations(run, 'error')[0]?.message).toContain('ECS reports the deployment ROLLBACK_SUCCESSFUL');
    expect(weights(sc)).toEqual({ a: 100, b: 0 });
  }, TEST_TIMEOUT_MS);

  it('refuses a service without the PAUSE hook, and a rolling one, before any change, saying what to set', async () => {
    const noHook = await service('e2e-ecs-nohook', { pauseHooks: [] });
    const since = Date.now();
    const run = await runPlain(sandbox, inputs(noHook, { 'task-definition': noHook.registerTaskDefinition({ version: 'v2' }) }));
    expectRun(run, { conclusion: 'failure', status: 'failed' });
    expect(annotations(run, 'error')[0]?.message).toContain('no PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT');
    const writes = sandbox.requests({ since }).filter((r) => !/^(Describe|List|Get)/.test(r.operation));
    expect(writes.map((r) => r.operation)).toEqual([]);
    expect(explain(run)).toContain("Input 'service' is invalid");

    const rolling = await service('e2e-ecs-rolling', { strategy: 'ROLLING' });
    const rollingSince = Date.now();
    const refused = await runPlain(sandbox, inputs(rolling, { 'task-definition': rolling.registerTaskDefinition({ version: 'v2' }) }));
    expectRun(refused, { conclusion: 'failure', status: 'failed' });
    expect(annotations(refused, 'error')[0]?.message).toContain('deploymentConfiguration.strategy is ROLLING: set it to BLUE_GREEN, CANARY or LINEAR');
    expect(sandbox.requests({ since: rollingSince }).filter((r) => !/^(Describe|List|Get)/.test(r.operation))).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

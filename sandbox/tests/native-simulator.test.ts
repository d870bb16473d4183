// ECS's built-in blue/green simulated end to end with real task processes and real traffic through the
// listeners: stages in order, PAUSE hooks, the weights ECS writes, the target-group swap, rollbacks
// (Continue, Stop, hook timeout, failed scale-up, a rule ECS cannot shift), ABORT and superseding.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ContinueServiceDeploymentCommand, DescribeServicesCommand, DescribeServiceDeploymentsCommand, StopServiceDeploymentCommand } from '@aws-sdk/client-ecs';
import { startSandbox, type NativeScenario, type NativeServiceOptions, type Sandbox } from '../index.js';
import { clientsFor } from './clients.js';
import { deploy, recordDeploymentEvents, stagesOf, untilEvent, untilPaused, untilStatus, versionsVia, weightsOf, type DeploymentEvent } from './native-support.js';

const MINUTE_MS = 1000;
const TEST_MS = 120_000;
let sb: Sandbox;
let ecs: ReturnType<typeof clientsFor>['ecs'];
let seen: DeploymentEvent[];

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 150, healthCheckTimeoutMs: 400, deregistrationDelayMs: 300, ecsTickMs: 50, stopTimeoutMs: 500, minuteMs: MINUTE_MS });
  ecs = clientsFor(sb, { maxAttempts: 1 }).ecs;
  seen = recordDeploymentEvents(sb);
});
afterAll(() => sb.stop());

const service = (name: string, o: Partial<NativeServiceOptions> = {}) => sb.createNativeService({ name, desiredCount: 2, bakeTimeInMinutes: 1, ...o });
const go = (sc: NativeScenario, arn: string, hookId: string | undefined, action?: 'CONTINUE' | 'ROLLBACK') =>
  ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action }));
const liveTasks = (sc: NativeScenario) => sb.state().tasks.filter((t) => (t as { serviceName: string; desiredStatus: string }).serviceName === sc.serviceName && (t as { desiredStatus: string }).desiredStatus === 'RUNNING') as { taskDefinitionArn: string; lastStatus: string }[];
const describe1 = async (sc: NativeScenario) => (await ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.serviceName] }))).services?.[0];

describe('BLUE_GREEN', () => {
  test('walks the stages, pauses at POST_TEST_TRAFFIC_SHIFT with test traffic on v2, then shifts, bakes and swaps the groups', async () => {
    const sc = await service('nt-bg');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const arn = await deploy(ecs, sc, v2);
    const pause = await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT');
    expect(pause.hookId).toMatch(/^ecs-pause-[A-Za-z0-9_-]{43}$/);
    expect(stagesOf(seen, arn)).toEqual(['PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT']);
    expect(seen.filter((e) => e.arn === arn && !e.hookId).map((e) => e.status).slice(0, 2)).toEqual(['PENDING', 'IN_PROGRESS']);
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 100, b: 0 });
    expect(weightsOf(sb, sc, sc.testRuleArn ?? '')).toEqual({ a: 0, b: 100 });
    expect(await versionsVia(sc.prodUrl)).toEqual(new Set(['v1/a']));
    expect(await versionsVia(sc.testUrl ?? '')).toEqual(new Set(['v2/b']));
    const during = await describe1(sc);
    expect(during?.deployments?.map((d) => [d.status, d.taskDefinition])).toEqual([['PRIMARY', v2], ['ACTIVE', sc.taskDefinitionArn]]);
    expect(liveTasks(sc)).toHaveLength(4);

    await go(sc, arn, pause.hookId);
    await untilStatus(sb, seen, arn, 'SUCCESSFUL');
    expect(stagesOf(seen, arn).slice(5)).toEqual(['PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP']);
    const at = (stage: string) => seen.find((e) => e.arn === arn && e.lifecycleStage === stage)?.at ?? 0;
    expect(at('CLEAN_UP') - at('BAKE_TIME')).toBeGreaterThanOrEqual(MINUTE_MS);
    expect(seen.find((e) => e.hookId === pause.hookId && e.hookStatus === 'SUCCEEDED')).toBeDefined();
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 0, b: 100 });
    expect(await versionsVia(sc.prodUrl)).toEqual(new Set(['v2/b']));
    const after = await describe1(sc);
    expect(after?.loadBalancers?.[0]).toMatchObject({ targetGroupArn: sc.targetGroups.alternate, advancedConfiguration: { alternateTargetGroupArn: sc.targetGroups.primary } });
    expect(after?.taskDefinition).toBe(v2);
    await sb.waitFor(() => liveTasks(sc).length === 2 && liveTasks(sc).every((t) => t.taskDefinitionArn === v2), { timeoutMs: 30_000, what: "v1's tasks stopped" });
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.primary).length === 0, { timeoutMs: 30_000, what: 'group a empty' });

    // The next deployment lands in the other group: a.
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    const second = await deploy(ecs, sc, v3);
    const pause2 = await untilPaused(sb, seen, second, 'POST_TEST_TRAFFIC_SHIFT');
    expect(stagesOf(seen, second)[0]).toBe('PRE_SCALE_UP');
    expect(weightsOf(sb, sc, sc.testRuleArn ?? '')).toEqual({ a: 100, b: 0 });
    expect(await versionsVia(sc.testUrl ?? '')).toEqual(new Set(['v3/a']));
    await go(sc, second, pause2.hookId);
    await untilStatus(sb, seen, second, 'SUCCESSFUL');
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 100, b: 0 });
    expect(await versionsVia(sc.prodUrl)).toEqual(new Set(['v3/a']));
    expect(sb.serviceDeployments(sc.serviceName).map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL']);
  }, TEST_MS);
});

describe('CANARY and LINEAR', () => {
  test('CANARY: a PRE_PRODUCTION pause before each of the two steps, each with a new hookId; the canary weight in between', async () => {
    const sc = await service('nt-canary', { strategy: 'CANARY', canary: { canaryPercent: 20, canaryBakeTimeInMinutes: 1 }, pauseHooks: [{ stages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }] });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    const first = await untilPaused(sb, seen, arn, 'PRE_PRODUCTION_TRAFFIC_SHIFT', 1);
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 100, b: 0 });
    await go(sc, arn, first.hookId);
    const second = await untilPaused(sb, seen, arn, 'PRE_PRODUCTION_TRAFFIC_SHIFT', 2);
    expect(second.hookId).not.toBe(first.hookId);
    // 20 % written per mille (reference 2.6 EMU): 200 / 800.
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 800, b: 200 });
    const shifted = seen.find((e) => e.arn === arn && e.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT')?.at ?? 0;
    expect(second.at - shifted).toBeGreaterThanOrEqual(MINUTE_MS);
    const described = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments?.[0];
    expect(described?.targetServiceRevision).toMatchObject({ requestedProductionTrafficWeight: 20, requestedTestTrafficWeight: 100 });
    expect(described?.sourceServiceRevisions?.[0]).toMatchObject({ requestedProductionTrafficWeight: 80 });
    await go(sc, arn, second.hookId);
    await untilStatus(sb, seen, arn, 'SUCCESSFUL');
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 0, b: 100 });
  }, TEST_MS);

  test('LINEAR: steps of 40 % (40, 80, 100), a pause before each, no step bake after 100', async () => {
    const sc = await service('nt-linear', { strategy: 'LINEAR', linear: { stepPercent: 40, stepBakeTimeInMinutes: 0 }, bakeTimeInMinutes: 0, pauseHooks: [{ stages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }] });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    const expected = [{ a: 100, b: 0 }, { a: 600, b: 400 }, { a: 200, b: 800 }];
    const hooks = new Set<string>();
    for (const [i, weights] of expected.entries()) {
      const pause = await untilPaused(sb, seen, arn, 'PRE_PRODUCTION_TRAFFIC_SHIFT', i + 1);
      expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual(weights);
      hooks.add(pause.hookId ?? '');
      await go(sc, arn, pause.hookId);
    }
    expect(hooks.size).toBe(3);
    await untilStatus(sb, seen, arn, 'SUCCESSFUL');
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 0, b: 100 });
    expect(seen.filter((e) => e.arn === arn && e.hookStatus === 'AWAITING_ACTION')).toHaveLength(3);
  }, TEST_MS);
});

describe('rollback', () => {
  const expectRolledBack = async (sc: NativeScenario, arn: string) => {
    await untilStatus(sb, seen, arn, 'ROLLBACK_SUCCESSFUL');
    const statuses = seen.filter((e) => e.arn === arn && !e.hookId).map((e) => e.status);
    expect(statuses.slice(-3)).toEqual(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL']);
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 100, b: 0 });
    if (sc.testRuleArn) expect(weightsOf(sb, sc, sc.testRuleArn)).toEqual({ a: 100, b: 0 });
    expect(liveTasks(sc).map((t) => t.taskDefinitionArn)).toEqual([sc.taskDefinitionArn, sc.taskDefinitionArn]);
    expect(sb.targetHealth(sc.targetGroups.alternate)).toEqual([]);
    expect(await versionsVia(sc.prodUrl)).toEqual(new Set(['v1/a']));
    const svc = await describe1(sc);
    expect(svc?.taskDefinition).toBe(sc.taskDefinitionArn);
    expect(svc?.loadBalancers?.[0]?.targetGroupArn).toBe(sc.targetGroups.primary);
    const d = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments?.[0];
    expect(d?.rollback?.startedAt).toBeInstanceOf(Date);
    expect(d?.rollback?.serviceRevisionArn).toBe(d?.sourceServiceRevisions?.[0]?.arn);
    expect(d?.finishedAt).toBeInstanceOf(Date);
    return d;
  };

  test('ContinueServiceDeployment ROLLBACK at the pause', async () => {
    const sc = await service('nt-rb-continue');
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    const pause = await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT');
    await go(sc, arn, pause.hookId, 'ROLLBACK');
    const d = await expectRolledBack(sc, arn);
    expect(d?.statusReason).toBe('Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook was rolled back.');
    expect(d?.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(seen.find((e) => e.hookId === pause.hookId && e.hookStatus === 'FAILED')).toBeDefined();
  }, TEST_MS);

  test('StopServiceDeployment (stopType omitted) while paused, then during BAKE_TIME with production on v2', async () => {
    const sc = await service('nt-rb-stop', { bakeTimeInMinutes: 60 });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn }));
    await expectRolledBack(sc, arn);

    const again = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v3' }));
    const pause = await untilPaused(sb, seen, again, 'POST_TEST_TRAFFIC_SHIFT');
    await go(sc, again, pause.hookId);
    await untilEvent(sb, seen, (e) => e.arn === again && e.lifecycleStage === 'BAKE_TIME', 'BAKE_TIME');
    expect(weightsOf(sb, sc, sc.productionRuleArn)).toEqual({ a: 0, b: 100 });
    expect(await versionsVia(sc.prodUrl)).toEqual(new Set(['v3/b']));
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: again, stopType: 'ROLLBACK' }));
    const d = await expectRolledBack(sc, again);
    expect(d?.lifecycleStage).toBe('BAKE_TIME');
  }, TEST_MS);

  test('a hook that times out rolls back by default, and proceeds with action CONTINUE', async () => {
    const sc = await service('nt-timeout', { pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 1 }] });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    const pause = await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT');
    const d = await expectRolledBack(sc, arn);
    expect(d?.statusReason).toBe('Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook timed out.');
    const timedOut = seen.find((e) => e.hookId === pause.hookId && e.hookStatus === 'TIMED_OUT');
    expect((timedOut?.at ?? 0) - pause.at).toBeGreaterThanOrEqual(MINUTE_MS - 50);

    const cont = await service('nt-timeout-go', { bakeTimeInMinutes: 0, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 1, action: 'CONTINUE' }] });
    const arn2 = await deploy(ecs, cont, cont.registerTaskDefinition({ version: 'v2' }));
    await untilStatus(sb, seen, arn2, 'SUCCESSFUL');
    expect(seen.filter((e) => e.arn === arn2 && e.hookId).map((e) => e.hookStatus)).toEqual(['AWAITING_ACTION', 'TIMED_OUT']);
    expect(weightsOf(sb, cont, cont.productionRuleArn)).toEqual({ a: 0, b: 100 });
  }, TEST_MS);

  test.each(['crash', 'unhealthy'])('tasks of the new revision that keep failing (%s) fail SCALE_UP and roll back', async (behaviour) => {
    const sc = await service(`nt-fail-${behaviour}`, { pauseHooks: [] });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2', behaviour }));
    const d = await expectRolledBack(sc, arn);
    expect(d?.lifecycleStage).toBe('SCALE_UP');
    expect(d?.statusReason).toBe('Service deployment rolled back because the circuit breaker threshold was exceeded.');
    expect(d?.deploymentCircuitBreaker?.failureCount).toBeGreaterThanOrEqual(3);
  }, TEST_MS);

  test('a production rule mixing forward with authenticate-oidc fails at the first traffic shift and rolls back', async () => {
    const sc = await service('nt-mixed', { productionRuleExtraAction: 'authenticate-oidc', withTestRule: false, pauseHooks: [] });
    const before = sb.forwardWeights(sc.productionRuleArn);
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    const d = await expectRolledBack(sc, arn);
    expect(d?.statusReason).toMatch(/^Service deployment rolled back because of invalid networking configuration/);
    expect(d?.lifecycleStage).toBe('PRODUCTION_TRAFFIC_SHIFT');
    expect(sb.forwardWeights(sc.productionRuleArn)).toEqual(before);
  }, TEST_MS);
});

describe('stop and supersede', () => {
  test('StopServiceDeployment ABORT stops where it is; the next deployment reconciles first (RECONCILE_SERVICE)', async () => {
    const sc = await service('nt-abort', { bakeTimeInMinutes: 0 });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ABORT' }));
    await untilStatus(sb, seen, arn, 'STOPPED');
    expect(seen.filter((e) => e.arn === arn && !e.hookId).map((e) => e.status).slice(-2)).toEqual(['STOP_REQUESTED', 'STOPPED']);
    expect(liveTasks(sc)).toHaveLength(4); // nothing reverted

    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    const next = await deploy(ecs, sc, v3);
    const pause = await untilPaused(sb, seen, next, 'POST_TEST_TRAFFIC_SHIFT');
    expect(stagesOf(seen, next)[0]).toBe('RECONCILE_SERVICE');
    expect(liveTasks(sc).filter((t) => t.taskDefinitionArn !== sc.taskDefinitionArn && t.taskDefinitionArn !== v3)).toEqual([]);
    await go(sc, next, pause.hookId);
    await untilStatus(sb, seen, next, 'SUCCESSFUL');
    expect(await versionsVia(sc.prodUrl)).toEqual(new Set(['v3/b']));
  }, TEST_MS);

  test('a new UpdateService supersedes a paused deployment: STOPPED, its hookId no longer valid', async () => {
    const sc = await service('nt-supersede', { bakeTimeInMinutes: 0 });
    const arn = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v2' }));
    const old = await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT');
    const next = await deploy(ecs, sc, sc.registerTaskDefinition({ version: 'v3' }));
    expect(sb.serviceDeployments(sc.serviceName)[1]).toMatchObject({ arn, status: 'STOPPED' });
    await expect(go(sc, arn, old.hookId)).rejects.toMatchObject({ name: 'ClientException' });
    const d = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [next] }))).serviceDeployments?.[0];
    expect(d?.sourceServiceRevisions).toHaveLength(2);
    const pause = await untilPaused(sb, seen, next, 'POST_TEST_TRAFFIC_SHIFT');
    expect(stagesOf(seen, next)[0]).toBe('RECONCILE_SERVICE');
    expect(await versionsVia(sc.testUrl ?? '')).toEqual(new Set(['v3/b']));
    await go(sc, next, pause.hookId);
    await untilStatus(sb, seen, next, 'SUCCESSFUL');
  }, TEST_MS);
});

// engine: ecs, the deploy, rollback and status flows over an in-memory ECS whose deployments advance one
// stage per read (fake-builtin.ts), under jest's fake timers: the gates decide at the PAUSE hooks, a failing
// watch stops the deployment, a cancellation rolls it back, and the outcome is what ECS reports (read back).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { builtInDeploy } = await import('../src/engines/ecs/deploy.js');
const { builtInRollback, builtInStatus } = await import('../src/engines/ecs/modes.js');
const { readBuiltInService } = await import('../src/engines/ecs/service.js');
const { Cancelled } = await import('../src/errors.js');
const { TG, healthy, unhealthy, taskDefArn } = await import('../__fixtures__/fake-aws.js');
const { BLUE_GREEN_SCRIPT } = await import('../__fixtures__/fake-builtin.js');
const { T0, settle } = await import('../__fixtures__/flow.js');
const { builtInHarness: setup, PROD_URL, TEST_URL } = await import('../__fixtures__/builtin-harness.js');


beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});


describe('engine: ecs deploy', () => {
  it('continues at POST_TEST_TRAFFIC_SHIFT once the new revision passed, and succeeds when ECS says SUCCESSFUL', async () => {
    const h = await setup();
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ status: 'succeeded', rolledBack: false, serviceDeploymentArn: h.ecs.running[0]?.state.arn });
    expect(result.outcome.switchedAt).toBeDefined();
    expect(h.ecs.calls).toContain('resume CONTINUE at POST_TEST_TRAFFIC_SHIFT');
    // The gate looked at the new revision through the test rule before it continued.
    expect(h.probe.callsTo(TEST_URL).length).toBeGreaterThanOrEqual(2);
    // UpdateService with the task definition only; no listener write of the action's own.
    expect(h.aws.calls.filter((c) => c.op === 'ecs.updateService').map((c) => c.args[2])).toEqual([{ taskDefinitionArn: taskDefArn(2) }]);
    expect(h.aws.calls.filter((c) => c.op === 'elb.writeActions')).toEqual([]);
    expect(h.deps.timeline.records().map((r) => r.phase)).toEqual(expect.arrayContaining(['ECS: SCALE_UP', 'ECS: POST_TEST_TRAFFIC_SHIFT', 'ECS: BAKE_TIME', 'Verify the new revision (test traffic)']));
  });

  it('rolls back at the pause when the new revision fails through the test rule; no production weight ever moved', async () => {
    const h = await setup();
    h.probe.failing.add(TEST_URL);
    const result = await settle(builtInDeploy(h.config, { ...h.deps }), 1_000);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true });
    expect(result.outcome.rollbackReason).toContain('(at POST_TEST_TRAFFIC_SHIFT)');
    expect(h.ecs.calls).toContain('resume ROLLBACK at POST_TEST_TRAFFIC_SHIFT');
    expect(h.ecs.running[0]?.state.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(result.error?.message).toContain('No production traffic had reached the new revision');
    expect(result.error?.message).toContain('ECS reports the deployment ROLLBACK_SUCCESSFUL');
  });

  it('rolls back when a target of the new revision is unhealthy at the pause', async () => {
    const h = await setup({ config: { waitTimeoutMs: 5_000 } });
    h.aws.health.set(TG.green, [healthy('10.0.1.1'), unhealthy('10.0.1.2')]);
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('new revision target group');
  });

  it('stops the deployment with ROLLBACK when the watch fails while production traffic is on the new revision', async () => {
    const slowBake = [...BLUE_GREEN_SCRIPT.slice(0, 8), ...Array.from({ length: 20 }, () => ({ stage: 'BAKE_TIME', productionWeight: 100 })), { stage: 'CLEAN_UP', productionWeight: 100 }];
    const h = await setup({ script: slowBake });
    h.probe.answer = (url, nth) => url !== PROD_URL || nth < 3;
    const result = await settle(builtInDeploy(h.config, h.deps), 500);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true });
    expect(h.ecs.calls.some((c) => c.startsWith('stop at '))).toBe(true);
    expect(result.outcome.rollbackReason).toContain(`health check ${PROD_URL} failed 2 time(s) in a row while production traffic reached the new revision`);
    expect(result.error?.message).toContain('Production traffic had reached the new revision and is back on the previous one');
  });

  it('holds a POST_PRODUCTION_TRAFFIC_SHIFT pause for bake-time while watching, then continues', async () => {
    const script = BLUE_GREEN_SCRIPT.map((s) => (s.stage === 'POST_PRODUCTION_TRAFFIC_SHIFT' ? { ...s, pause: true } : s));
    const h = await setup({ script });
    h.ecs.service.hooks = [{ targetType: 'PAUSE', stages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 60, timeoutAction: 'ROLLBACK' }];
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.ecs.calls.filter((c) => c.startsWith('resume'))).toEqual(['resume CONTINUE at POST_TEST_TRAFFIC_SHIFT', 'resume CONTINUE at POST_PRODUCTION_TRAFFIC_SHIFT']);
    const bake = h.deps.timeline.records().find((r) => r.phase === 'Bake for 5s');
    expect(bake?.durationMs).toBeGreaterThanOrEqual(5_000);
  });

  it('gates PAUSE hooks before the test traffic too: alarms before the new revision starts, its targets once it runs', async () => {
    const script = BLUE_GREEN_SCRIPT.map((s) => (['PRE_SCALE_UP', 'POST_SCALE_UP'].includes(s.stage) ? { ...s, pause: true } : s));
    const h = await setup({ script, config: { alarms: ['shop-5xx'] } });
    h.aws.alarmStates.set('shop-5xx', { name: 'shop-5xx', state: 'OK' });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.ecs.calls.filter((c) => c.startsWith('resume'))).toEqual(['resume CONTINUE at PRE_SCALE_UP', 'resume CONTINUE at POST_SCALE_UP', 'resume CONTINUE at POST_TEST_TRAFFIC_SHIFT']);
    expect(h.deps.timeline.records().map((r) => r.phase)).toEqual(expect.arrayContaining(['Check the alarms at PRE_SCALE_UP', "Check the new revision's targets at POST_SCALE_UP"]));
    // No probe before the test rule reaches the new revision: the first is at POST_TEST_TRAFFIC_SHIFT.
    const continuedScaleUp = h.deps.timeline.records().find((r) => r.phase === "Check the new revision's targets at POST_SCALE_UP");
    expect(h.probe.calls[0]!.at).toBeGreaterThanOrEqual(Date.parse(continuedScaleUp!.startedAt) + continuedScaleUp!.durationMs);
  });

  it('an alarm firing at PRE_SCALE_UP rolls back before any task of the new revision starts', async () => {
    const script = BLUE_GREEN_SCRIPT.map((s) => (s.stage === 'PRE_SCALE_UP' ? { ...s, pause: true } : s));
    const h = await setup({ script, config: { alarms: ['shop-5xx'] } });
    h.aws.alarmStates.set('shop-5xx', { name: 'shop-5xx', state: 'ALARM', reason: 'Threshold Crossed' });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true });
    expect(h.ecs.calls).toContain('resume ROLLBACK at PRE_SCALE_UP');
    expect(result.outcome.rollbackReason).toContain('shop-5xx already in ALARM');
    expect(result.outcome.rollbackReason).toContain('(at PRE_SCALE_UP)');
  });

  it('a PAUSE at a stage it does not know is not approved: rolled back, naming the stage', async () => {
    const script = [{ stage: 'PRE_SCALE_UP' }, { stage: 'SOME_NEW_STAGE', pause: true }, ...BLUE_GREEN_SCRIPT.slice(1)];
    const h = await setup({ script });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(h.ecs.calls).toContain('resume ROLLBACK at SOME_NEW_STAGE');
    expect(result.outcome.rollbackReason).toContain('a PAUSE hook at SOME_NEW_STAGE, a lifecycle stage this action does not know how to check');
  });

  it('before each canary step the gate also probes the production URL once users reach the new revision', async () => {
    const canary = [
      ...BLUE_GREEN_SCRIPT.slice(0, 5),
      { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', pause: true },
      { stage: 'PRODUCTION_TRAFFIC_SHIFT', productionWeight: 10 },
      { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', pause: true, productionWeight: 10 },
      ...BLUE_GREEN_SCRIPT.slice(6),
    ];
    const h = await setup({ script: canary });
    const result = await settle(builtInDeploy(h.config, h.deps), 500);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.ecs.calls.filter((c) => c.startsWith('resume'))).toEqual(['resume CONTINUE at POST_TEST_TRAFFIC_SHIFT', 'resume CONTINUE at PRE_PRODUCTION_TRAFFIC_SHIFT', 'resume CONTINUE at PRE_PRODUCTION_TRAFFIC_SHIFT']);
    expect(h.deps.timeline.records().map((r) => r.phase)).toEqual(expect.arrayContaining(['Verify the new revision before the step from 0%', 'Verify the new revision before the step from 10%']));
    expect(h.probe.callsTo(PROD_URL).length).toBeGreaterThanOrEqual(2);
  });

  it('reports a rollback ECS decided on its own (a hook timed out), and a deployment ECS stopped', async () => {
    const timedOut = await setup({ script: [...BLUE_GREEN_SCRIPT.slice(0, 4), { stage: 'POST_TEST_TRAFFIC_SHIFT', ecs: { status: 'ROLLBACK_REQUESTED', reason: 'Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook timed out.' } }] });
    const back = await settle(builtInDeploy(timedOut.config, timedOut.deps), 500);
    expect(back.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true, rollbackReason: 'Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook timed out.' });
    expect(timedOut.ecs.calls.filter((c) => c.startsWith('resume') || c.startsWith('stop'))).toEqual([]);

    const stopped = await setup({ script: [...BLUE_GREEN_SCRIPT.slice(0, 2), { stage: 'SCALE_UP', ecs: { status: 'STOPPED', reason: 'Service deployment stopped because a newer service deployment started.' } }] });
    const failed = await settle(builtInDeploy(stopped.config, stopped.deps), 500);
    expect(failed.outcome).toMatchObject({ status: 'failed', rolledBack: false });
    expect(failed.error?.message).toBe('ECS ended the service deployment STOPPED: Service deployment stopped because a newer service deployment started.');
  });

  it('rolls back a deployment stuck in a stage for longer than wait-timeout', async () => {
    const stuck = [...BLUE_GREEN_SCRIPT.slice(0, 1), ...Array.from({ length: 40 }, () => ({ stage: 'SCALE_UP' }))];
    const h = await setup({ script: stuck, config: { waitTimeoutMs: 10_000 } });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('ECS stayed in SCALE_UP for longer than 10s (wait-timeout plus the stage\'s configured bake)');
    expect(h.ecs.calls).toContain('stop at SCALE_UP');
  });

  it('rides out two unreadable polls; after three it stops trusting what it cannot see and rolls back', async () => {
    const brief = await setup();
    const describe = brief.ecs.describe;
    let failures = 0;
    brief.ecs.describe = async (arn) => {
      if (brief.ecs.calls.filter((c) => c === 'describe').length === 3 && failures < 2) {
        failures += 1;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return describe(arn);
    };
    const ok = await settle(builtInDeploy(brief.config, brief.deps), 1_000);
    expect(ok.outcome.status).toBe('succeeded');
    expect(core.messages(core.warning).filter((m) => m.startsWith('Could not read the service deployment'))).toHaveLength(2);

    const blind = await setup();
    const real = blind.ecs.describe;
    let reads = 0;
    blind.ecs.describe = async (arn) => {
      reads += 1;
      if (reads >= 3 && reads <= 5) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return real(arn);
    };
    const back = await settle(builtInDeploy(blind.config, blind.deps), 1_000);
    expect(back.outcome.status).toBe('rolled-back');
    expect(back.outcome.rollbackReason).toContain('the action could not go on following the deployment: Rate exceeded');
  });

  it('a CONTINUE whose reply was lost (ECS then says the hook is completed) counts as continued, read back', async () => {
    const h = await setup();
    const resume = h.ecs.resume;
    h.ecs.resume = async (arn, hookId, action) => {
      await resume(arn, hookId, action);
      // The SDK sent it again after the reply was lost: ECS refuses the second call.
      throw Object.assign(new Error('Provided hookId is either completed, unavailable, or not associated with the given Resource ARN'), { name: 'ClientException' });
    };
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(core.messages(core.info).join('\n')).toContain('ContinueServiceDeployment(CONTINUE) at POST_TEST_TRAFFIC_SHIFT: the call failed (Provided hookId is either completed');
  });

  it('a cancelled job answers the waiting pause with ROLLBACK and reports what ECS shows', async () => {
    const h = await setup();
    h.deps.rescuePorts = () => h.aws;
    h.probe.answer = () => {
      h.controller.abort(new Cancelled('SIGINT'));
      return true;
    };
    const result = await settle(builtInDeploy(h.config, h.deps), 500);
    expect(h.ecs.calls).toContain('resume ROLLBACK at POST_TEST_TRAFFIC_SHIFT');
    expect(result.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true });
    expect(result.outcome.rollbackReason).toContain('the job was cancelled (SIGINT)');
  });

  it('refuses to start while another deployment is in flight, before any change', async () => {
    const h = await setup();
    h.ecs.start(taskDefArn(1));
    await expect(settle(builtInDeploy(h.config, h.deps))).rejects.toThrow(/a new deployment would supersede it\. Wait for it to finish, or roll it back with mode: rollback/);
    expect(h.aws.calls.filter((c) => c.op === 'ecs.updateService' || c.op === 'ecs.registerTaskDefinition')).toEqual([]);
  });

  it('records the live task definition in the state parameter, under the lock, when one is given', async () => {
    const h = await setup({ config: { stateParameter: '/shop/live', lock: true } });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.parameters.get('/shop/live')?.value).toBe(taskDefArn(2));
    expect(h.aws.parameters.has('/shop/live-lock')).toBe(false);
    expect(h.aws.calls.some((c) => c.op === 'ssm.putIfAbsent' && c.args[0] === '/shop/live-lock')).toBe(true);
  });

  it('refuses, before any change, a deploy of the task definition the service runs: ECS would start no deployment', async () => {
    const h = await setup({ config: { taskDefinition: { kind: 'reference', value: taskDefArn(1) } } });
    const result = await settle(builtInDeploy(h.config, h.deps)).catch((e: unknown) => e);
    expect(String(result)).toContain("Input 'task-definition' is invalid");
    expect(String(result)).toContain('Set force-new-deployment: true to start new tasks of it anyway');
    expect(h.aws.mutations()).toEqual([]);
    expect(h.ecs.running).toEqual([]);
  });

  it('force-new-deployment starts a deployment of the same task definition (UpdateService forceNewDeployment)', async () => {
    const h = await setup({ config: { taskDefinition: { kind: 'reference', value: taskDefArn(1) }, forceNewDeployment: true } });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.callsOf('ecs.updateService').map((c) => c.args[2])).toEqual([{ taskDefinitionArn: taskDefArn(1), forceNewDeployment: true }]);
  });

  it('enable-ecs-managed-tags, propagate-tags and the service-managed EBS volume go with the UpdateService that starts the deployment', async () => {
    const volume = { name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 20 } };
    const h = await setup({ config: { serviceSettings: { enableECSManagedTags: true, propagateTags: 'SERVICE', volume } } });
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.callsOf('ecs.updateService').map((c) => c.args[2])).toEqual([{ taskDefinitionArn: taskDefArn(2), enableECSManagedTags: true, propagateTags: 'SERVICE', volume }]);
  });

  it('a dry run reads the service and plans, changing nothing', async () => {
    const h = await setup({ config: { dryRun: true } });
    const result = await settle(builtInDeploy(h.config, h.deps));
    expect(result.outcome.status).toBe('no-op');
    expect(result.notes.plan?.join('\n')).toContain('At POST_TEST_TRAFFIC_SHIFT');
    expect(h.aws.calls.filter((c) => c.op.startsWith('ecs.update') || c.op.startsWith('ecs.register'))).toEqual([]);
  });
});

describe('engine: ecs service check', () => {
  it("warns, naming the setting, when a PAUSE hook's own timeout would be the safety net", async () => {
    const h = await setup({ config: { bakeTimeMs: 40 * 60_000 } });
    h.ecs.service.hooks = [
      { targetType: 'PAUSE', stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 1440, timeoutAction: 'ROLLBACK' },
      { targetType: 'PAUSE', stages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 60, timeoutAction: 'CONTINUE' },
      { targetType: 'PAUSE', stages: ['POST_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 30, timeoutAction: 'ROLLBACK' },
      { targetType: 'PAUSE', stages: ['PRE_SCALE_UP'], timeoutInMinutes: 30, timeoutAction: 'CONTINUE' },
    ];
    const setupRead = await settle(readBuiltInService(h.config, h.deps));
    expect([...setupRead.pauseStages]).toEqual(['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'PRE_SCALE_UP']);
    const warnings = core.messages(core.warning).join('\n');
    expect(warnings).toContain("The PAUSE hook at POST_TEST_TRAFFIC_SHIFT waits up to 1440 minutes (timeoutConfiguration.timeoutInMinutes, ECS's default), longer than a GitHub-hosted job can live (6 h)");
    expect(warnings).toContain('Set timeoutConfiguration.timeoutInMinutes to at most 360 (e.g. 60).');
    expect(warnings).toContain('The PAUSE hook at PRE_PRODUCTION_TRAFFIC_SHIFT continues when it times out (timeoutConfiguration.action CONTINUE): if this job dies, ECS moves on unchecked. Set timeoutConfiguration.action to ROLLBACK.');
    expect(warnings).toContain("bake-time (40m) is not shorter than the POST_PRODUCTION_TRAFFIC_SHIFT hook's timeout (30 minutes)");
    // Every PAUSE is an approval point the action answers: one that continues on timeout is warned of wherever it is.
    expect(warnings).toContain('The PAUSE hook at PRE_SCALE_UP continues when it times out (timeoutConfiguration.action CONTINUE)');
  });
});

describe('engine: ecs rollback and status', () => {
  it('mode: rollback rolls an in-flight deployment back and waits for ROLLBACK_SUCCESSFUL', async () => {
    const h = await setup();
    const arn = h.ecs.start(taskDefArn(2));
    const result = await settle(builtInRollback({ ...h.config, mode: 'rollback' }, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'succeeded', rolledBack: true, serviceDeploymentArn: arn });
    expect(h.ecs.calls.some((c) => c.startsWith('stop at'))).toBe(true);
  });

  it('mode: rollback after a finished deployment deploys the previous revision again, through the gates', async () => {
    const h = await setup();
    h.ecs.history = [{ arn: 'arn:done', status: 'SUCCESSFUL', createdAt: T0 - 60_000, sources: [{ arn: 'rev-source' }], target: { arn: 'rev-old' }, hooks: [] }];
    // The service runs what that deployment deployed; its source revision ran revision 1.
    h.ecs.service.taskDefinitionArn = taskDefArn(2);
    const result = await settle(builtInRollback({ ...h.config, mode: 'rollback', taskDefinition: { kind: 'live' } }, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'succeeded', rolledBack: true, taskDefinitionArn: taskDefArn(1) });
    expect(h.ecs.calls).toContain('resume CONTINUE at POST_TEST_TRAFFIC_SHIFT');
  });

  it('mode: status reports the newest deployment and the waiting hooks, changing nothing', async () => {
    const h = await setup();
    const arn = h.ecs.start(taskDefArn(2));
    for (let i = 0; i < 6; i += 1) await h.ecs.describe(arn);
    const result = await settle(builtInStatus({ ...h.config, mode: 'status' }, h.deps));
    expect(result.outcome).toMatchObject({ status: 'no-op', serviceDeploymentArn: arn });
    expect(result.notes.notes.join('\n')).toContain('IN_PROGRESS at POST_TEST_TRAFFIC_SHIFT');
    expect(result.notes.notes.join('\n')).toContain('Waiting: PAUSE hook');
    expect(h.aws.calls.filter((c) => ['ecs.updateService', 'elb.writeActions', 'ssm.put'].includes(c.op))).toEqual([]);
  });
});

// The real ECS SDK client against the built-in blue/green operations: request and response shapes
// parse (Dates are Dates, enums as AWS spells them), errors carry ECS's names, texts and 400.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { startSandbox, type BlueGreenScenario, type NativeScenario, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';
import { deploy, recordDeploymentEvents, untilPaused, untilStatus, type DeploymentEvent } from './native-support.js';

let sb: Sandbox;
let sc: NativeScenario;
let rolling: BlueGreenScenario;
let ecs: ReturnType<typeof clientsFor>['ecs'];
let seen: DeploymentEvent[];
/** v2's deployment, paused at POST_TEST_TRAFFIC_SHIFT for the whole file (hooks time out after 60 minutes of 1 s). */
let arn: string;
let hookId: string;
let v2: string;

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200, deregistrationDelayMs: 300, stopTimeoutMs: 500, minuteMs: 1000 });
  ecs = clientsFor(sb, { maxAttempts: 1 }).ecs;
  seen = recordDeploymentEvents(sb);
  sc = await sb.createNativeService({ name: 'fid-native', desiredCount: 1, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 60 }] });
  rolling = await sb.createBlueGreen({ name: 'fid-roll', desiredCount: 1 });
  v2 = sc.registerTaskDefinition({ version: 'v2' });
  arn = await deploy(ecs, sc, v2);
  hookId = (await untilPaused(sb, seen, arn, 'POST_TEST_TRAFFIC_SHIFT')).hookId ?? '';
}, 90_000);
afterAll(() => sb.stop());

const describeDeployment = async (a: string): Promise<ServiceDeployment | undefined> =>
  (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [a] }))).serviceDeployments?.[0];

describe('UpdateService and DescribeServices', () => {
  test('UpdateService answers with the new deployment in currentServiceDeployment', () => {
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/fid-native\/fid-native\/[A-Za-z0-9_-]{22}$/);
  });

  test('DescribeServices: controller, strategy, hooks with timeout defaults, advancedConfiguration, revisions, PRIMARY + ACTIVE', async () => {
    const s = (await ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.serviceName] }))).services?.[0];
    expect(s?.deploymentController).toEqual({ type: 'ECS' });
    expect(s?.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' } }],
    });
    expect(s?.loadBalancers?.[0]?.advancedConfiguration).toEqual({
      alternateTargetGroupArn: sc.targetGroups.alternate,
      productionListenerRule: sc.productionRuleArn,
      testListenerRule: sc.testRuleArn,
      roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
    });
    expect(s?.currentServiceDeployment).toBe(arn);
    expect(s?.currentServiceRevisions).toHaveLength(2);
    expect(s?.currentServiceRevisions?.[0]).toMatchObject({ requestedTaskCount: 1, runningTaskCount: 1, pendingTaskCount: 0 });
    const [primary, active] = s?.deployments ?? [];
    expect([primary?.status, active?.status]).toEqual(['PRIMARY', 'ACTIVE']);
    // deployments[].id shares its number with the revision ARN.
    expect(s?.currentServiceRevisions?.[0]?.arn?.endsWith(`/${primary?.id?.replace('ecs-svc/', '') ?? 'x'}`)).toBe(true);
    const plain = (await ecs.send(new DescribeServicesCommand({ cluster: rolling.clusterName, services: [rolling.services.blue.name] }))).services?.[0];
    expect(plain?.deploymentController).toEqual({ type: 'ECS' });
    expect(plain?.deploymentConfiguration?.strategy).toBeUndefined();
  });

  test('changing deploymentConfiguration alone starts no deployment; hook timeouts default to 1440/ROLLBACK', async () => {
    const before = sb.serviceDeployments(sc.serviceName).length;
    const out = await ecs.send(
      new UpdateServiceCommand({
        cluster: sc.clusterName,
        service: sc.serviceName,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] }] },
      }),
    );
    expect(out.service?.deploymentConfiguration?.lifecycleHooks?.[0]?.timeoutConfiguration).toEqual({ timeoutInMinutes: 1440, action: 'ROLLBACK' });
    expect(out.service?.currentServiceDeployment).toBe(arn);
    expect(sb.serviceDeployments(sc.serviceName)).toHaveLength(before);
    // Back as it was, so the paused deployment (which keeps its own snapshot) and the file stay as set up.
    await ecs.send(
      new UpdateServiceCommand({
        cluster: sc.clusterName,
        service: sc.serviceName,
        deploymentConfiguration: { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 60 } }] },
      }),
    );
  });

  test.each([
    ['a PAUSE hook at SCALE_UP', { lifecycleHooks: [{ targetType: 'PAUSE' as const, lifecycleStages: ['SCALE_UP' as const] }] }, 'Invalid lifecycle stage provided for Pause Hook'],
    ['a PAUSE hook at PRODUCTION_TRAFFIC_SHIFT', { lifecycleHooks: [{ targetType: 'PAUSE' as const, lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT' as const] }] }, 'Invalid lifecycle stage provided for Pause Hook'],
    ['an unknown targetType', { lifecycleHooks: [{ targetType: 'WEBHOOK' as 'PAUSE', lifecycleStages: ['POST_SCALE_UP' as const] }] }, 'Invalid targetType. Valid values are: AWS_LAMBDA, PAUSE'],
  ])('UpdateService rejects %s', async (_what, deploymentConfiguration, message) => {
    const e = await rejectionOf(ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.serviceName, deploymentConfiguration: deploymentConfiguration as UpdateServiceCommandInput['deploymentConfiguration'] })));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['InvalidParameterException', message, 400]);
  });

  test('UpdateService rejects a non-ROLLING strategy on a service without advancedConfiguration', async () => {
    const e = await rejectionOf(
      ecs.send(new UpdateServiceCommand({ cluster: rolling.clusterName, service: rolling.services.green.name, deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 1 } })),
    );
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual([
      'InvalidParameterException',
      'advancedConfiguration field is required for all loadBalancers when using a non-ROLLING deployment strategy',
      400,
    ]);
  });
});

describe('ListServiceDeployments', () => {
  test('newest first, with every brief field; status and createdAt filters; pages', async () => {
    const all = await ecs.send(new ListServiceDeploymentsCommand({ cluster: sc.clusterName, service: sc.serviceName }));
    expect(all.serviceDeployments).toHaveLength(2);
    const [newest, first] = all.serviceDeployments ?? [];
    expect(newest).toMatchObject({ serviceDeploymentArn: arn, serviceArn: sc.serviceArn, clusterArn: sc.clusterArn, status: 'IN_PROGRESS' });
    expect(newest?.createdAt).toBeInstanceOf(Date);
    expect(newest?.startedAt).toBeInstanceOf(Date);
    expect(newest?.targetServiceRevisionArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-revision\/fid-native\/fid-native\/\d{19}$/);
    expect(first).toMatchObject({ status: 'SUCCESSFUL' });
    expect(first?.finishedAt).toBeInstanceOf(Date);

    const inFlight = await ecs.send(new ListServiceDeploymentsCommand({ cluster: sc.clusterName, service: sc.serviceArn, status: ['IN_PROGRESS', 'PENDING'] }));
    expect(inFlight.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([arn]);
    // The SDK sends epoch seconds with a fraction: 1 ms before the newest deployment was created.
    const after = new Date((newest?.createdAt?.getTime() ?? 0) - 1);
    const recent = await ecs.send(new ListServiceDeploymentsCommand({ cluster: sc.clusterName, service: sc.serviceName, createdAt: { after } }));
    expect(recent.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([arn]);
    const older = await ecs.send(new ListServiceDeploymentsCommand({ cluster: sc.clusterName, service: sc.serviceName, createdAt: { before: newest?.createdAt } }));
    expect(older.serviceDeployments?.map((d) => d.status)).toEqual(['SUCCESSFUL']);

    const page1 = await ecs.send(new ListServiceDeploymentsCommand({ cluster: sc.clusterName, service: sc.serviceName, maxResults: 1 }));
    expect(page1.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([arn]);
    expect(page1.nextToken).toBeDefined();
    const page2 = await ecs.send(new ListServiceDeploymentsCommand({ cluster: sc.clusterName, service: sc.serviceName, maxResults: 1, nextToken: page1.nextToken }));
    expect(page2.serviceDeployments?.map((d) => d.status)).toEqual(['SUCCESSFUL']);
    expect(page2.nextToken).toBeUndefined();
  });

  test.each([
    ['an unknown service', { cluster: 'fid-native', service: 'nope' }, 'ServiceNotFoundException', 'Service not found.'],
    ['an unknown cluster', { cluster: 'nope', service: 'fid-native' }, 'ClusterNotFoundException', 'Cluster not found.'],
  ])('rejects %s', async (_what, input, name, message) => {
    const e = await rejectionOf(ecs.send(new ListServiceDeploymentsCommand(input)));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual([name, message, 400]);
  });
});

describe('DescribeServiceDeployments and DescribeServiceRevisions', () => {
  test('a paused deployment in full: stage, AWAITING_ACTION PAUSE hook, revisions with weights, configuration snapshot', async () => {
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn, `${arn.slice(0, -4)}zzzz`] }));
    const d = out.serviceDeployments?.[0];
    expect(d).toMatchObject({ serviceDeploymentArn: arn, serviceArn: sc.serviceArn, clusterArn: sc.clusterArn, status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    for (const field of ['createdAt', 'startedAt', 'updatedAt'] as const) expect(d?.[field]).toBeInstanceOf(Date);
    expect(d?.lifecycleHookDetails).toHaveLength(1);
    expect(d?.lifecycleHookDetails?.[0]).toMatchObject({ hookId, targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' });
    const expiresAt = d?.lifecycleHookDetails?.[0]?.expiresAt;
    expect(expiresAt).toBeInstanceOf(Date);
    expect((expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(30_000);
    expect(d?.targetServiceRevision).toMatchObject({ requestedTaskCount: 1, runningTaskCount: 1, pendingTaskCount: 0, requestedProductionTrafficWeight: 0, requestedTestTrafficWeight: 100 });
    expect(d?.sourceServiceRevisions).toHaveLength(1);
    expect(d?.sourceServiceRevisions?.[0]).toMatchObject({ runningTaskCount: 1, requestedProductionTrafficWeight: 100, requestedTestTrafficWeight: 0 });
    expect(d?.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, maximumPercent: 200, minimumHealthyPercent: 100 });
    expect(d?.deploymentCircuitBreaker).toMatchObject({ status: 'MONITORING', failureCount: 0 });
    expect(d?.rollback).toBeUndefined();
    expect(out.failures).toEqual([{ arn: `${arn.slice(0, -4)}zzzz`, reason: 'MISSING' }]);
  });

  test('revisions: task definition, load balancers, the target group each one resolved to', async () => {
    const d = await describeDeployment(arn);
    const target = d?.targetServiceRevision?.arn ?? '';
    const source = d?.sourceServiceRevisions?.[0]?.arn ?? '';
    const out = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [target, source, `${source.slice(0, -3)}000`] }));
    const [t, s] = out.serviceRevisions ?? [];
    expect(t).toMatchObject({ serviceRevisionArn: target, serviceArn: sc.serviceArn, clusterArn: sc.clusterArn, taskDefinition: v2 });
    expect(t?.createdAt).toBeInstanceOf(Date);
    expect(t?.resolvedConfiguration?.loadBalancers).toEqual([{ targetGroupArn: sc.targetGroups.alternate, productionListenerRule: sc.productionRuleArn }]);
    expect(t?.loadBalancers?.[0]?.advancedConfiguration?.alternateTargetGroupArn).toBe(sc.targetGroups.alternate);
    expect(s).toMatchObject({ taskDefinition: sc.taskDefinitionArn, resolvedConfiguration: { loadBalancers: [{ targetGroupArn: sc.targetGroups.primary }] } });
    expect(out.failures?.[0]?.reason).toBe('MISSING');
  });

  test('more than 20 ARNs is InvalidParameterException', async () => {
    const e = await rejectionOf(ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: Array.from({ length: 21 }, () => arn) })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InvalidParameterException', 400]);
  });
});

describe('ContinueServiceDeployment and StopServiceDeployment errors', () => {
  const unknownDeployment = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/fid-native/fid-native/AAAAAAAAAAAAAAAAAAAAAA';
  test.each([
    ['a hookId in the wrong format', () => ({ serviceDeploymentArn: arn, hookId: 'pause-123' }), 'InvalidParameterException', 'Invalid hookId: hookId must follow the format: ecs-{hookType}-{id}'],
    ['a hookId the deployment never had', () => ({ serviceDeploymentArn: arn, hookId: 'ecs-pause-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' }), 'ClientException', 'Provided hookId is either completed, unavailable, or not associated with the given Resource ARN'],
    ['an unknown deployment', () => ({ serviceDeploymentArn: unknownDeployment, hookId }), 'ServiceDeploymentNotFoundException', 'The service deployment does not exist.'],
  ])('Continue rejects %s', async (_what, input, name, message) => {
    const e = await rejectionOf(ecs.send(new ContinueServiceDeploymentCommand(input())));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual([name, message, 400]);
  });

  test('a finished deployment: Continue is ClientException, Stop is ConflictException; a hook already continued is "completed"', async () => {
    const first = sb.serviceDeployments(sc.serviceName).find((d) => d.status === 'SUCCESSFUL')?.arn ?? '';
    const cont = await rejectionOf(ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: first, hookId })));
    expect([cont.name, cont.message, cont.$metadata.httpStatusCode]).toEqual(['ClientException', 'Continuing a service deployment is not allowed for service deployment in terminal states.', 400]);
    const stop = await rejectionOf(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: first })));
    expect([stop.name, stop.$metadata.httpStatusCode]).toEqual(['ConflictException', 400]);
    const missing = await rejectionOf(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: unknownDeployment })));
    expect(missing.name).toBe('ServiceDeploymentNotFoundException');
  });

  // Last: it ends the paused deployment the file shares.
  test('Continue answers the ARN; a second Continue of the same hook is "completed"; Stop during the rollback is accepted', async () => {
    const out = await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' }));
    expect(out.serviceDeploymentArn).toBe(arn);
    const again = await rejectionOf(ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId })));
    expect([again.name, again.message]).toEqual(['ClientException', 'Provided hookId is either completed, unavailable, or not associated with the given Resource ARN']);
    const stop = await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    expect(stop.serviceDeploymentArn).toBe(arn);
    await untilStatus(sb, seen, arn, 'ROLLBACK_SUCCESSFUL');
    const d = await describeDeployment(arn);
    expect(d).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', statusReason: 'Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook was rolled back.' });
    expect(d?.lifecycleHookDetails?.[0]?.status).toBe('FAILED');
    expect(d?.rollback?.reason).toBe(d?.statusReason);
    expect(d?.finishedAt).toBeInstanceOf(Date);
  }, 60_000);
});

// The engine: ecs adapter over a mocked ECS client: what it reads of a built-in blue/green service (ECS's
// defaults where fields are absent), how it follows, lists, continues and stops service deployments.
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ServiceNotFoundException,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsResourceNotFound } from '../src/aws/aws-error.js';
import { createServiceDeploymentsPort } from '../src/aws/service-deployments.js';

const ecs = mockClient(ECSClient);
const port = createServiceDeploymentsPort(new ECSClient({ region: 'eu-west-1' }));
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/NCWGC2ZR-taawPAYrIaU5';
const TG_A = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-a/0123456789abcdef';
const TG_B = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-b/fedcba9876543210';
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const meta = { $metadata: {} };

beforeEach(() => {
  ecs.reset();
});

describe('describeService', () => {
  it("reads the strategy, hooks (ECS's 1440 min / ROLLBACK defaults) and advancedConfiguration", async () => {
    ecs.on(DescribeServicesCommand).resolves({
      ...meta,
      services: [
        {
          serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
          serviceName: 'web',
          status: 'ACTIVE',
          taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
          desiredCount: 2,
          runningCount: 2,
          deploymentController: { type: 'ECS' },
          deploymentConfiguration: {
            strategy: 'CANARY',
            bakeTimeInMinutes: 10,
            canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
            lifecycleHooks: [
              { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] },
              { targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 30, action: 'CONTINUE' } },
            ],
          },
          loadBalancers: [{ targetGroupArn: TG_A, advancedConfiguration: { alternateTargetGroupArn: TG_B, productionListenerRule: RULE, roleArn: 'arn:aws:iam::1:role/infra' } }],
        },
      ],
    });
    expect(await port.describeService('prod', 'web')).toEqual({
      serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web',
      serviceName: 'web',
      status: 'ACTIVE',
      controller: 'ECS',
      strategy: 'CANARY',
      bakeTimeInMinutes: 10,
      canary: { percent: 10, bakeTimeInMinutes: 5 },
      hooks: [
        { targetType: 'PAUSE', stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 1440, timeoutAction: 'ROLLBACK' },
        { targetType: 'PAUSE', stages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 30, timeoutAction: 'CONTINUE' },
      ],
      loadBalancers: [{ targetGroupArn: TG_A, alternateTargetGroupArn: TG_B, productionListenerRule: RULE }],
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
      desiredCount: 2,
      runningCount: 2,
    });
  });

  it('a rolling service reads as ROLLING with no hooks; a missing or INACTIVE one names cluster and service', async () => {
    ecs.on(DescribeServicesCommand).resolves({ ...meta, services: [{ serviceName: 'web', status: 'ACTIVE' }] });
    expect(await port.describeService('prod', 'web')).toMatchObject({ controller: 'ECS', strategy: 'ROLLING', hooks: [], loadBalancers: [] });
    ecs.on(DescribeServicesCommand).resolves({ ...meta, services: [], failures: [{ reason: 'MISSING' }] });
    await expect(port.describeService('prod', 'web')).rejects.toThrow("The ECS service 'web' in cluster 'prod' was not found (MISSING). Check the 'cluster' and 'service' inputs and the region.");
    ecs.on(DescribeServicesCommand).resolves({ ...meta, services: [{ serviceName: 'web', status: 'INACTIVE' }] });
    await expect(port.describeService('prod', 'web')).rejects.toThrow('INACTIVE');
    ecs.on(DescribeServicesCommand).rejects(new ServiceNotFoundException({ message: 'Service not found.', $metadata: {} }));
    await expect(port.describeService('prod', 'web')).rejects.toBeInstanceOf(AwsResourceNotFound);
  });
});

describe('service deployments', () => {
  it('lists every page, newest first, with the filters ECS takes', async () => {
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolvesOnce({ ...meta, serviceDeployments: [{ serviceDeploymentArn: 'a', status: 'SUCCESSFUL', createdAt: new Date(1_000) }], nextToken: 't' })
      .resolvesOnce({ ...meta, serviceDeployments: [{ serviceDeploymentArn: 'b', status: 'IN_PROGRESS', createdAt: new Date(2_000), targetServiceRevisionArn: 'rev' }] });
    expect(await port.list('prod', 'web', { statuses: ['IN_PROGRESS', 'SUCCESSFUL'], createdAfter: 500 })).toEqual([
      { arn: 'b', status: 'IN_PROGRESS', createdAt: 2_000, targetRevisionArn: 'rev' },
      { arn: 'a', status: 'SUCCESSFUL', createdAt: 1_000 },
    ]);
    expect(ecs).toHaveReceivedNthSpecificCommandWith(1, ListServiceDeploymentsCommand, { cluster: 'prod', service: 'web', status: ['IN_PROGRESS', 'SUCCESSFUL'], createdAt: { after: new Date(500) } });
    expect(ecs).toHaveReceivedNthSpecificCommandWith(2, ListServiceDeploymentsCommand, { cluster: 'prod', service: 'web', status: ['IN_PROGRESS', 'SUCCESSFUL'], createdAt: { after: new Date(500) }, nextToken: 't' });
  });

  it('describes a deployment: stage, revisions and weights, waiting hooks, rollback, times as epoch ms', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      ...meta,
      serviceDeployments: [
        {
          serviceDeploymentArn: ARN,
          status: 'ROLLBACK_IN_PROGRESS',
          statusReason: 'rolled back',
          lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' as never,
          createdAt: new Date(1_000),
          stoppedAt: new Date(9_000),
          targetServiceRevision: { arn: 'rev-2', requestedTaskCount: 2, runningTaskCount: 1, requestedProductionTrafficWeight: 10, requestedTestTrafficWeight: 100 },
          sourceServiceRevisions: [{ arn: 'rev-1', requestedProductionTrafficWeight: 90 }],
          lifecycleHookDetails: [{ hookId: 'ecs-pause-x', targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: new Date(60_000), timeoutAction: 'ROLLBACK' }, {}],
          rollback: { reason: 'alarm', startedAt: new Date(8_000) },
        },
      ],
    });
    expect(await port.describe(ARN)).toEqual({
      arn: ARN,
      status: 'ROLLBACK_IN_PROGRESS',
      statusReason: 'rolled back',
      lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      createdAt: 1_000,
      finishedAt: 9_000,
      target: { arn: 'rev-2', requestedTaskCount: 2, runningTaskCount: 1, productionWeight: 10, testWeight: 100 },
      sources: [{ arn: 'rev-1', productionWeight: 90 }],
      hooks: [
        { hookId: 'ecs-pause-x', targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: 60_000, timeoutAction: 'ROLLBACK' },
        { hookId: '', targetType: '', status: '' },
      ],
      rollback: { reason: 'alarm', startedAt: 8_000 },
    });
  });

  it('a deployment or revision ECS does not know is AwsResourceNotFound with its reason', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ ...meta, serviceDeployments: [], failures: [{ arn: ARN, reason: 'MISSING' }] });
    await expect(port.describe(ARN)).rejects.toThrow(`ECS does not describe service deployment ${ARN} (MISSING).`);
    ecs.on(DescribeServiceRevisionsCommand).resolves({ ...meta, serviceRevisions: [], failures: [{ arn: 'rev', reason: 'MISSING' }] });
    await expect(port.revisionTaskDefinition('rev')).rejects.toBeInstanceOf(AwsResourceNotFound);
  });

  it('continues or rolls back at a hook, stops with ROLLBACK (never ABORT), reads a revision\'s task definition', async () => {
    ecs.on(ContinueServiceDeploymentCommand).resolves({ ...meta, serviceDeploymentArn: ARN });
    ecs.on(StopServiceDeploymentCommand).resolves({ ...meta, serviceDeploymentArn: ARN });
    ecs.on(DescribeServiceRevisionsCommand).resolves({ ...meta, serviceRevisions: [{ serviceRevisionArn: 'rev', taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/web:6' }] });
    await port.resume(ARN, 'ecs-pause-x', 'CONTINUE');
    await port.resume(ARN, 'ecs-pause-y', 'ROLLBACK');
    await port.rollBack(ARN);
    expect(ecs).toHaveReceivedNthSpecificCommandWith(1, ContinueServiceDeploymentCommand, { serviceDeploymentArn: ARN, hookId: 'ecs-pause-x', action: 'CONTINUE' });
    expect(ecs).toHaveReceivedNthSpecificCommandWith(2, ContinueServiceDeploymentCommand, { serviceDeploymentArn: ARN, hookId: 'ecs-pause-y', action: 'ROLLBACK' });
    expect(ecs).toHaveReceivedCommandWith(StopServiceDeploymentCommand, { serviceDeploymentArn: ARN, stopType: 'ROLLBACK' });
    expect(await port.revisionTaskDefinition('rev')).toBe('arn:aws:ecs:eu-west-1:1:task-definition/web:6');
  });
});

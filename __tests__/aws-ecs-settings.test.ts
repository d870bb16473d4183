// The ECS adapter's requests for what the official deploy action's users expect: the one-off task's tags,
// startedBy, environment, managed tags, tag propagation and EBS volume (RunTask), and the deploying
// UpdateService's managed tags, tag propagation and EBS volume — each sent only when given.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeServicesCommand, ECSClient, RunTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createEcsPort } from '../src/aws/ecs.js';

const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42';
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0123456789abcdef';
const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';
const ecs = mockClient(ECSClient);
const port = createEcsPort(new ECSClient({ region: 'eu-west-1' }));
const sent = <T>(command: T) => ecs.commandCalls(command as never)[0]?.args[0].input;

beforeEach(() => {
  ecs.reset();
});

describe('runTask', () => {
  const base = { cluster: 'prod', taskDefinitionArn: TD, placement: { launchType: 'FARGATE' as const }, containerName: 'web', command: ['sh', '-c', 'migrate'], startedBy: 'release-42' };

  it('sends tags, startedBy, the environment override, managed tags, propagateTags and the EBS volume', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }], failures: [] });
    await port.runTask({
      ...base,
      tags: [{ key: 'team', value: 'payments' }],
      environment: [{ name: 'MIGRATION_TARGET', value: 'v2' }],
      enableECSManagedTags: true,
      propagateTags: 'TASK_DEFINITION',
      volume: { name: 'scratch', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 20 } },
    });
    expect(sent(RunTaskCommand)).toEqual({
      cluster: 'prod',
      taskDefinition: TD,
      count: 1,
      launchType: 'FARGATE',
      startedBy: 'release-42',
      tags: [{ key: 'team', value: 'payments' }],
      enableECSManagedTags: true,
      propagateTags: 'TASK_DEFINITION',
      volumeConfigurations: [{ name: 'scratch', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 20 } }],
      overrides: { containerOverrides: [{ name: 'web', command: ['sh', '-c', 'migrate'], environment: [{ name: 'MIGRATION_TARGET', value: 'v2' }] }] },
    });
  });

  it('sends none of them when none is given (ECS defaults: no tags, no managed tags, no propagation)', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }], failures: [] });
    await port.runTask({ ...base, tags: [], environment: [] });
    expect(sent(RunTaskCommand)).toEqual({ cluster: 'prod', taskDefinition: TD, count: 1, launchType: 'FARGATE', startedBy: 'release-42', overrides: { containerOverrides: [{ name: 'web', command: ['sh', '-c', 'migrate'] }] } });
  });

  it('sends enableECSManagedTags false when asked', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }], failures: [] });
    await port.runTask({ ...base, enableECSManagedTags: false, propagateTags: 'NONE' });
    expect(sent(RunTaskCommand)).toMatchObject({ enableECSManagedTags: false, propagateTags: 'NONE' });
  });
});

describe('updateService', () => {
  const service = { deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY' }] };

  it('sends enableECSManagedTags, propagateTags and volumeConfigurations with the task definition', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service });
    await port.updateService('prod', 'web-green', { taskDefinitionArn: TD, enableECSManagedTags: false, propagateTags: 'SERVICE', volume: { name: 'data', managedEBSVolume: { roleArn: ROLE, volumeType: 'gp3' } } });
    expect(sent(UpdateServiceCommand)).toEqual({
      cluster: 'prod',
      service: 'web-green',
      taskDefinition: TD,
      enableECSManagedTags: false,
      propagateTags: 'SERVICE',
      volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: ROLE, volumeType: 'gp3' } }],
    });
  });

  it('leaves the service\'s settings alone when they are not given', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service });
    await port.updateService('prod', 'web-green', { taskDefinitionArn: TD });
    expect(sent(UpdateServiceCommand)).toEqual({ cluster: 'prod', service: 'web-green', taskDefinition: TD });
  });
});

describe('describeService', () => {
  it('reports the deployment controller when ECS names one', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'web-green', status: 'ACTIVE', deploymentController: { type: 'CODE_DEPLOY' } }] });
    await expect(port.describeService('prod', 'web-green')).resolves.toMatchObject({ controller: 'CODE_DEPLOY' });
  });
});

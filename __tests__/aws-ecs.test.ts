import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ClientException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  ServiceNotActiveException,
  StopTaskCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsResourceNotFound } from '../src/aws/aws-error.js';
import { createEcsPort, MAX_SERVICE_EVENTS } from '../src/aws/ecs.js';

const meta = { $metadata: {} };
const TD1 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41';
const TD2 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42';

const ecs = mockClient(ECSClient);
const port = createEcsPort(new ECSClient({ region: 'eu-west-1' }));

const service: Service = {
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web-green',
  serviceName: 'web-green',
  status: 'ACTIVE',
  desiredCount: 2,
  runningCount: 1,
  taskDefinition: TD2,
  loadBalancers: [
    { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/0123456789abcdef', containerName: 'web', containerPort: 8080 },
    { loadBalancerName: 'classic-elb', containerName: 'web', containerPort: 8080 },
  ],
  deployments: [
    { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: TD2, desiredCount: 2, runningCount: 1, failedTasks: 1, rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.' },
    { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: TD1, desiredCount: 0, runningCount: 1, failedTasks: 0 },
  ],
  events: [
    { id: 'e1', createdAt: new Date('2026-11-22T10:00:00Z'), message: '(service web-green) has started 1 tasks.' },
    { id: 'e3', createdAt: new Date('2026-11-22T10:02:00Z'), message: '(service web-green) has reached a steady state.' },
    { id: 'e2', createdAt: new Date('2026-11-22T10:01:00Z'), message: '(service web-green) registered 1 targets.' },
  ],
};

beforeEach(() => {
  ecs.reset();
});

describe('describeService', () => {
  it('maps the service, its deployments and its events (newest first)', async () => {
    ecs.on(DescribeServicesCommand, { cluster: 'prod', services: ['web-green'] }).resolves({ services: [service], failures: [] });
    const info = await port.describeService('prod', 'web-green');
    expect(info).toEqual({
      serviceArn: service.serviceArn,
      serviceName: 'web-green',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 1,
      taskDefinitionArn: TD2,
      // The pair check compares these with the target group inputs; a Classic ELB entry has no ARN.
      targetGroupArns: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/0123456789abcdef'],
      deployments: [
        { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinitionArn: TD2, rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.', desiredCount: 2, runningCount: 1, failedTasks: 1 },
        { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinitionArn: TD1, desiredCount: 0, runningCount: 1, failedTasks: 0 },
      ],
      events: [
        '2026-11-22T10:02:00.000Z (service web-green) has reached a steady state.',
        '2026-11-22T10:01:00.000Z (service web-green) registered 1 targets.',
        '2026-11-22T10:00:00.000Z (service web-green) has started 1 tasks.',
      ],
      placement: {},
    });
    expect(info.deployments[1]).not.toHaveProperty('rolloutState');
  });

  it(`keeps at most ${MAX_SERVICE_EVENTS} events`, async () => {
    const events = Array.from({ length: 25 }, (_, i) => ({ createdAt: new Date(Date.UTC(2026, 10, 22, 10, i)), message: `event ${i}` }));
    ecs.on(DescribeServicesCommand).resolves({ services: [{ ...service, events }] });
    const info = await port.describeService('prod', 'web-green');
    expect(info.events).toHaveLength(MAX_SERVICE_EVENTS);
    expect(info.events[0]).toBe('2026-11-22T10:24:00.000Z event 24');
  });

  it('fills defaults for fields AWS left out', async () => {
    const dated = { createdAt: new Date('2026-11-22T10:00:00Z'), message: 'dated' };
    ecs.on(DescribeServicesCommand).resolvesOnce({ services: [{ deployments: [{}], events: [{}, dated] }] }).resolves({ services: [{}] });
    await expect(port.describeService('prod', 'web-green')).resolves.toEqual({
      serviceArn: '',
      serviceName: '',
      status: 'UNKNOWN',
      desiredCount: 0,
      runningCount: 0,
      taskDefinitionArn: '',
      targetGroupArns: [],
      deployments: [{ id: '', status: 'UNKNOWN', taskDefinitionArn: '', desiredCount: 0, runningCount: 0, failedTasks: 0 }],
      events: ['2026-11-22T10:00:00.000Z dated', 'unknown time'],
      placement: {},
    });
    await expect(port.describeService('prod', 'web-green')).resolves.toMatchObject({ deployments: [], events: [] });
  });

  it('names cluster, service and the failure reason when the service is missing', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/web-grene', reason: 'MISSING' }] });
    const describe = port.describeService('prod', 'web-grene');
    await expect(describe).rejects.toBeInstanceOf(AwsResourceNotFound);
    await expect(describe).rejects.toThrow("The ECS service 'web-grene' in cluster 'prod' was not found (MISSING). Check the 'cluster', 'blue-service' and 'green-service' inputs");
    await expect(describe).rejects.toMatchObject({ resource: 'ECS service', identifier: 'prod/web-grene' });
  });

  it('includes the failure detail, and handles an empty answer', async () => {
    ecs.on(DescribeServicesCommand).resolvesOnce({ failures: [{ reason: 'MISSING', detail: 'no such service' }] }).resolvesOnce({}).resolvesOnce({ failures: [{}] });
    await expect(port.describeService('prod', 'web')).rejects.toThrow('(MISSING: no such service)');
    await expect(port.describeService('prod', 'web')).rejects.toThrow('(not returned)');
    await expect(port.describeService('prod', 'web')).rejects.toThrow('(unknown reason)');
  });

  it('refuses an INACTIVE (deleted) service', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [{ ...service, status: 'INACTIVE' }] });
    await expect(port.describeService('prod', 'web-green')).rejects.toThrow("The ECS service 'web-green' in cluster 'prod' is INACTIVE (deleted).");
  });

  it('names the cluster when it does not exist', async () => {
    ecs.on(DescribeServicesCommand).rejects(new ClusterNotFoundException({ message: 'Cluster not found.', ...meta }));
    await expect(port.describeService('prd', 'web-green')).rejects.toThrow("The ECS service 'web-green' in cluster 'prd' was not found (Cluster not found.)");
  });
});

describe('describeTaskDefinition', () => {
  it('returns the task definition', async () => {
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'web:42' }).resolves({ taskDefinition: { taskDefinitionArn: TD2, family: 'web' } });
    await expect(port.describeTaskDefinition('web:42')).resolves.toEqual({ taskDefinitionArn: TD2, family: 'web' });
  });

  it('names the reference ECS cannot describe', async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(new ClientException({ message: 'Unable to describe task definition.', ...meta }));
    const describe = port.describeTaskDefinition('web:99');
    await expect(describe).rejects.toBeInstanceOf(AwsResourceNotFound);
    await expect(describe).rejects.toThrow("The task definition 'web:99' could not be described (Unable to describe task definition.). Check the 'task-definition' input");
  });

  it('fails clearly on an empty answer, and passes other errors through', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolvesOnce({});
    await expect(port.describeTaskDefinition('web')).rejects.toThrow("ECS returned no task definition for 'web'.");
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    ecs.on(DescribeTaskDefinitionCommand).rejects(denied);
    await expect(port.describeTaskDefinition('web')).rejects.toBe(denied);
  });
});

describe('registerTaskDefinition', () => {
  it('sends the input as given and returns the new ARN', async () => {
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD2 } });
    const input = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] };
    await expect(port.registerTaskDefinition(input)).resolves.toBe(TD2);
    expect(ecs).toHaveReceivedCommandWith(RegisterTaskDefinitionCommand, input);
  });

  it('fails clearly when ECS returns no ARN', async () => {
    ecs.on(RegisterTaskDefinitionCommand).resolves({});
    await expect(port.registerTaskDefinition({ family: 'web', containerDefinitions: [] })).rejects.toThrow("family 'web' but returned no ARN");
  });
});

describe('updateService', () => {
  it('sends the task definition and desired count and returns the PRIMARY deployment id', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service });
    await expect(port.updateService('prod', 'web-green', { taskDefinitionArn: TD2, desiredCount: 2 })).resolves.toBe('ecs-svc/2');
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'prod', service: 'web-green', taskDefinition: TD2, desiredCount: 2 });
  });

  it('sends only what changes', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service });
    await port.updateService('prod', 'web-blue', { desiredCount: 0 });
    await port.updateService('prod', 'web-blue', { taskDefinitionArn: TD1 });
    const [scale, deploy] = ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);
    expect(scale).toEqual({ cluster: 'prod', service: 'web-blue', desiredCount: 0 });
    expect(deploy).toEqual({ cluster: 'prod', service: 'web-blue', taskDefinition: TD1 });
  });

  it('fails clearly when there is no PRIMARY deployment', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: { ...service, deployments: [] } });
    await expect(port.updateService('prod', 'web-green', { desiredCount: 1 })).rejects.toThrow(
      "UpdateService on 'web-green' in cluster 'prod' returned no PRIMARY deployment",
    );
  });

  it.each([
    ['ServiceNotFoundException', new ServiceNotFoundException({ message: 'Service not found.', ...meta })],
    ['ServiceNotActiveException', new ServiceNotActiveException({ message: 'Service was not ACTIVE.', ...meta })],
    ['ClusterNotFoundException', new ClusterNotFoundException({ message: 'Cluster not found.', ...meta })],
  ])('names cluster and service on %s', async (_name, error) => {
    ecs.on(UpdateServiceCommand).rejects(error);
    const update = port.updateService('prod', 'web-green', { desiredCount: 1 });
    await expect(update).rejects.toBeInstanceOf(AwsResourceNotFound);
    await expect(update).rejects.toThrow(`The ECS service 'web-green' in cluster 'prod' was not found (${error.message})`);
  });
});

describe('standalone tasks (pre-deploy-task-command)', () => {
  const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0123456789abcdef';
  const placement = { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], launchType: 'FARGATE' as const, networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }, platformVersion: '1.4.0' };

  it('runs one task placed like the service: capacity providers win over a launch type; the command overrides one container', async () => {
    ecs.on(RunTaskCommand).resolves({ ...meta, tasks: [{ taskArn: TASK }], failures: [] });
    const arn = await port.runTask({ cluster: 'prod', taskDefinitionArn: TD2, placement, containerName: 'web', command: ['sh', '-c', 'migrate'], startedBy: 'ecs-blue-green-action' });
    expect(arn).toBe(TASK);
    expect(ecs).toHaveReceivedCommandWith(RunTaskCommand, {
      cluster: 'prod',
      taskDefinition: TD2,
      count: 1,
      startedBy: 'ecs-blue-green-action',
      capacityProviderStrategy: placement.capacityProviderStrategy,
      networkConfiguration: placement.networkConfiguration,
      platformVersion: '1.4.0',
      overrides: { containerOverrides: [{ name: 'web', command: ['sh', '-c', 'migrate'] }] },
    });
    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input).not.toHaveProperty('launchType');
  });

  it('reports ECS\'s failures when it places no task', async () => {
    ecs.on(RunTaskCommand).resolves({ ...meta, tasks: [], failures: [{ arn: 'arn:x', reason: 'RESOURCE:MEMORY' }] });
    await expect(port.runTask({ cluster: 'prod', taskDefinitionArn: TD2, placement: {}, containerName: 'web', command: ['x'], startedBy: 's' })).rejects.toThrow(/started no task .*RESOURCE:MEMORY/);
  });

  it('describes a stopped task with its containers\' exit codes, and stops one with a reason', async () => {
    ecs.on(DescribeTasksCommand).resolves({
      ...meta,
      tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 3, lastStatus: 'STOPPED' }] }],
    });
    expect(await port.describeTask('prod', TASK)).toEqual({
      taskArn: TASK,
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'web', exitCode: 3, lastStatus: 'STOPPED' }],
    });
    ecs.on(StopTaskCommand).resolves({ ...meta });
    await port.stopTask('prod', TASK, 'x'.repeat(300));
    expect(ecs.commandCalls(StopTaskCommand)[0]?.args[0].input.reason).toHaveLength(255);
  });
});


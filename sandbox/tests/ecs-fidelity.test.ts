// The real ECS SDK client against the sandbox: shapes parse, errors are ECS's.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

let sb: Sandbox;
let sc: BlueGreenScenario;
let ecs: ReturnType<typeof clientsFor>['ecs'];

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200 });
  sc = await sb.createBlueGreen({ name: 'fid-ecs', desiredCount: 1 });
  ecs = clientsFor(sb, { maxAttempts: 1 }).ecs;
});
afterAll(() => sb.stop());

describe('DescribeServices', () => {
  test('a service parses with its completed deployment, counts, load balancer and events', async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.blue.name, 'missing'] }));
    const s = out.services?.[0];
    expect(s).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/fid-ecs/fid-ecs-blue',
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 1,
      taskDefinition: sc.taskDefinitionArn,
      loadBalancers: [{ targetGroupArn: sc.targetGroups.blue, containerName: 'app', containerPort: 8080 }],
    });
    expect(s?.deployments).toHaveLength(1);
    expect(s?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 1, failedTasks: 0 });
    expect(s?.deployments?.[0]?.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(s?.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(s?.events?.[0]?.message).toBe('(service fid-ecs-blue) has reached a steady state.');
    expect(s?.events?.map((e) => e.message)).toContainEqual(expect.stringMatching(/^\(service fid-ecs-blue\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/));
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/fid-ecs/missing', reason: 'MISSING' }]);
  });

  test('an unknown cluster is ClusterNotFoundException', async () => {
    const e = await rejectionOf(ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['x'] })));
    expect(e.name).toBe('ClusterNotFoundException');
    expect(e.message).toBe('Cluster not found.');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });
});

describe('task definitions', () => {
  test('DescribeTaskDefinition accepts family, family:revision and ARN', async () => {
    for (const ref of [sc.taskDefinitionFamily, `${sc.taskDefinitionFamily}:1`, sc.taskDefinitionArn]) {
      const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref }));
      expect(out.taskDefinition).toMatchObject({ taskDefinitionArn: sc.taskDefinitionArn, family: 'fid-ecs', revision: 1, status: 'ACTIVE' });
      expect(out.taskDefinition?.registeredAt).toBeInstanceOf(Date);
      expect(out.taskDefinition?.containerDefinitions?.[0]?.environment).toContainEqual({ name: 'SANDBOX_VERSION', value: 'v1' });
    }
    const e = await rejectionOf(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fid-ecs:99' })));
    expect(e.name).toBe('ClientException');
    expect(e.message).toBe('Unable to describe task definition.');
  });

  test('RegisterTaskDefinition returns the next revision and validates the family and containers', async () => {
    const out = await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'fid-ecs', containerDefinitions: [{ name: 'app', image: 'sandbox/app:v2' }] }),
    );
    expect(out.taskDefinition?.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/fid-ecs:2');
    const bad = await rejectionOf(ecs.send(new RegisterTaskDefinitionCommand({ family: 'bad family', containerDefinitions: [{ name: 'a', image: 'b' }] })));
    expect(bad.name).toBe('ClientException');
    const noImage = await rejectionOf(ecs.send(new RegisterTaskDefinitionCommand({ family: 'fid-ecs', containerDefinitions: [{ name: 'a' }] })));
    expect(noImage.name).toBe('ClientException');
  });
});

describe('UpdateService errors', () => {
  test.each([
    ['an unknown cluster', { cluster: 'nope', service: 'fid-ecs-blue' }, 'ClusterNotFoundException'],
    ['an unknown service', { cluster: 'fid-ecs', service: 'nope' }, 'ServiceNotFoundException'],
    ['a negative desired count', { cluster: 'fid-ecs', service: 'fid-ecs-green', desiredCount: -1 }, 'InvalidParameterException'],
    ['an unknown task definition', { cluster: 'fid-ecs', service: 'fid-ecs-green', taskDefinition: 'fid-ecs:99' }, 'ClientException'],
  ])('rejects %s', async (_what, input, name) => {
    const e = await rejectionOf(ecs.send(new UpdateServiceCommand(input)));
    expect(e.name).toBe(name);
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  test('an INACTIVE service is ServiceNotActiveException', async () => {
    sb.deleteService('fid-ecs', 'fid-ecs-green');
    const e = await rejectionOf(ecs.send(new UpdateServiceCommand({ cluster: 'fid-ecs', service: 'fid-ecs-green', desiredCount: 1 })));
    expect(e.name).toBe('ServiceNotActiveException');
  });
});

describe('ListTasks / DescribeTasks', () => {
  test('running tasks are listed and described with their network binding', async () => {
    const list = await ecs.send(new ListTasksCommand({ cluster: sc.clusterName, serviceName: sc.services.blue.name }));
    expect(list.taskArns).toHaveLength(1);
    expect(list.taskArns?.[0]).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/fid-ecs\/[0-9a-f]{32}$/);
    const out = await ecs.send(new DescribeTasksCommand({ cluster: sc.clusterName, tasks: [list.taskArns?.[0] as string, 'ffff'] }));
    expect(out.tasks?.[0]).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', taskDefinitionArn: sc.taskDefinitionArn, group: 'service:fid-ecs-blue' });
    expect(out.tasks?.[0]?.startedAt).toBeInstanceOf(Date);
    expect(out.tasks?.[0]?.containers?.[0]?.networkBindings?.[0]?.hostPort).toBeGreaterThan(0);
    expect(out.failures?.[0]?.reason).toBe('MISSING');
    const none = await ecs.send(new ListTasksCommand({ cluster: sc.clusterName, serviceName: sc.services.green.name }));
    expect(none.taskArns).toEqual([]);
    const e = await rejectionOf(ecs.send(new ListTasksCommand({ cluster: sc.clusterName, serviceName: 'nope' })));
    expect(e.name).toBe('ServiceNotFoundException');
  });
});

// The real ECS SDK client against the sandbox's RunTask and UpdateService fields that the official deploy
// action's inputs map to. ECS API Reference:
//   RunTask (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html): `tags`,
//     `enableECSManagedTags`, `propagateTags` ("An error will be received if you specify the SERVICE option
//     when running a task"), `startedBy`, `overrides.containerOverrides[].environment`, `volumeConfigurations`;
//   Tag (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html): at most 50 per resource,
//     key 1–128 and value up to 256 characters, no `aws:` prefix on keys or values;
//   TaskManagedEBSVolumeConfiguration (.../API_TaskManagedEBSVolumeConfiguration.html): `roleArn` required;
//     TaskVolumeConfiguration: the name must be the task definition volume's (configuredAtLaunch);
//   UpdateService (.../API_UpdateService.html): `enableECSManagedTags` and `propagateTags` (SERVICE,
//     TASK_DEFINITION, NONE) start no deployment; `volumeConfigurations` that differ from the existing one do;
//   DescribeTasks (.../API_DescribeTasks.html): `include: ['TAGS']` returns the task's tags.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, UpdateServiceCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';
let sb: Sandbox;
let sc: BlueGreenScenario;
let ecs: ReturnType<typeof clientsFor>['ecs'];
let network: RunTaskCommandInput['networkConfiguration'];
/** A revision of the scenario's task definition with a configuredAtLaunch volume and tags. */
let withVolume: string;

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200, stopTimeoutMs: 500 });
  sc = await sb.createBlueGreen({ name: 'fid-tags', desiredCount: 1 });
  ecs = clientsFor(sb, { maxAttempts: 1 }).ecs;
  network = (await ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.green.name] }))).services?.[0]?.networkConfiguration;
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: sc.taskDefinitionArn }))).taskDefinition;
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'fid-tags', containerDefinitions: td?.containerDefinitions ?? [], networkMode: 'awsvpc', volumes: [{ name: 'scratch', configuredAtLaunch: true }], tags: [{ key: 'app', value: 'shop' }] }),
  );
  withVolume = registered.taskDefinition?.taskDefinitionArn ?? '';
});
afterAll(() => sb.stop());

const run = (extra: Partial<RunTaskCommandInput> = {}) =>
  ecs.send(new RunTaskCommand({ cluster: sc.clusterName, taskDefinition: sc.taskDefinitionArn, launchType: 'FARGATE', networkConfiguration: network, startedBy: 'release-42', overrides: { containerOverrides: [{ name: 'app', command: ['sh', '-c', 'exit 0'] }] }, ...extra }));

describe('RunTask', () => {
  test('records tags, managed tags, propagated tags, the environment override and the EBS volume; DescribeTasks include TAGS returns the tags', async () => {
    const out = await run({
      taskDefinition: withVolume,
      tags: [{ key: 'team', value: 'payments' }],
      enableECSManagedTags: true,
      propagateTags: 'TASK_DEFINITION',
      overrides: { containerOverrides: [{ name: 'app', command: ['sh', '-c', 'echo "$TARGET"'], environment: [{ name: 'TARGET', value: 'v2' }] }] },
      volumeConfigurations: [{ name: 'scratch', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 20 } }],
    });
    const arn = out.tasks?.[0]?.taskArn ?? '';
    expect(out.tasks?.[0]).toMatchObject({ startedBy: 'release-42', overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'TARGET', value: 'v2' }] }] } });
    const described = (await ecs.send(new DescribeTasksCommand({ cluster: sc.clusterName, tasks: [arn], include: ['TAGS'] }))).tasks?.[0];
    expect(described?.tags).toEqual([{ key: 'app', value: 'shop' }, { key: 'team', value: 'payments' }, { key: 'aws:ecs:clusterName', value: sc.clusterName }]);
    const plain = (await ecs.send(new DescribeTasksCommand({ cluster: sc.clusterName, tasks: [arn] }))).tasks?.[0];
    expect(plain?.tags).toBeUndefined();
    const task = sb.world.ecs.tasks.find((t) => t.arn === arn);
    expect(task?.standalone).toMatchObject({ enableECSManagedTags: true, propagateTags: 'TASK_DEFINITION', volumeConfigurations: [{ name: 'scratch', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 20 } }] });
    await sb.waitFor(() => sb.taskOutput(arn).includes('v2'), { what: 'the environment reaching the process' });
  });

  test.each([
    ['propagateTags SERVICE', { propagateTags: 'SERVICE' as const }, /SERVICE is not supported when running a task/],
    ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, /exceeds the limit of 50/],
    ['a key of 129 characters', { tags: [{ key: 'k'.repeat(129), value: 'v' }] }, /between 1 and 128/],
    ['a value of 257 characters', { tags: [{ key: 'k', value: 'v'.repeat(257) }] }, /at most 256/],
    ['the aws: prefix', { tags: [{ key: 'aws:team', value: 'x' }] }, /may not begin with aws:/],
    ['a startedBy with a space', { startedBy: 'release 42' }, /startedBy may contain up to 128 letters/],
    ['a volume without roleArn', { taskDefinition: 'fid-tags', volumeConfigurations: [{ name: 'scratch', managedEBSVolume: { sizeInGiB: 1 } as never }] }, /roleArn is required/],
    ['a volume the task definition does not have', { volumeConfigurations: [{ name: 'scratch', managedEBSVolume: { roleArn: ROLE } }] }, /is not in the task definition/],
  ])('refuses %s with InvalidParameterException', async (_, extra, message) => {
    const error = await rejectionOf(run(extra));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(message);
  });
});

describe('UpdateService', () => {
  const describe1 = async () => (await ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.blue.name] }))).services?.[0];

  test('enableECSManagedTags and propagateTags are recorded and start no deployment', async () => {
    const before = await describe1();
    expect(before).toMatchObject({ enableECSManagedTags: false, propagateTags: 'NONE' });
    await ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, enableECSManagedTags: true, propagateTags: 'SERVICE' }));
    const after = await describe1();
    expect(after).toMatchObject({ enableECSManagedTags: true, propagateTags: 'SERVICE' });
    expect(after?.deployments?.map((d) => d.id)).toEqual(before?.deployments?.map((d) => d.id));
  });

  test('a new volumeConfigurations starts a deployment that shows it', async () => {
    const before = await describe1();
    await ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, taskDefinition: withVolume, volumeConfigurations: [{ name: 'scratch', managedEBSVolume: { roleArn: ROLE, volumeType: 'gp3' } }] }));
    const primary = (await describe1())?.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.id).not.toBe(before?.deployments?.find((d) => d.status === 'PRIMARY')?.id);
    expect(primary?.volumeConfigurations).toEqual([{ name: 'scratch', managedEBSVolume: { roleArn: ROLE, volumeType: 'gp3' } }]);
  });

  test('refuses an unknown propagateTags and a volume without roleArn', async () => {
    const bad = await rejectionOf(ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, propagateTags: 'TASK' as never })));
    expect(bad.name).toBe('InvalidParameterException');
    const noRole = await rejectionOf(ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.blue.name, volumeConfigurations: [{ name: 'scratch', managedEBSVolume: {} as never }] })));
    expect(noRole.message).toMatch(/roleArn is required/);
  });
});

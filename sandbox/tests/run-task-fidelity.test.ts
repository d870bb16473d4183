// The real ECS SDK client against the sandbox's standalone tasks (RunTask, DescribeTasks, StopTask, ListTasks),
// which pre-deploy-task-command relies on. Shapes and errors follow the ECS API Reference: RunTask
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html — count 1–10, launchType and
// capacityProviderStrategy are mutually exclusive, networkConfiguration is required for awsvpc, `failures` when
// no task can be placed), Task / Container (stopCode EssentialContainerExited / UserInitiated, the container's
// exitCode) and StopTask (the reason, up to 255 characters, becomes stoppedReason). The SDK's own
// waitUntilTasksStopped (DescribeTasks until every task is STOPPED) is the check that the shapes are right.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand, waitUntilTasksStopped, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

let sb: Sandbox;
let sc: BlueGreenScenario;
let ecs: ReturnType<typeof clientsFor>['ecs'];
let network: RunTaskCommandInput['networkConfiguration'];

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200, stopTimeoutMs: 500 });
  sc = await sb.createBlueGreen({ name: 'fid-run', desiredCount: 1 });
  ecs = clientsFor(sb, { maxAttempts: 1 }).ecs;
  const service = (await ecs.send(new DescribeServicesCommand({ cluster: sc.clusterName, services: [sc.services.green.name] }))).services?.[0];
  network = service?.networkConfiguration;
});
afterAll(() => sb.stop());

const run = (command: string[], extra: Partial<RunTaskCommandInput> = {}) =>
  ecs.send(
    new RunTaskCommand({
      cluster: sc.clusterName,
      taskDefinition: sc.taskDefinitionArn,
      launchType: 'FARGATE',
      networkConfiguration: network,
      startedBy: 'ecs-blue-green-action',
      overrides: { containerOverrides: [{ name: 'app', command }] },
      ...extra,
    }),
  );

/** Resolves once ECS describes the task RUNNING. */
const running = (taskArn: string | undefined) =>
  sb.waitFor(() => sb.world.ecs.tasks.find((t) => t.arn === taskArn && t.lastStatus === 'RUNNING'), { what: 'the task running' });

/** Waits (with the SDK's waiter: it polls DescribeTasks) until the task stops, then describes it. */
async function stopped(taskArn: string) {
  await waitUntilTasksStopped({ client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { cluster: sc.clusterName, tasks: [taskArn] });
  const task = (await ecs.send(new DescribeTasksCommand({ cluster: sc.clusterName, tasks: [taskArn] }))).tasks?.[0];
  if (!task) throw new Error(`task ${taskArn} not described`);
  return task;
}

describe('RunTask', () => {
  test('runs the command as a real process: exit 0, EssentialContainerExited, the environment override reaches it', async () => {
    const out = await run(['sh', '-c', 'echo "migrating $TARGET"; exit 0'], {
      overrides: { containerOverrides: [{ name: 'app', command: ['sh', '-c', 'echo "migrating $TARGET"; exit 0'], environment: [{ name: 'TARGET', value: 'v2' }] }] },
    });
    expect(out.failures).toEqual([]);
    const [task] = out.tasks ?? [];
    expect(task).toMatchObject({ clusterArn: expect.stringContaining(':cluster/fid-run'), taskDefinitionArn: sc.taskDefinitionArn, startedBy: 'ecs-blue-green-action', group: 'family:fid-run', launchType: 'FARGATE' });
    expect(task?.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/fid-run\/[0-9a-f]{32}$/);
    const done = await stopped(task?.taskArn ?? '');
    expect(done).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
    expect(done.containers?.[0]).toMatchObject({ name: 'app', exitCode: 0 });
    expect(done.stoppedAt).toBeInstanceOf(Date);
    expect(sb.taskOutput(task?.taskArn ?? '')).toEqual(['migrating v2']);
  });

  test('a non-zero exit is the container\'s exitCode', async () => {
    const [task] = (await run(['sh', '-c', 'echo boom >&2; exit 3'])).tasks ?? [];
    const done = await stopped(task?.taskArn ?? '');
    expect(done.containers?.[0]?.exitCode).toBe(3);
    expect(done.stopCode).toBe('EssentialContainerExited');
    expect(sb.taskOutput(task?.taskArn ?? '')).toEqual(['boom']);
  });

  test('a command that cannot start: the task stops with no exit code and the container says why', async () => {
    const [task] = (await run(['/no/such/entrypoint'])).tasks ?? [];
    const done = await stopped(task?.taskArn ?? '');
    expect(done.containers?.[0]?.exitCode).toBeUndefined();
    expect(done.containers?.[0]?.reason).toMatch(/^CannotStartContainerError: /);
    expect(done.stopCode).toBe('TaskFailedToStart');
  });

  test('is no service\'s task: ListTasks by service does not list it, by startedBy does, and no target group gets it', async () => {
    const [task] = (await run(['sh', '-c', 'sleep 30'])).tasks ?? [];
    const byService = await ecs.send(new ListTasksCommand({ cluster: sc.clusterName, serviceName: sc.services.blue.name }));
    expect(byService.taskArns).not.toContain(task?.taskArn);
    const byStarter = await ecs.send(new ListTasksCommand({ cluster: sc.clusterName, startedBy: 'ecs-blue-green-action' }));
    expect(byStarter.taskArns).toContain(task?.taskArn);
    expect(sb.targetHealth(sc.targetGroups.green)).toEqual([]);
    expect(sb.targetHealth(sc.targetGroups.blue)).toHaveLength(1);
    await ecs.send(new StopTaskCommand({ cluster: sc.clusterName, task: task?.taskArn, reason: 'test over' }));
    await stopped(task?.taskArn ?? '');
  });

  test('refuses what ECS refuses, with its exception names', async () => {
    expect(await rejectionOf(run(['true'], { networkConfiguration: undefined }))).toMatchObject({ name: 'InvalidParameterException', message: "Network Configuration must be provided when networkMode 'awsvpc' is specified." });
    expect(await rejectionOf(run(['true'], { overrides: { containerOverrides: [{ name: 'web', command: ['true'] }] } }))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Override for container named web is not a container in the TaskDefinition.',
    });
    expect(await rejectionOf(run(['true'], { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await rejectionOf(run(['true'], { taskDefinition: 'nope:1' }))).toMatchObject({ name: 'ClientException' });
    expect(await rejectionOf(run(['true'], { cluster: 'nope' }))).toMatchObject({ name: 'ClusterNotFoundException' });
  });

  test('answers failures and no task when told there is no capacity', async () => {
    sb.failNextRunTask('RESOURCE:MEMORY');
    const out = await run(['true']);
    expect(out.tasks).toEqual([]);
    expect(out.failures).toEqual([{ arn: sc.taskDefinitionArn, reason: 'RESOURCE:MEMORY' }]);
  });
});

describe('StopTask', () => {
  test('stops a long-running task: UserInitiated, the reason given, the signal\'s exit code', async () => {
    const [task] = (await run(['sh', '-c', 'sleep 300'])).tasks ?? [];
    await running(task?.taskArn);
    const out = await ecs.send(new StopTaskCommand({ cluster: sc.clusterName, task: task?.taskArn, reason: 'ecs-blue-green-action: the deploy job was cancelled' }));
    expect(out.task?.desiredStatus).toBe('STOPPED');
    const done = await stopped(task?.taskArn ?? '');
    expect(done).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'ecs-blue-green-action: the deploy job was cancelled' });
    expect(done.containers?.[0]?.exitCode).toBe(143);
  });

  test('a task that ignores SIGTERM is killed after the stop timeout', async () => {
    const [task] = (await run(['sh', '-c', 'trap "" TERM; echo ready; sleep 300 & wait; sleep 300'])).tasks ?? [];
    // RUNNING only means the process was spawned: its shell may not have run `trap` yet, and a SIGTERM then
    // kills it (143). It prints `ready` once the trap is in place; stop it only after that.
    await sb.waitFor(() => sb.taskOutput(task?.taskArn ?? '').includes('ready'), { what: 'the task ignoring SIGTERM' });
    await ecs.send(new StopTaskCommand({ cluster: sc.clusterName, task: task?.taskArn }));
    const done = await stopped(task?.taskArn ?? '');
    expect(done.stoppedReason).toBe('Task stopped by user');
    expect(done.containers?.[0]?.exitCode).toBe(137);
  });

  test('an unknown task is an InvalidParameterException', async () => {
    expect(await rejectionOf(ecs.send(new StopTaskCommand({ cluster: sc.clusterName, task: 'arn:aws:ecs:us-east-1:123456789012:task/fid-run/' + '0'.repeat(32) })))).toMatchObject({ name: 'InvalidParameterException' });
  });

  test('faults apply to RunTask like to any operation', async () => {
    sb.injectFault({ kind: 'throttle', operation: 'RunTask', times: 1 });
    expect(await rejectionOf(run(['true']))).toMatchObject({ name: 'ThrottlingException' });
  });
});

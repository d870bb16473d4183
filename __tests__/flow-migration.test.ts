// `pre-deploy-task-command`: a one-off ECS task of the new task definition before the idle service is
// updated. Where it runs, what it runs, and that a failure, a timeout or a cancellation changes nothing else.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { lockTtlMs } = await import('../src/flow/lock.js');
const { Cancelled } = await import('../src/errors.js');
const { FakeAws, SERVICES, taskDefArn } = await import('../__fixtures__/fake-aws.js');
const { LOCK, T0, harness, settle } = await import('../__fixtures__/flow.js');
const { makeConfig } = await import('../__fixtures__/config.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const MIGRATE = ['sh', '-c', 'npm run migrate'];
const withTask = (aws?: InstanceType<typeof FakeAws>) => harness({ ...(aws ? { aws } : {}), config: { commands: { timeoutMs: 600_000, preDeployTask: MIGRATE } } });

describe('pre-deploy-task-command', () => {
  it('runs the new task definition once, placed like the idle service, before the service is updated', async () => {
    const h = await withTask();
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    const ops = h.aws.mutations().map((c) => c.op);
    expect(ops.indexOf('ecs.runTask')).toBeGreaterThan(ops.indexOf('ecs.registerTaskDefinition'));
    expect(ops.indexOf('ecs.runTask')).toBeLessThan(ops.indexOf('ecs.updateService'));
    const [request] = h.aws.calls.filter((c) => c.op === 'ecs.runTask').map((c) => c.args[0]);
    expect(request).toEqual({
      cluster: 'shop',
      taskDefinitionArn: taskDefArn(2),
      placement: { launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } } },
      containerName: 'app',
      command: MIGRATE,
      startedBy: 'ecs-blue-green-action',
    });
    expect(result.notes.release?.taskDefinitionArn).toBe(taskDefArn(2));
  });

  it('a non-zero exit stops the deploy: the idle service is not updated, the step fails with the code, reason and ARN', async () => {
    const aws = new FakeAws();
    aws.taskScript = { exitCode: 3, runningDescribes: 1, stoppedReason: 'Essential container in task exited' };
    const h = await withTask(aws);
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(h.aws.mutations().map((c) => c.op)).not.toContain('ecs.updateService');
    expect(h.aws.services.get(SERVICES.green)?.taskDefinitionArn).not.toBe(taskDefArn(2));
    expect(result.error?.message).toMatch(/pre-deploy-task-command failed: task arn:aws:ecs:[^ ]+:task\/shop\/\w+ exited with code 3; EssentialContainerExited: Essential container in task exited\. Nothing else was changed/);
    expect(result.error?.message).toContain('console.aws.amazon.com/ecs/v2/clusters/shop/tasks/');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
  });

  it('a task that never ran (no exit code) fails with the container\'s reason', async () => {
    const aws = new FakeAws();
    aws.taskScript = { runningDescribes: 0, stoppedReason: 'Task failed to start' };
    const h = await withTask(aws);
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain('has no exit code (it never ran: CannotPullContainerError');
  });

  it('RunTask placing no task fails with ECS\'s reason', async () => {
    const aws = new FakeAws();
    aws.runTaskFailure = 'RESOURCE:MEMORY';
    const h = await withTask(aws);
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain('RESOURCE:MEMORY');
    expect(h.aws.mutations().map((c) => c.op)).not.toContain('ecs.updateService');
  });

  it('a task still running at wait-timeout is stopped, and the deploy fails', async () => {
    const aws = new FakeAws();
    aws.taskScript = { exitCode: 0, runningDescribes: 10_000, stoppedReason: '' };
    const h = await withTask(aws);
    const result = await settle(deploy({ ...h.config, waitTimeoutMs: 60_000 }, h.deps));
    expect(result.error?.message).toContain('was stopped: it ran longer than wait-timeout (1m)');
    const stops = h.aws.calls.filter((c) => c.op === 'ecs.stopTask');
    expect(stops).toHaveLength(1);
    expect(stops[0]?.args[2]).toContain('ran longer than wait-timeout');
  });

  it('a cancelled job stops the task and ends the deploy before the idle service changes', async () => {
    const aws = new FakeAws();
    aws.taskScript = { exitCode: 0, runningDescribes: 10_000, stoppedReason: '' };
    const h = await withTask(aws);
    const running = settle(deploy(h.config, h.deps));
    await jest.advanceTimersByTimeAsync(20_000);
    h.controller.abort(new Cancelled('SIGINT'));
    const result = await running;
    expect(result.outcome).toMatchObject({ status: 'failed', rolledBack: false });
    expect(h.aws.calls.filter((c) => c.op === 'ecs.stopTask').map((c) => c.args[2])).toEqual(['ecs-blue-green-action: the deploy job was cancelled']);
    expect(h.aws.mutations().map((c) => c.op)).not.toContain('ecs.updateService');
  });

  it('without container-name, overrides the first essential container', async () => {
    const h = await harness({ config: { containerName: undefined, image: undefined, taskDefinition: { kind: 'reference', value: 'shop:1' }, commands: { timeoutMs: 600_000, preDeployTask: MIGRATE } } });
    await settle(deploy(h.config, h.deps));
    const [request] = h.aws.calls.filter((c) => c.op === 'ecs.runTask').map((c) => c.args[0] as { containerName: string });
    expect(request?.containerName).toBe('app');
  });

  it('adds wait-timeout to the lock\'s lifetime', () => {
    expect(lockTtlMs(makeConfig({ commands: { timeoutMs: 600_000, preDeployTask: MIGRATE } }))).toBe(lockTtlMs(makeConfig()) + 900_000);
  });
});

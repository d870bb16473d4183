// The flow with the official deploy action's settings: the pre-deploy task gets its tags, environment, EBS
// volume, managed tags and tag propagation; the deploying UpdateService gets the service settings; the
// task's ARN is the pre-deploy-task-arn output, on success and on failure; and a service on the CODE_DEPLOY or
// EXTERNAL controller is refused before any change.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { runMain } = await import('../src/flow/run.js');
const { PairMismatch } = await import('../src/errors.js');
const { FakeAws, PAIR_INPUTS, SERVICES, taskDefArn } = await import('../__fixtures__/fake-aws.js');
const { MemoryState, T0, harness, settle } = await import('../__fixtures__/flow.js');

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';
const MIGRATE = ['sh', '-c', 'npm run migrate'];

let exitCode: typeof process.exitCode;
beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
  core.resetCore();
  exitCode = process.exitCode;
});
afterEach(() => {
  jest.useRealTimers();
  process.exitCode = exitCode;
});

describe('the pre-deploy task and the deploying UpdateService', () => {
  it('start the task with its tags, environment, EBS volume and managed tags; SERVICE propagation goes to the service only', async () => {
    const h = await harness({
      config: {
        commands: { timeoutMs: 600_000, preDeployTask: MIGRATE },
        preDeployTask: { tags: [{ key: 'team', value: 'payments' }], startedBy: 'release-42', environment: [{ name: 'MIGRATION_TARGET', value: 'v2-secret' }], volume: { name: 'scratch', managedEBSVolume: { roleArn: ROLE } } },
        serviceSettings: { enableECSManagedTags: true, propagateTags: 'SERVICE', volume: { name: 'data', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 30 } } },
      },
    });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    const [request] = h.aws.callsOf('ecs.runTask').map((c) => c.args[0]);
    expect(request).toMatchObject({
      startedBy: 'release-42',
      tags: [{ key: 'team', value: 'payments' }],
      environment: [{ name: 'MIGRATION_TARGET', value: 'v2-secret' }],
      enableECSManagedTags: true,
      volume: { name: 'scratch', managedEBSVolume: { roleArn: ROLE } },
    });
    expect(request).not.toHaveProperty('propagateTags');
    const [deploying] = h.aws.callsOf('ecs.updateService').filter((c) => c.args[1] === SERVICES.green);
    expect(deploying?.args[2]).toEqual({ taskDefinitionArn: taskDefArn(2), enableECSManagedTags: true, propagateTags: 'SERVICE', volume: { name: 'data', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 30 } } });
    // The environment's names are logged, never its values.
    const logged = core.messages(core.info).join('\n');
    expect(logged).toContain('MIGRATION_TARGET');
    expect(logged).not.toContain('v2-secret');
  });

  it('sends TASK_DEFINITION propagation to the task as well', async () => {
    const h = await harness({ config: { commands: { timeoutMs: 600_000, preDeployTask: MIGRATE }, serviceSettings: { propagateTags: 'TASK_DEFINITION' } } });
    await settle(deploy(h.config, h.deps));
    expect(h.aws.callsOf('ecs.runTask')[0]?.args[0]).toMatchObject({ propagateTags: 'TASK_DEFINITION' });
  });
});

describe('a service on the CODE_DEPLOY or EXTERNAL deployment controller', () => {
  it.each(['CODE_DEPLOY', 'EXTERNAL'])('%s: refused by the pair check before any change, naming the service and the controller', async (controller) => {
    const aws = new FakeAws();
    const green = aws.services.get(SERVICES.green);
    if (green) green.controller = controller;
    const h = await harness({ aws, config: { commands: { timeoutMs: 600_000, preDeployTask: MIGRATE } } });
    const error = await settle(deploy(h.config, h.deps)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PairMismatch);
    expect((error as Error).message).toContain(`green-service ${SERVICES.green} uses the ${controller} deployment controller: UpdateService cannot change its task definition`);
    expect((error as Error).message).toContain('move the service to the ECS deployment controller');
    expect(aws.mutations()).toEqual([]);
  });

  it('does not stop a rollback (it changes no task definition)', async () => {
    const aws = new FakeAws();
    const green = aws.services.get(SERVICES.green);
    if (green) green.controller = 'CODE_DEPLOY';
    const h = await harness({ aws, config: { mode: 'rollback' } });
    const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
    const result = await settle(manualRollback(h.config, h.deps));
    expect(result.error?.message ?? '').not.toContain('deployment controller');
  });
});

describe('the pre-deploy-task-arn output', () => {
  const INPUTS: Record<string, string> = {
    ...PAIR_INPUTS,
    'bake-time': '1m',
    'task-definition': 'shop:1',
    'pre-deploy-task-command': 'npm run migrate',
    'pre-deploy-task-tags': 'team=payments',
  };
  const outputs = (): Record<string, string> => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]));
  const run = (aws: InstanceType<typeof FakeAws>) => settle(runMain({ ports: () => aws, state: new MemoryState(aws), signals: new EventEmitter() }));

  it('is the task ECS started, on success', async () => {
    core.setInputs(INPUTS);
    const aws = new FakeAws();
    await run(aws);
    const [task] = [...aws.tasks.keys()];
    expect(outputs()).toMatchObject({ status: 'succeeded', 'pre-deploy-task-arn': task });
    expect(aws.callsOf('ecs.runTask')[0]?.args[0]).toMatchObject({ tags: [{ key: 'team', value: 'payments' }] });
  });

  it('is set when the task fails, and the deploy stops', async () => {
    core.setInputs(INPUTS);
    const aws = new FakeAws();
    aws.taskScript = { exitCode: 3, runningDescribes: 1, stoppedReason: 'Essential container in task exited' };
    await run(aws);
    const [task] = [...aws.tasks.keys()];
    expect(task).toMatch(/:task\/shop\//);
    expect(outputs()).toMatchObject({ status: 'failed', 'pre-deploy-task-arn': task });
  });

  it('is empty when no task ran', async () => {
    core.setInputs({ ...INPUTS, 'pre-deploy-task-command': '', 'pre-deploy-task-tags': '' });
    await run(new FakeAws());
    expect(outputs()).toMatchObject({ status: 'succeeded', 'pre-deploy-task-arn': '' });
  });
});

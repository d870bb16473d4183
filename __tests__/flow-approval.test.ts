// `mode: prepare` then `mode: promote`: prepare deploys and verifies the idle colour and leaves traffic
// alone; promote switches to exactly what was prepared, and refuses — before any change — when the
// pair moved in between (another deploy, a rollout, drift, a scale-down).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { prepare } = await import('../src/engines/pair/prepare.js');
const { promote } = await import('../src/engines/pair/promote.js');
const { deploy } = await import('../src/engines/pair/deploy.js');
const { FakeAws, PARAMETER, SERVICES, TG, forwardTo, taskDefArn } = await import('../__fixtures__/fake-aws.js');
const { IDLE_URL, LOCK, T0, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');
type Harness = Awaited<ReturnType<typeof harness>>;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

/** Prepares green on a fresh pair; returns the harness and the prepared ARN. */
async function prepared(options: ConstructorParameters<typeof FakeAws>[0] = {}): Promise<{ h: Harness; arn: string }> {
  const h = await harness({ aws: new FakeAws(options), config: { mode: 'prepare' } });
  const result = await settle(prepare(h.config, h.deps));
  expect(result.error).toBeUndefined();
  return { h, arn: result.outcome.taskDefinitionArn ?? '' };
}

const promoteWith = (h: Harness, arn: string) => settle(promote({ ...h.config, mode: 'promote', expectedTaskDefinitionArn: arn, taskDefinition: { kind: 'live' } }, h.deps));

describe('mode: prepare', () => {
  it('deploys and verifies green, then stops: traffic and the record stay on blue, the lock is released', async () => {
    const h = await harness({ config: { mode: 'prepare' } });
    const before = h.aws.listenerActions();
    const result = await settle(prepare(h.config, h.deps));

    expect(result.outcome).toEqual({ status: 'succeeded', liveColour: 'blue', previousColour: 'blue', targetColour: 'green', taskDefinitionArn: taskDefArn(2), rolledBack: false });
    expect(h.aws.services.get(SERVICES.green)?.taskDefinitionArn).toBe(taskDefArn(2));
    expect(h.aws.listenerActions()).toEqual(before);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(h.state.phase()).toBe('settled');
    // It was verified: the idle colour's URL passed its checks.
    expect(h.probe.callsTo(IDLE_URL).length).toBeGreaterThanOrEqual(3);
    expect(core.messages(core.notice).join('\n')).toContain(`expected-task-definition-arn: ${taskDefArn(2)}`);
  });

  it('a failed verification leaves traffic on blue and fails the step, as a deploy would', async () => {
    const h = await harness({ config: { mode: 'prepare' } });
    h.probe.failing.add(IDLE_URL);
    const result = await settle(prepare(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error).toBeDefined();
  });
});

describe('mode: promote', () => {
  it('switches to the prepared colour with every safety of a deploy: verify again, shift, bake, record', async () => {
    const { h, arn } = await prepared();
    const calls = h.aws.calls.length;
    const result = await promoteWith(h, arn);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', previousColour: 'blue', targetColour: 'green', taskDefinitionArn: arn, rolledBack: false });
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 0, green: 100 });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    // It did not deploy again.
    const ops = h.aws.calls.slice(calls).map((c) => c.op);
    expect(ops).not.toContain('ecs.updateService');
    expect(ops).not.toContain('ecs.registerTaskDefinition');
  });

  it('rolls back when the promoted colour fails its bake', async () => {
    const { h, arn } = await prepared();
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.probe.failing.add(IDLE_URL);
    };
    const result = await promoteWith(h, arn);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', rolledBack: true });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });

  it('refuses when another deploy changed the idle colour in between, naming both task definitions', async () => {
    const { h, arn } = await prepared();
    // Another run deploys something else to green (deploy from the prepared state: green gets revision 3).
    const other = await harness({ aws: h.aws, config: { mode: 'prepare', image: 'shop:3' } });
    await settle(prepare(other.config, other.deps));
    const before = h.aws.mutations().length;

    const result = await promoteWith(h, arn);
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error?.name).toBe('PreparedStateChanged');
    expect(result.error?.message).toContain(`runs ${taskDefArn(3)}, not the prepared ${arn}`);
    expect(result.error?.message).toContain('Nothing was changed');
    // Only the lock was written and released.
    expect(h.aws.mutations().slice(before).map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'ssm.delete']);
  });

  it('refuses when the prepared colour went live in between (someone deployed or rolled back)', async () => {
    const { h, arn } = await prepared();
    const done = await promoteWith(h, arn);
    expect(done.outcome.status).toBe('succeeded');
    const again = await promoteWith(h, arn);
    expect(again.error?.message).toContain(`green (live) runs it: it was switched to since it was prepared`);
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 0, green: 100 });
  });

  it('refuses on drift: the record no longer matches the listener', async () => {
    const { h, arn } = await prepared();
    h.aws.parameters.set(PARAMETER, { value: 'green', version: 9 });
    const result = await promoteWith(h, arn);
    expect(result.error?.message).toContain(`${PARAMETER} records 'green' but the listener sends all traffic to blue`);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(weightsOf(h.aws.listenerActions(), TG).green).toBe(0);
  });

  it('does not mistake an INACTIVE deployment that ECS still lists for a rollout', async () => {
    const { h, arn } = await prepared();
    const green = h.aws.services.get(SERVICES.green);
    green?.deployments.push({ id: 'ecs-svc/old', status: 'INACTIVE', taskDefinitionArn: taskDefArn(1), desiredCount: 0, runningCount: 0, failedTasks: 0 });
    const result = await promoteWith(h, arn);
    expect(result.error).toBeUndefined();
    expect(result.outcome.status).toBe('succeeded');
  });

  it('refuses while a rollout runs on the idle colour, and when it was scaled to zero', async () => {
    const { h, arn } = await prepared();
    const green = h.aws.services.get(SERVICES.green);
    if (!green) throw new Error('no green');
    green.deployments.unshift({ ...green.deployments[0]!, id: 'ecs-svc/x', rolloutState: 'IN_PROGRESS' });
    green.deployments[1]!.status = 'ACTIVE';
    green.pendingDescribes = 10;
    expect((await promoteWith(h, arn)).error?.message).toContain('has a rollout in progress');

    green.deployments.splice(1);
    green.deployments[0]!.rolloutState = 'COMPLETED';
    green.desiredCount = 0;
    green.deployments[0]!.runningCount = 0;
    expect((await promoteWith(h, arn)).error?.message).toContain('it was scaled down since it was prepared');
  });

  it('a deploy after a prepare deploys as usual (prepare left nothing half-done)', async () => {
    const { h } = await prepared({ listenerActions: [forwardTo(TG.blue)] });
    const result = await settle(deploy({ ...h.config, mode: 'deploy', image: 'shop:3' }, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green' });
  });
});

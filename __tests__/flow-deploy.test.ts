// The deploy flow end to end against the in-memory AWS: the happy path, discovery (drift, first run,
// split), the lock, and every way deploying or verifying the idle colour can fail before traffic moves.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { lockTtlMs } = await import('../src/flow/lock.js');
const { UnsafeListenerState } = await import('../src/errors.js');
const { FakeAws, PARAMETER, RULE, LISTENER, SERVICES, TEST_LISTENER, TG, forwardTo, healthy, taskDefArn, weighted } = await import(
  '../__fixtures__/fake-aws.js'
);
const { IDLE_URL, LOCK, OIDC, T0, advanceUntil, harness, settle } = await import('../__fixtures__/flow.js');
const { makeConfig } = await import('../__fixtures__/config.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('deploy: all at once', () => {
  it('moves all traffic to the idle colour, records it, and leaves every other action as it was', async () => {
    const forward: Action = { ...forwardTo(TG.blue), Order: 2 };
    const original = [OIDC, forward];
    const h = await harness({ aws: new FakeAws({ listenerActions: original }) });

    const result = await settle(deploy(h.config, h.deps));

    expect(result.error).toBeUndefined();
    expect(result.outcome).toEqual({
      status: 'succeeded',
      liveColour: 'green',
      previousColour: 'blue',
      taskDefinitionArn: taskDefArn(2),
      rolledBack: false,
      switchedAt: expect.stringMatching(/^2026-11-22T10:00:\d\d\.\d{3}Z$/),
      targetColour: 'green',
    });
    const listener = h.aws.listenerActions();
    expect(listener[0]).toEqual(OIDC);
    expect(listener[1]).toEqual({
      Type: 'forward',
      Order: 2,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: TG.blue, Weight: 0 },
          { TargetGroupArn: TG.green, Weight: 100 },
        ],
        TargetGroupStickinessConfig: { Enabled: false },
      },
    });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    // The new revision runs on the idle service, with the image rendered in.
    expect(h.aws.services.get(SERVICES.green)?.taskDefinitionArn).toBe(taskDefArn(2));
    expect(h.aws.taskDefinitions.get(taskDefArn(2))?.containerDefinitions?.[0]?.image).toBe('shop:2');
    expect(h.aws.services.get(SERVICES.blue)?.taskDefinitionArn).toBe(taskDefArn(1));
    expect(core.messages(core.notice)).toEqual([expect.stringContaining('Switched traffic from blue to green')]);
    expect(result.notes.trafficSteps).toEqual([{ at: expect.any(String), split: { blue: 0, green: 100 }, note: 'step 1/1' }]);
    expect(result.notes.listenerBefore).toContain('blue 100%');
    expect(result.notes.listenerAfter).toContain('green 100%');
  });

  it('takes the lock first and releases it at the end', async () => {
    const h = await harness();
    await settle(deploy(h.config, h.deps));

    const ops = h.aws.calls.map((c) => c.op);
    // Only the pair check's reads come before it.
    const first = h.aws.mutations()[0];
    expect(first?.op).toBe('ssm.putIfAbsent');
    expect(ops.slice(0, ops.indexOf('ssm.putIfAbsent')).sort()).toEqual(['ecs.describeService', 'ecs.describeService', 'elb.readActions']);
    expect(first?.args[0]).toBe(LOCK);
    const lockValue = JSON.parse(String(first?.args[1])) as { id: string; expiresAt: string };
    expect(lockValue.id).toBe('42-1');
    expect(Date.parse(lockValue.expiresAt)).toBe(T0 + lockTtlMs(h.config));
    expect(ops.at(-1)).toBe('ssm.delete');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(h.state.read('lock')).toBe('');
  });

  it('saves state at every phase boundary, the snapshot before the first write, and ends settled', async () => {
    const h = await harness();
    await settle(deploy(h.config, h.deps));

    expect(h.state.phases()).toEqual(['started', 'locked', 'deploying', 'verifying', 'shifting', 'baking', 'settled']);
    const firstWrite = h.aws.calls.findIndex((c) => c.op === 'elb.writeActions');
    const snapshotSave = h.state.firstSave('snapshot');
    expect(snapshotSave).toBeDefined();
    expect(snapshotSave!.call).toBeLessThanOrEqual(firstWrite);
    expect(JSON.parse(snapshotSave!.value)).toEqual({ target: { kind: 'listener', arn: LISTENER }, actions: [forwardTo(TG.blue)], takenAt: expect.any(String) });
    expect(h.state.read('previous-colour')).toBe('blue');
    expect(h.state.read('new-colour')).toBe('green');
  });

  it('points the test listener at the idle colour during verify and back at the old colour after', async () => {
    const h = await harness({ aws: new FakeAws({ testListener: true }), config: { testListenerArn: TEST_LISTENER } });
    const done = deploy(h.config, h.deps);

    await advanceUntil(() => h.state.phase() === 'verifying' && h.probe.calls.length > 0, 'verify');
    expect(h.aws.liveColour(TEST_LISTENER)).toBe('green');
    expect(h.aws.liveColour()).toBe('blue');

    const result = await settle(done);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.liveColour(TEST_LISTENER)).toBe('blue');
  });

  it('force-new-deployment asks ECS for new tasks of the idle colour even when its task definition is unchanged', async () => {
    const h = await harness({ config: { forceNewDeployment: true } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.callsOf('ecs.updateService')[0]?.args[2]).toMatchObject({ forceNewDeployment: true });
  });

  it('deploys blue when green is live', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'green' }) });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue', previousColour: 'green' });
    expect(h.aws.liveColour()).toBe('blue');
    expect(h.probe.calls[0]?.url).toBe('http://blue.shop.test/health');
  });

  it('reuses the live task definition as is when no image is given (no new revision)', async () => {
    const h = await harness({ config: { containerName: undefined, image: undefined } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', taskDefinitionArn: taskDefArn(1) });
    expect(h.aws.count('ecs.registerTaskDefinition')).toBe(0);
  });

  it('deploys a task definition reference (family:revision) as is', async () => {
    const aws = new FakeAws();
    aws.taskDefinitions.set(taskDefArn(7), { taskDefinitionArn: taskDefArn(7), family: 'shop', revision: 7, containerDefinitions: [{ name: 'app', image: 'shop:7' }] });
    const h = await harness({ aws, config: { taskDefinition: { kind: 'reference', value: 'shop:7' }, containerName: undefined, image: undefined } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', taskDefinitionArn: taskDefArn(7) });
    expect(aws.count('ecs.registerTaskDefinition')).toBe(0);
    expect(aws.services.get(SERVICES.green)?.taskDefinitionArn).toBe(taskDefArn(7));
  });

  it('renders the image into a task definition file in the describe-task-definition envelope and registers it without read-only fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flow-taskdef-'));
    try {
      const path = join(dir, 'task-definition.json');
      writeFileSync(
        path,
        JSON.stringify({
          taskDefinition: {
            taskDefinitionArn: taskDefArn(9),
            family: 'shop',
            revision: 9,
            status: 'ACTIVE',
            requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
            compatibilities: ['EC2', 'FARGATE'],
            registeredAt: '2026-11-01T00:00:00.000Z',
            registeredBy: 'arn:aws:iam::123456789012:role/deployer',
            requiresCompatibilities: ['FARGATE'],
            networkMode: 'awsvpc',
            cpu: '256',
            memory: '512',
            containerDefinitions: [
              { name: 'app', image: 'shop:1', essential: true },
              { name: 'sidecar', image: 'envoy:1' },
            ],
          },
          tags: [{ key: 'team', value: 'shop' }],
        }),
      );
      const h = await harness({ config: { taskDefinition: { kind: 'file', path }, containerName: 'app', image: 'shop:3' } });
      const result = await settle(deploy(h.config, h.deps));

      expect(result.outcome).toMatchObject({ status: 'succeeded', taskDefinitionArn: taskDefArn(2) });
      const registered = h.aws.callsOf('ecs.registerTaskDefinition').map((c) => c.args[0]);
      expect(registered).toEqual([
        {
          family: 'shop',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          containerDefinitions: [
            { name: 'app', image: 'shop:3', essential: true },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          tags: [{ key: 'team', value: 'shop' }],
        },
      ]);
      // The live service's task definition was never looked up: the file is the source.
      expect(h.aws.count('ecs.describeTaskDefinition')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scales an idle service at 0 tasks to the live desired count', async () => {
    const aws = new FakeAws({ idleDesired: 0 });
    aws.services.get(SERVICES.blue)!.desiredCount = 4;
    aws.health.set(TG.green, ['a', 'b', 'c', 'd'].map((id) => healthy(id)));
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(aws.callsOf('ecs.updateService')[0]?.args).toEqual(['shop', SERVICES.green, { taskDefinitionArn: taskDefArn(2), desiredCount: 4 }]);
    expect(aws.services.get(SERVICES.green)?.desiredCount).toBe(4);
  });

  it('scales the previous colour to 0 after the scale-down delay', async () => {
    const h = await harness({ config: { scaleDownPrevious: true, scaleDownDelayMs: 120_000, bakeTimeMs: 60_000 } });
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'settled', 'settled');
    const settledAt = Date.now();
    await jest.advanceTimersByTimeAsync(119_000);
    expect(h.aws.services.get(SERVICES.blue)?.desiredCount).toBe(2);

    const result = await settle(done, 1_000);
    const scaleDown = h.aws.callsOf('ecs.updateService').find((c) => c.args[1] === SERVICES.blue);
    expect(scaleDown?.args[2]).toEqual({ desiredCount: 0 });
    expect(scaleDown!.at - settledAt).toBe(120_000);
    expect(h.aws.services.get(SERVICES.blue)?.desiredCount).toBe(0);
    expect(result.outcome.status).toBe('succeeded');
    expect(result.notes.notes).toContainEqual(expect.stringContaining('Scaled shop-blue (blue) to 0 tasks'));
  });

  it('scales the previous colour down at once without a delay', async () => {
    const h = await harness({ config: { scaleDownPrevious: true, bakeTimeMs: 0 } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.services.get(SERVICES.blue)?.desiredCount).toBe(0);
  });

  it('keeps the old colour running when cancelled during the scale-down delay (the deploy stands)', async () => {
    const h = await harness({ config: { scaleDownPrevious: true, scaleDownDelayMs: 600_000, bakeTimeMs: 0 } });
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'settled', 'settled');
    h.controller.abort(new Error('SIGINT'));
    const result = await settle(done);
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green' });
    expect(h.aws.services.get(SERVICES.blue)?.desiredCount).toBe(2);
    expect(result.notes.notes).toContainEqual(expect.stringContaining('still runs and remains a rollback target'));
  });

  it('reports success with a warning when finalizing fails after the bake', async () => {
    const h = await harness({ config: { scaleDownPrevious: true, bakeTimeMs: 0 } });
    h.aws.faults.push((op, args) => (op === 'ecs.updateService' && args[1] === SERVICES.blue ? new Error('ThrottlingException: Rate exceeded') : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', previousColour: 'blue', rolledBack: false });
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining('finalizing did not complete: ThrottlingException'));
    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
  });

  it('gates on target health only when there is no health-check-url', async () => {
    const config = makeConfig();
    const h = await harness({ config: { health: { ...config.health, url: undefined } } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.probe.calls).toEqual([]);
    expect(result.notes.notes).toContainEqual(expect.stringContaining('gated on target health only'));
  });

  it('runs without the lock when lock is false', async () => {
    const h = await harness({ config: { lock: false } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.count('ssm.putIfAbsent')).toBe(0);
    expect(h.state.phases()).not.toContain('locked');
  });
});

describe('deploy: discovery', () => {
  it('trusts the listener over a drifted record, warns, and corrects the record before anything moves', async () => {
    const h = await harness({ aws: new FakeAws({ live: 'blue', record: 'green' }) });
    const result = await settle(deploy(h.config, h.deps));

    expect(core.warning).toHaveBeenCalledWith(expect.stringMatching(/\/shop\/live-color records .green. but the listener .*blue/), expect.objectContaining({ title: 'Live colour drift' }));
    const ops = h.aws.calls.map((c) => c.op);
    const correction = h.aws.calls.findIndex((c) => c.op === 'ssm.put' && c.args[0] === PARAMETER && c.args[1] === 'blue');
    expect(correction).toBeGreaterThan(-1);
    expect(correction).toBeLessThan(ops.indexOf('ecs.registerTaskDefinition'));
    expect(correction).toBeLessThan(ops.indexOf('ecs.updateService'));
    expect(correction).toBeLessThan(ops.indexOf('elb.writeActions'));
    expect(result.notes.notes).toContainEqual(expect.stringContaining("recorded 'green' but the listener sent traffic to blue"));
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', previousColour: 'blue' });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
  });

  it('creates the record from the listener on a first run', async () => {
    const h = await harness({ aws: new FakeAws({ record: null }) });
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.state.phase() === 'deploying', 'deploying');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');

    const result = await settle(done);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(result.notes.notes).toContainEqual(expect.stringContaining('did not exist; it will be created from the listener (blue)'));
    expect(core.warning).not.toHaveBeenCalled();
  });

  it.each([
    ['TargetGroupArn only', { Type: 'forward', TargetGroupArn: TG.blue } as Action],
    ['ForwardConfig only', weighted({ blue: 1 })],
    ['ForwardConfig with the idle colour at weight 0', weighted({ blue: 100, green: 0 })],
  ])('reads a forward given as %s', async (_shape, forward) => {
    const h = await harness({ aws: new FakeAws({ listenerActions: [forward] }) });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', previousColour: 'blue' });
    expect(h.aws.liveColour()).toBe('green');
  });

  it('refuses a split listener before changing anything, pointing at mode: rollback', async () => {
    const h = await harness({ aws: new FakeAws({ listenerActions: [weighted({ blue: 90, green: 10 })] }) });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toEqual({ status: 'failed', rolledBack: false });
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    expect(result.error?.message).toContain('mode: rollback');
    expect(result.error?.message).toContain('the recorded colour, blue');
    for (const op of ['ecs.updateService', 'ecs.registerTaskDefinition', 'elb.writeActions', 'ssm.put']) expect(h.aws.count(op)).toBe(0);
    expect(h.aws.listenerActions()).toEqual([weighted({ blue: 90, green: 10 })]);
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(h.state.read('snapshot')).toBe('');
  });

  it('refuses a split rule and names it', async () => {
    const h = await harness({ aws: new FakeAws({ rule: true, record: 'x', listenerActions: [weighted({ blue: 50, green: 50 })] }), config: { listenerRuleArn: RULE } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain(`(rule ${RULE})`);
    expect(result.error?.message).toContain('a healthy colour');
    expect(h.aws.mutations().map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'ssm.delete']);
  });

  it('changes only the rule, keeping the authenticate action before the forward and the stickiness', async () => {
    const forward: Action = {
      Type: 'forward',
      Order: 2,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 } },
    };
    const aws = new FakeAws({ rule: true, listenerActions: [OIDC, forward] });
    const listenerBefore = aws.listenerActions(LISTENER);
    const h = await harness({ aws, config: { listenerRuleArn: RULE } });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(aws.callsOf('elb.assertListenerExists').map((c) => c.args[0])).toEqual([LISTENER]);
    expect(aws.writes(LISTENER)).toEqual([]);
    expect(aws.listenerActions(LISTENER)).toEqual(listenerBefore);
    expect(aws.writes(RULE)).toHaveLength(1);
    expect(aws.listenerActions(RULE)).toEqual([
      OIDC,
      {
        Type: 'forward',
        Order: 2,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: TG.blue, Weight: 0 },
            { TargetGroupArn: TG.green, Weight: 100 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 },
        },
      },
    ]);
    expect(JSON.parse(h.state.read('snapshot')).target).toEqual({ kind: 'rule', arn: RULE });
  });
});

describe('deploy: dry run', () => {
  it('prints the plan and only reads', async () => {
    const h = await harness({
      config: {
        dryRun: true,
        trafficShift: { kind: 'canary', percent: 10, waitMs: 300_000 },
        alarms: ['shop-5xx'],
        scaleDownPrevious: true,
        scaleDownDelayMs: 60_000,
      },
    });
    const result = await settle(deploy(h.config, h.deps));

    expect(h.aws.mutations()).toEqual([]);
    expect(new Set(h.aws.calls.map((c) => c.op))).toEqual(new Set(['ssm.get', 'elb.readActions', 'ecs.describeService', 'ecs.describeTaskDefinition']));
    expect(result.outcome).toEqual({ status: 'no-op', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    expect(result.error).toBeUndefined();
    expect(result.notes.plan).toEqual([
      'Live colour: blue (shop-blue); deploy to green (shop-green).',
      `Task definition: the live service's ${taskDefArn(1)} with app=shop:2 (new revision).`,
      'Create a verification rule on the production listener that forwards to green only requests carrying X-Blue-Green-Verify with a secret of the run; it is deleted after the switch.',
      'Update shop-green to it with 2 task(s); wait up to 15m for the rollout.',
      `Verify green: all targets healthy, then 3 consecutive passes of ${IDLE_URL}; at least as many tasks as blue wants.`,
      'Shift traffic to green: 10% → 100%, 5m between steps.',
      `Record green in ${PARAMETER}; bake for 5m (3 consecutive failures roll back; alarms: shop-5xx).`,
      'Then scale shop-blue to 0 after 1m.',
    ]);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('Dry run: nothing will be changed'));
    expect(h.probe.calls).toEqual([]);
  });

  it('plans the live desired count for an idle service at 0 and does not correct a drifted record', async () => {
    const h = await harness({ aws: new FakeAws({ idleDesired: 0, record: 'green' }), config: { dryRun: true } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.notes.plan).toContainEqual('Update shop-green to it with 2 task(s); wait up to 15m for the rollout.');
    expect(result.notes.plan).toContainEqual('Shift traffic to green: 100%.');
    expect(h.aws.mutations()).toEqual([]);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
  });
});

describe('deploy: the listener changes while the idle colour is being deployed', () => {
  // Someone edits the listener during the (possibly long) rollout: the snapshot must be its state
  // right before our first write, not as discovered, or a rollback would undo their change.
  it('snapshots the listener as it is at the switch, keeping the other change', async () => {
    const aws = new FakeAws();
    const h = await harness({ aws });
    const stuck = forwardTo(TG.blue);
    const edited: Action[] = [{ ...stuck, ForwardConfig: { ...stuck.ForwardConfig, TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }];
    aws.faults.push((op) => {
      if (op === 'ecs.updateService') aws.actions.set(LISTENER, structuredClone(edited));
      return undefined;
    });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(JSON.parse(h.state.read('snapshot') ?? '{}').actions).toEqual(edited);
    expect(h.aws.listenerActions()[0]?.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 60 });
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining('changed while green was being deployed'));
  });

  it('refuses to switch when the listener no longer sends everything to the live colour', async () => {
    const aws = new FakeAws();
    const h = await harness({ aws });
    aws.faults.push((op) => {
      if (op === 'ecs.updateService') aws.actions.set(LISTENER, [weighted({ blue: 50, green: 50 })]);
      return undefined;
    });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('failed');
    expect(result.error).toBeInstanceOf(UnsafeListenerState);
    expect(result.error?.message).toContain('no longer sends all traffic to blue');
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.state.read('snapshot')).toBe('');
  });
});

// The team's commands at their points of the deploy, with the runner replaced by a script the test
// controls (the runner itself is tested with real processes in commands-run.test.ts): where each runs,
// what it is told, and what its failure does to traffic, the record and the outputs.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { CommandResult, CommandRun } from '../src/commands/run-command.js';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

/** What each command run was given, and what it answers: by BLUE_GREEN_PHASE. */
const runs: (CommandRun & { phase: string; callsBefore: number })[] = [];
let answers: Record<string, Partial<CommandResult> | ((run: CommandRun) => Promise<Partial<CommandResult>>)> = {};
let callCount: () => number = () => 0;
jest.unstable_mockModule('../src/commands/run-command.js', () => ({
  runCommand: async (run: CommandRun): Promise<CommandResult> => {
    const phase = run.env.BLUE_GREEN_PHASE ?? '?';
    runs.push({ ...run, phase, callsBefore: callCount() });
    const answer = answers[phase];
    const result = typeof answer === 'function' ? await answer(run) : (answer ?? {});
    return { exitCode: 0, durationMs: 1_200, lastLines: [], timedOut: false, cancelled: false, ...result };
  },
}));

const { deploy } = await import('../src/engines/pair/deploy.js');
const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
const { lockTtlMs } = await import('../src/flow/lock.js');
const { FakeAws, PARAMETER, SERVICES, TG, forwardTo, taskDefArn } = await import('../__fixtures__/fake-aws.js');
const { IDLE_URL, LOCK, T0, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');
const { makeConfig } = await import('../__fixtures__/config.js');
type Harness = Awaited<ReturnType<typeof harness>>;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
  runs.length = 0;
  answers = {};
});
afterEach(() => {
  jest.useRealTimers();
});

const ALL = { preDeploy: './expand.sh', smokeTest: 'npx playwright test', postDeploy: './contract.sh', rollback: './notify.sh', timeoutMs: 300_000 };

async function withCommands(commands: Partial<typeof ALL> & { timeoutMs?: number }, aws?: InstanceType<typeof FakeAws>): Promise<Harness> {
  const h = await harness({ ...(aws ? { aws } : {}), config: { commands: { timeoutMs: 300_000, ...commands } } });
  callCount = () => h.aws.calls.length;
  return h;
}

const opsAfter = (h: Harness, n: number) => h.aws.calls.slice(n).map((c) => c.op);

describe('a healthy deploy with every command', () => {
  it('runs pre-deploy before the idle service changes, smoke-test before any weight moves, post-deploy after the bake', async () => {
    const h = await withCommands(ALL);
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(runs.map((r) => r.phase)).toEqual(['pre-deploy', 'smoke-test', 'post-deploy']);
    const [pre, smoke, postDeploy] = runs;
    // pre-deploy: the task definition is registered (it is told its ARN), the service not yet updated.
    expect(opsAfter(h, pre?.callsBefore ?? 0)).toContain('ecs.updateService');
    expect(h.aws.calls.slice(0, pre?.callsBefore).map((c) => c.op)).toContain('ecs.registerTaskDefinition');
    expect(h.aws.calls.slice(0, pre?.callsBefore).map((c) => c.op)).not.toContain('ecs.updateService');
    // smoke-test: after verification, before the first listener write of the shift.
    expect(h.aws.calls.slice(smoke?.callsBefore).filter((c) => c.op === 'elb.writeActions').length).toBeGreaterThan(0);
    expect(h.aws.calls.slice(0, smoke?.callsBefore).some((c) => c.op === 'elb.writeActions')).toBe(false);
    // post-deploy: after the record names the new colour.
    expect(h.aws.calls.slice(0, postDeploy?.callsBefore).some((c) => c.op === 'ssm.put' && c.args[1] === 'green')).toBe(true);

    expect(pre?.env).toMatchObject({
      BLUE_GREEN_PHASE: 'pre-deploy',
      BLUE_GREEN_LIVE_COLOR: 'blue',
      BLUE_GREEN_TARGET_COLOR: 'green',
      BLUE_GREEN_TARGET_URL: IDLE_URL,
      BLUE_GREEN_TASK_DEFINITION_ARN: taskDefArn(2),
    });
    expect(smoke?.env).toMatchObject({ BLUE_GREEN_PHASE: 'smoke-test', BLUE_GREEN_LIVE_COLOR: 'blue', BLUE_GREEN_TARGET_COLOR: 'green', BLUE_GREEN_TARGET_URL: IDLE_URL });
    expect(postDeploy?.env).toMatchObject({ BLUE_GREEN_PHASE: 'post-deploy', BLUE_GREEN_LIVE_COLOR: 'green', BLUE_GREEN_TARGET_COLOR: 'green' });
    expect(pre?.env).not.toHaveProperty('BLUE_GREEN_ROLLBACK_REASON');
    expect(runs.every((r) => r.timeoutMs === 300_000 && r.script.length > 0)).toBe(true);
    expect(result.notes.commands?.map((c) => [c.input, c.result])).toEqual([
      ['pre-deploy-command', 'passed'],
      ['smoke-test-command', 'passed'],
      ['post-deploy-command', 'passed'],
    ]);
  });

  it('never hands the action\'s own inputs (INPUT_*) to a command', async () => {
    process.env['INPUT_HEALTH-CHECK-HEADERS'] = 'Authorization: Bearer s3cret';
    try {
      const h = await withCommands({ smokeTest: 'true' });
      await settle(deploy(h.config, h.deps));
      expect(runs[0]?.env).not.toHaveProperty('INPUT_HEALTH-CHECK-HEADERS');
      expect(runs[0]?.env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env['INPUT_HEALTH-CHECK-HEADERS'];
    }
  });

  it('gives the lock time for every configured command', () => {
    const base = lockTtlMs(makeConfig());
    expect(lockTtlMs(makeConfig({ commands: { ...ALL } }))).toBe(base + 4 * 300_000);
  });
});

describe('pre-deploy-command fails', () => {
  it('changes nothing of the pair: no service update, no listener write; the step fails', async () => {
    answers['pre-deploy'] = { exitCode: 2, lastLines: ['ERROR: migration 0042 failed'] };
    const h = await withCommands(ALL);
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    const mutations = h.aws.mutations().map((c) => c.op);
    expect(mutations).not.toContain('ecs.updateService');
    expect(mutations).not.toContain('elb.writeActions');
    expect(h.aws.services.get(SERVICES.green)?.taskDefinitionArn).not.toBe(taskDefArn(2));
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(result.error?.message).toContain('pre-deploy-command exited with code 2');
    expect(result.error?.message).toContain('ERROR: migration 0042 failed');
    expect(runs.map((r) => r.phase)).toEqual(['pre-deploy']);
  });
});

describe('smoke-test-command fails', () => {
  it('never moves a weight: the listener is as it was, the record says blue, and the output is in the error', async () => {
    answers['smoke-test'] = { exitCode: 1, lastLines: ['  1 failed', '    checkout.spec.ts:12 › pays with a card'] };
    const h = await withCommands(ALL);
    const before = h.aws.listenerActions();
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    expect(h.aws.listenerActions()).toEqual(before);
    expect(weightsOf(h.aws.listenerActions(), TG).green).toBe(0);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(result.error?.message).toMatch(/^smoke-test-command exited with code 1 after 1\.2 ?s/);
    expect(result.error?.message).toContain('Last 2 line(s) of smoke-test-command:\n  1 failed\n    checkout.spec.ts:12 › pays with a card');
    expect(result.errorTitle).toBe('Blue-green deploy failed; traffic stayed on blue');
    expect(result.notes.commands?.at(-1)).toMatchObject({ input: 'smoke-test-command', result: 'failed', exitCode: 1 });
    // No rollback happened (traffic never moved), so no rollback-command, and no post-deploy.
    expect(runs.map((r) => r.phase)).toEqual(['pre-deploy', 'smoke-test']);
  });

  it('reports a timeout as such', async () => {
    answers['smoke-test'] = { exitCode: 143, timedOut: true };
    const h = await withCommands({ smokeTest: 'sleep 1000', timeoutMs: 60_000 });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain('smoke-test-command ran longer than command-timeout (1m 00s) and was stopped');
    expect(weightsOf(h.aws.listenerActions(), TG).green).toBe(0);
  });

  it('without a test listener: the weight-0 attachment is undone and no user request reached green', async () => {
    answers['smoke-test'] = { exitCode: 1 };
    const h = await withCommands({ smokeTest: 'false' }, new FakeAws({ listenerActions: [forwardTo(TG.blue)] }));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(h.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
  });
});

describe('post-deploy-command fails', () => {
  it('leaves traffic on the new colour and says only the command failed; the previous colour is not scaled down', async () => {
    answers['post-deploy'] = { exitCode: 5, lastLines: ['contract: column still in use'] };
    const h = await withCommands({ ...ALL }, undefined);
    const config = { ...h.config, scaleDownPrevious: true };
    const result = await settle(deploy(config, h.deps));

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'green', previousColour: 'blue', rolledBack: false });
    expect(result.outcome.rollbackReason).toBeUndefined();
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 0, green: 100 });
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(h.aws.services.get(SERVICES.blue)?.desiredCount).toBeGreaterThan(0);
    expect(result.error?.message).toContain('green is live and serving all traffic');
    expect(result.error?.message).toContain('only the command after it failed: post-deploy-command exited with code 5');
    expect(result.error?.message).toContain('contract: column still in use');
    expect(result.error?.message).toContain('was not scaled down');
    expect(result.errorTitle).toBe('Deployed to green, but post-deploy-command failed');
    expect(h.state.phase()).toBe('settled');
    expect(runs.map((r) => r.phase)).toEqual(['pre-deploy', 'smoke-test', 'post-deploy']);
  });
});

describe('rollback-command', () => {
  it('runs after an automatic rollback with the reason, and its failure is only a warning', async () => {
    answers.rollback = { exitCode: 1, lastLines: ['slack: 500'] };
    const h = await withCommands(ALL);
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.probe.failing.add(IDLE_URL);
    };
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(result.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', rolledBack: true });
    expect(runs.map((r) => r.phase)).toEqual(['pre-deploy', 'smoke-test', 'rollback']);
    const rollback = runs.at(-1);
    expect(rollback?.env).toMatchObject({ BLUE_GREEN_LIVE_COLOR: 'blue', BLUE_GREEN_TARGET_COLOR: 'green', BLUE_GREEN_TASK_DEFINITION_ARN: taskDefArn(2) });
    expect(rollback?.env.BLUE_GREEN_ROLLBACK_REASON).toContain('failed during the bake time');
    // The rollback's own story is untouched; the command's failure is a warning and a note.
    expect(result.error?.message).toMatch(/Rolled back at .*: traffic is back on blue/);
    expect(core.messages(core.warning).join('\n')).toContain('rollback-command exited with code 1');
    expect(result.notes.notes.join('\n')).toContain('The rollback itself is done; rollback-command exited with code 1');
  });

  it('after a cancelled deploy gets only what is left of the runner\'s window, and runs though the job is cancelled', async () => {
    const h = await withCommands(ALL);
    const { Cancelled } = await import('../src/errors.js');
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.controller.abort(new Cancelled('SIGINT'));
    };
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'rolled-back', rolledBack: true });
    const rollback = runs.find((r) => r.phase === 'rollback');
    expect(rollback).toBeDefined();
    expect(rollback?.signal).toBeUndefined();
    expect(rollback?.timeoutMs).toBeLessThanOrEqual(9_000);
  });

  it('runs after mode: rollback with the colour traffic left', async () => {
    const h = await withCommands({ rollback: './notify.sh' }, new FakeAws({ listenerActions: [forwardTo(TG.blue)] }));
    const result = await settle(manualRollback({ ...h.config, mode: 'rollback' }, h.deps));
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', rolledBack: true });
    expect(runs.map((r) => r.phase)).toEqual(['rollback']);
    expect(runs[0]?.env).toMatchObject({ BLUE_GREEN_LIVE_COLOR: 'green', BLUE_GREEN_TARGET_COLOR: 'blue', BLUE_GREEN_ROLLBACK_REASON: 'mode: rollback moved traffic from blue to green' });
    expect(runs[0]?.env.BLUE_GREEN_TASK_DEFINITION_ARN).toMatch(/task-definition/);
  });

  it('does not run when a deploy fails before traffic moved', async () => {
    answers['smoke-test'] = { exitCode: 1 };
    const h = await withCommands(ALL);
    await settle(deploy(h.config, h.deps));
    expect(runs.map((r) => r.phase)).not.toContain('rollback');
  });
});

describe('cancellation while a command runs', () => {
  it('a cancelled smoke test ends the deploy before any weight moves', async () => {
    const { Cancelled } = await import('../src/errors.js');
    const h = await withCommands({ smokeTest: 'npx playwright test' });
    answers['smoke-test'] = async () => {
      h.controller.abort(new Cancelled('SIGINT'));
      return { exitCode: 143, cancelled: true };
    };
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(weightsOf(h.aws.listenerActions(), TG).green).toBe(0);
    expect(result.error?.message).toContain('cancelled');
  });
});

// The entrypoints' logic: inputs through the mocked core.getInput, the FakeAws through overrides.ports,
// the runner's state through overrides.state, and SIGINT through an EventEmitter.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { runMain } = await import('../src/flow/run.js');
const { runPost } = await import('../src/flow/run-post.js');
const { InputError } = await import('../src/errors.js');
const { FakeAws, LISTENER, PAIR_INPUTS, PARAMETER, REGION, TG, forwardTo } = await import('../__fixtures__/fake-aws.js');
const { LOCK, MemoryState, T0, advanceUntil, foreignLock, settle } = await import('../__fixtures__/flow.js');

const INPUTS: Record<string, string> = {
  ...PAIR_INPUTS,
  'bake-time': '1m',
};

let exitCode: typeof process.exitCode;
let stepSummary: string | undefined;
beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
  core.resetCore();
  core.setInputs(INPUTS);
  exitCode = process.exitCode;
  stepSummary = process.env.GITHUB_STEP_SUMMARY;
  delete process.env.GITHUB_STEP_SUMMARY;
});
afterEach(() => {
  jest.useRealTimers();
  // failStep sets the exit code of this (test) process: put it back.
  process.exitCode = exitCode;
  if (stepSummary !== undefined) process.env.GITHUB_STEP_SUMMARY = stepSummary;
});

const outputs = (): Record<string, string> => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]));
const errorAnnotations = () => core.error.mock.calls.map(([message, props]) => ({ message: String(message), title: (props as { title?: string } | undefined)?.title }));

function wiring(aws = new FakeAws()) {
  const state = new MemoryState(aws);
  const signals = new EventEmitter();
  const ports = jest.fn(() => aws);
  return { aws, state, signals, ports, overrides: { ports, state, signals } };
}

describe('runMain', () => {
  it('deploys with the inputs and sets every output', async () => {
    const w = wiring();
    const result = await settle(runMain(w.overrides));

    expect(result?.outcome.status).toBe('succeeded');
    expect(outputs()).toEqual({
      status: 'succeeded',
      'live-color': 'green',
      'previous-color': 'blue',
      'task-definition-arn': expect.stringContaining('task-definition/shop:1'),
      'rolled-back': 'false',
      'rollback-reason': '',
      'switched-at': expect.stringMatching(/^2026-11-22T10:00:\d\d/),
      'service-deployment-arn': '',
      'pre-deploy-task-arn': '',
      'target-color': 'green',
    });
    expect(w.aws.liveColour()).toBe('green');
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.error).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(exitCode);
    expect(JSON.parse(w.state.read('context'))).toEqual({ region: REGION, targetGroups: TG, stateParameter: PARAMETER, target: { kind: 'listener', arn: LISTENER } });
    // Outputs, summary and annotation written: post will have nothing to report.
    expect(w.state.phase()).toBe('done');
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('Blue-green deploy of shop-blue / shop-green'));
    // The signal handlers are removed when the flow ends.
    expect(w.signals.listenerCount('SIGINT')).toBe(0);
    expect(w.signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('rolls back on SIGINT during the bake and fails the step with an error annotation', async () => {
    const w = wiring();
    const running = runMain(w.overrides);
    await advanceUntil(() => w.state.phase() === 'baking', 'baking');
    expect(w.signals.listenerCount('SIGINT')).toBe(1);
    w.signals.emit('SIGINT');
    w.signals.emit('SIGTERM'); // 7.5 s later on a real runner: the rollback is already running
    const result = await settle(running);

    expect(result?.outcome).toMatchObject({ status: 'rolled-back', liveColour: 'blue', rolledBack: true });
    expect(w.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(w.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(outputs()).toMatchObject({ status: 'rolled-back', 'live-color': 'blue', 'rolled-back': 'true', 'rollback-reason': 'the job was cancelled (SIGINT)' });
    expect(core.messages(core.warning)).toEqual([expect.stringContaining('Received SIGINT')]);
    expect(errorAnnotations()).toContainEqual({
      message: expect.stringContaining('traffic is back on blue'),
      title: 'Deploy cancelled; traffic is back on blue',
    });
    expect(process.exitCode).toBe(1);
    // The rescue ports came from the same factory.
    expect(w.ports.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('fails on an invalid input naming it, before any port is built', async () => {
    core.setInputs({ ...INPUTS, 'listener-arn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/1' });
    const w = wiring();
    const result = await runMain(w.overrides);

    expect(result).toBeUndefined();
    expect(core.setFailed).toHaveBeenCalledTimes(1);
    expect(String(core.setFailed.mock.calls[0]?.[0])).toContain("'listener-arn'");
    expect(w.ports).not.toHaveBeenCalled();
    expect(w.aws.calls).toEqual([]);
    expect(w.state.saves).toEqual([]);
    expect(outputs()).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
  });

  it('fails on a health-check host that does not resolve, before any AWS call', async () => {
    core.setInputs({ ...INPUTS, 'health-check-url': 'https://{color}.shop.invalid/health' });
    const w = wiring();
    const checkHosts = jest.fn(async () => {
      throw new InputError('health-check-url', 'https://blue.shop.invalid/health', 'a URL whose host resolves');
    });
    const result = await runMain({ ...w.overrides, checkHosts });

    expect(checkHosts).toHaveBeenCalledTimes(1);
    expect(result?.outcome.status).toBe('failed');
    expect(w.aws.calls).toEqual([]);
    expect(core.error).toHaveBeenCalledWith(expect.stringContaining("Input 'health-check-url' is invalid"), expect.anything());
  });

  it('fails on a missing required input', async () => {
    const { cluster: _cluster, ...rest } = INPUTS;
    core.setInputs(rest);
    const w = wiring();
    await runMain(w.overrides);
    expect(String(core.setFailed.mock.calls[0]?.[0])).toContain("'cluster'");
    expect(w.ports).not.toHaveBeenCalled();
  });

  it('fails the step when another run holds the lock', async () => {
    const w = wiring();
    w.aws.parameters.set(LOCK, { value: foreignLock(T0 + 60_000), version: 1 });
    const result = await settle(runMain(w.overrides));
    // Nothing changed, and the outputs still say where traffic is, read back.
    expect(result?.outcome).toEqual({ status: 'failed', liveColour: 'blue', previousColour: 'blue', rolledBack: false });
    expect(errorAnnotations()).toEqual([{ message: expect.stringContaining('Another deployment holds the lock'), title: 'Blue-green deploy failed' }]);
    expect(outputs().status).toBe('failed');
    expect(w.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('runs mode: status', async () => {
    core.setInputs({ ...INPUTS, mode: 'status' });
    const w = wiring();
    const result = await settle(runMain(w.overrides));
    expect(result?.outcome.status).toBe('no-op');
    // previous-color means the same in every mode: the colour that served all traffic when the run started.
    expect(outputs()).toMatchObject({ status: 'no-op', 'live-color': 'blue', 'previous-color': 'blue' });
    expect(w.aws.mutations()).toEqual([]);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('Blue-green status of shop-blue / shop-green'));
  });

  it('runs mode: rollback', async () => {
    core.setInputs({ ...INPUTS, mode: 'rollback' });
    const w = wiring();
    const result = await settle(runMain(w.overrides));
    expect(result?.outcome).toMatchObject({ status: 'succeeded', liveColour: 'green', rolledBack: true });
    expect(outputs()).toMatchObject({ status: 'succeeded', 'live-color': 'green', 'previous-color': 'blue', 'rolled-back': 'true' });
    expect(w.aws.parameters.get(PARAMETER)?.value).toBe('green');
  });
});

describe('main and post hand over through the runner\'s state', () => {
  /** The runner's state as main sees it: core.getState only reads what post is given, so main reads ''. */
  const writeOnly = (state: InstanceType<typeof MemoryState>) => ({ save: state.save.bind(state), get: () => '' });

  it('ends main "done" after it reported, so post has nothing to say', async () => {
    const w = wiring();
    await settle(runMain({ ...w.overrides, state: writeOnly(w.state) }));
    expect(w.state.phase()).toBe('done');
    core.error.mockClear();
    await runPost({ state: w.state, ports: () => w.aws });
    expect(core.error).not.toHaveBeenCalled();
  });

  // Found by the fault matrix: main marked itself done after a rollback it could not finish, and post,
  // seeing 'done', left traffic on the failed colour.
  it('leaves an unfinished rollback for post, which finishes it', async () => {
    core.setInputs({ ...INPUTS, 'health-check-url': 'http://{color}.shop.test/health' });
    const w = wiring();
    w.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'rolling-back') w.aws.faults.push((op) => (op === 'elb.writeActions' ? new Error('ServiceUnavailable') : undefined));
    };
    const probe = async (url: string) => ({ ok: !(url.includes('green') && w.state.phase() === 'baking'), url, durationMs: 1, detail: 'scripted', at: new Date().toISOString() });
    const result = await settle(runMain({ ...w.overrides, state: writeOnly(w.state), probe, checkHosts: async () => undefined }));
    expect(result?.outcome).toMatchObject({ status: 'failed', liveColour: 'green' });
    expect(w.state.phase()).toBe('rolling-back');

    w.aws.faults.length = 0;
    core.error.mockClear();
    await runPost({ state: w.state, ports: () => w.aws });
    expect(w.aws.liveColour()).toBe('blue');
    expect(w.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(errorAnnotations()).toEqual([{ message: expect.stringContaining("Main did not finish (phase 'rolling-back'); the post step restored traffic on blue"), title: 'Post step restored traffic' }]);
  });
});

describe('runPost', () => {
  it('restores what a killed main left and says so in an error annotation, exiting 0 (main already failed)', async () => {
    const w = wiring();
    void runMain(w.overrides);
    await advanceUntil(() => w.state.phase() === 'baking', 'baking');
    const killed = w.state.copy();
    core.error.mockClear();

    await runPost({ state: killed, ports: () => w.aws });

    expect(w.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(w.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(w.aws.parameters.has(LOCK)).toBe(false);
    expect(errorAnnotations()).toEqual([{ message: expect.stringContaining("Main did not finish (phase 'baking')"), title: 'Post step restored traffic' }]);
    expect(process.exitCode).toBe(exitCode);
  });

  it('runs rollback-command when it restored traffic a killed main left shifted, told why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'post-rollback-command-'));
    const log = join(dir, 'rollback.log');
    core.setInputs({ ...INPUTS, 'rollback-command': `echo "$BLUE_GREEN_PHASE $BLUE_GREEN_LIVE_COLOR<-$BLUE_GREEN_TARGET_COLOR: $BLUE_GREEN_ROLLBACK_REASON" > ${log}` });
    const w = wiring();
    void runMain(w.overrides);
    await advanceUntil(() => w.state.phase() === 'baking', 'baking');
    const killed = w.state.copy();
    jest.useRealTimers();

    await runPost({ state: killed, ports: () => w.aws });

    expect(w.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(readFileSync(log, 'utf8')).toMatch(/^rollback blue<-green: Main did not finish \(phase 'baking'\); the post step restored traffic on blue/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('does nothing, and does not fail, after a successful main', async () => {
    const w = wiring();
    await settle(runMain(w.overrides));
    w.aws.calls.length = 0;
    const ports = jest.fn((_context: unknown) => w.aws);
    await runPost({ state: w.state, ports });
    expect(ports).toHaveBeenCalledWith({ region: REGION, targetGroups: TG, stateParameter: PARAMETER, target: { kind: 'listener', arn: LISTENER } });
    expect(w.aws.calls).toEqual([]);
    expect(core.error).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(exitCode);
  });

  it('does nothing when main stopped before saving anything (invalid inputs)', async () => {
    const ports = jest.fn(() => new FakeAws());
    await runPost({ state: new MemoryState(), ports });
    expect(ports).not.toHaveBeenCalled();
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('nothing to do'));
  });
});

// One run of the built action (dist/main then dist/post, as the runner runs them) while a load generator
// sends steady user traffic through the production listener's proxy, with the sandbox's changes recorded.
import type { BlueGreenScenario, Sandbox } from '../../sandbox/index.js';
import { runAction, type ActionRun, type Annotation } from '../../sandbox/harness/runner.js';
import { startLoad, type LoadRun, type LoadStats } from '../../sandbox/harness/load.js';
import { ACTION_DIR } from './fixture.js';
import { record, type Recorder } from './observe.js';

/** Users' request rate: enough that a one-second outage shows up as dozens of failures. */
export const LOAD_RATE = 50;

/**
 * Bound on each step (main, post). Below the tests' own timeouts (TEST_TIMEOUT_MS), so a hung action is
 * cancelled by the harness and reported with its logs rather than left running after jest gives up.
 */
export const STEP_TIMEOUT_MS = 40_000;
export const TEST_TIMEOUT_MS = 2 * STEP_TIMEOUT_MS + 20_000;

const loads = new Set<LoadRun>();

/** Users' traffic through a listener; stopped by stopAllLoads() in afterAll if a test failed before stopping it. */
/** `clients`: that many users who keep their cookies (the ALB's stickiness cookie among them). */
export function startUsers(url: string, ratePerSecond = LOAD_RATE, clients?: number): LoadRun {
  const run = startLoad({ url, ratePerSecond, maxDurationMs: TEST_TIMEOUT_MS, timeoutMs: 2000, ...(clients ? { clients } : {}) });
  loads.add(run);
  void run.done.then(() => loads.delete(run));
  return run;
}

export async function stopAllLoads(): Promise<void> {
  await Promise.all([...loads].map((run) => run.stop()));
}

export interface RunUnderLoadOptions {
  inputs: Record<string, string>;
  ratePerSecond?: number;
  /** Path requested through the production listener. Default `/`. */
  path?: string;
  env?: Record<string, string>;
  cancelAfterMs?: number | (() => Promise<void>);
  killMain?: boolean;
  /** Keep the users going until this many of their requests issued after the run have finished. Default 0. */
  trailingRequests?: number;
  /** Users who keep cookies, requests spread over them in turn; default: anonymous requests. */
  clients?: number;
}

export interface RunUnderLoad {
  run: ActionRun;
  /** Everything the users saw, from just before main started to just after post ended. */
  load: LoadStats;
  loadRun: LoadRun;
  recorder: Recorder;
  /** Epoch ms around the run. */
  startedAt: number;
  endedAt: number;
}

export async function runUnderLoad(sandbox: Sandbox, sc: BlueGreenScenario, o: RunUnderLoadOptions): Promise<RunUnderLoad> {
  const recorder = record(sandbox);
  const loadRun = startUsers(`${sc.prodUrl}${o.path ?? '/'}`, o.ratePerSecond, o.clients);
  const startedAt = Date.now();
  try {
    const run = await runAction({
      actionDir: ACTION_DIR,
      inputs: o.inputs,
      env: { ...sandbox.env(), ...o.env },
      ...(o.cancelAfterMs !== undefined ? { cancelAfterMs: o.cancelAfterMs } : {}),
      ...(o.killMain ? { killMain: true } : {}),
      timeoutMs: STEP_TIMEOUT_MS,
    });
    const endedAt = Date.now();
    const trailing = o.trailingRequests ?? 0;
    if (trailing > 0) {
      await sandbox.waitFor(() => loadRun.window(endedAt).total >= trailing, { timeoutMs: 10_000, what: `${trailing} requests after the run` });
    }
    const load = await loadRun.stop();
    return { run, load, loadRun, recorder, startedAt, endedAt };
  } finally {
    void loadRun.stop();
    recorder.detach();
  }
}

/** Runs the action with no traffic (status mode, setup runs). */
export function runPlain(sandbox: Sandbox, inputs: Record<string, string>, extra: { env?: Record<string, string> } = {}): Promise<ActionRun> {
  return runAction({ actionDir: ACTION_DIR, inputs, env: { ...sandbox.env(), ...extra.env }, timeoutMs: STEP_TIMEOUT_MS });
}

export const annotations = (run: ActionRun, level: Annotation['level']): Annotation[] => run.annotations.filter((a) => a.level === level);

/** A one-line account of a run for assertion messages: outputs, annotations, and the tail of both logs. */
export function explain(run: ActionRun): string {
  const tail = (text: string) => text.split('\n').slice(-40).join('\n');
  return [
    `conclusion=${run.conclusion} outputs=${JSON.stringify(run.outputs)}`,
    ...run.annotations.map((a) => `[${a.step} ${a.level}] ${a.title ?? ''}: ${a.message}`),
    '--- main stdout (tail) ---',
    tail(run.main.stdout),
    '--- main stderr (tail) ---',
    tail(run.main.stderr),
    ...(run.post ? ['--- post stdout (tail) ---', tail(run.post.stdout)] : []),
  ].join('\n');
}

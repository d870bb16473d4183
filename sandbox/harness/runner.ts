// Runs an action's main step and then its post step the way the GitHub runner does for a `node*` action, so the
// end-to-end tests exercise the built dist/ exactly as a workflow would: INPUT_* with defaults from action.yml,
// file commands, STATE_* for post, workflow commands on stdout, a cancelled job's signal sequence, and the Node
// that `runs.using` names (see node-runtime.ts).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { inputEnvironment, JOB_TOKEN, postIfAllows, readActionMetadata, type JobStatus } from './action-metadata.js';
import { resolveNodeRuntime } from './node-runtime.js';
import { runnerEnvironment } from './runner-environment.js';
import { RUNNER_CANCEL_TIMINGS, type CancelTimings } from './step-process.js';
import { runStep, type Step, type StepOutcome, type StepResult, type StepRun } from './step-run.js';
import { applyMasks, type Annotation } from './workflow-commands.js';

export { RUNNER_CANCEL_TIMINGS, type CancelTimings } from './step-process.js';
export type { NodeRuntime } from './node-runtime.js';
export type { Step, StepOutcome, StepResult } from './step-run.js';
export type { Annotation } from './workflow-commands.js';

export type Conclusion = JobStatus;

export interface RunActionOptions {
  /** Directory holding action.yml (the repository root for this action). */
  actionDir: string;
  inputs: Record<string, string>;
  /**
   * Workflow/job env, e.g. AWS_ENDPOINT_URL, AWS_REGION, fake credentials; overrides the runner's defaults. The
   * steps do not inherit this process's environment (only PATH and HOME), so pass everything the action needs.
   */
  env?: Record<string, string>;
  /**
   * Cancel the job this many ms after main is spawned, or when the returned promise resolves (e.g. on a log line).
   * A delay does not wait for main to be ready: the SIGINT may come while Node still loads the bundle, before
   * any handler is installed, and kill it. To cancel a main that handles it, resolve the promise on something
   * main did after installing its handlers (a line it printed, an AWS call it made, a state it caused).
   */
  cancelAfterMs?: number | (() => Promise<void>);
  /** At the cancel moment, SIGKILL main instead (a crash), with no signals it could handle. */
  killMain?: boolean;
  skipPost?: boolean;
  /** Called once main has exited and before post starts (e.g. to end an outage that lasted through main). */
  betweenSteps?: () => void | Promise<void>;
  /** Per-step time limit (the step's `timeout-minutes`); on expiry the step is cancelled and fails. Default 180 s. */
  timeoutMs?: number;
  /** The runner's 7.5 s / 2.5 s; shorten only in tests of the harness itself. */
  cancelTimings?: CancelTimings;
  /** GITHUB_WORKSPACE and the working directory; a fresh empty directory when not given. */
  workspace?: string;
  onLine?: (step: Step, line: string) => void;
}

export interface ActionRun {
  main: StepResult;
  /** Absent when post was skipped (skipPost, no runs.post, or post-if false). */
  post?: StepResult;
  /** Main's GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Main's GITHUB_STATE, as post received it in STATE_*. */
  state: Record<string, string>;
  /** Variables main and post exported through GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  annotations: Annotation[];
  masks: string[];
  /** The job summary: each step's GITHUB_STEP_SUMMARY in order, masked as the runner masks it. */
  summary: string;
  /** The job's result, merged from the steps as the runner merges them. */
  conclusion: Conclusion;
  durationMs: number;
}

const DEFAULT_STEP_TIMEOUT_MS = 180_000;
// The runner refuses to attach a step summary over 128 KiB and logs an error instead.
const SUMMARY_LIMIT_BYTES = 128 * 1024;

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const started = performance.now();
  const metadata = await readActionMetadata(options.actionDir);
  const node = await resolveNodeRuntime(metadata.using);
  const { env: inputs, unexpected } = inputEnvironment(metadata, options.inputs);
  const root = await mkdtemp(join(tmpdir(), 'gha-run-'));
  try {
    const dirs = {
      fileCommands: join(root, '_runner_file_commands'),
      temp: join(root, 'temp'),
      toolCache: join(root, 'tool-cache'),
      workspace: options.workspace ?? join(root, 'workspace'),
    };
    await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
    const eventPath = join(root, 'event.json');
    await writeFile(eventPath, '{}\n');

    const annotations: Annotation[] = [];
    const masks: string[] = [];
    if (unexpected.length > 0) {
      const valid = [...metadata.inputs.keys()].map((name) => `'${name}'`).join(', ');
      annotations.push({
        step: 'main',
        level: 'warning',
        message: `Unexpected input(s) ${unexpected.map((name) => `'${name}'`).join(', ')}, valid inputs are [${valid}]`,
        properties: {},
      });
    }
    const baseEnv = { ...runnerEnvironment(dirs, eventPath), ...options.env };
    const step = (name: Step, script: string, extraEnv: Record<string, string>) =>
      runStep({
        name,
        node,
        script,
        env: { ...baseEnv, ...extraEnv, ...inputs },
        dir: dirs.fileCommands,
        cwd: dirs.workspace,
        timings: options.cancelTimings ?? RUNNER_CANCEL_TIMINGS,
        timeoutMs: options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
        onLine: options.onLine,
      });

    // main
    const main = step('main', metadata.main, {});
    let triggerError: unknown;
    const trigger = () => (options.killMain ? main.control.kill() : main.control.cancel());
    let cancelTimer: NodeJS.Timeout | undefined;
    if (typeof options.cancelAfterMs === 'number') {
      const delay = options.cancelAfterMs;
      void main.spawned.then(() => {
        cancelTimer = setTimeout(trigger, delay);
      });
    } else if (options.cancelAfterMs) {
      const moment = options.cancelAfterMs;
      Promise.resolve().then(moment).then(trigger, (error: unknown) => {
        triggerError = error;
      });
    }
    const mainRun = await main.result;
    clearTimeout(cancelTimer);
    await options.betweenSteps?.();
    annotations.push(...mainRun.annotations);
    masks.push(...mainRun.masks);

    let job: Conclusion = mainRun.result.cancelled ? 'cancelled' : 'success';
    job = mergeResult(job, mainRun.result.outcome);

    // post: same inputs, main's state as STATE_*, main's GITHUB_ENV and GITHUB_PATH applied
    let postRun: StepRun | undefined;
    if (!options.skipPost && metadata.post && postIfAllows(metadata.postIf, job)) {
      const state = Object.fromEntries(Object.entries(mainRun.state).map(([name, value]) => [`STATE_${name}`, value]));
      const path = [...[...mainRun.paths].reverse(), baseEnv.PATH ?? ''].join(delimiter);
      postRun = await step('post', metadata.post, { ...exportable(mainRun.exportedEnv, annotations), PATH: path, ...state }).result;
      annotations.push(...postRun.annotations);
      masks.push(...postRun.masks);
      job = mergeResult(job, postRun.result.outcome);
    }

    if (triggerError !== undefined) {
      throw new Error(`the cancelAfterMs trigger failed, so the run was not cancelled as planned: ${String(triggerError)}`);
    }
    const summary = [mainRun, postRun]
      .filter((run): run is StepRun => run !== undefined)
      .map((run) => {
        if (Buffer.byteLength(run.summary) <= SUMMARY_LIMIT_BYTES) return run.summary;
        annotations.push({
          step: run.step,
          level: 'error',
          message: `$GITHUB_STEP_SUMMARY supports content up a size of 128k got ${Math.floor(Buffer.byteLength(run.summary) / 1024)}k`,
          properties: {},
        });
        return '';
      })
      .join('');
    return {
      main: mainRun.result,
      ...(postRun ? { post: postRun.result } : {}),
      outputs: mainRun.outputs,
      state: mainRun.state,
      exportedEnv: { ...mainRun.exportedEnv, ...postRun?.exportedEnv },
      annotations,
      masks,
      // The runner masks the job's token as it masks every secret it knows, registered or not.
      summary: applyMasks(summary, [JOB_TOKEN, ...masks]),
      conclusion: job,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** TaskResultUtil.MergeTaskResults: once cancelled the job stays cancelled, otherwise the worse result wins. */
function mergeResult(job: Conclusion, step: StepOutcome): Conclusion {
  if (job === 'cancelled') return job;
  // StepsRunner only folds failed steps into the job; a cancelled step means the job was cancelled.
  if (step === 'failure' || step === 'cancelled') return step;
  return job;
}

/** The runner refuses NODE_OPTIONS from GITHUB_ENV (it would let a step inject code into later node steps). */
function exportable(env: Record<string, string>, annotations: Annotation[]): Record<string, string> {
  const { NODE_OPTIONS, ...rest } = env;
  if (NODE_OPTIONS !== undefined) {
    annotations.push({ step: 'main', level: 'error', message: "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.", properties: {} });
  }
  return rest;
}

// One step of the action (main or post) with the runner's bookkeeping around the process: fresh file-command
// files, workflow commands followed line by line, file commands read back once it has ended, its result.
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobStatus } from './action-metadata.js';
import { FileCommandError, parseKeyValueFile, parsePathFile } from './file-commands.js';
import type { NodeRuntime } from './node-runtime.js';
import { startStepProcess, type CancelTimings, type ProcessResult } from './step-process.js';
import { CommandProcessor, type Annotation } from './workflow-commands.js';

export type Step = 'main' | 'post';
export type StepOutcome = JobStatus;

/** The process's result, plus the step's result as the runner records it. */
export interface StepResult extends ProcessResult {
  outcome: StepOutcome;
}

export interface StepRun {
  step: Step;
  result: StepResult;
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  paths: string[];
  summary: string;
  annotations: Annotation[];
  masks: string[];
}

export function runStep(options: {
  name: Step;
  node: NodeRuntime;
  script: string;
  env: Record<string, string>;
  dir: string;
  cwd: string;
  timings: CancelTimings;
  timeoutMs: number;
  onLine: ((step: Step, line: string) => void) | undefined;
}): { control: { cancel(): void; kill(): void }; spawned: Promise<void>; result: Promise<StepRun> } {
  // Fresh files per step, as the runner's FileCommandManager.InitializeFiles makes them.
  const suffix = randomUUID();
  const files = {
    GITHUB_OUTPUT: join(options.dir, `set_output_${suffix}`),
    GITHUB_STATE: join(options.dir, `save_state_${suffix}`),
    GITHUB_ENV: join(options.dir, `set_env_${suffix}`),
    GITHUB_PATH: join(options.dir, `add_path_${suffix}`),
    GITHUB_STEP_SUMMARY: join(options.dir, `step_summary_${suffix}`),
  };
  const commands = new CommandProcessor(options.name);
  let handle: ReturnType<typeof startStepProcess> | undefined;
  const pending: ('cancel' | 'kill')[] = [];
  const spawned = Promise.all(Object.values(files).map((file) => writeFile(file, ''))).then(() => {
    handle = startStepProcess({
      node: options.node,
      script: options.script,
      env: { ...options.env, ...files },
      cwd: options.cwd,
      timings: options.timings,
      timeoutMs: options.timeoutMs,
      onLine: (line) => {
        commands.line(line);
        options.onLine?.(options.name, line);
      },
    });
    for (const action of pending) handle[action]();
    // Wrapped so that `spawned` settles at spawn time, not when the process ends.
    return { done: handle.done };
  });

  const result = spawned.then(async ({ done }): Promise<StepRun> => {
    const finished = await done;
    const read = (file: string) => readFile(file, 'utf8').catch(() => '');
    const [outputText, stateText, envText, pathText, summary] = await Promise.all(
      [files.GITHUB_OUTPUT, files.GITHUB_STATE, files.GITHUB_ENV, files.GITHUB_PATH, files.GITHUB_STEP_SUMMARY].map(read),
    );
    const annotations = [...commands.annotations];
    let fileCommandsFailed = false;
    const parse = (text: string | undefined, context: string): Record<string, string> => {
      try {
        return parseKeyValueFile(text ?? '');
      } catch (error) {
        if (!(error instanceof FileCommandError)) throw error;
        fileCommandsFailed = true;
        annotations.push({ step: options.name, level: 'error', message: `Unable to process file command '${context}' successfully. ${error.message}`, properties: {} });
        return {};
      }
    };
    const outputs = parse(outputText, 'output');
    const state = parse(stateText, 'state');
    const exportedEnv = parse(envText, 'env');
    if (finished.timedOut) annotations.push({ step: options.name, level: 'error', message: 'The action has timed out.', properties: {} });
    return {
      step: options.name,
      result: { ...finished, outcome: stepOutcome(finished, fileCommandsFailed) },
      outputs,
      state,
      exportedEnv,
      paths: parsePathFile(pathText ?? ''),
      summary: summary ?? '',
      annotations,
      masks: [...commands.masks],
    };
  });
  return {
    // A failure to spawn surfaces through `result`; this one only times the cancel delay.
    spawned: spawned.then(
      () => undefined,
      () => undefined,
    ),
    control: {
      cancel: () => (handle ? handle.cancel() : pending.push('cancel')),
      kill: () => (handle ? handle.kill() : pending.push('kill')),
    },
    result,
  };
}

/** The runner's per-step result: a timeout fails, a cancellation cancels, then the exit code and file commands. */
function stepOutcome(finished: ProcessResult, fileCommandsFailed: boolean): StepOutcome {
  if (finished.timedOut) return 'failure';
  if (finished.cancelled) return 'cancelled';
  if (finished.exitCode !== 0 || fileCommandsFailed) return 'failure';
  return 'success';
}

// One step's process as the runner's ProcessInvoker runs it: `node <script>`, output read line by line, and on
// cancellation SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that, each only if the process is still there.
import { spawn } from 'node:child_process';
import type { NodeRuntime } from './node-runtime.js';

export interface CancelTimings {
  /** From SIGINT to SIGTERM; the runner waits 7.5 s. */
  sigintToSigtermMs: number;
  /** From SIGTERM to SIGKILL; the runner waits 2.5 s. */
  sigtermToKillMs: number;
}

export const RUNNER_CANCEL_TIMINGS: Readonly<CancelTimings> = { sigintToSigtermMs: 7500, sigtermToKillMs: 2500 };

export interface ProcessResult {
  /** The Node binary that ran the step, and its version. */
  node: NodeRuntime;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Epoch ms when the process was spawned (for cold-start measurements against server-side timestamps). */
  startedAt: number;
  durationMs: number;
  /** Signals this emulation sent, in order, with the ms since spawn. */
  signalsSent: { signal: NodeJS.Signals; atMs: number }[];
  /** The job was cancelled while the process was running (the signal sequence started). */
  cancelled: boolean;
  /** The step's time limit expired: the same signal sequence, but the runner fails the step instead. */
  timedOut: boolean;
}

export interface StepProcess {
  /** Starts the cancellation sequence (no-op once the process has exited or a sequence is under way). */
  cancel(): void;
  /** SIGKILL now, as a crash or an OOM kill would end it. */
  kill(): void;
  done: Promise<ProcessResult>;
}

export interface StepProcessOptions {
  node: NodeRuntime;
  script: string;
  env: Record<string, string>;
  cwd: string;
  timings: CancelTimings;
  timeoutMs: number;
  onLine?: (line: string) => void;
}

// After the process exits, its pipes may stay open if it left a child behind; the runner's kill is by pid too.
const PIPE_GRACE_MS = 2000;

export function startStepProcess(options: StepProcessOptions): StepProcess {
  const startedAt = Date.now();
  const t0 = performance.now();
  const child = spawn(options.node.path, [options.script], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const signalsSent: ProcessResult['signalsSent'] = [];
  const timers: NodeJS.Timeout[] = [];
  let exited = false;
  let cancelled = false;
  let timedOut = false;
  let spawnError: Error | undefined;

  const send = (signal: NodeJS.Signals): void => {
    if (exited) return;
    signalsSent.push({ signal, atMs: Math.round(performance.now() - t0) });
    child.kill(signal);
  };
  let laddering = false;
  const ladder = (): void => {
    if (exited || laddering) return;
    laddering = true;
    send('SIGINT');
    timers.push(
      setTimeout(() => {
        send('SIGTERM');
        timers.push(setTimeout(() => send('SIGKILL'), options.timings.sigtermToKillMs));
      }, options.timings.sigintToSigtermMs),
    );
  };
  const cancel = (): void => {
    if (exited || laddering) return;
    cancelled = true;
    ladder();
  };
  timers.push(
    setTimeout(() => {
      if (exited || laddering) return;
      timedOut = true;
      ladder();
    }, options.timeoutMs),
  );

  const stdout = collectLines(child.stdout, options.onLine);
  const stderr = collectLines(child.stderr, options.onLine);
  child.on('error', (error) => {
    spawnError = error;
  });

  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.on('exit', (exitCode, signal) => {
      exited = true;
      timers.forEach(clearTimeout);
      // Give the pipes a moment to drain; do not wait forever on a descendant holding them.
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS);
      void Promise.all([stdout.closed, stderr.closed]).then(() => {
        clearTimeout(grace);
        resolve({
          node: options.node,
          exitCode,
          signal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          startedAt,
          durationMs: Math.round(performance.now() - t0),
          signalsSent,
          cancelled,
          timedOut,
        });
      });
    });
    child.on('close', () => {
      if (!exited && spawnError) reject(spawnError);
    });
  });

  return {
    cancel,
    kill: () => send('SIGKILL'),
    done,
  };
}

/** Splits a stream into lines as they arrive (the runner processes commands per line) and keeps the whole text. */
function collectLines(
  stream: NodeJS.ReadableStream,
  onLine: ((line: string) => void) | undefined,
): { closed: Promise<void>; text: () => string } {
  const chunks: string[] = [];
  let partial = '';
  stream.setEncoding('utf8');
  const emit = (line: string): void => onLine?.(line.endsWith('\r') ? line.slice(0, -1) : line);
  stream.on('data', (chunk: string) => {
    chunks.push(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(emit);
  });
  const closed = new Promise<void>((resolve) => {
    const finish = (): void => {
      if (partial !== '') emit(partial);
      partial = '';
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
  });
  return { closed, text: () => chunks.join('') };
}

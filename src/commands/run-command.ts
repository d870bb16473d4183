// Runs one of the team's commands (`smoke-test-command`, …) as a `run:` step would: `bash -eo pipefail`
// in the workspace, its output streamed into the log, bounded by a timeout, and stopped — the whole
// process tree — when the job is cancelled. Loaded only when a command is configured.
//
// @actions/exec does the spawning, streaming and exit-code handling, but it offers no way to stop the
// child: no timeout, no abort signal, no pid. So the command runs inside a small bash wrapper with job
// control on (`set -m`), which puts the command in a process group of its own and writes that group's
// id to a file: a timeout or a cancellation signals the group, which reaches every process the command
// started (a test runner's browsers, a migration's workers), not just the shell.
import { exec } from '@actions/exec';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../clock.js';
import type { Clock } from '../types.js';

export interface CommandRun {
  /** The script, as the user wrote it (several lines allowed). */
  script: string;
  /** Working directory: the workspace. */
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Aborted when the job is cancelled: the command is stopped at once. */
  signal?: AbortSignal;
  /** How many of the last output lines to keep for the annotation and the summary. */
  keepLines?: number;
  /** Between SIGTERM to the group and SIGKILL after a timeout; a cancellation allows 1 s. */
  killGraceMs?: number;
  /** Times the timeout. The system clock by default; a test starts it when its command says it is ready. */
  clock?: Pick<Clock, 'sleep'>;
}

export interface CommandResult {
  /** The command's exit code; 143/137 when it was stopped. */
  exitCode: number;
  durationMs: number;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  lastLines: string[];
  /** Stopped because it ran longer than its timeout. */
  timedOut: boolean;
  /** Stopped because the job was cancelled. */
  cancelled: boolean;
}

// $0 the script, $1 the file that receives the process group id. The wrapper's own job-status
// messages ("[1]+ Terminated …") go to /dev/null; the command's stderr is the step's (fd 3).
const WRAPPER = 'exec 3>&2 2>/dev/null; set -m; bash --noprofile --norc -eo pipefail "$0" </dev/null 2>&3 & pid=$!; echo "$pid" >"$1"; wait "$pid"';
const DEFAULT_KEEP_LINES = 20;
const DEFAULT_KILL_GRACE_MS = 2_000;
// The runner kills the step 10 s after a cancellation: the rollback needs most of that.
const CANCEL_KILL_GRACE_MS = 1_000;
// After the command's exit, how long @actions/exec waits for its output streams to close. A process
// that left the group and kept stdout open (a daemon) must not hold the step.
const STREAM_CLOSE_MS = 1_000;

export async function runCommand(run: CommandRun): Promise<CommandResult> {
  const started = Date.now();
  if (run.signal?.aborted) return { exitCode: 130, durationMs: 0, lastLines: [], timedOut: false, cancelled: true };
  const base = join(process.env.RUNNER_TEMP || tmpdir(), `blue-green-${randomUUID()}`);
  const scriptFile = `${base}.sh`;
  const groupFile = `${base}.pgid`;
  await writeFile(scriptFile, run.script.endsWith('\n') ? run.script : `${run.script}\n`, { mode: 0o600 });

  const keep = run.keepLines ?? DEFAULT_KEEP_LINES;
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > keep) lines.shift();
  };
  let timedOut = false;
  let cancelled = false;
  let finished = false;
  const stopGroup = async (graceMs: number): Promise<void> => {
    const group = await readGroupId(groupFile, () => finished);
    if (group === undefined) return;
    signalGroup(group, 'SIGTERM');
    const grace = setTimeout(() => signalGroup(group, 'SIGKILL'), graceMs);
    grace.unref();
  };
  const timeout = new AbortController();
  void (run.clock ?? systemClock).sleep(run.timeoutMs, timeout.signal).then(
    () => {
      timedOut = true;
      void stopGroup(run.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    },
    () => undefined, // the command ended first
  );
  const onAbort = () => {
    cancelled = true;
    void stopGroup(Math.min(CANCEL_KILL_GRACE_MS, run.killGraceMs ?? CANCEL_KILL_GRACE_MS));
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const exitCode = await exec('bash', ['--noprofile', '--norc', '-c', WRAPPER, scriptFile, groupFile], {
      cwd: run.cwd,
      env: run.env,
      ignoreReturnCode: true,
      // The output is passed through below as it arrives; silent only drops exec's own `[command]` line,
      // which would show the wrapper rather than the user's command.
      silent: true,
      delay: STREAM_CLOSE_MS,
      listeners: {
        stdout: (data) => process.stdout.write(data),
        stderr: (data) => process.stderr.write(data),
        stdline: remember,
        errline: remember,
      },
    });
    return { exitCode, durationMs: Date.now() - started, lastLines: lines, timedOut, cancelled };
  } finally {
    finished = true;
    timeout.abort();
    run.signal?.removeEventListener('abort', onAbort);
    await Promise.all([rm(scriptFile, { force: true }), rm(groupFile, { force: true })]);
  }
}

/** The group id the wrapper wrote; waits briefly for it when the stop comes right after the start. */
async function readGroupId(file: string, finished: () => boolean): Promise<number | undefined> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const id = Number.parseInt(text.trim(), 10);
    if (Number.isInteger(id) && id > 1) return id;
    if (finished()) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // The group is already gone.
  }
}

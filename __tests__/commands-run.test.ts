// The command runner with real bash processes: exit codes, pipefail, the environment, the last lines,
// and that a timeout or a cancellation stops the whole process tree, not just the shell.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/clock.js';
import { runCommand } from '../src/commands/run-command.js';

const cwd = mkdtempSync(join(tmpdir(), 'cmd-test-'));
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };

/** True while a process with this pid runs (a zombie waiting to be reaped does not). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Resolves once `file` holds a pid (the command wrote it), polling; no fixed sleep. */
async function pidFrom(file: string): Promise<number> {
  for (;;) {
    if (existsSync(file)) {
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (pid > 0) return pid;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function gone(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
}

describe('runCommand', () => {
  it('passes with exit code 0 and keeps the last lines of stdout and stderr', async () => {
    const result = await runCommand({ script: 'for i in $(seq 1 30); do echo "line $i"; done\necho oops >&2', cwd, env, timeoutMs: 30_000, keepLines: 5 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
    expect(result.lastLines).toHaveLength(5);
    expect(result.lastLines).toContain('oops');
    expect(result.lastLines).toContain('line 30');
    expect(result.lastLines).not.toContain('line 1');
  });

  it('fails with the exit code of the first failing command (-e) and of a failing pipe (pipefail)', async () => {
    expect((await runCommand({ script: 'echo before\nexit 3\necho after', cwd, env, timeoutMs: 30_000 })).exitCode).toBe(3);
    const early = await runCommand({ script: 'false\necho after', cwd, env, timeoutMs: 30_000 });
    expect(early.exitCode).toBe(1);
    expect(early.lastLines).not.toContain('after');
    expect((await runCommand({ script: 'false | true', cwd, env, timeoutMs: 30_000 })).exitCode).toBe(1);
  });

  it('runs in the given directory with exactly the given environment', async () => {
    const result = await runCommand({ script: 'pwd; echo "phase=$BLUE_GREEN_PHASE"; echo "secret=${INPUT_X:-none}"', cwd, env: { ...env, BLUE_GREEN_PHASE: 'smoke-test' }, timeoutMs: 30_000 });
    expect(result.lastLines).toEqual([cwd, 'phase=smoke-test', 'secret=none']);
  });

  it('stops the command and every process it started when the timeout runs out', async () => {
    const pidFile = join(cwd, 'child-timeout.pid');
    const started = Date.now();
    // The child ignores SIGTERM: only the SIGKILL after the grace period ends it. Its trap must be in place
    // before the timeout fires, so the timeout's clock starts when the child says it is ready (its pid file),
    // not when the command is spawned: on a busy machine the shell may not have run a line within 500 ms.
    const ready = pidFrom(pidFile);
    const result = await runCommand({
      script: `bash -c 'trap "" TERM; echo $$ > ${pidFile}; sleep 60' &\nsleep 60`,
      cwd,
      env,
      timeoutMs: 500,
      killGraceMs: 300,
      clock: { sleep: async (ms, signal) => { await ready; await systemClock.sleep(ms, signal); } },
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    await gone(await ready);
    // Bounded by the timeout and the grace, not by the 60 s sleeps (generous for a busy machine).
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('stops the whole tree at once when the signal aborts (the job is cancelled)', async () => {
    const pidFile = join(cwd, 'child-cancel.pid');
    const controller = new AbortController();
    const running = runCommand({ script: `sleep 60 & echo $! > ${pidFile}; wait`, cwd, env, timeoutMs: 60_000, signal: controller.signal });
    const child = await pidFrom(pidFile);
    controller.abort(new Error('cancelled'));
    const result = await running;
    expect(result).toMatchObject({ cancelled: true, timedOut: false });
    await gone(child);
  });

  it('does not start a command whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const marker = join(cwd, 'never-written');
    const result = await runCommand({ script: `sleep 5; touch ${marker}`, cwd, env, timeoutMs: 60_000, signal: controller.signal });
    expect(result.cancelled).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });
});

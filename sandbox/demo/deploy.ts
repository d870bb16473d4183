// One run of the built action (dist/, as the runner runs it) against the sandbox, with the epoch-ms window it
// occupied so load and request-log figures can be cut to exactly that run.
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../index.js';
import { runAction, type ActionRun, type Step } from '../harness/runner.js';

/** The repository root (holding action.yml and dist/), from sandbox/demo/ or its tsc output build/sandbox/demo/. */
export function repositoryRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.replace(/[\\/](build[\\/])?sandbox[\\/]demo[\\/]?$/, '');
}

export interface TimedRun {
  run: ActionRun;
  /** Epoch ms just before main was spawned and just after post ended. */
  startedAt: number;
  endedAt: number;
}

export async function runDeploy(
  sandbox: Sandbox,
  inputs: Record<string, string>,
  onLine?: (step: Step, line: string) => void,
): Promise<TimedRun> {
  const startedAt = Date.now();
  const run = await runAction({ actionDir: repositoryRoot(), inputs, env: { ...sandbox.env() }, onLine, timeoutMs: 150_000 });
  return { run, startedAt, endedAt: Date.now() };
}

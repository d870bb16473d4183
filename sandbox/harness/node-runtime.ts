// The Node binary a step runs on. The runner ignores the job's Node and runs a `node24` action on the Node 24
// it bundles (a `node20` one on its Node 20); here `RUNNER_NODE24` / `RUNNER_NODE20` name those binaries, and
// without one the step runs on this process's Node, so the tests still run on a machine that has only that.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export interface NodeRuntime {
  /** The binary spawned for the step. */
  path: string;
  /** What it answered to `--version`, e.g. `v24.11.0`. */
  version: string;
  /** The variable that chose it (e.g. `RUNNER_NODE24`), absent when it is this process's Node. */
  from?: string;
}

// One `--version` per binary for the whole test process: every step of every run would otherwise pay a spawn.
const versions = new Map<string, Promise<string>>();

/** `node24` → `RUNNER_NODE24`. */
export function runtimeVariable(using: string): string {
  return `RUNNER_${using.toUpperCase()}`;
}

export async function resolveNodeRuntime(using: string, env: NodeJS.ProcessEnv = process.env): Promise<NodeRuntime> {
  const variable = runtimeVariable(using);
  const configured = env[variable];
  // Absolute, because the step is spawned in its workspace, not in this process's directory.
  const path = configured ? resolve(configured) : process.execPath;
  let version = versions.get(path);
  if (!version) {
    version = promisify(execFile)(path, ['--version'], { timeout: 30_000 }).then(({ stdout }) => stdout.trim());
    versions.set(path, version);
  }
  try {
    return { path, version: await version, ...(configured ? { from: variable } : {}) };
  } catch (error) {
    versions.delete(path);
    const origin = configured ? `${variable}=${configured}` : 'this process';
    throw new Error(`cannot run the Node binary for runs.using ${using} (${origin}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

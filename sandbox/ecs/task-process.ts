// A task is a real process: `node sandbox/task-server.mjs`, which reports its port over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TaskProcess {
  child: ChildProcess;
  /** Resolves with the port once the server listens; rejects if the process exits first. */
  ready: Promise<number>;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  /** Changes the behaviour of the running server (see task-server.mjs). */
  setBehaviour(behaviour: string): void;
}

/** Finds task-server.mjs whether this module runs from sandbox/ (ts-jest) or a tsc output directory. */
export function locateTaskServer(): string {
  const candidates = ['../task-server.mjs', '../../../sandbox/task-server.mjs', '../../sandbox/task-server.mjs'];
  for (const rel of candidates) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`sandbox/task-server.mjs not found near ${import.meta.url}`);
}

export function startTaskProcess(serverPath: string, env: Record<string, string>): TaskProcess {
  const child = spawn(process.execPath, [serverPath], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
  const ready = new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number }) => {
      if (typeof m.port === 'number') resolve(m.port);
    });
    void exited.then((code) => reject(new Error(`task process exited (${code}) before listening`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    exited,
    setBehaviour: (behaviour) => {
      if (child.connected) child.send({ behaviour });
    },
  };
}

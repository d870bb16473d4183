// moto (the Python AWS emulator) as a child process on a free loopback port: the independent
// reference the differential test compares the sandbox with. Started per test file and killed by
// its own pid, so nothing else on the machine is touched.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** moto cannot be started here: not installed, or it never answered. Carries what to do next. */
export class MotoUnavailable extends Error {
  override name = 'MotoUnavailable';
}

export interface MotoServer {
  /** http://127.0.0.1:PORT, for the SDK clients' `endpoint`. */
  endpoint: string;
  /** Clears every resource moto holds (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** The Python that has moto installed. Default `$MOTO_PYTHON` or `python3`. */
  python?: string;
  /** How long to wait for the server to answer. Default 20 s (it starts in about 1 s here). */
  readyTimeoutMs?: number;
}

const HOW_TO_INSTALL = "Install it for that Python with `python3 -m pip install 'moto[server]==5.2.1'`, or point MOTO_PYTHON at one that has it.";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function reset(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startMoto(o: MotoOptions = {}): Promise<MotoServer> {
  const python = o.python ?? process.env.MOTO_PYTHON ?? 'python3';
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
  });
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });

  const deadline = Date.now() + (o.readyTimeoutMs ?? 20_000);
  while (!(await reset(endpoint))) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (spawnError || exited || Date.now() > deadline) {
      await stopChild(child);
      const why = spawnError
        ? `'${python}' could not be run (${spawnError.message})`
        : exited
          ? `'${python} -m moto.server' exited with ${child.exitCode ?? child.signalCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`
          : `'${python} -m moto.server' did not answer on ${endpoint} within ${o.readyTimeoutMs ?? 20_000} ms`;
      throw new MotoUnavailable(`moto is not available: ${why}. ${HOW_TO_INSTALL}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint,
    reset: async () => {
      if (!(await reset(endpoint))) throw new Error(`moto at ${endpoint} did not accept a reset`);
    },
    stop: () => stopChild(child),
  };
}

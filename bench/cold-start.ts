// Cold start: from spawning `node <bundle>` to the first request reaching the AWS endpoint, against the floor of
// a bare `node -e` that makes one HTTP request, and of a bundle that only sends one SDK request. Both are timed by the same tiny server in this process, and
// runs alternate so both see the same machine noise.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputEnvironment, readActionMetadata } from '../sandbox/harness/action-metadata.js';
import { runnerEnvironment } from '../sandbox/harness/runner-environment.js';
import { preciseNow } from './stats.js';

/** One HTTP GET and nothing else: what Node itself costs before a request can leave. */
const FLOOR_SCRIPT = "require('node:http').get(process.env.BENCH_URL, (r) => r.resume()).on('error', () => {})";

export interface ColdStartSamples {
  actionMs: number[];
  floorMs: number[];
  /** The same for a bundle that only sends one request with one SDK client (bench/sdk-floor-entry.mjs). */
  sdkMs: number[];
  /** What the action asked for first, e.g. `AmazonSSM.PutParameter`. */
  firstRequest: string;
  /** The same for another build of the action (BENCH_BASELINE_REF), alternating with this one. */
  baselineMs: number[];
}

export async function measureColdStart(actionDir: string, runs: number, sdkFloor: string, baselineDir?: string): Promise<ColdStartSamples> {
  const arrivals: ((at: number, what: string) => void)[] = [];
  const server = createServer((req, res) => {
    const what = String(req.headers['x-amz-target'] ?? `${req.method ?? ''} ${req.url ?? ''}`);
    arrivals.shift()?.(preciseNow(), what);
    req.resume();
    // The process is killed as soon as its first request arrives; the answer only matters if it is not.
    res.writeHead(503, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"ServiceUnavailable"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const root = await mkdtemp(join(tmpdir(), 'bench-cold-'));
  try {
    const env = await actionEnvironment(actionDir, root, url);
    const metadata = await readActionMetadata(actionDir);
    const samples: ColdStartSamples = { actionMs: [], floorMs: [], sdkMs: [], firstRequest: '', baselineMs: [] };
    const baseline = baselineDir ? join(baselineDir, (await readActionMetadata(baselineDir)).main.slice(baselineDir.length)) : undefined;
    for (let i = 0; i < runs; i += 1) {
      const action = await timeToFirstRequest(arrivals, [metadata.main], env);
      samples.actionMs.push(action.ms);
      samples.firstRequest = action.what;
      samples.floorMs.push((await timeToFirstRequest(arrivals, ['-e', FLOOR_SCRIPT], { PATH: process.env.PATH ?? '', BENCH_URL: `${url}/` })).ms);
      samples.sdkMs.push((await timeToFirstRequest(arrivals, [sdkFloor], { ...env })).ms);
      if (baseline) samples.baselineMs.push((await timeToFirstRequest(arrivals, [baseline], env)).ms);
    }
    return samples;
  } finally {
    await new Promise<void>((resolve) => closeServer(server, resolve));
    await rm(root, { recursive: true, force: true });
  }
}

async function timeToFirstRequest(
  arrivals: ((at: number, what: string) => void)[],
  args: string[],
  env: Record<string, string>,
): Promise<{ ms: number; what: string }> {
  const startedAt = preciseNow();
  const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const arrived = new Promise<{ at: number; what: string }>((resolve) => arrivals.push((at, what) => resolve({ at, what })));
  const first = await Promise.race([arrived, exited.then(() => undefined)]);
  child.kill('SIGKILL');
  await exited;
  if (!first) throw new Error(`node ${args.join(' ').slice(0, 60)} exited before making any request`);
  return { ms: first.at - startedAt, what: first.what };
}

/** What the runner gives dist/main: its environment, file-command files, and inputs that pass validation. */
async function actionEnvironment(actionDir: string, root: string, endpoint: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[name] = join(root, name.toLowerCase());
    await writeFile(files[name], '');
  }
  await writeFile(join(root, 'event.json'), '{}\n');
  const elb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
  const { env: inputs } = inputEnvironment(await readActionMetadata(actionDir), {
    cluster: 'shop',
    'blue-service': 'shop-blue',
    'green-service': 'shop-green',
    'blue-target-group-arn': `${elb}:targetgroup/shop-blue/0123456789abcdef`,
    'green-target-group-arn': `${elb}:targetgroup/shop-green/fedcba9876543210`,
    'listener-arn': `${elb}:listener/app/shop-alb/0123456789abcdef/fedcba9876543210`,
    'state-parameter': '/shop/live-color',
  });
  return {
    ...runnerEnvironment({ temp: root, toolCache: root, workspace: root }, join(root, 'event.json')),
    ...files,
    ...inputs,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIASANDBOXEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret-access-key',
  };
}

function closeServer(server: Server, done: () => void): void {
  server.closeAllConnections();
  server.close(() => done());
}

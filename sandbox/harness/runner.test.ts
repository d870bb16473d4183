// The runner emulation against a tiny fake action written in plain Node, so what is asserted is the emulation
// (inputs, file commands, workflow commands, the cancellation sequence), not the real action.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readActionMetadata } from './action-metadata.js';
import { RUNNER_CANCEL_TIMINGS, runAction, type Step } from './runner.js';

// Heredoc writes as @actions/core 3 does them (`name<<ghadelimiter_<uuid>`), plus one plain `name=value` line.
const FAKE_MAIN = String.raw`
const fs = require('node:fs');
const { randomUUID } = require('node:crypto');
const put = (file, name, value) => {
  const d = 'ghadelimiter_' + randomUUID();
  fs.appendFileSync(process.env[file], name + '<<' + d + '\n' + value + '\n' + d + '\n');
};
const behaviour = process.env['INPUT_BEHAVIOUR'];
put('GITHUB_STATE', 'phase', 'started');
if (behaviour === 'normal') {
  put('GITHUB_OUTPUT', 'listener', process.env['INPUT_LISTENER-ARN']);
  put('GITHUB_OUTPUT', 'region', process.env['INPUT_AWS-REGION']);
  put('GITHUB_OUTPUT', 'multi', 'line one\nline two');
  fs.appendFileSync(process.env.GITHUB_OUTPUT, 'plain=a=b\n');
  put('GITHUB_OUTPUT', 'spaced', process.env['INPUT_WITH_SPACE']);
  put('GITHUB_OUTPUT', 'endpoint', process.env.AWS_ENDPOINT_URL);
  put('GITHUB_OUTPUT', 'node-options', String(process.env.NODE_OPTIONS));
  put('GITHUB_STATE', 'snapshot', '{"rules":[1,2]}\nsecond line');
  put('GITHUB_ENV', 'DEPLOY_ID', 'd-42');
  fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '## main s3cr3t-token\n');
  console.log('::add-mask::s3cr3t-token');
  console.log('::error title=Rolled back,file=src/a.ts,line=3::health check failed%0Aline2 100%25');
  console.log('::warning::be careful');
  console.log('::notice title=a%3Ab%2Cc::fyi');
  console.log('::group::Deploy');
  console.log('::endgroup::');
  console.log('::debug::detail');
} else if (behaviour === 'fail') {
  console.log('::error::boom');
  process.exitCode = 1;
} else if (behaviour === 'bad-output') {
  fs.appendFileSync(process.env.GITHUB_OUTPUT, 'name<<EOF\nvalue without its delimiter\n');
} else if (behaviour === 'trap' || behaviour === 'exit-on-sigint' || behaviour === 'hang') {
  const seen = [];
  const record = (signal) => {
    seen.push(signal);
    put('GITHUB_STATE', 'signals', seen.join(','));
    if (behaviour === 'exit-on-sigint') process.exit(0);
  };
  if (behaviour !== 'hang') {
    process.on('SIGINT', () => record('SIGINT'));
    process.on('SIGTERM', () => record('SIGTERM'));
  }
  setInterval(() => undefined, 1000);
  console.log('ready');
}
`;

const FAKE_POST = String.raw`
const fs = require('node:fs');
const pick = (prefix) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith(prefix)));
console.log('post ' + JSON.stringify({ state: pick('STATE_'), inputs: pick('INPUT_'), deployId: process.env.DEPLOY_ID,
  outputFresh: fs.readFileSync(process.env.GITHUB_OUTPUT, 'utf8') === '' }));
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '## post\n');
console.log('::add-mask::post-secret');
`;

const ACTION_YML = (postIf: string) => `
name: fake
inputs:
  behaviour:
    required: true
  listener-arn:
    required: true
  aws-region:
    default: eu-west-1
  with space:
    default: spaced default
  dry-run:
    default: 'false'
runs:
  using: node24
  main: main.js
  post: post.js
  post-if: ${postIf}
`;

const FAST = { sigintToSigtermMs: 300, sigtermToKillMs: 300 };
let dir: string;
let successOnlyDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-action-'));
  successOnlyDir = await mkdtemp(join(tmpdir(), 'fake-action-'));
  for (const [d, postIf] of [
    [dir, 'always()'],
    [successOnlyDir, 'success()'],
  ] as const) {
    await writeFile(join(d, 'action.yml'), ACTION_YML(postIf));
    await writeFile(join(d, 'main.js'), FAKE_MAIN);
    await writeFile(join(d, 'post.js'), FAKE_POST);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(successOnlyDir, { recursive: true, force: true });
});

/** Resolves when the step prints `ready`, for cancelling at a known moment instead of after a guessed delay. */
function whenReady(): { onLine: (step: Step, line: string) => void; ready: () => Promise<void> } {
  let resolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    resolve = r;
  });
  return { onLine: (_step, line) => line === 'ready' && resolve(), ready: () => ready };
}

function postReport(stdout: string | undefined): { state: Record<string, string>; inputs: Record<string, string>; deployId?: string; outputFresh: boolean } {
  const line = (stdout ?? '').split('\n').find((l) => l.startsWith('post '));
  if (!line) throw new Error(`post printed no report: ${stdout}`);
  return JSON.parse(line.slice(5));
}

// The same round trip through @actions/core 3 itself, so the emulation is checked against the writer the real
// action uses (heredoc delimiters, escapes, summary buffer), not only against our idea of it.
const CORE = pathToFileURL(join(process.cwd(), 'node_modules/@actions/core/lib/core.js')).href;
const CORE_MAIN = `
import * as core from '${CORE}';
core.setSecret('hunter2');
core.setOutput('status', 'rolled-back');
core.setOutput('reason', 'check /health failed 3 times:\\n500, 500, 500');
core.saveState('snapshot', JSON.stringify({ weights: [100, 0] }));
core.exportVariable('LIVE', 'green');
core.error('traffic is back on blue', { title: 'Rolled back', file: 'action.yml' });
await core.summary.addHeading('Deploy').addRaw('password hunter2').write();
core.setFailed(\`rolled back (\${core.getInput('listener-arn', { required: true })})\`);
`;
const CORE_POST = `
import * as core from '${CORE}';
core.info('post saw ' + core.getState('snapshot') + ' live=' + process.env.LIVE + ' region=' + core.getInput('aws-region'));
`;

describe('runAction', () => {
  it('round-trips what @actions/core 3 writes', async () => {
    const coreDir = await mkdtemp(join(tmpdir(), 'core-action-'));
    try {
      await writeFile(join(coreDir, 'action.yml'), ACTION_YML('always()').replace('main.js', 'main.mjs').replace('post.js', 'post.mjs'));
      await writeFile(join(coreDir, 'main.mjs'), CORE_MAIN);
      await writeFile(join(coreDir, 'post.mjs'), CORE_POST);
      const run = await runAction({ actionDir: coreDir, inputs: { behaviour: 'x', 'listener-arn': 'arn:l' } });
      expect(run.main).toMatchObject({ exitCode: 1, outcome: 'failure' });
      expect(run.outputs).toEqual({ status: 'rolled-back', reason: 'check /health failed 3 times:\n500, 500, 500' });
      expect(run.state).toEqual({ snapshot: '{"weights":[100,0]}' });
      expect(run.exportedEnv).toEqual({ LIVE: 'green' });
      expect(run.masks).toEqual(['hunter2']);
      expect(run.annotations).toEqual([
        { step: 'main', level: 'error', title: 'Rolled back', message: 'traffic is back on blue', properties: { title: 'Rolled back', file: 'action.yml' } },
        { step: 'main', level: 'error', message: 'rolled back (arn:l)', properties: {} },
      ]);
      expect(run.summary).toBe('<h1>Deploy</h1>\npassword ***');
      expect(run.post?.stdout).toContain('post saw {"weights":[100,0]} live=green region=eu-west-1');
      expect(run.conclusion).toBe('failure');
    } finally {
      await rm(coreDir, { recursive: true, force: true });
    }
  });

  it('passes inputs with defaults, parses file and workflow commands, and hands state to post', async () => {
    const lines: string[] = [];
    const run = await runAction({
      actionDir: dir,
      inputs: { behaviour: 'normal', 'listener-arn': 'arn:aws:elasticloadbalancing:eu-west-1:123:listener/app/x/1/2' },
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', NODE_OPTIONS: '--max-old-space-size=64' },
      onLine: (step, line) => lines.push(`${step}: ${line}`),
    });

    expect(run.conclusion).toBe('success');
    expect(run.main).toMatchObject({ exitCode: 0, signal: null, cancelled: false, outcome: 'success' });
    expect(run.outputs).toEqual({
      listener: 'arn:aws:elasticloadbalancing:eu-west-1:123:listener/app/x/1/2',
      region: 'eu-west-1',
      multi: 'line one\nline two',
      plain: 'a=b',
      spaced: 'spaced default',
      endpoint: 'http://127.0.0.1:4566',
      'node-options': '--max-old-space-size=64',
    });
    expect(run.state).toEqual({ phase: 'started', snapshot: '{"rules":[1,2]}\nsecond line' });
    expect(run.exportedEnv).toEqual({ DEPLOY_ID: 'd-42' });

    const post = postReport(run.post?.stdout);
    expect(post.state).toEqual({ STATE_phase: 'started', STATE_snapshot: '{"rules":[1,2]}\nsecond line' });
    expect(post.inputs).toMatchObject({ INPUT_BEHAVIOUR: 'normal', 'INPUT_AWS-REGION': 'eu-west-1', INPUT_WITH_SPACE: 'spaced default', 'INPUT_DRY-RUN': 'false' });
    expect(post.deployId).toBe('d-42');
    expect(post.outputFresh).toBe(true);
    expect(run.post?.outcome).toBe('success');

    expect(run.annotations).toEqual([
      { step: 'main', level: 'error', title: 'Rolled back', message: 'health check failed\nline2 100%', properties: { title: 'Rolled back', file: 'src/a.ts', line: '3' } },
      { step: 'main', level: 'warning', message: 'be careful', properties: {} },
      { step: 'main', level: 'notice', title: 'a:b,c', message: 'fyi', properties: { title: 'a:b,c' } },
    ]);
    expect(run.masks).toEqual(['s3cr3t-token', 'post-secret']);
    expect(run.summary).toBe('## main ***\n## post\n');
    expect(lines).toContain('main: ::warning::be careful');
    expect(lines.some((l) => l.startsWith('post: post '))).toBe(true);
  });

  it('fails the step on exit code 1 and still runs post under always()', async () => {
    const run = await runAction({ actionDir: dir, inputs: { behaviour: 'fail', 'listener-arn': 'l', 'unknown-input': 'x' } });
    expect(run.main).toMatchObject({ exitCode: 1, outcome: 'failure' });
    expect(run.conclusion).toBe('failure');
    expect(run.post?.outcome).toBe('success');
    expect(run.annotations.map((a) => a.message)).toEqual([
      "Unexpected input(s) 'unknown-input', valid inputs are ['behaviour', 'listener-arn', 'aws-region', 'with space', 'dry-run']",
      'boom',
    ]);
  });

  it('skips post when post-if is success() and main failed, or when asked', async () => {
    const failed = await runAction({ actionDir: successOnlyDir, inputs: { behaviour: 'fail', 'listener-arn': 'l' } });
    expect(failed.post).toBeUndefined();
    const skipped = await runAction({ actionDir: dir, inputs: { behaviour: 'normal', 'listener-arn': 'l' }, skipPost: true });
    expect(skipped.post).toBeUndefined();
    expect(skipped.summary).toBe('## main ***\n');
  });

  it('fails the step when a file command cannot be parsed, as the runner does', async () => {
    const run = await runAction({ actionDir: dir, inputs: { behaviour: 'bad-output', 'listener-arn': 'l' } });
    expect(run.main).toMatchObject({ exitCode: 0, outcome: 'failure' });
    expect(run.annotations[0]?.message).toMatch(/Unable to process file command 'output'.*delimiter not found 'EOF'/);
  });

  it('cancels with SIGINT, then SIGTERM, then SIGKILL to a step that ignores both, and post sees the state', async () => {
    const { onLine, ready } = whenReady();
    const run = await runAction({
      actionDir: dir,
      inputs: { behaviour: 'trap', 'listener-arn': 'l' },
      cancelAfterMs: ready,
      cancelTimings: FAST,
      onLine,
    });
    expect(run.main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
    const [sigint, sigterm, sigkill] = run.main.signalsSent.map((s) => s.atMs) as [number, number, number];
    expect(sigterm - sigint).toBeGreaterThanOrEqual(FAST.sigintToSigtermMs - 5);
    expect(sigkill - sigterm).toBeGreaterThanOrEqual(FAST.sigtermToKillMs - 5);
    expect(run.main).toMatchObject({ signal: 'SIGKILL', cancelled: true, outcome: 'cancelled' });
    expect(run.state.signals).toBe('SIGINT,SIGTERM');
    expect(postReport(run.post?.stdout).state.STATE_signals).toBe('SIGINT,SIGTERM');
    expect(run.conclusion).toBe('cancelled');
  });

  it('stops the sequence when the step exits on SIGINT; the job is cancelled even with exit code 0', async () => {
    const { onLine, ready } = whenReady();
    const run = await runAction({
      actionDir: dir,
      inputs: { behaviour: 'exit-on-sigint', 'listener-arn': 'l' },
      cancelAfterMs: ready,
      cancelTimings: FAST,
      onLine,
    });
    expect(run.main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT']);
    expect(run.main).toMatchObject({ exitCode: 0, outcome: 'cancelled' });
    expect(run.state.signals).toBe('SIGINT');
    expect(run.conclusion).toBe('cancelled');
  });

  it('defaults to the runner timings, and takes a delay as the cancel moment', async () => {
    expect(RUNNER_CANCEL_TIMINGS).toEqual({ sigintToSigtermMs: 7500, sigtermToKillMs: 2500 });
    const started = Date.now();
    // A delay counts from the spawn, not from the step being ready, so the SIGINT may find Node still loading
    // the script: a step with a handler could then die of it or handle it. One with no handler ('hang') dies
    // of it either way.
    const run = await runAction({ actionDir: dir, inputs: { behaviour: 'hang', 'listener-arn': 'l' }, cancelAfterMs: 400 });
    expect(run.main).toMatchObject({ signal: 'SIGINT', cancelled: true });
    expect(run.main.signalsSent).toHaveLength(1);
    expect(run.main.signalsSent[0]?.atMs).toBeGreaterThanOrEqual(390);
    expect(Date.now() - started).toBeLessThan(7500);
  });

  it('emulates a crash with killMain: SIGKILL at once, a failed step, post still runs', async () => {
    const { onLine, ready } = whenReady();
    const run = await runAction({ actionDir: dir, inputs: { behaviour: 'trap', 'listener-arn': 'l' }, cancelAfterMs: ready, killMain: true, onLine });
    expect(run.main.signalsSent.map((s) => s.signal)).toEqual(['SIGKILL']);
    expect(run.main).toMatchObject({ signal: 'SIGKILL', cancelled: false, outcome: 'failure' });
    expect(run.state).toEqual({ phase: 'started' });
    expect(postReport(run.post?.stdout).state).toEqual({ STATE_phase: 'started' });
    expect(run.conclusion).toBe('failure');
  });

  it('times a hung step out through the same signals and fails it', async () => {
    const run = await runAction({ actionDir: dir, inputs: { behaviour: 'hang', 'listener-arn': 'l' }, timeoutMs: 300, cancelTimings: FAST, skipPost: true });
    expect(run.main).toMatchObject({ timedOut: true, cancelled: false, outcome: 'failure', signal: 'SIGINT' });
    expect(run.annotations.map((a) => a.message)).toContain('The action has timed out.');
    expect(run.conclusion).toBe('failure');
  });

  it('refuses an action.yml it cannot emulate', async () => {
    await expect(runAction({ actionDir: join(dir, 'missing'), inputs: {} })).rejects.toThrow(/cannot read .*action\.yml/);
  });
});

describe('the Node that runs.using names', () => {
  let root: string;
  const action = (using: string) => join(root, using);
  const binary = (using: string) => join(root, 'bin', using);

  // Each "binary" is this Node behind a script that says which one it is, and counts the `--version` questions.
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fake-runtimes-'));
    await mkdir(join(root, 'bin'));
    for (const using of ['node20', 'node24']) {
      await writeFile(
        binary(using),
        `#!/bin/sh\n[ "$1" = --version ] && echo asked >> '${binary(using)}.asked'\nFAKE_RUNTIME=${using} exec '${process.execPath}' "$@"\n`,
      );
      await chmod(binary(using), 0o755);
      await mkdir(action(using));
      await writeFile(join(action(using), 'action.yml'), `name: fake\nruns:\n  using: ${using}\n  main: main.js\n  post: main.js\n`);
      await writeFile(
        join(action(using), 'main.js'),
        `require('node:fs').appendFileSync(process.env.GITHUB_OUTPUT, 'runtime=' + process.env.FAKE_RUNTIME + '\\nversion=' + process.version + '\\n');\n`,
      );
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function withRuntimes<T>(vars: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
    const set = (values: Record<string, string | undefined>) => {
      for (const [name, value] of Object.entries(values)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
    set(vars);
    try {
      return await run();
    } finally {
      set(saved);
    }
  }

  it('runs each step on the binary RUNNER_<runs.using> names, asking it its version once', async () => {
    expect((await readActionMetadata(action('node24'))).using).toBe('node24');
    await withRuntimes({ RUNNER_NODE24: binary('node24'), RUNNER_NODE20: binary('node20') }, async () => {
      const first = await runAction({ actionDir: action('node24'), inputs: {} });
      const second = await runAction({ actionDir: action('node24'), inputs: {} });
      const older = await runAction({ actionDir: action('node20'), inputs: {} });

      expect(first.outputs).toEqual({ runtime: 'node24', version: process.version });
      const node24 = { path: binary('node24'), version: process.version, from: 'RUNNER_NODE24' };
      expect([first.main.node, first.post?.node, second.main.node]).toEqual([node24, node24, node24]);
      expect(older.outputs.runtime).toBe('node20');
      expect(older.main.node).toEqual({ path: binary('node20'), version: process.version, from: 'RUNNER_NODE20' });
      expect(await readFile(`${binary('node24')}.asked`, 'utf8')).toBe('asked\n');
    });
  });

  it("falls back to this process's Node when the variable is not set", async () => {
    await withRuntimes({ RUNNER_NODE24: undefined }, async () => {
      const run = await runAction({ actionDir: action('node24'), inputs: {}, skipPost: true });
      expect(run.outputs).toEqual({ runtime: 'undefined', version: process.version });
      expect(run.main.node).toEqual({ path: process.execPath, version: process.version });
    });
  });

  it('names the variable when its binary cannot run', async () => {
    await withRuntimes({ RUNNER_NODE24: join(root, 'bin', 'missing') }, async () => {
      await expect(runAction({ actionDir: action('node24'), inputs: {} })).rejects.toThrow(/runs\.using node24 \(RUNNER_NODE24=.*missing\)/);
    });
  });
});

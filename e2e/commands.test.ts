// End-to-end: the team's own commands, run by the built action against the sandbox under live load.
// A smoke test that really reaches the idle colour, a smoke test that stops a bad release before any
// user request fails, a rollback-command told why, and a cancelled job that stops a running command.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { bakeUnderway, colourOf, lockName, parameterValue } from './support/observe.js';
import { annotations, runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'e2e-commands-'));

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('commands.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

/** Each command appends one line: its phase and what it was told. */
const RECORD = 'echo "$BLUE_GREEN_PHASE live=$BLUE_GREEN_LIVE_COLOR target=$BLUE_GREEN_TARGET_COLOR td=${BLUE_GREEN_TASK_DEFINITION_ARN##*/} url=$BLUE_GREEN_TARGET_URL reason=${BLUE_GREEN_ROLLBACK_REASON:-}" >> "$COMMAND_LOG"';
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

describe('the team\'s commands', () => {
  it('run at their points, told the colours, and the smoke test reaches the idle colour (v2), not production', async () => {
    const sc = await createScenario(sandbox, 'e2e-cmd-ok');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const log = join(dir, 'ok.log');
    const smoke = join(dir, 'ok-smoke.json');

    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputsFor(sc, {
        'task-definition': v2,
        'pre-deploy-command': RECORD,
        // What the idle colour answers, through the URL the action gives the command.
        'smoke-test-command': `${RECORD}\ncurl --fail --silent --show-error --max-time 5 "$BLUE_GREEN_TARGET_URL" > ${smoke}`,
        'post-deploy-command': RECORD,
        'rollback-command': RECORD,
      }),
      env: { COMMAND_LOG: log },
    });
    recordFigures({ scenario: 'deploy with commands', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    const url = `${sc.testUrl}/health`;
    expect(lines(log)).toEqual([
      `pre-deploy live=blue target=green td=${v2.split('/').pop()} url=${url} reason=`,
      `smoke-test live=blue target=green td=${v2.split('/').pop()} url=${url} reason=`,
      expect.stringMatching(/^post-deploy live=green target=green /),
    ]);
    expect(JSON.parse(readFileSync(smoke, 'utf8'))).toMatchObject({ version: 'v2', colour: 'green' });
    expectNoFailedRequests(r.load);
    expect(r.run.summary).toContain('### Commands');
    expect(r.run.summary).toContain('| `smoke-test-command` | ✅ passed | 0 |');
    expect(r.run.main.stdout).toMatch(/::group::Run smoke-test-command/);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a failing smoke test stops a bad release before any user request reaches it', async () => {
    const sc = await createScenario(sandbox, 'e2e-cmd-smoke');
    // Passes its health checks (the health path) but fails every real request.
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:0' });
    const log = join(dir, 'smoke.log');

    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputsFor(sc, {
        'task-definition': v2,
        'smoke-test-command': `echo "checking \${BLUE_GREEN_TARGET_URL%/health}/checkout"\ncurl --fail --silent --show-error --max-time 5 "\${BLUE_GREEN_TARGET_URL%/health}/checkout"`,
        'rollback-command': RECORD,
      }),
      env: { COMMAND_LOG: log },
    });
    recordFigures({ scenario: 'bad release stopped by smoke test', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'failure', status: 'failed' });
    expect(r.run.outputs).toMatchObject({ 'live-color': 'blue', 'previous-color': 'blue', 'rolled-back': 'false' });
    // The production listener never changed; not one user request failed or reached v2.
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    expectNoFailedRequests(r.load);
    expect(r.load.total).toBeGreaterThan(50);
    expect(r.load.byVersion).toEqual({ v1: r.load.total });
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    const [error] = annotations(r.run, 'error');
    expect(error?.title).toBe('Blue-green deploy failed; traffic stayed on blue');
    expect(error?.message).toMatch(/smoke-test-command exited with code 22/);
    expect(error?.message).toContain('Last 2 line(s) of smoke-test-command:');
    expect(error?.message).toMatch(/The requested URL returned error: 500/);
    expect(r.run.summary).toContain('| `smoke-test-command` | ❌ failed | 22 |');
    // Traffic never moved: no rollback, so no rollback-command.
    expect(lines(log)).toEqual([]);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('rollback-command runs after an automatic rollback with the reason', async () => {
    const sc = await createScenario(sandbox, 'e2e-cmd-rollback');
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:1' });
    const log = join(dir, 'rollback.log');

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'rollback-command': RECORD }), env: { COMMAND_LOG: log } });

    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    const [line] = lines(log);
    expect(line).toMatch(/^rollback live=blue target=green td=\S+ url=\S+ reason=.* failed during the bake time/);
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).map((c) => colourOf(sc, c.weights))).toEqual(['green', 'blue']);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a killed main: the post step restores traffic and runs rollback-command, told why', async () => {
    const sc = await createScenario(sandbox, 'e2e-cmd-killed');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const log = join(dir, 'killed.log');

    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '30s', 'rollback-command': RECORD }),
      env: { COMMAND_LOG: log },
      cancelAfterMs: () => bakeUnderway(sandbox, sc, 'green'),
      killMain: true,
    });

    expect(r.run.post?.outcome).toBe('success');
    expect(colourOf(sc, sandbox.forwardWeights(sc.listenerArn))).toBe('blue');
    expect(lines(log)).toEqual([expect.stringMatching(/^rollback live=blue target=green td= url=\S+ reason=Main did not finish \(phase 'baking'\); the post step restored traffic on blue/)]);
    expect(r.run.post?.stdout).toMatch(/::group::Run rollback-command/);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a cancelled job stops a running smoke test and every process it started, and traffic stays on blue', async () => {
    const sc = await createScenario(sandbox, 'e2e-cmd-cancel');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const pidFile = join(dir, 'cancel.pid');
    const smokeRunning = () => sandbox.waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', { timeoutMs: 60_000, what: 'the smoke test started' }).then(() => undefined);

    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputsFor(sc, { 'task-definition': v2, 'smoke-test-command': `sleep 300 &\necho $! > ${pidFile}\nwait` }),
      cancelAfterMs: smokeRunning,
    });

    expectRun(r.run, { conclusion: 'cancelled', status: 'failed' });
    // Main ended on SIGINT alone: the command was stopped at once, not waited for.
    expect(r.run.main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT']);
    const child = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    await sandbox.waitFor(() => !running(child), { timeoutMs: 10_000, what: `the smoke test's child ${child} to be gone` });
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expectNoFailedRequests(r.load);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

/** A process that runs (a zombie waiting for its parent does not count). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

// End-to-end: the verification rule (verify-route: auto without a test listener). The production forward
// has target-group stickiness and the users keep the ALB's cookie; the idle colour is checked through a rule
// only the run's secret header reaches, and the health URL is the production address. Nobody without the
// header may reach an unverified version, no request may fail, and the rule must be gone afterwards.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BlueGreenScenario, Sandbox } from '../sandbox/index.js';
import { ACTION_DIR, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { colourOf, liveColour, lockName, parameterValue, record, verificationRules } from './support/observe.js';
import { runAction } from '../sandbox/harness/runner.js';
import { annotations, LOAD_RATE, runPlain, runUnderLoad, startUsers, STEP_TIMEOUT_MS, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('verify-route.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

const CLIENTS = 20;

/** A pair with no test listener: the production address is all there is. */
const pair = (name: string, stickinessSeconds?: number) => sandbox.createBlueGreen({ name, desiredCount: 2, ...(stickinessSeconds ? { stickinessSeconds } : {}) });

/** The health check through the production listener: the action proves it reaches the rule, then adds the header. */
const inputs = (sc: BlueGreenScenario, extra: Record<string, string> = {}) => inputsFor(sc, { 'health-check-url': `${sc.prodUrl}/health`, ...extra });

/** The production forward's stickiness setting, to compare before and after. */
const stickinessOf = (sc: BlueGreenScenario) => JSON.stringify(sandbox.world.elb.listener(sc.listenerArn)?.defaultActions.find((a) => a.Type === 'forward')?.ForwardConfig);

describe('sticky production forward, no test listener', () => {
  it.each([300, 86_400])('stickiness %i s: the first deploy onto a fresh stack succeeds, then one right after it; 0 requests served by an unverified version, 0 failed', async (seconds) => {
    const sc = await pair(`e2e-route-sticky-${seconds}`, seconds);
    const stickinessBefore = stickinessOf(sc);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    // One set of users, who keep their cookies, across both deploys.
    const users = startUsers(`${sc.prodUrl}/`, LOAD_RATE, CLIENTS);
    const recorder = record(sandbox);
    const deployOnce = (taskDefinition: string) => runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': taskDefinition, 'bake-time': '1s' }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS });
    const first = await deployOnce(v2);
    const second = await deployOnce(v3);
    const stats = await users.stop();
    recorder.detach();
    const prod = recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    const toGreen = prod.find((c) => colourOf(sc, c.weights) === 'green');
    const backToBlue = prod.find((c) => colourOf(sc, c.weights) === 'blue' && c.at > (toGreen?.at ?? Infinity));
    recordFigures({ scenario: `route: sticky ${seconds} s, two deploys`, wallMs: first.durationMs + second.durationMs, requests: stats.total, failed: stats.failed, notes: JSON.stringify(stats.byVersion) });

    expectRun(first, { conclusion: 'success', status: 'succeeded' });
    expectRun(second, { conclusion: 'success', status: 'succeeded' });
    expectNoFailedRequests(stats);
    // Nobody got v2 before the switch to green, or v3 before the switch back to blue.
    expect(users.window(0, (toGreen?.at ?? 0) - 100).byVersion?.v2).toBeUndefined();
    expect(users.window(0, (backToBlue?.at ?? 0) - 100).byVersion?.v3).toBeUndefined();
    // The first deploy never touched the forward before the switch (green had served no one); the second
    // released blue first (it served users a moment ago), and blue rejoined only at the switch.
    expect(prod.map((c) => Object.keys(c.weights).length)).toEqual([2, 1, 2]);
    expect(first.main.stdout).toContain('no client can be bound to green');
    expect(second.main.stdout).toContain('clients may be bound to blue until');
    expect(stickinessOf(sc)).toBe(stickinessBefore);
    expect(verificationRules(sandbox, sc)).toEqual([]);
    retire(sandbox, sc);
  }, 2 * TEST_TIMEOUT_MS);

  it('a rollback lists only the restored colour, and the rule is gone', async () => {
    const sc = await pair('e2e-route-sticky-rollback', 2);
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:3' });
    const r = await runUnderLoad(sandbox, sc, { inputs: inputs(sc, { 'task-definition': v2, 'bake-time': '10s' }), clients: CLIENTS, trailingRequests: 50 });
    const restored = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn).at(-1);
    const afterRestore = r.loadRun.window((restored?.at ?? Infinity) + 100);
    recordFigures({ scenario: 'route: sticky rollback', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'failure', status: 'rolled-back' });
    expect(Object.keys(restored?.weights ?? {})).toEqual([sc.targetGroups.blue]);
    expect(afterRestore.byTargetGroup).toEqual({ [`${sc.name}-blue`]: afterRestore.total });
    expectNoFailedRequests(afterRestore);
    expect(verificationRules(sandbox, sc)).toEqual([]);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

describe('the smoke test through the production listener', () => {
  it('curl with the header reaches the idle colour and stops a bad release; users without it never reach it', async () => {
    const sc = await pair('e2e-route-smoke');
    // Passes its health checks (the health path) but fails every real request.
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: 'degrade-after-traffic:0' });
    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputs(sc, { 'task-definition': v2, 'smoke-test-command': `curl --fail --silent --show-error --max-time 5 -H "$BLUE_GREEN_TARGET_HEADER" "\${BLUE_GREEN_TARGET_URL%/health}/checkout"` }),
    });
    recordFigures({ scenario: 'route: smoke test stops a bad release', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'failure', status: 'failed' });
    expect(annotations(r.run, 'error')[0]?.message).toMatch(/The requested URL returned error: 500/);
    // 0 of N users reached v2; the production forward never changed.
    expect(r.load.total).toBeGreaterThan(50);
    expectNoFailedRequests(r.load);
    expect(r.load.byVersion).toEqual({ v1: r.load.total });
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    // The secret never reached the log in clear.
    const token = /X-Blue-Green-Verify: ([0-9a-f]{48})/.exec(r.run.main.stdout)?.[1];
    expect(token).toBeUndefined();
    expect(verificationRules(sandbox, sc)).toEqual([]);
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

describe('the route is proven before it is trusted', () => {
  it('a health-check-url that reaches the live colour directly is refused; the rule is removed and nothing else changed', async () => {
    const sc = await pair('e2e-route-proof');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const blueTask = sandbox.targetHealth(sc.targetGroups.blue)[0];
    const direct = `http://${blueTask?.id ?? '127.0.0.1'}:${blueTask?.port ?? 9}/health`;
    const since = Date.now();
    const run = await runPlain(sandbox, inputs(sc, { 'task-definition': v2, 'health-check-url': direct, 'wait-timeout': '5s' }));

    expectRun(run, { conclusion: 'failure', status: 'failed' });
    const [error] = annotations(run, 'error');
    expect(error?.message).toContain(`Input 'health-check-url' is invalid: got "${direct}"`);
    expect(error?.message).toContain("never got the verification rule's answer back");
    const changes = sandbox.requests({ since }).map((e) => e.operation).filter((op) => !/^(Describe|Get|List)/.test(op));
    expect(changes).toEqual(['PutParameter', 'CreateRule', 'DeleteRule', 'DeleteParameter']);
    expect(verificationRules(sandbox, sc)).toEqual([]);
    expect(sandbox.world.ecs.services.find((s) => s.name === sc.services.green.name)?.taskDefinitionArn).toBe(sc.taskDefinitionArn);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

describe('a run killed with its runner', () => {
  it('leaves a rule that status lists and the next deploy of the pair removes', async () => {
    const sc = await pair('e2e-route-leftover');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    // SIGKILL main once its rule forwards to green, and no post step: the runner is gone.
    const forwarding = new Promise<void>((resolve) => {
      const on = (e: { ruleArn: string }) => {
        if (!verificationRules(sandbox, sc).some((r) => r.arn === e.ruleArn) || colourOf(sc, sandbox.forwardWeights(e.ruleArn)) !== 'green') return;
        sandbox.events.off('ruleModified', on);
        resolve();
      };
      sandbox.events.on('ruleModified', on);
    });
    const killed = await runAction({ actionDir: ACTION_DIR, inputs: inputs(sc, { 'task-definition': v2 }), env: sandbox.env(), timeoutMs: STEP_TIMEOUT_MS, cancelAfterMs: () => forwarding, killMain: true, skipPost: true });
    expect(killed.post).toBeUndefined();
    const [left] = verificationRules(sandbox, sc);
    expect(left).toBeDefined();
    expect(liveColour(sandbox, sc)).toBe('blue');

    const status = await runPlain(sandbox, inputs(sc, { mode: 'status' }));
    expect(status.summary).toContain(`A verification rule of run`);
    expect(status.summary).toContain(left?.arn ?? '?');

    // The lock the killed run held expires only later: this run takes it over as soon as it may.
    sandbox.world.ssm.parameters.delete(lockName(sc));
    const next = await runPlain(sandbox, inputs(sc, { 'task-definition': v2 }));
    expectRun(next, { conclusion: 'success', status: 'succeeded' });
    expect(next.summary).toContain(`Removed the verification rule ${left?.arn ?? '?'}`);
    expect(verificationRules(sandbox, sc)).toEqual([]);
    retire(sandbox, sc);
  }, 2 * TEST_TIMEOUT_MS);
});

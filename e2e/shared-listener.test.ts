// End-to-end: the colours share a production listener with other routes; the action moves only its rule.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { colourOf, listenerCopy, lockName, parameterValue } from './support/observe.js';
import { LOAD_RATE, runUnderLoad, startUsers, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('shared-listener.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

interface ListenerShape {
  defaultActions: unknown[];
  rules: { arn: string; priority: string; conditions: unknown[]; actions: unknown[] }[];
}

describe('rule-based switch', () => {
  it('moves the blue/green rule to green and leaves the other rule and the default action exactly as they were', async () => {
    const sc = await createScenario(sandbox, 'e2e-rule', { withRule: true });
    if (!sc.ruleArn || !sc.otherRuleArn) throw new Error('the scenario has no rules');
    const before = listenerCopy(sandbox, sc.listenerArn) as ListenerShape;
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    // Users of the other route, on the same listener, for the whole deploy.
    const otherRoute = startUsers(`${sc.prodUrl}/other/page`, LOAD_RATE / 2);

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'listener-rule-arn': sc.ruleArn, 'bake-time': '2s' }) });
    const other = await otherRoute.stop();
    recordFigures({ scenario: 'rule on a shared listener', wallMs: r.run.durationMs, requests: r.load.total + other.total, failed: r.load.failed + other.failed });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    expect(r.run.outputs).toMatchObject({ 'live-color': 'green', 'previous-color': 'blue' });
    // Only the rule moved; the production listener itself was never modified.
    expect(r.recorder.ruleChanges.map((c) => [c.arn, colourOf(sc, c.weights)])).toEqual([[sc.ruleArn, 'green']]);
    expect(r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn)).toEqual([]);
    expect(sandbox.forwardWeights(sc.ruleArn)).toEqual({ [sc.targetGroups.green]: 100, [sc.targetGroups.blue]: 0 });

    const after = listenerCopy(sandbox, sc.listenerArn) as ListenerShape;
    expect(after.defaultActions).toEqual(before.defaultActions);
    const rule = (shape: ListenerShape, arn: string) => shape.rules.find((x) => x.arn === arn);
    expect(rule(after, sc.otherRuleArn)).toEqual(rule(before, sc.otherRuleArn));
    // The moved rule kept its priority and conditions; only its forward changed.
    expect(rule(after, sc.ruleArn)?.priority).toBe(rule(before, sc.ruleArn)?.priority);
    expect(rule(after, sc.ruleArn)?.conditions).toEqual(rule(before, sc.ruleArn)?.conditions);
    expect(after.rules.map((x) => x.arn).sort()).toEqual(before.rules.map((x) => x.arn).sort());

    expect(parameterValue(sandbox, sc.parameterName)).toBe('green');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expectNoFailedRequests(r.load);
    const switchedAt = r.recorder.ruleChanges[0]?.at ?? Infinity;
    const afterSwitch = r.loadRun.window(switchedAt + 100, r.endedAt);
    expect(afterSwitch.byVersion).toEqual({ v2: afterSwitch.total });
    // The other route answered its fixed response throughout and never reached a colour.
    expectNoFailedRequests(other);
    expect(other.total).toBeGreaterThan(20);
    expect(other.byTargetGroup).toBeUndefined();
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

// End-to-end: the mistakes users make that would change production unverified are refused — with an
// error that names the input, the value and the fix — before any AWS call that changes anything.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectRun, printFigures, recordFigures } from './support/metrics.js';
import { liveColour, lockName, parameterValue } from './support/observe.js';
import { annotations, runPlain, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('refusals.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

/** The operations called since `since` that change something (anything but Describe*, Get*, List*). */
const mutatingCalls = (since: number): string[] => sandbox.requests({ since }).map((r) => r.operation).filter((op) => !/^(Describe|Get|List)/.test(op));

describe('refused before anything changes', () => {
  // Reproduced against dist/: with the target group inputs swapped the action warned about drift, took the
  // service serving 100 % of users for the idle one, rolled an unverified revision onto it, then failed.
  it.each(['deploy', 'rollback'])('swapped target group inputs (mode: %s): an input error naming both services and both ARNs, zero mutating calls', async (mode) => {
    const sc = await createScenario(sandbox, `e2e-swapped-${mode}`);
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const since = Date.now();
    const run = await runPlain(sandbox, inputsFor(sc, { mode, ...(mode === 'deploy' ? { 'task-definition': v2 } : {}), 'blue-target-group-arn': sc.targetGroups.green, 'green-target-group-arn': sc.targetGroups.blue }));
    recordFigures({ scenario: `swapped target groups (${mode})`, wallMs: run.durationMs });

    expectRun(run, { conclusion: 'failure', status: 'failed' });
    const errors = annotations(run, 'error');
    expect(errors).toHaveLength(1);
    const message = errors[0]?.message ?? '';
    expect(message).toContain(`blue-service ${sc.services.blue.name} registers its tasks in ${sc.targetGroups.blue} (the green-target-group-arn)`);
    expect(message).toContain(`green-service ${sc.services.green.name} registers its tasks in ${sc.targetGroups.green} (the blue-target-group-arn)`);
    expect(message).toContain('swap them');
    expect(mutatingCalls(since)).toEqual([]);
    expect(liveColour(sandbox, sc)).toBe('blue');
    expect(sandbox.world.ecs.services.find((s) => s.name === sc.services.blue.name)?.taskDefinitionArn).toBe(sc.taskDefinitionArn);
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it.each([
    // Reproduced against dist/: accepted, it probed what production serves (the live colour) and passed any release.
    ['a health-check-url that can only reach the live colour', { 'health-check-url': 'http://127.0.0.1:9/health', 'test-listener-arn': '', 'verify-route': 'forward' }, 'health-check-url', "Put {color} in it"],
    // 30 seconds here, 30 minutes to users of the official action's wait-for-minutes.
    ['a bare number for a duration', { 'wait-timeout': '30' }, 'wait-timeout', 'write 30s for seconds or 30m for minutes'],
  ])('%s: an input error that names the input and the fix, before any AWS call', async (_what, overrides, input, fix) => {
    const sc = await createScenario(sandbox, `e2e-input-${input}`);
    const since = Date.now();
    const run = await runPlain(sandbox, inputsFor(sc, overrides));
    expectRun(run, { conclusion: 'failure', status: 'failed' });
    const errors = annotations(run, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain(`Input '${input}' is invalid`);
    expect(errors[0]?.message).toContain(fix);
    expect(sandbox.requests({ since })).toEqual([]);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

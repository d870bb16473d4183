// End-to-end: the colour that receives traffic runs at least as many healthy tasks as the live colour
// wants at that moment — Application Auto Scaling may have moved it during the rollout.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { healthyTargets, nextEvent } from './support/observe.js';
import { runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('capacity.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

describe('capacity parity', () => {
  it('brings the idle colour to the live count, following Auto Scaling during the rollout, before any weight moves', async () => {
    const sc = await createScenario(sandbox, 'e2e-parity');
    const green = { cluster: sc.clusterName, service: sc.services.green.name };
    const blue = { cluster: sc.clusterName, service: sc.services.blue.name };
    // The idle colour was left running one task; the live one runs two.
    sandbox.setDesiredCount(green, 1);
    await sandbox.waitFor(() => sandbox.world.ecs.tasks.filter((t) => t.serviceName === green.service && t.lastStatus === 'RUNNING').length === 1, { what: 'green running one task' });
    const v2 = sc.registerTaskDefinition({ version: 'v2' });

    // Application Auto Scaling raises blue to 3 while green rolls out.
    let healthyGreenAtSwitch = -1;
    void nextEvent<{ service: string }>(sandbox, 'deployment', (e) => e.service === green.service, 60_000, "green's rollout").then(() => sandbox.setDesiredCount(blue, 3));
    void nextEvent<{ listenerArn: string }>(sandbox, 'listenerModified', (e) => e.listenerArn === sc.listenerArn, 60_000, 'the switch').then(() => {
      healthyGreenAtSwitch = healthyTargets(sandbox, sc, 'green');
    });
    const since = Date.now();
    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'bake-time': '1s' }) });
    recordFigures({ scenario: 'capacity parity', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed, notes: `green healthy at the switch: ${healthyGreenAtSwitch}` });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    const updates = sandbox.requests({ since, operation: 'UpdateService' });
    expect(updates.length).toBeGreaterThanOrEqual(2);
    // The switch went to three healthy green tasks, not the one it had nor the two blue had at the start.
    expect(healthyGreenAtSwitch).toBeGreaterThanOrEqual(3);
    expect(sandbox.world.ecs.services.find((s) => s.name === green.service)?.desiredCount).toBe(3);
    expect(r.run.main.stdout).toMatch(/scaling green to 3 before any traffic moves/);
    expectNoFailedRequests(r.load);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

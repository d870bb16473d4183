// End-to-end: engine: ecs under AWS faults. Every ECS call the built-in engine makes, faulted once at its
// first call each way the sandbox can (throttled, 5xx, a hung connection, a dropped request, a reply lost
// after the call took effect), against the built dist/. Whatever happens, the promises hold: the run ends,
// the deployment is not left in flight, the outputs say what ECS shows (read back), the lock is released,
// and the action never writes a listener rule. StopServiceDeployment is faulted on a release that degrades
// during a canary step (the only way it is called); the rest on a healthy release.
import { afterAll, describe, expect, it } from '@jest/globals';
import type { FaultKind, NativeScenario, Sandbox } from '../sandbox/index.js';
import { startSandbox } from '../sandbox/index.js';
import { runAction } from '../sandbox/harness/runner.js';
import { ACTION_DIR, FAST_INPUTS, SANDBOX_TIMINGS } from './support/fixture.js';
import { explain, STEP_TIMEOUT_MS, startUsers, stopAllLoads } from './support/run-under-load.js';
import { Lanes } from './support/lanes.js';

/** A sandbox with its two services: cells run three at a time, each on a lane of its own (faults apply to a whole sandbox). */
interface Lane {
  sandbox: Sandbox;
  healthy: NativeScenario;
  canary: NativeScenario;
}
const lanes = new Lanes<Lane>(3, async () => {
  const sandbox = await startSandbox({ ...SANDBOX_TIMINGS, minuteMs: 1_000 });
  const healthy = await sandbox.createNativeService({ name: 'e2e-ecsf', desiredCount: 1, bakeTimeInMinutes: 1, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
  const canary = await sandbox.createNativeService({ name: 'e2e-ecsf-canary', desiredCount: 1, strategy: 'CANARY', canary: { canaryPercent: 50, canaryBakeTimeInMinutes: 30 }, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
  return { sandbox, healthy, canary };
});
const rows: string[] = [];

afterAll(async () => {
  console.log(`engine: ecs fault cells (${rows.length}):\n${rows.sort().join('\n')}`);
  await stopAllLoads();
  await lanes.stop();
});

const KINDS: FaultKind[] = ['throttle', 'error', 'hang', 'drop', 'drop-reply'];
const HEALTHY_PATH = ['DescribeServices', 'ListServiceDeployments', 'UpdateService', 'DescribeServiceDeployments', 'DescribeServiceRevisions', 'ContinueServiceDeployment'];
const cells = [...HEALTHY_PATH.flatMap((operation) => KINDS.map((kind) => ({ operation, kind, degrade: false }))), ...KINDS.map((kind) => ({ operation: 'StopServiceDeployment', kind, degrade: true }))];

const serving = (sandbox: Sandbox, sc: NativeScenario) => {
  const w = sandbox.forwardWeights(sc.productionRuleArn);
  const a = w[sc.targetGroups.primary] ?? 0;
  const b = w[sc.targetGroups.alternate] ?? 0;
  return a === 100 ? sc.targetGroups.primary : b === 100 ? sc.targetGroups.alternate : 'split';
};

let version = 2;
describe(`engine: ecs fault cells (${cells.length})`, () => {
  it.concurrent.each(cells)('$operation × $kind', ({ operation, kind, degrade }) => lanes.with(async ({ sandbox, healthy, canary }) => {
    const sc = degrade ? canary : healthy;
    const before = serving(sandbox, sc);
    const parameter = `/${sc.name}/live-task-definition`;
    const td = sc.registerTaskDefinition({ version: `v${version++}`, ...(degrade ? { behaviour: 'degrade-after-traffic:1' } : {}) });
    const since = Date.now();
    sandbox.injectFault({ kind, operation, service: 'ecs', times: 1 });
    const users = degrade ? startUsers(`${sc.prodUrl}/`, 20) : undefined;
    const run = await runAction({
      actionDir: ACTION_DIR,
      inputs: { ...FAST_INPUTS, engine: 'ecs', cluster: sc.clusterName, service: sc.serviceName, 'task-definition': td, 'health-check-url': `${sc.testUrl ?? ''}/health`, 'post-switch-health-check-url': `${sc.prodUrl}/health`, 'state-parameter': parameter },
      env: sandbox.env(),
      timeoutMs: STEP_TIMEOUT_MS,
    });
    await users?.stop();
    sandbox.clearFaults();
    const latest = sandbox.serviceDeployments(sc.serviceName)[0];
    const status = run.outputs.status ?? '';
    rows.push(`${operation} × ${kind}: ${status} (${run.conclusion}); ECS ${latest?.status ?? '-'}; serving ${serving(sandbox, sc) === before ? 'previous' : 'new'}`);
    const why = explain(run);

    // The run ended, and nothing is left in flight.
    expect([['success', 'succeeded'], ['failure', 'rolled-back'], ['failure', 'failed']]).toContainEqual([run.conclusion, status]);
    expect(['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL']).toContain(latest?.status);
    // The outputs say what ECS shows.
    if (status === 'succeeded') {
      expect(latest?.status).toBe('SUCCESSFUL');
      expect(serving(sandbox, sc)).not.toBe(before);
      expect(run.outputs['service-deployment-arn']).toBe(latest?.arn);
    } else if (status === 'rolled-back') {
      expect(latest?.status).toBe('ROLLBACK_SUCCESSFUL');
      expect(serving(sandbox, sc)).toBe(before);
    } else {
      // Failed before any deployment started (a fault ECS's retries could not absorb): nothing moved.
      expect(serving(sandbox, sc)).toBe(before);
      expect(sandbox.requests({ service: 'ecs', operation: 'UpdateService', since }).filter((r) => r.status === 200 || r.lostReply?.status === 200)).toEqual([]);
    }
    // A healthy release is never rolled back for an ECS hiccup; a degrading one always is.
    const expected = degrade ? 'rolled-back' : 'succeeded';
    expect({ status, log: status === expected ? '' : why }).toEqual({ status: expected, log: '' });
    // The lock is released and the action wrote no rule.
    expect(sandbox.world.ssm.parameters.has(`${parameter}-lock`)).toBe(false);
    expect(sandbox.requests({ service: 'elbv2', since }).filter((r) => r.operation.startsWith('Modify'))).toEqual([]);
  }), 3 * (STEP_TIMEOUT_MS + 20_000));
});

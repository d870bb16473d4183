// End-to-end: AWS misbehaving. Every mutating call first answers 5xx, then throttles, and the deploy must
// still end consistent; an endpoint that is not there at all must fail the step fast and say what to check.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import type { RequestLogEntry, Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { healthyTargets, liveColour, lockName, parameterValue } from './support/observe.js';
import { annotations, runPlain, runUnderLoad, type RunUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('aws-faults.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

const MUTATING = ['ModifyListener', 'ModifyRule', 'PutParameter', 'UpdateService', 'RegisterTaskDefinition', 'DeleteParameter'] as const;

/**
 * Every call of each mutating operation gets a 500 (InternalFailure), its retry a throttle, and only the
 * third attempt (the SDK's default maximum) goes through. One fault is armed at a time, from the request
 * log, because every fault matching a call is consumed by that call.
 */
function faultEveryMutatingCall(sandbox: Sandbox): () => void {
  const mutating = (op: string) => (MUTATING as readonly string[]).includes(op);
  for (const operation of MUTATING) sandbox.injectFault({ kind: 'error', status: 500, operation, times: 1 });
  const onRequest = (e: RequestLogEntry) => {
    if (!mutating(e.operation)) return;
    if (e.fault === 'error') sandbox.injectFault({ kind: 'throttle', operation: e.operation, times: 1 });
    else if (e.fault === undefined) sandbox.injectFault({ kind: 'error', status: 500, operation: e.operation, times: 1 });
  };
  sandbox.events.on('request', onRequest);
  return () => {
    sandbox.events.off('request', onRequest);
    sandbox.clearFaults();
  };
}

describe('throttling and 5xx on every mutating call', () => {
  it.each([
    { kind: 'listener', withRule: false, behaviour: 'healthy', expected: 'succeeded' },
    { kind: 'rule', withRule: true, behaviour: 'healthy', expected: 'succeeded' },
    // The rollback's own calls (restore the listener, restore the record) meet the same faults.
    { kind: 'degrading', withRule: false, behaviour: 'degrade-after-traffic:1', expected: 'rolled-back' },
  ])('$kind: the deploy still ends consistent ($expected)', async ({ kind, withRule, behaviour, expected }) => {
    // The grace period keeps ECS from replacing degraded tasks before the action sees them fail (see rollback.test.ts).
    const sc = await createScenario(sandbox, `e2e-faults-${kind}`, { withRule, healthCheckGracePeriodSeconds: 60 });
    const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour });
    const since = Date.now();
    const disarm = faultEveryMutatingCall(sandbox);
    let r: RunUnderLoad;
    try {
      r = await runUnderLoad(sandbox, sc, {
        // Rendering an image into the container makes the action register a task definition revision of its own.
        inputs: inputsFor(sc, {
          'task-definition': v2,
          'container-name': sc.containerName,
          image: `sandbox/${sc.taskDefinitionFamily}:v2-rendered`,
          'bake-time': behaviour === 'healthy' ? '1s' : '5s',
          ...(sc.ruleArn ? { 'listener-rule-arn': sc.ruleArn } : {}),
        }),
      });
    } finally {
      disarm();
    }
    const calls = sandbox.requests({ since });
    const faulted = (op: string) => calls.filter((c) => c.operation === op).map((c) => c.fault ?? (c.status === 200 ? 'ok' : `${c.status}`));
    const called = MUTATING.filter((op) => calls.some((c) => c.operation === op));
    const prodChanges = r.recorder.listenerChanges.filter((c) => c.arn === sc.listenerArn);
    const firstFailure = r.load.failures[0];
    const restoreNote = expected === 'rolled-back' && firstFailure && prodChanges[1] ? `; time to restore ${prodChanges[1].at - Date.parse(firstFailure.at)} ms` : '';
    recordFigures({
      scenario: `faults, ${kind}`,
      wallMs: r.run.durationMs,
      requests: r.load.total,
      failed: r.load.failed,
      notes: `${calls.filter((c) => c.fault).length} faulted attempts over ${called.map((op) => `${op}×${faulted(op).length / 3}`).join(', ')}; status ${r.run.outputs.status}${restoreNote}`,
    });

    // Every mutating call the run made met a 500 and then a throttle before it went through.
    for (const op of called) {
      const attempts = faulted(op);
      expect([op, attempts]).toEqual([op, Array.from({ length: attempts.length / 3 }, () => ['error', 'throttle', 'ok']).flat()]);
    }
    // Between them the runs cover all six (ModifyRule only in the rule-based one).
    expect(called).toEqual(MUTATING.filter((op) => withRule || op !== 'ModifyRule'));

    expect(r.run.outputs['task-definition-arn']).toMatch(new RegExp(`:task-definition/${sc.taskDefinitionFamily}:3$`));
    // Consistent: succeeded (the SDK retried) or failed/rolled back cleanly.
    expectRun(r.run, { status: ['succeeded', 'rolled-back', 'failed'] });
    const live = liveColour(sandbox, sc);
    expect(live === 'blue' || live === 'green').toBe(true);
    expect(parameterValue(sandbox, sc.parameterName)).toBe(live);
    expect(r.run.outputs['live-color']).toBe(live);
    expect(healthyTargets(sandbox, sc, live as 'blue' | 'green')).toBeGreaterThan(0);
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    // The SDK's retries absorb two faults per call: the faults changed no outcome.
    expect(r.run.outputs.status).toBe(expected);
    if (expected === 'succeeded') expectNoFailedRequests(r.load);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

describe('an AWS endpoint that is not there', () => {
  it('fails fast and names the service and what to check', async () => {
    const closedPort = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const sc = await createScenario(sandbox, 'e2e-unreachable');
    const endpoint = `http://127.0.0.1:${closedPort}`;
    const since = Date.now();

    const run = await runPlain(sandbox, inputsFor(sc), { env: { AWS_ENDPOINT_URL: endpoint } });
    recordFigures({ scenario: 'unreachable endpoint', wallMs: run.durationMs, notes: `main ${run.main.durationMs} ms` });

    expectRun(run, { conclusion: 'failure', status: 'failed' });
    expect(run.main.durationMs).toBeLessThan(10_000);
    expect(run.durationMs).toBeLessThan(10_000);
    const errors = annotations(run, 'error').filter((a) => a.step === 'main');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/Could not reach AWS (SSM|ELBv2|ECS)/);
    // The AWS operation, as IAM names it, not the adapter's method.
    expect(errors[0]?.message).toMatch(/ for (ssm|ecs|elasticloadbalancing):[A-Z][A-Za-z]+: /);
    expect(errors[0]?.message).toContain(`AWS_ENDPOINT_URL=${endpoint}`);
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
    expect(errors[0]?.message).toMatch(/Check 'aws-region', the runner's network or proxy, and AWS_ENDPOINT_URL/);
    // Nothing reached the sandbox.
    expect(sandbox.requests({ since })).toEqual([]);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

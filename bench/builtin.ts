// engine: ecs in the bench: how fast the action answers ECS. For each run, from the moment the sandbox's ECS
// paused a deployment at a PAUSE hook to the action's ContinueServiceDeployment call (CONTINUE after the gate
// passed, ROLLBACK after it failed), and — for a release that degrades under production traffic during a
// canary step — from the action's first failing probe to its StopServiceDeployment call.
import type { NativeScenario, Sandbox, ServiceDeploymentEvent } from '../sandbox/index.js';
import { runDeploy } from '../sandbox/demo/deploy.js';
import { builtInInputs, type DeployTimings } from '../sandbox/demo/inputs.js';

export interface BuiltInRun {
  kind: 'continue' | 'rollback-at-pause' | 'stop-while-shifting';
  status: string;
  /** PAUSE reached (the sandbox's event) → the action's ContinueServiceDeployment arrived, per pause answered. */
  pauseToDecisionMs: number[];
  /** PAUSE reached → the action's first log line about it (how soon polling sees it). */
  pauseToNoticeMs: number[];
  /** The action's first failing probe or check → its StopServiceDeployment or Continue(ROLLBACK) call. */
  failureToRollbackMs?: number;
}


/** One deploy through engine: ecs with every timestamp the figures need. */
export async function observeBuiltIn(sandbox: Sandbox, sc: NativeScenario, inputs: Record<string, string>, kind: BuiltInRun['kind']): Promise<BuiltInRun> {
  const pauses: ServiceDeploymentEvent[] = [];
  const onEvent = (e: ServiceDeploymentEvent) => {
    if (e.service === sc.serviceName && e.hookStatus === 'AWAITING_ACTION') pauses.push(e);
  };
  sandbox.events.on('serviceDeployment', onEvent);
  const lines: { at: number; line: string }[] = [];
  try {
    const timed = await runDeploy(sandbox, inputs, (step, line) => {
      if (step === 'main') lines.push({ at: Date.now(), line });
    });
    const requests = sandbox.requests({ service: 'ecs', since: timed.startedAt });
    const decisions = requests.filter((r) => r.operation === 'ContinueServiceDeployment' || r.operation === 'StopServiceDeployment');
    const pauseToDecisionMs = pauses.flatMap((p) => {
      const answer = decisions.find((r) => r.at >= p.at && r.operation === 'ContinueServiceDeployment');
      return answer ? [answer.at - p.at] : [];
    });
    const pauseToNoticeMs = pauses.flatMap((p) => {
      const notice = lines.find((l) => l.at >= p.at && l.line.startsWith(`Paused at ${p.lifecycleStage ?? ''}`));
      return notice ? [notice.at - p.at] : [];
    });
    // The first FAIL the action logged: a probe of the gate, or a check of the watch between pauses.
    const firstFail = lines.find((l) => /^FAIL /.test(l.line));
    const rollbackCall = decisions.find((r) => (firstFail ? r.at >= firstFail.at : false) && (r.operation === 'StopServiceDeployment' || kind === 'rollback-at-pause'));
    return {
      kind,
      status: timed.run.outputs.status ?? '(none)',
      pauseToDecisionMs,
      pauseToNoticeMs,
      ...(firstFail && rollbackCall ? { failureToRollbackMs: rollbackCall.at - firstFail.at } : {}),
    };
  } finally {
    sandbox.events.off('serviceDeployment', onEvent);
  }
}

/** The team's smoke test: one real request through the test rule, which reaches only the new revision. */
export const SMOKE_TEST = 'curl --fail --silent --show-error --max-time 5 "${BLUE_GREEN_TARGET_URL%/health}/checkout"';

export interface BuiltInFigures {
  /** PAUSE at POST_TEST_TRAFFIC_SHIFT → Continue(CONTINUE), healthy releases. */
  pauseToContinueMs: number[];
  /** PAUSE at POST_TEST_TRAFFIC_SHIFT → Continue(ROLLBACK), releases failing through the test rule. */
  pauseToRollbackMs: number[];
  /** PAUSE → the action's first log line about it. */
  pauseToNoticeMs: number[];
  /** First failing probe → StopServiceDeployment, releases degrading during a canary step. */
  failureToStopMs: number[];
  statuses: string[];
}

/**
 * `repeats` rounds on one built-in blue/green service (an ECS "minute" lasts `minuteMs`): a healthy release,
 * one that fails through the test rule at the POST_TEST_TRAFFIC_SHIFT pause, and one that degrades under users
 * during a canary step, each run by the built action.
 */
export async function measureBuiltIn(timings: DeployTimings, repeats: number, progress: (text: string) => void): Promise<BuiltInFigures> {
  const { startSandbox } = await import('../sandbox/index.js');
  const sandbox = await startSandbox({ healthCheckIntervalMs: 250, healthCheckTimeoutMs: 200, deregistrationDelayMs: 300, minuteMs: 1_000 });
  const figures: BuiltInFigures = { pauseToContinueMs: [], pauseToRollbackMs: [], pauseToNoticeMs: [], failureToStopMs: [], statuses: [] };
  try {
    const gate = await sandbox.createNativeService({ name: 'bench-ecs', desiredCount: 2, bakeTimeInMinutes: 0, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
    const canary = await sandbox.createNativeService({
      name: 'bench-ecs-canary',
      desiredCount: 2,
      strategy: 'CANARY',
      canary: { canaryPercent: 50, canaryBakeTimeInMinutes: 30 },
      pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }],
    });
    const { startLoad } = await import('../sandbox/harness/load.js');
    const load = startLoad({ url: `${canary.prodUrl}/`, ratePerSecond: 50, maxDurationMs: 600_000 });
    try {
      let version = 2;
      for (let i = 0; i < repeats; i += 1) {
        progress(`engine: ecs round ${i + 1}/${repeats}`);
        const ok = await observeBuiltIn(sandbox, gate, builtInInputs(gate, gate.registerTaskDefinition({ version: `v${version++}` }), timings), 'continue');
        figures.pauseToContinueMs.push(...ok.pauseToDecisionMs);
        figures.pauseToNoticeMs.push(...ok.pauseToNoticeMs);
        const bad = await observeBuiltIn(
          sandbox,
          gate,
          builtInInputs(gate, gate.registerTaskDefinition({ version: `v${version++}`, behaviour: 'degrade-after-traffic:0' }), timings, { 'smoke-test-command': SMOKE_TEST }),
          'rollback-at-pause',
        );
        figures.pauseToRollbackMs.push(...bad.pauseToDecisionMs);
        const degrading = await observeBuiltIn(sandbox, canary, builtInInputs(canary, canary.registerTaskDefinition({ version: `v${version++}`, behaviour: 'degrade-after-traffic:1' }), timings), 'stop-while-shifting');
        if (degrading.failureToRollbackMs !== undefined) figures.failureToStopMs.push(degrading.failureToRollbackMs);
        figures.statuses.push(ok.status, bad.status, degrading.status);
      }
    } finally {
      await load.stop();
    }
  } finally {
    await sandbox.stop();
  }
  return figures;
}

// engine: ecs, once ECS runs the deployment: follow its lifecycle stages as the job's timeline and decide
// at each PAUSE hook. POST_TEST_TRAFFIC_SHIFT: the new revision's targets, the HTTP checks through the
// test rule, the alarms, the smoke test. PRE_PRODUCTION_TRAFFIC_SHIFT (before every canary/linear step):
// the same, plus the production URL once users reach the new revision. POST_PRODUCTION_TRAFFIC_SHIFT: the
// bake, watched. Then CONTINUE, or ROLLBACK with the reason. Between pauses, once production traffic has
// moved, the watch keeps running and a failure stops the deployment with ROLLBACK. ECS owns the weights:
// the action never writes a listener rule here.
import * as core from '@actions/core';
import type { HookState, ServiceDeploymentState } from '../../aws/ports.js';
import { Cancelled, errorMessage } from '../../errors.js';
import type { WatchCheck } from '../../health/gate.js';
import { formatDurationInput } from '../../duration.js';
import type { Config } from '../../types.js';
import { BuiltInAnalysis } from './analysis.js';
import { gate, productionChecks } from './gates.js';
import { awaitFinished, awaitingPause, requestRollback, ROLLING_BACK, TERMINAL } from './rollback.js';
import type { BuiltInSetup } from './service.js';
import type { FlowDeps, FlowNotes } from '../../flow/context.js';
import { pollInterval } from '../../flow/target-health.js';

/** How often the deployment is read: a PAUSE is acted on within this (or the health-check interval, if shorter). */
export const FOLLOW_POLL_MS = 2_000;
/** After SIGINT the runner sends SIGTERM at 7.5 s: the rollback call and a read back must fit before it. */
const CANCEL_READ_BACK_MS = 6_000;
/**
 * Consecutive polls ECS may fail to answer (after the SDK's own retries) before the action stops trusting
 * what it cannot see and rolls back: a short throttling burst must not roll back a healthy release.
 */
export const UNREADABLE_POLLS = 3;

export interface FollowOptions {
  config: Config;
  deps: FlowDeps;
  notes: FlowNotes;
  setup: BuiltInSetup;
  arn: string;
  taskDefinitionArn: string;
  /** `mode: prepare`: once the gate at this stage passed, stop there and leave its hook waiting for `mode: promote`. */
  holdAt?: string;
}

export interface Followed {
  end: 'succeeded' | 'rolled-back' | 'failed' | 'held';
  /** `held`: the hook left waiting, with when ECS times it out. */
  heldHook?: HookState;
  /** Why it rolled back or failed, one line. */
  reason?: string;
  /** The error behind the reason (a failed command's output rides along). */
  cause?: unknown;
  /** Rolled back: whether ECS reported ROLLBACK_SUCCESSFUL within wait-timeout (read back). */
  rollbackFinished?: boolean;
  /** Whether any production traffic reached the new revision (ECS's requested weight, read back). */
  productionMoved: boolean;
  switchedAt?: string;
  last?: ServiceDeploymentState;
}

/** The timeline row of each stage ECS reports, opened when first seen and closed when the next one is. */
class StageRows {
  private open?: string;
  constructor(private readonly deps: FlowDeps) {}
  see(stage: string | undefined, status: string): void {
    const row = stage ? `ECS: ${stage}` : undefined;
    if (row === this.open) return;
    if (this.open) this.deps.timeline.end(this.open, 'ok');
    this.open = row;
    if (row) {
      this.deps.timeline.begin(row);
      core.info(`Service deployment ${status}: stage ${stage}.`);
    }
  }
  close(result: 'ok' | 'failed' | 'rolled back' | 'cancelled', detail?: string): void {
    if (this.open) this.deps.timeline.end(this.open, result, detail);
    this.open = undefined;
  }
}

/** Consecutive failures per check across the follow loop's ticks (the watch between pauses). */
class Streaks {
  private readonly failures = new Map<string, string[]>();
  private lastAt = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly checks: WatchCheck[],
    private readonly intervalMs: number,
  ) {}

  /** Runs every check if an interval has passed; returns the first whose streak reached its threshold. */
  async tick(now: number, signal: AbortSignal): Promise<{ check: string; results: string[] } | undefined> {
    if (now - this.lastAt < this.intervalMs) return undefined;
    this.lastAt = now;
    const verdicts = await Promise.all(this.checks.map((c) => c.run(signal).catch((e: unknown) => ({ ok: false, detail: errorMessage(e) }))));
    signal.throwIfAborted();
    for (const [i, check] of this.checks.entries()) {
      const verdict = verdicts[i];
      if (!verdict) continue;
      const streak = verdict.ok ? [] : [...(this.failures.get(check.name) ?? []), `${new Date(now).toISOString()} ${verdict.detail}`];
      this.failures.set(check.name, streak);
      if (!verdict.ok) core.info(`FAIL ${check.name} (${streak.length}/${check.unhealthyThreshold} in a row): ${verdict.detail}`);
      if (streak.length >= Math.max(1, check.unhealthyThreshold)) return { check: check.name, results: streak };
    }
    return undefined;
  }
}

/** Follows the deployment to its end: succeeded, rolled back (by the action or by ECS), or failed. */
export async function follow(o: FollowOptions): Promise<Followed> {
  const { config, deps, setup, arn } = o;
  const { ports, clock, signal } = deps;
  const pollMs = pollInterval(config.health.intervalMs, FOLLOW_POLL_MS);
  const rows = new StageRows(deps);
  const answered = new Set<string>();
  const analysis = new BuiltInAnalysis(o);
  const liveChecks = [...productionChecks(o), ...(config.analysis ? [analysis.check] : [])];
  const streaks = new Streaks(liveChecks, config.health.intervalMs);
  const state: { productionMoved: boolean; switchedAt?: string; last?: ServiceDeploymentState } = { productionMoved: false };
  let stageSince = clock.now();
  let lastStage: string | undefined;

  const rollBack = async (reason: string, cause?: unknown): Promise<Followed> => {
    core.warning(`Asking ECS to roll the service deployment back: ${reason}`, { title: 'Rolling back' });
    const how = await requestRollback(ports.deployments, arn);
    core.info(
      {
        'continue-rollback': 'ContinueServiceDeployment(ROLLBACK) on the paused hook.',
        'stop-rollback': 'StopServiceDeployment(ROLLBACK).',
        'already-rolling-back': 'ECS was already rolling back.',
        finished: 'ECS had already finished the deployment.',
      }[how],
    );
    rows.close('rolled back', reason);
    return waitForRollback(reason, cause);
  };

  const waitForRollback = async (reason: string, cause?: unknown): Promise<Followed> => {
    const last = await deps.timeline.run('ECS rolls back', () => awaitFinished(ports.deployments, arn, { deadline: clock.now() + config.waitTimeoutMs, pollMs, clock, signal }));
    state.last = last;
    return settleRolledBack(last, reason, cause, state);
  };

  let unreadable = 0;
  try {
    for (;;) {
      let d: ServiceDeploymentState;
      try {
        d = await ports.deployments.describe(arn);
        unreadable = 0;
      } catch (error) {
        unreadable += 1;
        if (signal.aborted || unreadable >= UNREADABLE_POLLS) throw error;
        core.warning(`Could not read the service deployment (${unreadable}/${UNREADABLE_POLLS}): ${errorMessage(error)}`);
        await clock.sleep(pollMs, signal);
        continue;
      }
      state.last = d;
      rows.see(d.lifecycleStage, d.status);
      if (d.lifecycleStage !== lastStage) {
        lastStage = d.lifecycleStage;
        stageSince = clock.now();
      }
      if ((d.target?.productionWeight ?? 0) > 0 && !state.productionMoved) {
        state.productionMoved = true;
        state.switchedAt = new Date(clock.now()).toISOString();
        await analysis.productionMoved(clock.now());
        core.info(`Production traffic reaches the new revision: ${d.target?.productionWeight}% (ECS's requested weight).`);
      }
      if (d.status === 'SUCCESSFUL') {
        rows.close('ok');
        return { end: 'succeeded', ...state };
      }
      if (TERMINAL.includes(d.status)) {
        rows.close('failed', d.statusReason);
        return d.status === 'ROLLBACK_SUCCESSFUL'
          ? settleRolledBack(d, d.statusReason ?? 'ECS rolled the deployment back', undefined, state)
          : { end: 'failed', reason: `ECS ended the service deployment ${d.status}${d.statusReason ? `: ${d.statusReason}` : ''}`, ...state };
      }
      if (ROLLING_BACK.includes(d.status)) {
        // ECS decided on its own: a hook timed out, an alarm of its own, a failed stage, someone else's call.
        const reason = d.statusReason ?? d.rollback?.reason ?? `ECS is rolling the deployment back (${d.status})`;
        core.warning(`ECS is rolling the service deployment back: ${reason}`, { title: 'ECS rolls back' });
        rows.close('rolled back', reason);
        return await waitForRollback(reason);
      }

      const hook = awaitingPause(d);
      if (hook && !answered.has(hook.hookId)) {
        answered.add(hook.hookId);
        const stage = d.lifecycleStage ?? 'an unknown stage';
        const failure = await gate(o, stage, d, state.productionMoved, analysis);
        if (failure) return await rollBack(`${failure.reason} (at ${stage})`, failure.cause);
        if (o.holdAt === stage) {
          rows.close('ok', `held for mode: promote (hook ${hook.hookId})`);
          return { end: 'held', heldHook: hook, ...state };
        }
        await continueAt(o, hook.hookId, stage);
        stageSince = clock.now();
        continue;
      }

      if (state.productionMoved) {
        const failing = await streaks.tick(clock.now(), signal);
        if (failing) return await rollBack(`${failing.check} failed ${failing.results.length} time(s) in a row while production traffic reached the new revision (at ${d.lifecycleStage ?? 'an unknown stage'}): ${failing.results.at(-1) ?? ''}`);
      }
      const allowed = config.waitTimeoutMs + configuredWaitMs(setup, d.lifecycleStage);
      if (!hook && clock.now() - stageSince > allowed) {
        return await rollBack(`ECS stayed in ${d.lifecycleStage ?? d.status} for longer than ${formatDurationInput(allowed)} (wait-timeout plus the stage's configured bake)`);
      }
      await clock.sleep(pollMs, signal);
    }
  } catch (error) {
    if (signal.aborted) return rescue(o, rows, state, signal.reason);
    // Anything else half-way (ECS unreadable after the SDK's retries, a gate that could not run): the
    // deployment must not be left to go on unchecked.
    try {
      return await rollBack(`the action could not go on following the deployment: ${errorMessage(error)}`, error);
    } catch (second) {
      rows.close('failed', errorMessage(second));
      return { end: 'failed', reason: `the action could not follow the deployment (${errorMessage(error)}) nor roll it back (${errorMessage(second)}): check it in the ECS console`, cause: error, ...state };
    }
  }
}

/**
 * ContinueServiceDeployment(CONTINUE). A reply lost on the way back makes the SDK send it again, and ECS then
 * answers that the hook is completed: read back, a hook no longer waiting (or a deployment gone past it) is
 * continued, not a failure to roll back for.
 */
async function continueAt(o: FollowOptions, hookId: string, stage: string): Promise<void> {
  const port = o.deps.ports.deployments;
  try {
    await port.resume(o.arn, hookId, 'CONTINUE');
  } catch (error) {
    const now = await port.describe(o.arn);
    const hook = now.hooks.find((h) => h.hookId === hookId);
    const passed = hook ? hook.status === 'SUCCEEDED' : now.lifecycleStage !== stage || !['IN_PROGRESS', 'PENDING'].includes(now.status);
    if (!passed || ROLLING_BACK.includes(now.status)) throw error;
    const seen = hook ? `the hook ${hook.status}` : `the deployment past it (${now.status}${now.lifecycleStage ? ` at ${now.lifecycleStage}` : ''})`;
    core.info(`ContinueServiceDeployment(CONTINUE) at ${stage}: the call failed (${errorMessage(error)}), but ECS shows ${seen} (read back).`);
    return;
  }
  core.info(`ContinueServiceDeployment(CONTINUE) at ${stage}.`);
}

/** The ECS-side waits a stage may contain on top of wait-timeout: the bakes it was configured with. */
function configuredWaitMs(setup: BuiltInSetup, stage: string | undefined): number {
  const s = setup.service;
  const minute = 60_000;
  if (stage === 'BAKE_TIME') return (s.bakeTimeInMinutes ?? 0) * minute;
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT') {
    if (s.strategy === 'CANARY') return (s.canary?.bakeTimeInMinutes ?? 10) * minute;
    if (s.strategy === 'LINEAR') return (s.linear?.stepBakeTimeInMinutes ?? 6) * minute;
  }
  return 0;
}

/** After a rollback request or ECS's own: the outcome, from what ECS reports (read back). */
function settleRolledBack(last: ServiceDeploymentState, reason: string, cause: unknown, state: { productionMoved: boolean; switchedAt?: string }): Followed {
  const finished = last.status === 'ROLLBACK_SUCCESSFUL';
  if (last.status === 'SUCCESSFUL') return { end: 'failed', reason: `${reason}; but ECS had already finished the deployment SUCCESSFUL: the new revision is live`, cause, ...state, last };
  if (last.status === 'ROLLBACK_FAILED' || last.status === 'STOPPED') {
    return { end: 'failed', reason: `${reason}; ECS ended the rollback ${last.status}${last.statusReason ? ` (${last.statusReason})` : ''}: check the service in the ECS console`, cause, ...state, last };
  }
  return { end: 'rolled-back', reason, cause, rollbackFinished: finished, ...state, last };
}

/**
 * The job was cancelled: roll the deployment back within the runner's window (7.5 s to SIGTERM), with the
 * rescue ports' short timeouts, and report what ECS shows then (read back): post checks the rest.
 */
async function rescue(o: FollowOptions, rows: StageRows, state: { productionMoved: boolean; switchedAt?: string; last?: ServiceDeploymentState }, cause: unknown): Promise<Followed> {
  const { deps, arn } = o;
  const ports = deps.rescuePorts?.() ?? deps.ports;
  const at = cause instanceof Cancelled ? cause.at : Date.now();
  const reason = `the job was cancelled (${cause instanceof Cancelled ? cause.signal : 'signal'})`;
  rows.close('cancelled', reason);
  try {
    const how = await requestRollback(ports.deployments, arn);
    core.warning(`Cancelled: ${how === 'finished' ? 'ECS had already finished the service deployment' : how === 'already-rolling-back' ? 'ECS was already rolling it back' : 'the service deployment is being rolled back'}.`, { title: 'Cancelled' });
    let last = await ports.deployments.describe(arn);
    // A short read back, with real time: the deps' clock sleeps on the aborted signal.
    while (!TERMINAL.includes(last.status) && Date.now() < at + CANCEL_READ_BACK_MS) {
      await new Promise((r) => setTimeout(r, 500));
      last = await ports.deployments.describe(arn);
    }
    state.last = last;
    return settleRolledBack(last, reason, cause, state);
  } catch (error) {
    return { end: 'failed', reason: `${reason} and the rollback could not be requested (${errorMessage(error)}): the post step tries again; check the deployment in the ECS console`, cause, ...state };
  }
}


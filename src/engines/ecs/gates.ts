// engine: ecs, the decision at each PAUSE hook: what is checked at each lifecycle stage before the action
// answers CONTINUE, and what the watch looks at once users reach the new revision. A PAUSE hook is an
// approval point, so the action gates every stage it can pause at, each with the checks that stage allows:
// before the new revision starts (PRE_SCALE_UP, RECONCILE_SERVICE) no alarm may be firing; once its tasks are
// up without traffic (POST_SCALE_UP) every target must be healthy; with test traffic
// (POST_TEST_TRAFFIC_SHIFT) also the HTTP checks through the test rule and the smoke test; before every
// production step (PRE_PRODUCTION_TRAFFIC_SHIFT) the same plus the production URL once users reach it; after
// the last (POST_PRODUCTION_TRAFFIC_SHIFT) the bake, watched.
import * as core from '@actions/core';
import type { ServiceDeploymentState } from '../../aws/ports.js';
import { Cancelled, errorMessage, HealthCheckFailed } from '../../errors.js';
import { probeCheck, type WatchCheck } from '../../health/gate.js';
import { formatDurationInput } from '../../duration.js';
import { watchWindow } from '../../flow/analysis-gate.js';
import type { BuiltInAnalysis } from './analysis.js';
import type { FollowOptions } from './follow.js';
import { runTeamCommand } from '../../flow/commands.js';
import { alarmsCheck, checkAlarmsBeforeShift, targetGroupCheck } from '../../flow/monitor.js';
import { pollInterval, waitForHealthyTargets } from '../../flow/target-health.js';
import { probeUntilHealthy } from '../../flow/verify.js';

/** What the watch looks at once users reach the new revision: the production URL, the alarms, the new targets. */
export function productionChecks(o: FollowOptions): WatchCheck[] {
  const { config, deps, setup } = o;
  const checks: WatchCheck[] = [];
  const url = config.health.postSwitchUrl;
  if (url) checks.push(probeCheck(deps.probe, url, config.health.unhealthyThreshold));
  if (config.alarms.length > 0) checks.push(alarmsCheck(deps.ports, config));
  checks.push(targetGroupCheck(deps.ports, 'new revision target health', 'new-revision', setup.newTargetGroup, config.health.unhealthyThreshold));
  return checks;
}

/** The decision at one PAUSE: undefined to continue, else why to roll back. */
export async function gate(o: FollowOptions, stage: string, d: ServiceDeploymentState, productionMoved: boolean, analysis?: BuiltInAnalysis): Promise<{ reason: string; cause: unknown } | undefined> {
  const { config, deps, notes } = o;
  const run = async (name: string | undefined, fn: () => Promise<void>): Promise<{ reason: string; cause: unknown } | undefined> => {
    try {
      await (name ? deps.timeline.run(name, fn) : fn());
      return undefined;
    } catch (error) {
      if (error instanceof Cancelled || deps.signal.aborted) throw error;
      return { reason: errorMessage(error).split('\n')[0] ?? 'the gate failed', cause: error };
    }
  };
  if (stage === 'POST_TEST_TRAFFIC_SHIFT') {
    core.info(`Paused at ${stage}: the new revision has all test traffic and no production traffic. Checking it.`);
    const failure = await run('Verify the new revision (test traffic)', () => verifyNewRevision(o, d, false));
    // runTeamCommand keeps its own timeline row and log group (and does nothing without a command).
    return failure ?? (await run(undefined, () => runTeamCommand(config, deps, notes, 'smoke-test', commandContext(o))));
  }
  if (stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT') {
    const at = d.target?.productionWeight ?? 0;
    core.info(`Paused at ${stage}: production traffic on the new revision is ${at}%; checking before the next step.`);
    return run(`Verify the new revision before the step from ${at}%`, async () => {
      await analysis?.concludeStep(`the step at ${at}%`);
      await verifyNewRevision(o, d, productionMoved);
    });
  }
  if (stage === 'POST_PRODUCTION_TRAFFIC_SHIFT') {
    core.info(`Paused at ${stage}: all production traffic is on the new revision and the previous one still runs. Baking for ${formatDurationInput(config.bakeTimeMs)}.`);
    return run(`Bake for ${formatDurationInput(config.bakeTimeMs)}`, async () => {
      await watchWindow(deps, config, productionChecks(o), config.bakeTimeMs, 'the bake time', analysis?.current);
    });
  }
  if (stage === 'PRE_SCALE_UP' || stage === 'RECONCILE_SERVICE') {
    core.info(`Paused at ${stage}: no task of the new revision runs yet; checking that no alarm is firing.`);
    return run(`Check the alarms at ${stage}`, () => checkAlarmsBeforeShift(deps.ports, config));
  }
  if (stage === 'POST_SCALE_UP' || stage === 'TEST_TRAFFIC_SHIFT') {
    core.info(`Paused at ${stage}: the new revision's tasks run and no test traffic is on them for sure yet; checking their targets.`);
    return run(`Check the new revision's targets at ${stage}`, () => newRevisionTargets(o, d));
  }
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT') {
    core.info(`Paused at ${stage}: production traffic is moving to the new revision; checking it.`);
    return run(`Verify the new revision at ${stage}`, () => verifyNewRevision(o, d, productionMoved));
  }
  // A stage ECS added after this action was written: an approval point it cannot judge. Continuing blindly
  // would approve what nobody checked.
  return { reason: `a PAUSE hook at ${stage}, a lifecycle stage this action does not know how to check: it does not approve what it cannot check (remove the hook, or use a version of the action that knows the stage)`, cause: new HealthCheckFailed(`unknown lifecycle stage ${stage}`) };
}

/** Every target of the new revision healthy, as many as its desired count at least, before `deadline`. */
async function newTargetsHealthy(o: FollowOptions, d: ServiceDeploymentState, deadline: number): Promise<void> {
  const { config, deps, setup } = o;
  const minHealthy = Math.max(1, d.target?.requestedTaskCount ?? setup.service.desiredCount);
  await waitForHealthyTargets({ elb: deps.ports.elb, colour: 'new revision', targetGroupArn: setup.newTargetGroup, minHealthy, pollMs: pollInterval(config.health.intervalMs, 5_000), deadline, clock: deps.clock, signal: deps.signal });
}

/** The new revision's targets, and no alarm firing: what can be checked before any traffic reaches it. */
async function newRevisionTargets(o: FollowOptions, d: ServiceDeploymentState): Promise<void> {
  await newTargetsHealthy(o, d, o.deps.clock.now() + o.config.waitTimeoutMs);
  await checkAlarmsBeforeShift(o.deps.ports, o.config);
}

/** Every target of the new revision healthy, the HTTP check through the test rule, no alarm firing (and the production URL once it serves users). */
async function verifyNewRevision(o: FollowOptions, d: ServiceDeploymentState, productionMoved: boolean): Promise<void> {
  const { config, deps } = o;
  const deadline = deps.clock.now() + config.waitTimeoutMs;
  await newTargetsHealthy(o, d, deadline);
  const urls = [config.health.url, productionMoved ? config.health.postSwitchUrl : undefined].filter((u): u is string => Boolean(u));
  for (const url of new Set(urls)) await probeUntilHealthy(config, deps, url, deadline);
  if (urls.length === 0) o.notes.notes.push('No health-check-url: the new revision was gated on target health only.');
  await checkAlarmsBeforeShift(deps.ports, config);
}

export const commandContext = (o: Pick<FollowOptions, 'config' | 'taskDefinitionArn'>) => ({
  ...(o.config.health.url ? { targetUrl: o.config.health.url } : {}),
  taskDefinitionArn: o.taskDefinitionArn,
});

// The deploy flow, top to bottom as the deployment happens:
// check the pair → lock → discover → open the verification route → deploy idle → verify idle → shift →
// bake → finalize, and on any failure once the production listener has changed: restore the snapshot,
// restore the record, fail (deploy-run.ts). `mode: prepare` (prepare.ts) runs the first half and
// `mode: promote` (promote.ts) the second: each phase here is a function of the one run they share.
import * as core from '@actions/core';
import type { Colour } from '../types.js';
import { ensureCapacity, parityCount } from './capacity.js';
import { commandFor, runTeamCommand } from './commands.js';
import type { FlowDeps, FlowResult } from './context.js';
import { commandContext, discoverPair, dryRunResult, lockedRun, phase, required, type DeployRun, type DiscoveredPair } from './deploy-run.js';
import { deploySettings, ROLLOUT_POLL_MS, updateIdleService, waitForRollout } from './deploy-idle.js';
import type { Discovery } from './discover.js';
import { ProductionForward } from './forward.js';
import { checkAlarmsBeforeShift } from './monitor.js';
import { runMigrationTask } from './migration-task.js';
import { planLines } from './plan.js';
import { writeRecord } from './record.js';
import { readIdleBinding, type IdleBinding } from './served-history.js';
import { splitFor } from './shift.js';
import { planIdleRelease } from './stickiness.js';
import { switchTraffic } from './switch.js';
import { materialise, resolveTaskDefinition, type ResolvedTaskDefinition } from './task-definition.js';
import { pointTestListener } from './test-listener.js';
import { pollInterval } from './target-health.js';
import { verifyColour } from './verify.js';
import { openRoute, routeKind } from './verify-route.js';
import type { Config } from '../types.js';

export async function deploy(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return lockedRun(config, deps, async (run) => {
    const ready = await readyIdle(run);
    return 'outcome' in ready ? ready : switchTraffic(run, ready.found);
  });
}

/** The first half, shared with `mode: prepare`: discover, stage, deploy idle, verify idle. A dry run ends with its plan. */
export async function readyIdle(run: DeployRun): Promise<DiscoveredPair | FlowResult> {
  const pair = await discoverPair(run);
  const staged = await stageRelease(run, pair);
  if (staged.plan) return dryRunResult(run, pair.live, staged.plan);
  const desiredCount = await deployIdle(run, pair, staged);
  await verifyIdle(run, desiredCount);
  return pair;
}

interface StagedRelease {
  resolved: ResolvedTaskDefinition;
  /** Set for a dry run: what would be done; nothing was changed. */
  plan?: string[];
}

/**
 * Before the idle colour changes: resolve the release, plan for sticky clients, correct the record, open
 * the verification route, run `pre-deploy-command`, and take a sticky idle colour out of the production forward.
 */
async function stageRelease(run: DeployRun, pair: DiscoveredPair): Promise<StagedRelease> {
  const { config, deps, notes } = run;
  const { ports, timeline } = deps;
  const { found, live, idle, liveService, idleService } = pair;
  const resolved = await resolveTaskDefinition(ports.ecs, config, liveService.taskDefinitionArn);
  notes.release = { description: resolved.description, images: resolved.images };
  const { binding, sticky, refusal } = await planSticky(run, found, idle);

  if (config.dryRun) {
    if (refusal) throw refusal;
    return { resolved, plan: planLines(config, live, resolved.description, Math.max(idleService.desiredCount, parityCount(liveService.desiredCount)), sticky?.release ?? false) };
  }

  await beforeIdleChanges(run, found, { ...(binding ? { binding } : {}), refusal });
  // The team's command and migration task before anything of the idle colour changes: they use the task
  // definition the deploy will run, so that is registered first.
  if (commandFor(config, 'pre-deploy') || config.commands.preDeployTask) {
    const arn = await timeline.run('Register the task definition', () => materialise(ports.ecs, resolved));
    run.taskDefinitionArn = arn;
    notes.release = { description: resolved.description, images: resolved.images, taskDefinitionArn: arn };
    await runTeamCommand(config, deps, notes, 'pre-deploy', commandContext(run, idle, config.health.url));
    await runMigrationTask(config, deps, idleService, arn);
  }
  if (sticky?.release) await releaseIdle(run, idle, sticky.until);
  return { resolved };
}

/**
 * What every flow that deploys or switches does before the idle colour changes: the record must exist and
 * match the listener (so a run that dies from here on leaves a record post and `mode: rollback` can trust,
 * and that tells the next run when traffic moved), a sticky refusal is raised only then, and the
 * verification route is opened (its failure leaves nothing else changed).
 */
export async function beforeIdleChanges(run: DeployRun, found: Discovery, plan: { binding?: IdleBinding; refusal?: unknown }, doing = 'deployed'): Promise<void> {
  const { config, deps, live, idle } = run;
  if (!live || !idle) throw new Error('the flow ran a phase before discovering the pair');
  if (found.drift) await writeRecord(deps.ports.ssm, config.stateParameter, live);
  if (plan.refusal) throw plan.refusal;
  run.forward = new ProductionForward(deps.ports.elb, found.target, found.actions, config.targetGroups, live, { clock: deps.clock, state: deps.state, what: `${idle} was being ${doing}` });
  run.route = await openRoute(run, plan.binding);
  await run.route.forwardTo(idle, run.forward);
}

/**
 * With target-group stickiness on: may clients be bound to the idle colour (the record's history says)?
 * A refusal (verify-route: forward) is returned, not thrown: it waits until a missing or wrong record is
 * corrected, since the record is what tells the next run when traffic last moved.
 */
export async function planSticky(run: DeployRun, found: Discovery, idle: Colour): Promise<{ binding?: IdleBinding; sticky?: ReturnType<typeof planIdleRelease>; refusal?: unknown }> {
  const { config, deps } = run;
  const binding = await readIdleBinding(deps.ports.ssm, {
    actions: found.actions,
    idle,
    now: deps.clock.now(),
    recordName: config.stateParameter,
    drift: found.drift,
    ...(found.record !== undefined ? { record: found.record } : {}),
    ...(found.recordModifiedAt ? { lastWrite: found.recordModifiedAt } : {}),
  });
  try {
    return { ...(binding ? { binding } : {}), sticky: planIdleRelease(found.actions, idle, config.targetGroups, binding, routeKind(config)) };
  } catch (error) {
    return { ...(binding ? { binding } : {}), refusal: error };
  }
}

/** Stickiness may still hold clients on the idle colour: it leaves the production forward before it changes. */
export async function releaseIdle(run: DeployRun, idle: Colour, until: number): Promise<void> {
  const { forward: production } = required(run);
  await run.deps.timeline.run(`Release ${idle}'s sticky clients`, async () => {
    core.info(`Target-group stickiness may still hold clients on ${idle} until ${new Date(until).toISOString()}: taking ${idle} out of the production forward before it is redeployed.`);
    await production.release(idle);
  });
  run.notes.notes.push(
    `${idle} was taken out of the production forward before it was redeployed: target-group stickiness could still hold clients on it until ${new Date(until).toISOString()}. It rejoins it only at the first shift step, after it passed its checks.`,
  );
}

/** Deploy idle: register the task definition (unless done), update the idle service, follow the rollout. Returns its desired count. */
async function deployIdle(run: DeployRun, pair: DiscoveredPair, staged: StagedRelease): Promise<number> {
  const { config, deps, notes } = run;
  const { ports, clock, timeline, signal } = deps;
  const { idle, liveService, idleService } = pair;
  phase(run, 'deploying');
  let desiredCount = idleService.desiredCount;
  await timeline.run(`Deploy ${idle}`, async () => {
    const arn = run.taskDefinitionArn ?? (await materialise(ports.ecs, staged.resolved));
    run.taskDefinitionArn = arn;
    deps.records?.start({ task: 'deploy', colour: idle, previousColour: pair.live, taskDefinitionArn: arn });
    notes.release = { description: staged.resolved.description, images: staged.resolved.images, taskDefinitionArn: arn };
    const rollout = await updateIdleService(ports.ecs, config.cluster, idleService, liveService, arn, deploySettings(config));
    desiredCount = rollout.desiredCount;
    await waitForRollout(ports.ecs, config.cluster, idleService.serviceName, { deploymentId: rollout.deploymentId, taskDefinitionArn: arn }, config.waitTimeoutMs, clock, signal, pollInterval(config.health.intervalMs, ROLLOUT_POLL_MS));
  });
  return desiredCount;
}

/**
 * Verify idle: through the route (the verification rule forwards to it; or the test listener is pointed at
 * it; or it joins the production forward at weight 0), target health, the HTTP checks, no alarm firing,
 * capacity parity; then the team's smoke test.
 */
export async function verifyIdle(run: DeployRun, desiredCount: number): Promise<void> {
  const { config, deps, notes } = run;
  const { ports, timeline } = deps;
  const { live, idle, forward: production, route } = required(run);
  phase(run, 'verifying');
  await timeline.run(`Verify ${idle}`, async () => {
    // The route was pointed at the idle colour before it changed (beforeIdleChanges; promote too); with
    // verify-route: header a test listener still follows the idle colour, for people to look at.
    if (config.testListenerArn && route.kind !== 'test-listener') await pointTestListener(ports.elb, config, idle);
    await route.forwardTo(idle, production);
    const probed = await verifyColour(config, { ...deps, probe: route.probe }, idle, {
      minHealthy: Math.max(1, desiredCount),
      // ALB health-checks a group only while a rule of a listener forwards to it. With verify-route:
      // forward the idle group joins the production forward at weight 0 (no user traffic), which
      // planIdleRelease allowed only when no client can be bound to it.
      ...(route.kind === 'forward'
        ? {
            onUnused: async () => {
              core.info(`The ${idle} target group is not attached to the listener: adding it with weight 0 so the ALB health-checks it.`);
              await production.apply(splitFor(idle, 0));
            },
          }
        : {}),
    });
    if (!probed) notes.notes.push('No health-check-url: the idle colour was gated on target health only.');
    await checkAlarmsBeforeShift(ports, config);
    await ensureCapacity(config, deps, idle, live);
  });
  // The team's own tests, against the idle colour, while no user can reach it.
  await runTeamCommand(config, deps, notes, 'smoke-test', commandContext(run, idle, config.health.url));
}

// The deploy flow, top to bottom as the deployment happens:
// check the pair → lock → discover → deploy idle → verify idle → shift → bake → finalize, and on any
// failure once the production listener has changed: restore the snapshot, restore the record, fail.
// `mode: prepare` (prepare.ts) runs the first half and `mode: promote` (promote.ts) the second: each phase
// here is a function of the one run they share, so the three read the same way.
import * as core from '@actions/core';
import { CommandFailed, DeploymentFailed, errorMessage, HealthCheckFailed } from '../errors.js';
import { watch } from '../health/gate.js';
import { substituteColour } from '../health/probe.js';
import { watchLog } from '../health/watch-log.js';
import { announceSwitch } from '../report/annotations.js';
import { StateKey, type Phase } from '../state.js';
import { describeActions } from '../traffic.js';
import { otherColour, type Colour, type Config } from '../types.js';
import { formatDurationInput } from '../duration.js';
import type { ServiceInfo } from '../aws/ports.js';
import { rollBack } from './auto-rollback.js';
import { ensureCapacity, parityCount } from './capacity.js';
import { commandFor, runRollbackCommand, runTeamCommand, type CommandContext } from './commands.js';
import { newNotes, recordStep, type FlowDeps, type FlowNotes, type FlowResult } from './context.js';
import { discover, requireSingleLiveColour, type Discovery } from './discover.js';
import { ROLLOUT_POLL_MS, updateIdleService, waitForRollout } from './deploy-idle.js';
import { scaleDownPrevious } from './finalize.js';
import { ProductionForward } from './forward.js';
import { holdLock, letGoOfLock } from './lock.js';
import { checkAlarmsBeforeShift, monitorChecks } from './monitor.js';
import { checkPair } from './pair-check.js';
import { shiftSteps, splitFor } from './shift.js';
import { planIdleRelease, previousColourNote, stickinessOf } from './stickiness.js';
import { runMigrationTask } from './migration-task.js';
import { materialise, resolveTaskDefinition, type ResolvedTaskDefinition } from './task-definition.js';
import { pointTestListener } from './test-listener.js';
import { pollInterval } from './target-health.js';
import { verifyColour } from './verify.js';

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

/** What one run knows as it goes, filled in phase by phase; the rollback reads it when a phase fails. */
export interface DeployRun {
  config: Config;
  deps: FlowDeps;
  notes: FlowNotes;
  live?: Colour;
  idle?: Colour;
  forward?: ProductionForward;
  taskDefinitionArn?: string;
  switchedAt?: string;
}

export interface DiscoveredPair {
  found: Discovery;
  live: Colour;
  idle: Colour;
  liveService: ServiceInfo;
  idleService: ServiceInfo;
}

const phase = (run: DeployRun, p: Phase) => run.deps.state.save(StateKey.Phase, p);

/**
 * Check the pair (read-only, so a mismatch costs no mutating call — not even the lock's), take the lock,
 * run `body`; on failure restore traffic if it moved; release the lock only once all that is over.
 */
export async function lockedRun(config: Config, deps: FlowDeps, body: (run: DeployRun) => Promise<FlowResult>): Promise<FlowResult> {
  const run: DeployRun = { config, deps, notes: newNotes() };
  phase(run, 'started');
  await deps.timeline.run('Check the pair', () => checkPair(deps.ports, config));
  const lock = await holdLock(config, deps, run.notes.notes);
  if (lock) phase(run, 'locked');
  try {
    return await body(run);
  } catch (error) {
    return await failed(run, error);
  } finally {
    await letGoOfLock(lock, deps);
  }
}

/** Discover: which colour is live (the listener), what the record says, and both services. */
export async function discoverPair(run: DeployRun): Promise<DiscoveredPair> {
  const { found, live, idle } = await discoverColours(run);
  const { config, deps } = run;
  const [liveService, idleService] = await Promise.all([deps.ports.ecs.describeService(config.cluster, config.services[live]), deps.ports.ecs.describeService(config.cluster, config.services[idle])]);
  return { found, live, idle, liveService, idleService };
}

/** Which colour is live (the listener is the truth) and what the record says; notes drift. */
export async function discoverColours(run: DeployRun): Promise<{ found: Discovery; live: Colour; idle: Colour }> {
  const { config, deps, notes } = run;
  const { ports, timeline, state } = deps;
  const found = await timeline.run('Discover', () => discover(ports, config));
  const live = requireSingleLiveColour(found, config);
  const idle = otherColour(live);
  run.live = live;
  run.idle = idle;
  state.save(StateKey.PreviousColour, live);
  state.save(StateKey.NewColour, idle);
  notes.listenerBefore = describeActions(found.actions, config.targetGroups);
  if (found.drift) {
    notes.notes.push(
      found.record === undefined
        ? `${config.stateParameter} did not exist; it will be created from the listener (${live}).`
        : `${config.stateParameter} recorded '${found.record}' but the listener sent traffic to ${live}; the listener was trusted.`,
    );
  }
  return { found, live, idle };
}

interface StagedRelease {
  resolved: ResolvedTaskDefinition;
  /** Set for a dry run: what would be done; nothing was changed. */
  plan?: string[];
}

/**
 * Before the idle colour changes: resolve the release, correct the record, refuse what cannot be
 * verified, run `pre-deploy-command`, and take a sticky idle colour out of the production forward.
 */
async function stageRelease(run: DeployRun, pair: DiscoveredPair): Promise<StagedRelease> {
  const { config, deps, notes } = run;
  const { ports, clock, timeline, state } = deps;
  const { found, live, idle, liveService, idleService } = pair;
  const resolved = await resolveTaskDefinition(ports.ecs, config, liveService.taskDefinitionArn);
  notes.release = { description: resolved.description, images: resolved.images };
  const { sticky, refusal } = planSticky(config, found, idle, clock.now());

  if (config.dryRun) {
    if (refusal) throw refusal;
    return { resolved, plan: planLines(config, live, resolved.description, Math.max(idleService.desiredCount, parityCount(liveService.desiredCount)), sticky?.release ?? false) };
  }

  // The record must exist and match the listener before anything moves, so a run that dies from here
  // on leaves a record that post and `mode: rollback` can trust.
  if (found.drift) await ports.ssm.put(config.stateParameter, live, 'Live colour of the blue-green pair');
  if (refusal) throw refusal;

  // The team's command and migration task before anything of the idle colour changes: they use the task
  // definition the deploy will run, so that is registered first.
  if (commandFor(config, 'pre-deploy') || config.commands.preDeployTask) {
    const arn = await timeline.run('Register the task definition', () => materialise(ports.ecs, resolved));
    run.taskDefinitionArn = arn;
    notes.release = { description: resolved.description, images: resolved.images, taskDefinitionArn: arn };
    await runTeamCommand(config, deps, notes, 'pre-deploy', commandContext(run, idle, config.health.url));
    await runMigrationTask(config, deps, idleService, arn);
  }

  const production = new ProductionForward(ports.elb, found.target, found.actions, config.targetGroups, live, { clock, state, what: `${idle} was being deployed` });
  run.forward = production;
  if (sticky?.release) await releaseIdle(run, production, idle, sticky.until);
  return { resolved };
}

/**
 * Refused before the idle colour is touched when clients may still be bound to it and there is no test
 * listener to check it through (see stickiness.ts). The refusal is returned, not thrown: it waits until a
 * missing or wrong record is corrected, since the record is what tells the next run when traffic last moved.
 */
export function planSticky(config: Config, found: Discovery, idle: Colour, now: number): { sticky?: ReturnType<typeof planIdleRelease>; refusal?: unknown } {
  try {
    return { sticky: planIdleRelease(found.actions, idle, config.targetGroups, found.recordModifiedAt, Boolean(config.testListenerArn), now, config.stateParameter) };
  } catch (error) {
    return { refusal: error };
  }
}

/** Stickiness may still hold clients on the idle colour: it leaves the production forward before it changes. */
export async function releaseIdle(run: DeployRun, production: ProductionForward, idle: Colour, until: number): Promise<void> {
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
    const rollout = await updateIdleService(ports.ecs, config.cluster, idleService, liveService, arn);
    desiredCount = rollout.desiredCount;
    await waitForRollout(ports.ecs, config.cluster, idleService.serviceName, { deploymentId: rollout.deploymentId, taskDefinitionArn: arn }, config.waitTimeoutMs, clock, signal, pollInterval(config.health.intervalMs, ROLLOUT_POLL_MS));
  });
  return desiredCount;
}

/** Verify idle: target health, the HTTP checks, no alarm firing, capacity parity; then the team's smoke test. */
export async function verifyIdle(run: DeployRun, desiredCount: number): Promise<void> {
  const { config, deps, notes } = run;
  const { ports, timeline } = deps;
  const { live, idle, forward: production } = required(run);
  phase(run, 'verifying');
  await timeline.run(`Verify ${idle}`, async () => {
    if (config.testListenerArn) await pointTestListener(ports.elb, config, idle);
    const probed = await verifyColour(config, deps, idle, {
      minHealthy: Math.max(1, desiredCount),
      // ALB health-checks a group only while a listener forwards to it. With a test listener that is
      // the test listener; without one the idle group joins the production forward at weight 0 (no
      // user traffic), which planIdleRelease allowed only when no client can be bound to it.
      ...(config.testListenerArn
        ? {}
        : {
            onUnused: async () => {
              core.info(`The ${idle} target group is not attached to the listener: adding it with weight 0 so the ALB health-checks it.`);
              await production.apply(splitFor(idle, 0));
            },
          }),
    });
    if (!probed) notes.notes.push('No health-check-url: the idle colour was gated on target health only.');
    await checkAlarmsBeforeShift(ports, config);
    await ensureCapacity(config, deps, idle, live);
  });
  // The team's own tests, against the idle colour, while no user can reach it.
  await runTeamCommand(config, deps, notes, 'smoke-test', commandContext(run, idle, config.health.url));
}

/** Shift → bake → post-deploy-command → finalize: the idle colour becomes the live one. */
export async function switchTraffic(run: DeployRun, found: Discovery): Promise<FlowResult> {
  const { config, deps, notes } = run;
  const { ports, clock, timeline, signal } = deps;
  const { live, idle, forward: production } = required(run);
  const checks = monitorChecks(ports, config, deps.probe, idle);
  const watchFor = async (durationMs: number, during: string) => {
    const result = await watch({ checks, intervalMs: config.health.intervalMs, durationMs, clock, signal, onTick: watchLog(during, checks, clock.now() + durationMs, clock) });
    if (!result.ok) {
      throw new HealthCheckFailed(`${result.check} failed during ${during} at ${result.at}: ${result.detail}${result.results.length > 1 ? ` (streak: ${result.results.join(' | ')})` : ''}`);
    }
  };

  phase(run, 'shifting');
  await timeline.run(`Shift traffic to ${idle}`, async () => {
    // The forward right before the first weight moves: someone may have changed it during the rollout.
    await production.settle();
    const steps = shiftSteps(config.trafficShift);
    for (const [index, percent] of steps.entries()) {
      const split = splitFor(idle, percent);
      await production.apply(split);
      run.switchedAt = new Date(clock.now()).toISOString();
      recordStep(notes, clock.now(), split, `step ${index + 1}/${steps.length}`);
      if (percent < 100 && config.trafficShift.kind !== 'all-at-once') {
        announceSwitch(live, idle, split);
        core.info(`${percent}% on ${idle}; watching for ${formatDurationInput(config.trafficShift.waitMs)} before the next step.`);
        await watchFor(config.trafficShift.waitMs, `the ${percent}% step`);
      }
    }
    await ports.ssm.put(config.stateParameter, idle, 'Live colour of the blue-green pair');
    announceSwitch(live, idle, splitFor(idle, 100));
  });
  notes.listenerAfter = describeActions(production.current, config.targetGroups);
  const switchedAtMs = clock.now();

  phase(run, 'baking');
  await timeline.run(`Bake ${idle} for ${formatDurationInput(config.bakeTimeMs)}`, () => watchFor(config.bakeTimeMs, 'the bake time'));

  phase(run, 'settled');
  // From here on traffic stays on the new colour whatever happens: the bake passed.
  let afterBake: unknown;
  try {
    await runTeamCommand(config, deps, notes, 'post-deploy', { ...commandContext(run, idle, config.health.postSwitchUrl), live: idle });
  } catch (error) {
    afterBake = error;
  }
  let released = false;
  try {
    await timeline.run('Finalize', async () => {
      if (config.testListenerArn) await pointTestListener(ports.elb, config, live);
      // A failed post-deploy-command (say a "contract" migration) may leave data the previous colour still needs:
      // it stays up, the rollback target.
      if (config.scaleDownPrevious && afterBake === undefined) released = await scaleDownPrevious(config, deps, production, live, notes.notes);
    });
  } catch (error) {
    // Traffic moved and baked: the deploy stands; say what was not tidied.
    core.warning(`The deploy succeeded but finalizing did not complete: ${errorMessage(error)}`);
    notes.notes.push(`Finalize did not complete: ${errorMessage(error)}`);
  }
  const stickiness = stickinessOf(production.current) ?? stickinessOf(found.actions);
  if (stickiness) notes.notes.push(previousColourNote(stickiness, live, switchedAtMs, released));
  notes.listenerAfter = describeActions(production.current, config.targetGroups);
  const { taskDefinitionArn, switchedAt } = run;
  const outcome = { liveColour: idle, previousColour: live, targetColour: idle, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false, ...(switchedAt ? { switchedAt } : {}) };
  if (afterBake !== undefined) {
    const scaled = config.scaleDownPrevious ? ` ${config.services[live]} was not scaled down: it stays the rollback target.` : '';
    return {
      outcome: { status: 'failed', ...outcome },
      notes,
      error: withCommandOutput(
        new Error(`${idle} is live and serving all traffic (its bake passed; ${config.stateParameter} = ${idle}); only the command after it failed: ${errorMessage(afterBake)}.${scaled}`),
        afterBake,
      ),
      errorTitle: `Deployed to ${idle}, but ${afterBake instanceof CommandFailed ? afterBake.input : 'post-deploy-command'} failed`,
    };
  }
  return { outcome: { status: 'succeeded', ...outcome }, notes };
}

/** A phase failed: restore traffic if the production forward changed, else report where it stayed. */
async function failed(run: DeployRun, error: unknown): Promise<FlowResult> {
  const { config, deps, notes, live, idle, forward, taskDefinitionArn, switchedAt } = run;
  if (error instanceof DeploymentFailed) notes.events = error.events;
  const reason = errorMessage(error);
  if (forward?.snapshot && live && idle) {
    // Awaited here, inside the try: the lock is released (finally) only once the rollback is over.
    const result = await rollBack(config, deps, { snapshot: forward.snapshot, live, idle, reason, error, notes, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), ...(switchedAt ? { switchedAt } : {}) });
    if (result.outcome.rolledBack) {
      await runRollbackCommand(config, deps, notes, { live, target: idle, ...(config.health.url ? { targetUrl: substituteColour(config.health.url, idle) } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rollbackReason: reason });
    }
    return result.error ? { ...result, error: withCommandOutput(result.error, error) } : result;
  }
  phase(run, 'settled');
  return {
    outcome: { status: 'failed', ...(live ? { liveColour: live, previousColour: live } : {}), ...(idle ? { targetColour: idle } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false },
    notes,
    error: withCommandOutput(error instanceof Error ? error : new Error(reason), error),
    errorTitle: live ? `Blue-green deploy failed; traffic stayed on ${live}` : 'Blue-green deploy failed',
  };
}

export function dryRunResult(run: DeployRun, live: Colour, plan: string[]): FlowResult {
  run.notes.plan = plan;
  core.info(['Dry run: nothing will be changed. The plan:', ...plan.map((l) => `  ${l}`)].join('\n'));
  return { outcome: { status: 'no-op', liveColour: live, previousColour: live, rolledBack: false }, notes: run.notes };
}

export function commandContext(run: DeployRun, target: Colour, url: string | undefined): CommandContext {
  return {
    live: run.live ?? otherColour(target),
    target,
    ...(url ? { targetUrl: substituteColour(url, target) } : {}),
    ...(run.taskDefinitionArn ? { taskDefinitionArn: run.taskDefinitionArn } : {}),
  };
}

/** The parts of the run a phase after discovery relies on; missing ones are a bug in the flow's order. */
function required(run: DeployRun): { live: Colour; idle: Colour; forward: ProductionForward } {
  const { live, idle, forward } = run;
  if (!live || !idle || !forward) throw new Error('the flow ran a phase before discovering the pair');
  return { live, idle, forward };
}

/** A failed command's last output lines, after the error's own story (the annotation shows both). */
function withCommandOutput(error: Error, cause: unknown): Error {
  if (!(cause instanceof CommandFailed) || cause.lastLines.length === 0) return error;
  return new Error(`${error.message}\nLast ${cause.lastLines.length} line(s) of ${cause.input}:\n${cause.lastLines.join('\n')}`);
}

function planLines(config: Config, live: Colour, taskDefinition: string, desired: number, releaseIdle: boolean): string[] {
  const idle = otherColour(live);
  const steps = shiftSteps(config.trafficShift);
  return [
    `Live colour: ${live} (${config.services[live]}); deploy to ${idle} (${config.services[idle]}).`,
    ...(releaseIdle ? [`Take ${idle} out of the production forward first: target-group stickiness may still hold clients on it.`] : []),
    `Task definition: ${taskDefinition}.`,
    ...(config.commands.preDeploy ? [`Run pre-deploy-command (up to ${formatDurationInput(config.commands.timeoutMs)}).`] : []),
    ...(config.commands.preDeployTask ? [`Run a one-off task of it with pre-deploy-task-command ${JSON.stringify(config.commands.preDeployTask)}; it must exit 0 within ${formatDurationInput(config.waitTimeoutMs)}.`] : []),
    `Update ${config.services[idle]} to it with ${desired} task(s); wait up to ${formatDurationInput(config.waitTimeoutMs)} for the rollout.`,
    `Verify ${idle}: all targets healthy${config.health.url ? `, then ${config.health.healthyThreshold} consecutive passes of ${substituteColour(config.health.url, idle)}` : ''}; at least as many tasks as ${live} wants.`,
    ...(config.commands.smokeTest ? [`Run smoke-test-command against ${idle} (up to ${formatDurationInput(config.commands.timeoutMs)}); traffic moves only if it passes.`] : []),
    ...(config.mode === 'prepare'
      ? [`Stop there: traffic stays on ${live}; mode: promote switches to ${idle}.`]
      : [
          `Shift traffic to ${idle}: ${steps.map((p) => `${p}%`).join(' → ')}${config.trafficShift.kind === 'all-at-once' ? '' : `, ${formatDurationInput(config.trafficShift.waitMs)} between steps`}.`,
          `Record ${idle} in ${config.stateParameter}; bake for ${formatDurationInput(config.bakeTimeMs)} (${config.health.unhealthyThreshold} consecutive failures roll back${config.alarms.length ? `; alarms: ${config.alarms.join(', ')}` : ''}).`,
          ...(config.commands.postDeploy ? [`Run post-deploy-command (up to ${formatDurationInput(config.commands.timeoutMs)}).`] : []),
          ...(config.scaleDownPrevious ? [`Then scale ${config.services[live]} to 0 after ${formatDurationInput(config.scaleDownDelayMs)}.`] : []),
        ]),
  ];
}

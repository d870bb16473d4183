// The deploy flow, top to bottom as the deployment happens:
// lock → discover → deploy idle → verify idle → shift → bake → finalize, and on any failure once the
// production listener has changed: restore the snapshot, restore the record, fail.
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Cancelled, DeploymentFailed, errorMessage, HealthCheckFailed, RollbackFailed, UnsafeListenerState } from '../errors.js';
import { watch } from '../health/gate.js';
import { substituteColour } from '../health/probe.js';
import { announceSwitch } from '../report/annotations.js';
import { saveJson, StateKey, type Phase } from '../state.js';
import { describeActions, liveColourOf, readSplit, sameActions } from '../traffic.js';
import { otherColour, type Colour, type Config, type ListenerSnapshot } from '../types.js';
import { newNotes, recordStep, type FlowDeps, type FlowResult } from './context.js';
import { discover, requireSingleLiveColour } from './discover.js';
import { ROLLOUT_POLL_MS, updateIdleService, waitForRollout } from './deploy-idle.js';
import { holdLock, letGoOfLock } from './lock.js';
import { checkAlarmsBeforeShift, monitorChecks } from './monitor.js';
import { restoreSnapshot } from './restore.js';
import { applySplit, shiftSteps, splitFor } from './shift.js';
import { materialise, resolveTaskDefinition } from './task-definition.js';
import { pointTestListener } from './test-listener.js';
import { pollInterval } from './target-health.js';
import { verifyColour } from './verify.js';
import { formatDurationInput } from '../duration.js';

export async function deploy(config: Config, deps: FlowDeps): Promise<FlowResult> {
  const { ports, clock, timeline, state, signal } = deps;
  const notes = newNotes();
  const phase = (p: Phase) => state.save(StateKey.Phase, p);
  phase('started');

  const lock = await holdLock(config, deps, notes.notes);
  if (lock) phase('locked');

  let live: Colour | undefined;
  let idle: Colour | undefined;
  let taskDefinitionArn: string | undefined;
  let snapshot: ListenerSnapshot | undefined;
  let switchedAt: string | undefined;
  try {
    const found = await timeline.run('Discover', () => discover(ports, config));
    live = requireSingleLiveColour(found, config);
    const liveColour = live;
    const idleColour = otherColour(live);
    idle = idleColour;
    state.save(StateKey.PreviousColour, liveColour);
    state.save(StateKey.NewColour, idleColour);
    notes.listenerBefore = describeActions(found.actions, config.targetGroups);
    if (found.drift) {
      notes.notes.push(
        found.record === undefined
          ? `${config.stateParameter} did not exist; it will be created from the listener (${liveColour}).`
          : `${config.stateParameter} recorded '${found.record}' but the listener sent traffic to ${liveColour}; the listener was trusted.`,
      );
    }

    const [liveService, idleService] = await Promise.all([
      ports.ecs.describeService(config.cluster, config.services[liveColour]),
      ports.ecs.describeService(config.cluster, config.services[idleColour]),
    ]);
    const resolved = await resolveTaskDefinition(ports.ecs, config, liveService.taskDefinitionArn);

    if (config.dryRun) {
      notes.plan = planLines(config, liveColour, resolved.description, idleService.desiredCount === 0 ? liveService.desiredCount : idleService.desiredCount);
      core.info(['Dry run: nothing will be changed. The plan:', ...notes.plan.map((l) => `  ${l}`)].join('\n'));
      return { outcome: { status: 'no-op', liveColour, previousColour: liveColour, rolledBack: false }, notes };
    }

    // The record must exist and match the listener before anything moves, so a run that dies from here
    // on leaves a record that post and `mode: rollback` can trust.
    if (found.drift) await ports.ssm.put(config.stateParameter, liveColour, 'Live colour of the blue-green pair');

    phase('deploying');
    await timeline.run(`Deploy ${idleColour}`, async () => {
      const arn = await materialise(ports.ecs, resolved);
      taskDefinitionArn = arn;
      const rollout = await updateIdleService(ports.ecs, config.cluster, idleService, liveService, arn);
      await waitForRollout(ports.ecs, config.cluster, idleService.serviceName, { deploymentId: rollout.deploymentId, taskDefinitionArn: arn }, config.waitTimeoutMs, clock, signal, pollInterval(config.health.intervalMs, ROLLOUT_POLL_MS));
    });

    phase('verifying');
    let current: Action[] = found.actions;
    // The production listener's state right before our first change (not as discovered: the rollout
    // may have taken minutes, and someone may have changed the listener meanwhile); saved at once so
    // post can restore it.
    const takeSnapshot = async (): Promise<void> => {
      if (snapshot) return;
      const fresh = await ports.elb.readActions(found.target);
      if (!sameActions(fresh, found.actions)) {
        const now = describeActions(fresh, config.targetGroups);
        if (liveColourOf(readSplit(fresh, config.targetGroups)) !== liveColour) {
          throw new UnsafeListenerState(`The ${found.target.kind} changed while ${idleColour} was being deployed and no longer sends all traffic to ${liveColour} (now: ${now}). Not switching; run again.`);
        }
        core.warning(`The ${found.target.kind} changed while ${idleColour} was being deployed (now: ${now}); the rollback snapshot is its current state.`);
      }
      snapshot = { target: found.target, actions: fresh, takenAt: new Date(clock.now()).toISOString() };
      saveJson(state, StateKey.Snapshot, snapshot);
      current = fresh;
    };
    await timeline.run(`Verify ${idleColour}`, async () => {
      if (config.testListenerArn) await pointTestListener(ports.elb, config, idleColour);
      const probed = await verifyColour(config, deps, idleColour, {
        minHealthy: Math.max(1, (await ports.ecs.describeService(config.cluster, idleService.serviceName)).desiredCount),
        // ALB health-checks a group only while a listener forwards to it: attach the idle group with
        // weight 0 (no user traffic) so its targets are checked.
        onUnused: async () => {
          await takeSnapshot();
          core.info(`The ${idleColour} target group is not attached to the listener: adding it with weight 0 so the ALB health-checks it.`);
          current = await applySplit(ports.elb, found.target, current, config.targetGroups, splitFor(idleColour, 0));
        },
      });
      if (!probed) notes.notes.push('No health-check-url: the idle colour was gated on target health only.');
      await checkAlarmsBeforeShift(ports, config);
    });

    const checks = monitorChecks(ports, config, deps.probe, idleColour);
    const watchFor = async (durationMs: number, during: string) => {
      const result = await watch({ checks, intervalMs: config.health.intervalMs, durationMs, clock, signal });
      if (!result.ok) {
        throw new HealthCheckFailed(`${result.check} failed during ${during} at ${result.at}: ${result.detail}${result.results.length > 1 ? ` (streak: ${result.results.join(' | ')})` : ''}`);
      }
    };

    phase('shifting');
    await timeline.run(`Shift traffic to ${idleColour}`, async () => {
      await takeSnapshot();
      const steps = shiftSteps(config.trafficShift);
      for (const [index, percent] of steps.entries()) {
        const split = splitFor(idleColour, percent);
        current = await applySplit(ports.elb, found.target, current, config.targetGroups, split);
        switchedAt = new Date(clock.now()).toISOString();
        recordStep(notes, clock.now(), split, `step ${index + 1}/${steps.length}`);
        if (percent < 100 && config.trafficShift.kind !== 'all-at-once') {
          announceSwitch(liveColour, idleColour, split);
          core.info(`${percent}% on ${idleColour}; watching for ${formatDurationInput(config.trafficShift.waitMs)} before the next step.`);
          await watchFor(config.trafficShift.waitMs, `the ${percent}% step`);
        }
      }
      await ports.ssm.put(config.stateParameter, idleColour, 'Live colour of the blue-green pair');
      announceSwitch(liveColour, idleColour, splitFor(idleColour, 100));
    });
    notes.listenerAfter = describeActions(current, config.targetGroups);

    phase('baking');
    await timeline.run(`Bake ${idleColour} for ${formatDurationInput(config.bakeTimeMs)}`, () => watchFor(config.bakeTimeMs, 'the bake time'));

    phase('settled');
    try {
      await timeline.run('Finalize', async () => {
        if (config.testListenerArn) await pointTestListener(ports.elb, config, liveColour);
        if (config.scaleDownPrevious) await scaleDownPrevious(config, deps, liveColour, notes.notes);
      });
    } catch (error) {
      // Traffic moved and baked: the deploy stands; say what was not tidied.
      core.warning(`The deploy succeeded but finalizing did not complete: ${errorMessage(error)}`);
      notes.notes.push(`Finalize did not complete: ${errorMessage(error)}`);
    }
    return {
      outcome: { status: 'succeeded', liveColour: idleColour, previousColour: liveColour, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false, ...(switchedAt ? { switchedAt } : {}) },
      notes,
    };
  } catch (error) {
    if (error instanceof DeploymentFailed) notes.events = error.events;
    const reason = errorMessage(error);
    if (snapshot && live && idle) {
      return rollBack(config, deps, { snapshot, live, idle, reason, error, notes, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), ...(switchedAt ? { switchedAt } : {}) });
    }
    phase('settled');
    return {
      outcome: { status: 'failed', ...(live ? { liveColour: live, previousColour: live } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false },
      notes,
      error: error instanceof Error ? error : new Error(reason),
      errorTitle: live ? `Blue-green deploy failed; traffic stayed on ${live}` : 'Blue-green deploy failed',
    };
  } finally {
    await letGoOfLock(lock, deps);
  }
}

interface RollbackContext {
  snapshot: ListenerSnapshot;
  live: Colour;
  idle: Colour;
  reason: string;
  error: unknown;
  notes: FlowResult['notes'];
  taskDefinitionArn?: string;
  switchedAt?: string;
}

async function rollBack(config: Config, deps: FlowDeps, ctx: RollbackContext): Promise<FlowResult> {
  const { state, timeline, clock } = deps;
  state.save(StateKey.Phase, 'rolling-back');
  const cancelled = ctx.error instanceof Cancelled;
  // Logged, not annotated: the step's one error annotation, after the restore, tells the whole story.
  core.info(`${cancelled ? 'Cancelled' : 'Failed'}: ${ctx.reason}. Restoring traffic to ${ctx.live}.`);
  try {
    const ports = cancelled && deps.rescuePorts ? deps.rescuePorts() : deps.ports;
    const restored = await timeline.run(`Roll back to ${ctx.live}`, () => restoreSnapshot(ports, config, ctx.snapshot, ctx.live, ctx.idle));
    state.save(StateKey.Phase, 'settled');
    ctx.notes.listenerAfter = describeActions(ctx.snapshot.actions, config.targetGroups);
    recordStep(ctx.notes, clock.now(), splitFor(ctx.live, 100), 'rollback');
    const when = new Date(clock.now()).toISOString();
    return {
      outcome: {
        status: 'rolled-back',
        liveColour: restored.live,
        previousColour: ctx.live,
        ...(ctx.taskDefinitionArn ? { taskDefinitionArn: ctx.taskDefinitionArn } : {}),
        rolledBack: true,
        rollbackReason: ctx.reason,
        ...(ctx.switchedAt ? { switchedAt: ctx.switchedAt } : {}),
      },
      notes: ctx.notes,
      error: new Error(`${ctx.reason}. Rolled back at ${when}: traffic is back on ${ctx.live} and ${config.stateParameter} = ${ctx.live}.`),
      errorTitle: cancelled ? `Deploy cancelled; traffic is back on ${ctx.live}` : `Blue-green deploy rolled back to ${ctx.live}`,
    };
  } catch (rollbackError) {
    const message = errorMessage(rollbackError);
    // A RollbackFailed has already put traffic where healthy targets are; anything else leaves the
    // snapshot in state, so post tries the restore again.
    if (rollbackError instanceof RollbackFailed) state.save(StateKey.Phase, 'settled');
    const live = rollbackError instanceof RollbackFailed && message.startsWith('Did not roll back') ? ctx.idle : undefined;
    return {
      outcome: {
        status: 'failed',
        ...(live ? { liveColour: live, previousColour: ctx.live } : {}),
        ...(ctx.taskDefinitionArn ? { taskDefinitionArn: ctx.taskDefinitionArn } : {}),
        rolledBack: false,
        rollbackReason: ctx.reason,
        ...(ctx.switchedAt ? { switchedAt: ctx.switchedAt } : {}),
      },
      notes: ctx.notes,
      error: new RollbackFailed(`${ctx.reason}. Then the rollback failed: ${message}`),
      errorTitle: 'Blue-green rollback FAILED: act now',
    };
  }
}

async function scaleDownPrevious(config: Config, deps: FlowDeps, previous: Colour, notes: string[]): Promise<void> {
  const { clock, signal, ports } = deps;
  if (config.scaleDownDelayMs > 0) {
    core.info(`Waiting ${formatDurationInput(config.scaleDownDelayMs)} before scaling ${config.services[previous]} to 0.`);
    try {
      await clock.sleep(config.scaleDownDelayMs, signal);
    } catch {
      notes.push(`Cancelled before scaling ${config.services[previous]} down; it still runs and remains a rollback target.`);
      return;
    }
  }
  await ports.ecs.updateService(config.cluster, config.services[previous], { desiredCount: 0 });
  notes.push(`Scaled ${config.services[previous]} (${previous}) to 0 tasks: it is no longer a rollback target until redeployed.`);
  core.info(`Scaled ${config.services[previous]} to 0.`);
}

function planLines(config: Config, live: Colour, taskDefinition: string, desired: number): string[] {
  const idle = otherColour(live);
  const steps = shiftSteps(config.trafficShift);
  return [
    `Live colour: ${live} (${config.services[live]}); deploy to ${idle} (${config.services[idle]}).`,
    `Task definition: ${taskDefinition}.`,
    `Update ${config.services[idle]} to it with ${desired} task(s); wait up to ${formatDurationInput(config.waitTimeoutMs)} for the rollout.`,
    `Verify ${idle}: all targets healthy${config.health.url ? `, then ${config.health.healthyThreshold} consecutive passes of ${substituteColour(config.health.url, idle)}` : ''}.`,
    `Shift traffic to ${idle}: ${steps.map((p) => `${p}%`).join(' → ')}${config.trafficShift.kind === 'all-at-once' ? '' : `, ${formatDurationInput(config.trafficShift.waitMs)} between steps`}.`,
    `Record ${idle} in ${config.stateParameter}; bake for ${formatDurationInput(config.bakeTimeMs)} (${config.health.unhealthyThreshold} consecutive failures roll back${config.alarms.length ? `; alarms: ${config.alarms.join(', ')}` : ''}).`,
    ...(config.scaleDownPrevious ? [`Then scale ${config.services[live]} to 0 after ${formatDurationInput(config.scaleDownDelayMs)}.`] : []),
  ];
}


// The deploy flow, top to bottom as the deployment happens:
// check the pair → lock → discover → deploy idle → verify idle → shift → bake → finalize, and on any
// failure once the production listener has changed: restore the snapshot, restore the record, fail.
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
import { rollBack } from './auto-rollback.js';
import { ensureCapacity, parityCount } from './capacity.js';
import { commandFor, runRollbackCommand, runTeamCommand, type CommandContext } from './commands.js';
import { newNotes, recordStep, type FlowDeps, type FlowResult } from './context.js';
import { discover, requireSingleLiveColour } from './discover.js';
import { ROLLOUT_POLL_MS, updateIdleService, waitForRollout } from './deploy-idle.js';
import { scaleDownPrevious } from './finalize.js';
import { ProductionForward } from './forward.js';
import { holdLock, letGoOfLock } from './lock.js';
import { checkAlarmsBeforeShift, monitorChecks } from './monitor.js';
import { checkPair } from './pair-check.js';
import { shiftSteps, splitFor } from './shift.js';
import { planIdleRelease, previousColourNote, stickinessOf } from './stickiness.js';
import { materialise, resolveTaskDefinition } from './task-definition.js';
import { pointTestListener } from './test-listener.js';
import { pollInterval } from './target-health.js';
import { verifyColour } from './verify.js';

export async function deploy(config: Config, deps: FlowDeps): Promise<FlowResult> {
  const { ports, clock, timeline, state, signal } = deps;
  const notes = newNotes();
  const phase = (p: Phase) => state.save(StateKey.Phase, p);
  phase('started');

  // Read-only, so a mismatch costs no mutating call — not even the lock's.
  await timeline.run('Check the pair', () => checkPair(ports, config));
  const lock = await holdLock(config, deps, notes.notes);
  if (lock) phase('locked');

  let live: Colour | undefined;
  let idle: Colour | undefined;
  let taskDefinitionArn: string | undefined;
  let forward: ProductionForward | undefined;
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
    notes.release = { description: resolved.description, images: resolved.images };
    // Refused before the idle colour is touched when clients may still be bound to it and there is no
    // test listener to check it through (see stickiness.ts); the refusal waits until a missing or wrong
    // record is corrected below: the record is what tells the next run when traffic last moved.
    let sticky: ReturnType<typeof planIdleRelease>;
    let refusal: unknown;
    try {
      sticky = planIdleRelease(found.actions, idleColour, config.targetGroups, found.recordModifiedAt, Boolean(config.testListenerArn), clock.now(), config.stateParameter);
    } catch (error) {
      refusal = error;
    }

    if (config.dryRun) {
      if (refusal) throw refusal;
      notes.plan = planLines(config, liveColour, resolved.description, Math.max(idleService.desiredCount, parityCount(liveService.desiredCount)), sticky?.release ?? false);
      core.info(['Dry run: nothing will be changed. The plan:', ...notes.plan.map((l) => `  ${l}`)].join('\n'));
      return { outcome: { status: 'no-op', liveColour, previousColour: liveColour, rolledBack: false }, notes };
    }

    // The record must exist and match the listener before anything moves, so a run that dies from here
    // on leaves a record that post and `mode: rollback` can trust.
    if (found.drift) await ports.ssm.put(config.stateParameter, liveColour, 'Live colour of the blue-green pair');
    if (refusal) throw refusal;

    // The team's command before anything of the idle colour changes; it is told the task definition the
    // deploy will run, so that is registered first.
    const commandContext = (target: Colour, url: string | undefined): CommandContext => ({
      live: liveColour,
      target,
      ...(url ? { targetUrl: substituteColour(url, target) } : {}),
      ...(taskDefinitionArn ? { taskDefinitionArn } : {}),
    });
    if (commandFor(config, 'pre-deploy')) {
      taskDefinitionArn = await timeline.run('Register the task definition', () => materialise(ports.ecs, resolved));
      notes.release = { description: resolved.description, images: resolved.images, taskDefinitionArn };
      await runTeamCommand(config, deps, notes, 'pre-deploy', commandContext(idleColour, config.health.url));
    }

    const production = new ProductionForward(ports.elb, found.target, found.actions, config.targetGroups, liveColour, {
      clock,
      state,
      what: `${idleColour} was being deployed`,
    });
    forward = production;
    if (sticky?.release) {
      await timeline.run(`Release ${idleColour}'s sticky clients`, async () => {
        core.info(`Target-group stickiness may still hold clients on ${idleColour} until ${new Date(sticky.until).toISOString()}: taking ${idleColour} out of the production forward before it is redeployed.`);
        await production.release(idleColour);
      });
      notes.notes.push(`${idleColour} was taken out of the production forward before it was redeployed: target-group stickiness could still hold clients on it until ${new Date(sticky.until).toISOString()}. It rejoins it only at the first shift step, after it passed its checks.`);
    }

    phase('deploying');
    let desiredCount = idleService.desiredCount;
    await timeline.run(`Deploy ${idleColour}`, async () => {
      const arn = taskDefinitionArn ?? (await materialise(ports.ecs, resolved));
      taskDefinitionArn = arn;
      notes.release = { description: resolved.description, images: resolved.images, taskDefinitionArn: arn };
      const rollout = await updateIdleService(ports.ecs, config.cluster, idleService, liveService, arn);
      desiredCount = rollout.desiredCount;
      await waitForRollout(ports.ecs, config.cluster, idleService.serviceName, { deploymentId: rollout.deploymentId, taskDefinitionArn: arn }, config.waitTimeoutMs, clock, signal, pollInterval(config.health.intervalMs, ROLLOUT_POLL_MS));
    });

    phase('verifying');
    await timeline.run(`Verify ${idleColour}`, async () => {
      if (config.testListenerArn) await pointTestListener(ports.elb, config, idleColour);
      const probed = await verifyColour(config, deps, idleColour, {
        minHealthy: Math.max(1, desiredCount),
        // ALB health-checks a group only while a listener forwards to it. With a test listener that is
        // the test listener; without one the idle group joins the production forward at weight 0 (no
        // user traffic), which planIdleRelease allowed only when no client can be bound to it.
        ...(config.testListenerArn
          ? {}
          : {
              onUnused: async () => {
                core.info(`The ${idleColour} target group is not attached to the listener: adding it with weight 0 so the ALB health-checks it.`);
                await production.apply(splitFor(idleColour, 0));
              },
            }),
      });
      if (!probed) notes.notes.push('No health-check-url: the idle colour was gated on target health only.');
      await checkAlarmsBeforeShift(ports, config);
      await ensureCapacity(config, deps, idleColour, liveColour);
    });
    // The team's own tests, against the idle colour, while no user can reach it.
    await runTeamCommand(config, deps, notes, 'smoke-test', commandContext(idleColour, config.health.url));

    const checks = monitorChecks(ports, config, deps.probe, idleColour);
    const watchFor = async (durationMs: number, during: string) => {
      const result = await watch({ checks, intervalMs: config.health.intervalMs, durationMs, clock, signal, onTick: watchLog(during, checks, clock.now() + durationMs, clock) });
      if (!result.ok) {
        throw new HealthCheckFailed(`${result.check} failed during ${during} at ${result.at}: ${result.detail}${result.results.length > 1 ? ` (streak: ${result.results.join(' | ')})` : ''}`);
      }
    };

    phase('shifting');
    await timeline.run(`Shift traffic to ${idleColour}`, async () => {
      // The forward right before the first weight moves: someone may have changed it during the rollout.
      await production.settle();
      const steps = shiftSteps(config.trafficShift);
      for (const [index, percent] of steps.entries()) {
        const split = splitFor(idleColour, percent);
        await production.apply(split);
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
    notes.listenerAfter = describeActions(production.current, config.targetGroups);
    const switchedAtMs = clock.now();

    phase('baking');
    await timeline.run(`Bake ${idleColour} for ${formatDurationInput(config.bakeTimeMs)}`, () => watchFor(config.bakeTimeMs, 'the bake time'));

    phase('settled');
    // From here on traffic stays on the new colour whatever happens: the bake passed.
    let afterBake: unknown;
    try {
      await runTeamCommand(config, deps, notes, 'post-deploy', { ...commandContext(idleColour, config.health.postSwitchUrl), live: idleColour });
    } catch (error) {
      afterBake = error;
    }
    let released = false;
    try {
      await timeline.run('Finalize', async () => {
        if (config.testListenerArn) await pointTestListener(ports.elb, config, liveColour);
        // A failed post-deploy-command (say a "contract" migration) may leave data the previous colour still needs:
        // it stays up, the rollback target.
        if (config.scaleDownPrevious && afterBake === undefined) released = await scaleDownPrevious(config, deps, production, liveColour, notes.notes);
      });
    } catch (error) {
      // Traffic moved and baked: the deploy stands; say what was not tidied.
      core.warning(`The deploy succeeded but finalizing did not complete: ${errorMessage(error)}`);
      notes.notes.push(`Finalize did not complete: ${errorMessage(error)}`);
    }
    const stickiness = stickinessOf(production.current) ?? stickinessOf(found.actions);
    if (stickiness) notes.notes.push(previousColourNote(stickiness, liveColour, switchedAtMs, released));
    notes.listenerAfter = describeActions(production.current, config.targetGroups);
    if (afterBake !== undefined) {
      const scaled = config.scaleDownPrevious ? ` ${config.services[liveColour]} was not scaled down: it stays the rollback target.` : '';
      return {
        outcome: { status: 'failed', liveColour: idleColour, previousColour: liveColour, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false, ...(switchedAt ? { switchedAt } : {}) },
        notes,
        error: withCommandOutput(
          new Error(`${idleColour} is live and serving all traffic (its bake passed; ${config.stateParameter} = ${idleColour}); only the command after it failed: ${errorMessage(afterBake)}.${scaled}`),
          afterBake,
        ),
        errorTitle: `Deployed to ${idleColour}, but ${afterBake instanceof CommandFailed ? afterBake.input : 'post-deploy-command'} failed`,
      };
    }
    return {
      outcome: { status: 'succeeded', liveColour: idleColour, previousColour: liveColour, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false, ...(switchedAt ? { switchedAt } : {}) },
      notes,
    };
  } catch (error) {
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
    phase('settled');
    return {
      outcome: { status: 'failed', ...(live ? { liveColour: live, previousColour: live } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false },
      notes,
      error: withCommandOutput(error instanceof Error ? error : new Error(reason), error),
      errorTitle: live ? `Blue-green deploy failed; traffic stayed on ${live}` : 'Blue-green deploy failed',
    };
  } finally {
    await letGoOfLock(lock, deps);
  }
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
    `Update ${config.services[idle]} to it with ${desired} task(s); wait up to ${formatDurationInput(config.waitTimeoutMs)} for the rollout.`,
    `Verify ${idle}: all targets healthy${config.health.url ? `, then ${config.health.healthyThreshold} consecutive passes of ${substituteColour(config.health.url, idle)}` : ''}; at least as many tasks as ${live} wants.`,
    ...(config.commands.smokeTest ? [`Run smoke-test-command against ${idle} (up to ${formatDurationInput(config.commands.timeoutMs)}); traffic moves only if it passes.`] : []),
    `Shift traffic to ${idle}: ${steps.map((p) => `${p}%`).join(' → ')}${config.trafficShift.kind === 'all-at-once' ? '' : `, ${formatDurationInput(config.trafficShift.waitMs)} between steps`}.`,
    `Record ${idle} in ${config.stateParameter}; bake for ${formatDurationInput(config.bakeTimeMs)} (${config.health.unhealthyThreshold} consecutive failures roll back${config.alarms.length ? `; alarms: ${config.alarms.join(', ')}` : ''}).`,
    ...(config.commands.postDeploy ? [`Run post-deploy-command (up to ${formatDurationInput(config.commands.timeoutMs)}).`] : []),
    ...(config.scaleDownPrevious ? [`Then scale ${config.services[live]} to 0 after ${formatDurationInput(config.scaleDownDelayMs)}.`] : []),
  ];
}

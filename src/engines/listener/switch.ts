// Switch: the idle colour becomes the live one — shift (one step at a time, each read back), record,
// bake, post-deploy-command, finalize. Any failure up to the end of the bake throws, and the run's
// rollback (deploy-run.ts) restores the snapshot; after the bake traffic stays whatever happens.
import * as core from '@actions/core';
import type { Analysis } from '../../analysis/analysis.js';
import { CommandFailed, errorMessage } from '../../errors.js';
import { announceSwitch } from '../../report/annotations.js';
import { formatDurationInput } from '../../duration.js';
import { describeActions } from '../../traffic.js';
import { colourSides, startAnalysis, watchWindow } from '../../flow/analysis-gate.js';
import { runTeamCommand } from '../../flow/commands.js';
import { recordStep, type FlowResult } from '../../flow/context.js';
import { commandContext, phase, required, withCommandOutput, type DeployRun } from './deploy-run.js';
import type { Discovery } from './discover.js';
import { scaleDownPrevious } from './finalize.js';
import { monitorChecks } from '../../flow/monitor.js';
import { writeRecord } from '../../flow/record.js';
import { shiftSteps, splitFor } from '../../flow/shift.js';
import { previousColourNote, stickinessOf } from './stickiness.js';
import { pointTestListener } from './test-listener.js';

/** Shift → bake → post-deploy-command → finalize: the idle colour becomes the live one. */
export async function switchTraffic(run: DeployRun, found: Discovery): Promise<FlowResult> {
  const { config, deps, notes } = run;
  const { ports, clock, timeline } = deps;
  const { live, idle, forward: production, route } = required(run);
  // While the verification rule exists, the probes of a URL it was proven for reach only the new colour.
  const checks = monitorChecks(ports, config, route.probe, idle, run.colours);
  let analysis: Analysis | undefined;
  const watchFor = (durationMs: number, during: string) => watchWindow(deps, config, checks, durationMs, during, analysis);

  phase(run, 'shifting');
  await timeline.run(`Shift traffic to ${idle}`, async () => {
    // The forward right before the first weight moves: someone may have changed it during the rollout.
    await production.settle();
    const steps = shiftSteps(config.trafficShift);
    for (const [index, percent] of steps.entries()) {
      const split = splitFor(idle, percent);
      await production.apply(split);
      run.switchedAt = new Date(clock.now()).toISOString();
      analysis ??= await startAnalysis(config, deps, notes, colourSides(config, live, idle), clock.now());
      recordStep(notes, clock.now(), split, `step ${index + 1}/${steps.length}`);
      if (percent < 100 && config.trafficShift.kind !== 'all-at-once') {
        announceSwitch(live, idle, split);
        core.info(`${percent}% on ${idle}; watching for ${formatDurationInput(config.trafficShift.waitMs)} before the next step.`);
        await watchFor(config.trafficShift.waitMs, `the ${percent}% step`);
      }
    }
    await writeRecord(ports.ssm, config.stateParameter, idle);
    announceSwitch(live, idle, splitFor(idle, 100));
    // All users are on the new colour: the header route has nothing left to reach.
    await route.close();
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

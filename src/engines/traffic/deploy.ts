// `engine: traffic`, mode deploy: the two target groups are filled by something else (an Auto Scaling group's
// instance refresh, say), so there is nothing to deploy: check the forwards → lock → discover → open the
// verification route → verify the idle group (its targets healthy, the HTTP checks, the alarms, as many
// healthy targets as the live group, the smoke test) → shift → bake → finalize, with the rollback on any
// failure — every step of deploy.ts but the ECS ones, and no ECS call at all.
import * as core from '@actions/core';
import { formatDurationInput } from '../../duration.js';
import { substituteColour } from '../../health/probe.js';
import { shiftSteps } from '../../flow/shift.js';
import type { Config } from '../../types.js';
import type { FlowDeps, FlowResult } from '../../flow/context.js';
import { commandContext, discoverColours, dryRunResult, lockedRun } from '../listener/deploy-run.js';
import { beforeIdleChanges, planSticky, releaseIdle, verifyIdle } from '../listener/idle.js';
import { targetGroupColours } from './colours.js';
import { runTeamCommand } from '../../flow/commands.js';
import { routeLine } from '../listener/plan.js';
import { switchTraffic } from '../listener/switch.js';

export async function trafficDeploy(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return lockedRun(config, deps, targetGroupColours, async (run) => {
    const { ports, timeline } = deps;
    const { found, live, idle } = await discoverColours(run);
    const { binding, sticky, refusal } = await planSticky(run, found, idle);
    if (config.dryRun) {
      if (refusal) throw refusal;
      const steps = shiftSteps(config.trafficShift);
      return dryRunResult(run, live, [
        `Live colour: ${live} (${config.services[live]}); switch to ${idle} (${config.services[idle]}), whose targets something else has filled.`,
        routeLine(config, idle),
        `Verify ${idle}: all its targets healthy, at least as many as ${live} has${config.health.url ? `, then ${config.health.healthyThreshold} consecutive passes of ${substituteColour(config.health.url, idle)}` : ''}.`,
        `Shift traffic to ${idle}: ${steps.map((p) => `${p}%`).join(' → ')}; record ${idle} in ${config.stateParameter}; bake for ${formatDurationInput(config.bakeTimeMs)}.`,
      ]);
    }
    await beforeIdleChanges(run, found, { ...(binding ? { binding } : {}), refusal }, 'verified');
    await runTeamCommand(config, deps, run.notes, 'pre-deploy', commandContext(run, idle, config.health.url));
    if (sticky?.release) await releaseIdle(run, idle, sticky.until);
    deps.records?.start({ task: 'deploy', colour: idle, previousColour: live });

    // Every target the idle group holds must be healthy (at least one).
    const registered = (await timeline.run(`Read ${idle}'s targets`, () => ports.elb.describeTargetHealth(config.targetGroups[idle]))).length;
    core.info(`${config.services[idle]} holds ${registered} target(s).`);
    await verifyIdle(run, registered);
    return switchTraffic(run, found);
  });
}

// `mode: promote`: the second half of a deploy, after `mode: prepare` and (usually) a human approval.
// It re-checks that the idle colour is exactly as prepare left it — the task definition named by
// `expected-task-definition-arn`, its rollout complete, tasks running, the record matching the listener —
// and refuses with what changed otherwise; then it verifies the idle colour again and switches with
// every safety of a deploy: shift → bake → finalize, and the rollback on any failure.
import { PreparedStateChanged } from '../../errors.js';
import { formatDurationInput } from '../../duration.js';
import type { Config } from '../../types.js';
import type { FlowDeps, FlowResult } from '../../flow/context.js';
import { dryRunResult, lockedRun } from '../listener/deploy-run.js';
import { serviceColours } from './colours.js';
import { discoverPair, type DiscoveredPair } from './discover-pair.js';
import { beforeIdleChanges, planSticky, releaseIdle, verifyIdle } from '../listener/idle.js';
import { shiftSteps } from '../../flow/shift.js';
import { switchTraffic } from '../listener/switch.js';

export async function promote(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return lockedRun(config, deps, serviceColours, async (run) => {
    const pair = await discoverPair(run);
    const { found, live, idle, idleService } = pair;
    await deps.timeline.run(`Check ${idle} is as prepared`, async () => checkPrepared(config, pair));
    run.taskDefinitionArn = idleService.taskDefinitionArn;
    deps.records?.start({ task: 'deploy', colour: idle, previousColour: live, taskDefinitionArn: idleService.taskDefinitionArn });
    run.notes.release = { description: idleService.taskDefinitionArn, images: [], taskDefinitionArn: idleService.taskDefinitionArn };
    // Stickiness: prepare took a sticky idle colour out of the production forward; if it is back with
    // clients possibly bound to it and only the weight-0 forward to check it through, this refuses as a deploy would.
    const { binding, sticky, refusal } = await planSticky(run, found, idle);
    if (config.dryRun) {
      if (refusal) throw refusal;
      const steps = shiftSteps(config.trafficShift);
      return dryRunResult(run, live, [
        `${idle} (${config.services[idle]}) runs ${idleService.taskDefinitionArn}, as prepared; ${live} is live.`,
        `Verify ${idle} again${config.commands.smokeTest ? ' and run smoke-test-command' : ''}, then shift: ${steps.map((p) => `${p}%`).join(' → ')}; bake for ${formatDurationInput(config.bakeTimeMs)}.`,
      ]);
    }
    await beforeIdleChanges(run, found, { ...(binding ? { binding } : {}), refusal }, 'promoted');
    if (sticky?.release) await releaseIdle(run, idle, sticky.until);
    await verifyIdle(run, Math.max(1, idleService.desiredCount));
    return switchTraffic(run, found);
  });
}

/** Refuses, naming what changed, when the idle colour is not what prepare left. Reads only. */
export function checkPrepared(config: Config, pair: DiscoveredPair): void {
  const { found, live, idle, liveService, idleService } = pair;
  const expected = config.expectedTaskDefinitionArn ?? '';
  const again = 'Run mode: prepare again for the release you want, then promote what it reports.';
  if (found.drift) {
    throw new PreparedStateChanged(
      `${config.stateParameter} ${found.record === undefined ? 'does not exist' : `records '${found.record}'`} but the listener sends all traffic to ${live}: the pair changed since it was prepared (prepare leaves them matching). Nothing was changed. ${again}`,
    );
  }
  if (idleService.taskDefinitionArn !== expected) {
    const elsewhere = liveService.taskDefinitionArn === expected ? ` ${live} (live) runs it: it was switched to since it was prepared.` : ' Another deploy changed it since it was prepared.';
    throw new PreparedStateChanged(`${idle} (${config.services[idle]}) runs ${idleService.taskDefinitionArn}, not the prepared ${expected}.${elsewhere} Nothing was changed. ${again}`);
  }
  const primary = idleService.deployments.find((d) => d.status === 'PRIMARY');
  // ACTIVE: an older deployment still running or draining. INACTIVE ones are history (ECS lists them briefly).
  const others = idleService.deployments.filter((d) => d.status === 'ACTIVE');
  if (!primary || others.length > 0 || (primary.rolloutState !== undefined && primary.rolloutState !== 'COMPLETED')) {
    const states = idleService.deployments.map((d) => `${d.status} ${d.taskDefinitionArn} ${d.rolloutState ?? ''}`.trim()).join('; ');
    throw new PreparedStateChanged(`${idle} (${config.services[idle]}) has a rollout in progress (${states}): something is changing it. Nothing was changed; wait for it to finish or ${again.charAt(0).toLowerCase()}${again.slice(1)}`);
  }
  if (idleService.desiredCount === 0 || idleService.runningCount === 0) {
    throw new PreparedStateChanged(`${idle} (${config.services[idle]}) runs ${idleService.runningCount} of ${idleService.desiredCount} task(s): it was scaled down since it was prepared. Nothing was changed. ${again}`);
  }
}



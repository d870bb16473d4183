// The deploy flow, top to bottom as the deployment happens:
// check the pair → lock → discover → open the verification route → deploy idle → verify idle → shift →
// bake → finalize, and on any failure once the production listener has changed: restore the snapshot,
// restore the record, fail (listener/deploy-run.ts). `mode: prepare` (prepare.ts) runs the first half and
// `mode: promote` (promote.ts) the second: each phase here is a function of the one run they share; the
// phases around the idle colour that engine: traffic shares are in listener/idle.ts.
import { parityCount } from './capacity.js';
import { commandFor, runTeamCommand } from '../../flow/commands.js';
import type { FlowDeps, FlowResult } from '../../flow/context.js';
import { commandContext, dryRunResult, lockedRun, phase, type DeployRun } from '../listener/deploy-run.js';
import { discoverPair, type DiscoveredPair } from './discover-pair.js';
import { beforeIdleChanges, planSticky, releaseIdle, verifyIdle } from '../listener/idle.js';
import { serviceColours } from './colours.js';
import { ROLLOUT_POLL_MS, updateIdleService, waitForRollout } from './deploy-idle.js';
import { runMigrationTask } from '../../flow/migration-task.js';
import { planLines } from '../listener/plan.js';
import { switchTraffic } from '../listener/switch.js';
import { deploySettings, materialise, resolveTaskDefinition, type ResolvedTaskDefinition } from '../../flow/task-definition.js';
import { pollInterval } from '../../flow/target-health.js';
import type { Config } from '../../types.js';

export async function deploy(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return lockedRun(config, deps, serviceColours, async (run) => {
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

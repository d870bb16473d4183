// engine: ecs, mode deploy — ECS's built-in blue/green on one service, with the action as its gatekeeper,
// top to bottom as the deployment happens: check the service → refuse a deployment already in flight →
// lock (when a state parameter is given) → register the task definition → the team's pre-deploy command
// and task → UpdateService with the task definition only → find the service deployment → follow it,
// deciding at each PAUSE (builtin-follow.ts) → record the live task definition → post-deploy-command.
// ECS moves the weights and scales the old revision down; the action never writes a listener rule here.
import * as core from '@actions/core';
import { CommandFailed, errorMessage, InputError } from '../../errors.js';
import { formatDurationInput } from '../../duration.js';
import { saveJson, StateKey, type Phase } from '../../state.js';
import type { Config } from '../../types.js';
import { follow, FOLLOW_POLL_MS, type Followed } from './follow.js';
import { commandContext } from './gates.js';
import { IN_FLIGHT } from './rollback.js';
import { readBuiltInService, requireHoldable, requireService, type BuiltInSetup } from './service.js';
import { runRollbackCommand, runTeamCommand } from '../../flow/commands.js';
import { newNotes, type FlowDeps, type FlowNotes, type FlowResult } from '../../flow/context.js';
import { holdLock, letGoOfLock } from '../../flow/lock.js';
import { runMigrationTask } from '../../flow/migration-task.js';
import { pollInterval } from '../../flow/target-health.js';
import { deploySettings, materialise, resolveTaskDefinition } from '../../flow/task-definition.js';

/** What post needs to find the deployment main started, even when main died before it knew its ARN. */
export interface SavedServiceDeployment {
  cluster: string;
  service: string;
  /** Epoch ms just before UpdateService: a deployment created after it is this run's. */
  startedAfter: number;
  arn?: string;
}

/**
 * `mode: rollback` deploys a given task definition (the previous revision's) and records it as a rollback;
 * `mode: prepare` stops at the POST_TEST_TRAFFIC_SHIFT pause once its gate passed (`holdAt`).
 */
export interface Release {
  taskDefinitionArn?: string;
  why?: string;
  task?: 'deploy' | 'deploy:rollback';
  holdAt?: string;
}

export async function builtInDeploy(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return builtInRun(config, deps, {});
}

/**
 * The deploy, also used by `mode: rollback` after a finished deployment (the previous revision's task
 * definition goes through the same gates): `release` then replaces the task-definition input.
 */
export async function builtInRun(config: Config, deps: FlowDeps, release: Release): Promise<FlowResult> {
  const notes = newNotes();
  const phase = (p: Phase) => deps.state.save(StateKey.Phase, p);
  phase('started');
  const setup = await readBuiltInService(config, deps);
  if (release.holdAt) requireHoldable(config, setup, release.holdAt);
  await refuseInFlight(config, deps);
  const lock = await holdLock(config, deps, notes.notes);
  if (lock) phase('locked');
  try {
    return await deployThrough(config, deps, notes, setup, release);
  } finally {
    await letGoOfLock(lock, deps);
  }
}

async function deployThrough(config: Config, deps: FlowDeps, notes: FlowNotes, setup: BuiltInSetup, release: Release): Promise<FlowResult> {
  const { ports, clock, timeline, state } = deps;
  const service = requireService(config);
  const phase = (p: Phase) => state.save(StateKey.Phase, p);
  const resolved = release.taskDefinitionArn
    ? { description: `${release.taskDefinitionArn} (${release.why ?? 'given'})`, images: [], existingArn: release.taskDefinitionArn }
    : await resolveTaskDefinition(ports.ecs, config, setup.service.taskDefinitionArn);
  notes.release = { description: resolved.description, images: resolved.images };

  if (config.dryRun) {
    notes.plan = planLines(config, setup, resolved.description);
    core.info(['Dry run: nothing will be changed. The plan:', ...notes.plan.map((l) => `  ${l}`)].join('\n'));
    return { outcome: { status: 'no-op', taskDefinitionArn: setup.service.taskDefinitionArn, rolledBack: false }, notes };
  }

  const taskDefinitionArn = 'existingArn' in resolved ? resolved.existingArn : await timeline.run('Register the task definition', () => materialise(ports.ecs, resolved));
  notes.release = { description: resolved.description, images: resolved.images, taskDefinitionArn };
  const base = { taskDefinitionArn, rolledBack: false } as const;
  refuseNoDeployment(config, setup, taskDefinitionArn);
  try {
    await runTeamCommand(config, deps, notes, 'pre-deploy', commandContext({ config, taskDefinitionArn }));
    if (config.commands.preDeployTask) await runMigrationTask(config, deps, await ports.ecs.describeService(config.cluster, service), taskDefinitionArn);
  } catch (error) {
    phase('settled');
    return { outcome: { status: 'failed', ...base }, notes, error: withOutput(error instanceof Error ? error : new Error(errorMessage(error)), error), errorTitle: `Deploy of ${service} stopped before it started: nothing changed` };
  }
  deps.records?.start({ task: release.task ?? 'deploy', colour: service, taskDefinitionArn });

  // From the UpdateService call on, post must be able to find the deployment even if main dies now.
  const saved: SavedServiceDeployment = { cluster: config.cluster, service, startedAfter: clock.now() - 1_000 };
  saveJson(state, StateKey.ServiceDeployment, saved);
  phase('deploying');
  const arn = await timeline.run(`Start the deployment of ${service}`, async () => {
    // The task definition only: re-sending loadBalancers would undo ECS's swap of the target groups.
    await ports.ecs.updateService(config.cluster, service, { taskDefinitionArn, ...deploySettings(config) });
    return findDeployment(config, deps, service, saved.startedAfter, taskDefinitionArn);
  });
  saveJson(state, StateKey.ServiceDeployment, { ...saved, arn });
  core.info(`Service deployment: ${arn} (${setup.service.strategy}).`);

  const followed = await follow({ config, deps, notes, setup, arn, taskDefinitionArn, ...(release.holdAt ? { holdAt: release.holdAt } : {}) });
  return settleFollowed(config, deps, notes, followed, { taskDefinitionArn, arn });
}

/** How the deployment ended, as the run reports it: live, held for promote, rolled back (read back), or failed. */
export async function settleFollowed(config: Config, deps: FlowDeps, notes: FlowNotes, followed: Followed, run: { taskDefinitionArn: string; arn: string }): Promise<FlowResult> {
  const service = requireService(config);
  const phase = (p: Phase) => deps.state.save(StateKey.Phase, p);
  const { taskDefinitionArn, arn } = run;
  const base = { taskDefinitionArn, rolledBack: false } as const;
  const outcome = { ...base, serviceDeploymentArn: arn, ...(followed.switchedAt ? { switchedAt: followed.switchedAt } : {}) };
  if (followed.end === 'held') return held(deps, notes, service, outcome, followed);
  if (followed.end === 'succeeded') return succeeded(config, deps, notes, outcome);
  phase(followed.end === 'rolled-back' && !followed.rollbackFinished ? 'rolling-back' : 'settled');
  if (followed.end === 'failed') {
    return { outcome: { status: 'failed', ...outcome }, notes, error: withOutput(new Error(followed.reason ?? 'The service deployment failed.'), followed.cause), errorTitle: `Deploy of ${service} failed` };
  }
  const reason = followed.reason ?? 'rolled back';
  await runRollbackCommand(config, deps, notes, { ...commandContext({ config, taskDefinitionArn }), rollbackReason: reason });
  return {
    outcome: { ...outcome, status: 'rolled-back', rolledBack: true, rollbackReason: reason },
    notes,
    error: withOutput(new Error(rolledBackMessage(service, reason, followed)), followed.cause),
    errorTitle: followed.rollbackFinished ? `Rolled back ${service}` : `Rolling back ${service}: not finished`,
  };
}

/**
 * `mode: prepare`: the gate at POST_TEST_TRAFFIC_SHIFT passed and its hook waits for `mode: promote`. Nothing is
 * half-done — the paused deployment is what prepare leaves — so post is told to leave it alone.
 */
function held(deps: FlowDeps, notes: FlowNotes, service: string, outcome: { taskDefinitionArn: string; serviceDeploymentArn: string; rolledBack: false }, followed: Followed): FlowResult {
  deps.state.save(StateKey.ServiceDeployment, '');
  deps.state.save(StateKey.Phase, 'settled');
  const hook = followed.heldHook;
  const until = hook?.expiresAt ? ` before ${new Date(hook.expiresAt).toISOString()}, when ECS times the hook out (${hook.timeoutAction ?? 'ROLLBACK'})` : '';
  const message =
    `${service}'s service deployment ${outcome.serviceDeploymentArn} waits at POST_TEST_TRAFFIC_SHIFT with the gate passed: the new revision runs ${outcome.taskDefinitionArn} ` +
    `with the test traffic and no user reaches it. To go live, run mode: promote with expected-task-definition-arn: ${outcome.taskDefinitionArn}${until}.`;
  core.notice(message, { title: `Prepared ${service}; users stay on the previous revision` });
  notes.notes.push(message);
  return { outcome: { status: 'succeeded', ...outcome }, notes };
}

/** ECS reported SUCCESSFUL: record it, then the team's command after the deploy. */
async function succeeded(config: Config, deps: FlowDeps, notes: FlowNotes, outcome: { taskDefinitionArn: string; serviceDeploymentArn: string; rolledBack: false; switchedAt?: string }): Promise<FlowResult> {
  const service = requireService(config);
  deps.state.save(StateKey.Phase, 'settled');
  if (config.stateParameter) {
    try {
      await deps.ports.ssm.put(config.stateParameter, outcome.taskDefinitionArn, `Live task definition of ECS service ${service}`);
    } catch (error) {
      core.warning(`The deploy succeeded, but ${config.stateParameter} could not be written: ${errorMessage(error)}`);
      notes.notes.push(`${config.stateParameter} was not updated: ${errorMessage(error)}`);
    }
  }
  try {
    await runTeamCommand(config, deps, notes, 'post-deploy', commandContext({ config, taskDefinitionArn: outcome.taskDefinitionArn }));
  } catch (error) {
    return {
      outcome: { status: 'failed', ...outcome },
      notes,
      error: withOutput(new Error(`${service} runs ${outcome.taskDefinitionArn} (ECS finished the deployment SUCCESSFUL and scaled the previous revision down); only the command after it failed: ${errorMessage(error)}.`), error),
      errorTitle: `Deployed ${service}, but post-deploy-command failed`,
    };
  }
  return { outcome: { status: 'succeeded', ...outcome }, notes };
}

function rolledBackMessage(service: string, reason: string, f: Followed): string {
  const traffic = f.productionMoved ? 'production traffic had reached the new revision and is back on the previous one' : 'no production traffic had reached the new revision';
  const read = f.last ? `ECS reports the deployment ${f.last.status}${f.last.lifecycleStage ? ` (stage ${f.last.lifecycleStage})` : ''}, read back` : 'ECS could not be read back';
  const end = f.rollbackFinished ? '' : ': the rollback had not finished when the action stopped waiting — check the service, post looks again';
  return `Rolled back the deployment of ${service}: ${reason}. ${traffic[0]?.toUpperCase()}${traffic.slice(1)}; ${read}${end}.`;
}

/**
 * ECS starts no service deployment for the task definition the service already runs: the run would wait out
 * wait-timeout for one. Refused before the first change, unless force-new-deployment asks for new tasks of it.
 */
function refuseNoDeployment(config: Config, setup: BuiltInSetup, taskDefinitionArn: string): void {
  if (config.forceNewDeployment || taskDefinitionArn !== setup.service.taskDefinitionArn) return;
  throw new InputError(
    'task-definition',
    taskDefinitionArn,
    `a task definition other than the one ${setup.service.serviceName} runs already: ECS starts no deployment for it. Set force-new-deployment: true to start new tasks of it anyway (a new image behind the same tag, say)`,
  );
}

/** Refused before any change: a new deployment would supersede one in flight (and its hooks). */
async function refuseInFlight(config: Config, deps: FlowDeps): Promise<void> {
  const service = requireService(config);
  const [running] = await deps.ports.deployments.list(config.cluster, service, { statuses: IN_FLIGHT });
  if (!running) return;
  const d = await deps.ports.deployments.describe(running.arn);
  throw new Error(
    `Service deployment ${running.arn} of ${service} is ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}: a new deployment would supersede it. Wait for it to finish, or roll it back with mode: rollback, then deploy again.`,
  );
}

/**
 * UpdateService returns no deployment ARN that AWS documents as this call's: the newest deployment in flight
 * created after the call began, whose target revision runs this task definition, is this run's (the lock and
 * the in-flight refusal keep others out). ECS may take a moment to list it.
 */
async function findDeployment(config: Config, deps: FlowDeps, service: string, startedAfter: number, taskDefinitionArn: string): Promise<string> {
  const { ports, clock, signal } = deps;
  const deadline = clock.now() + config.waitTimeoutMs;
  const pollMs = pollInterval(config.health.intervalMs, FOLLOW_POLL_MS);
  for (;;) {
    const candidates = await ports.deployments.list(config.cluster, service, { statuses: IN_FLIGHT, createdAfter: startedAfter - 60_000 });
    for (const c of candidates) {
      if (!c.targetRevisionArn || (await ports.deployments.revisionTaskDefinition(c.targetRevisionArn)) === taskDefinitionArn) return c.arn;
    }
    if (clock.now() + pollMs > deadline) {
      throw new Error(`ECS listed no service deployment of ${taskDefinitionArn} for ${service} within wait-timeout (${formatDurationInput(config.waitTimeoutMs)}) after UpdateService: check the service's deployments in the ECS console.`);
    }
    await clock.sleep(pollMs, signal);
  }
}

function planLines(config: Config, setup: BuiltInSetup, release: string): string[] {
  const s = setup.service;
  return [
    `Service ${s.serviceName}: ${s.strategy}, runs ${s.taskDefinitionArn}; the new revision starts in ${setup.newTargetGroup}.`,
    `Task definition: ${release}.`,
    ...(config.commands.preDeploy ? ['Run pre-deploy-command.'] : []),
    ...(config.commands.preDeployTask ? [`Run a one-off task with pre-deploy-task-command ${JSON.stringify(config.commands.preDeployTask)}.`] : []),
    `UpdateService with the task definition only; follow the service deployment (each wait on ECS up to ${formatDurationInput(config.waitTimeoutMs)}).`,
    `At POST_TEST_TRAFFIC_SHIFT: the new revision's targets${config.health.url ? `, ${config.health.healthyThreshold} passes of ${config.health.url}` : ''}${config.alarms.length ? ', the alarms' : ''}${config.commands.smokeTest ? ', smoke-test-command' : ''}; then CONTINUE or ROLLBACK.`,
    ...(setup.pauseStages.has('PRE_PRODUCTION_TRAFFIC_SHIFT') ? ['At each PRE_PRODUCTION_TRAFFIC_SHIFT: the same checks, and the production URL once it serves the new revision.'] : []),
    setup.pauseStages.has('POST_PRODUCTION_TRAFFIC_SHIFT')
      ? `At POST_PRODUCTION_TRAFFIC_SHIFT: hold for bake-time (${formatDurationInput(config.bakeTimeMs)}) while watching, then CONTINUE (ECS bakes ${s.bakeTimeInMinutes ?? 0} min more).`
      : `Watch through ECS's own bake (${s.bakeTimeInMinutes ?? 0} min) until SUCCESSFUL.`,
    ...(config.stateParameter ? [`Record the live task definition in ${config.stateParameter}.`] : []),
    ...(config.commands.postDeploy ? ['Run post-deploy-command.'] : []),
  ];
}

/** A failed command's last output lines, after the error's own story (the annotation shows both). */
function withOutput(error: Error, cause: unknown): Error {
  if (!(cause instanceof CommandFailed) || cause.lastLines.length === 0) return error;
  return new Error(`${error.message}\nLast ${cause.lastLines.length} line(s) of ${cause.input}:\n${cause.lastLines.join('\n')}`);
}

// `pre-deploy-task-command`: a one-off ECS task of the NEW task definition before the idle service is
// updated — a database migration from inside the VPC, which the runner usually cannot reach. It runs
// where the idle service runs its tasks (launch type or capacity providers, network configuration), with
// the command overriding one container's, and must stop with exit code 0 within `wait-timeout`. A task
// that runs too long, or a cancelled job, stops it: a migration the pipeline no longer follows must not
// keep running unseen.
import * as core from '@actions/core';
import type { ServiceInfo, TaskState } from '../aws/ports.js';
import { Cancelled, CommandFailed, errorMessage } from '../errors.js';
import { formatDurationInput } from '../duration.js';
import { Heartbeat, timeLeft } from '../report/heartbeat.js';
import type { Config } from '../types.js';
import type { FlowDeps } from './context.js';

const INPUT = 'pre-deploy-task-command';
const POLL_MS = 5_000;

export async function runMigrationTask(config: Config, deps: FlowDeps, idleService: ServiceInfo, taskDefinitionArn: string): Promise<void> {
  const command = config.commands.preDeployTask;
  if (!command) return;
  const { ports, timeline } = deps;
  await timeline.run(`Run ${INPUT}`, async () => {
    const container = await chooseContainer(deps, config, taskDefinitionArn);
    const options = config.preDeployTask;
    const { enableECSManagedTags, propagateTags } = config.serviceSettings;
    // RunTask refuses SERVICE (a standalone task has no service to copy tags from): the task gets none.
    if (propagateTags === 'SERVICE') core.info(`propagate-tags SERVICE applies to the services only: RunTask refuses it, so the ${INPUT} task is started without propagateTags.`);
    const taskArn = await ports.ecs.runTask({
      cluster: config.cluster,
      taskDefinitionArn,
      placement: idleService.placement ?? {},
      containerName: container,
      command,
      startedBy: options.startedBy,
      ...(options.tags.length > 0 ? { tags: options.tags } : {}),
      ...(options.environment.length > 0 ? { environment: options.environment } : {}),
      ...(enableECSManagedTags !== undefined ? { enableECSManagedTags } : {}),
      ...(propagateTags && propagateTags !== 'SERVICE' ? { propagateTags } : {}),
      ...(options.volume ? { volume: options.volume } : {}),
    });
    deps.taskStarted?.(taskArn);
    core.info(`Started task ${taskArn} of ${taskDefinitionArn} (container ${container}: ${JSON.stringify(command)}), placed like ${idleService.serviceName}.`);
    // The environment's names only: its values may be sensitive.
    if (options.environment.length > 0) core.info(`Its environment adds ${options.environment.map((e) => e.name).join(', ')}.`);
    if (options.tags.length > 0 || options.volume) core.info(`Tags: ${options.tags.map((t) => t.key).join(', ') || 'none'}${options.volume ? `; managed EBS volume ${options.volume.name}` : ''}.`);
    let stopped: TaskState | 'timed-out';
    try {
      stopped = await waitUntilStopped(config, deps, taskArn);
    } catch (error) {
      // Cancelled, or ECS could not be read: stop it rather than leave a migration running unseen
      // (with the rescue ports after a cancellation: the runner's window is short).
      const cancelled = error instanceof Cancelled;
      await stop(config, deps, taskArn, cancelled ? 'the deploy job was cancelled' : `the action lost track of it: ${errorMessage(error)}`, cancelled);
      throw error;
    }
    if (stopped === 'timed-out') {
      const why = `it ran longer than wait-timeout (${formatDurationInput(config.waitTimeoutMs)})`;
      await stop(config, deps, taskArn, why, false);
      throw new CommandFailed(`${INPUT} task ${taskArn} was stopped: ${why}. Nothing else was changed.`, INPUT, []);
    }
    const ran = stopped.containers.find((c) => c.name === container);
    const code = ran?.exitCode;
    if (code === 0) {
      core.info(`${INPUT}: task ${taskArn} exited with code 0.`);
      return;
    }
    const exit = code === undefined ? `container ${container} has no exit code (it never ran${ran?.reason ? `: ${ran.reason}` : ''})` : `exited with code ${code}`;
    throw new CommandFailed(
      `${INPUT} failed: task ${taskArn} ${exit}; ${stopped.stopCode ? `${stopped.stopCode}: ` : ''}${stopped.stoppedReason ?? 'no stopped reason'}. Nothing else was changed; its output is in the task's logs (${consoleLink(config, taskArn)}).`,
      INPUT,
      [],
    );
  });
}

/** Polls the task until ECS reports it STOPPED, or `wait-timeout` runs out. */
async function waitUntilStopped(config: Config, deps: FlowDeps, taskArn: string): Promise<TaskState | 'timed-out'> {
  const { clock, signal } = deps;
  const deadline = clock.now() + config.waitTimeoutMs;
  const heartbeat = new Heartbeat(clock);
  const pollMs = Math.min(POLL_MS, config.health.intervalMs);
  const id = taskArn.split('/').pop() ?? taskArn;
  let last = '';
  for (;;) {
    const task = await deps.ports.ecs.describeTask(config.cluster, taskArn);
    if (task.lastStatus === 'STOPPED') return task;
    if (task.lastStatus !== last) core.info(`Task ${id}: ${task.lastStatus}`);
    else heartbeat.beat(() => `Task ${id}: still ${task.lastStatus} (${timeLeft(deadline, clock.now())} of wait-timeout)`);
    last = task.lastStatus;
    if (clock.now() + pollMs > deadline) return 'timed-out';
    await clock.sleep(pollMs, signal);
  }
}

async function stop(config: Config, deps: FlowDeps, taskArn: string, why: string, rescue: boolean): Promise<void> {
  const ports = rescue && deps.rescuePorts ? deps.rescuePorts() : deps.ports;
  try {
    await ports.ecs.stopTask(config.cluster, taskArn, `ecs-blue-green-action: ${why}`);
    core.info(`Stopped task ${taskArn}: ${why}.`);
  } catch (error) {
    core.warning(`Could not stop task ${taskArn} (${errorMessage(error)}): stop it in the console.`);
  }
}

/** `container-name` when given, else the task definition's first essential container (ECS's default: essential). */
async function chooseContainer(deps: FlowDeps, config: Config, taskDefinitionArn: string): Promise<string> {
  if (config.containerName) return config.containerName;
  const definition = await deps.ports.ecs.describeTaskDefinition(taskDefinitionArn);
  const containers = definition.containerDefinitions ?? [];
  const chosen = containers.find((c) => c.essential !== false) ?? containers[0];
  if (!chosen?.name) throw new Error(`${taskDefinitionArn} has no container to run ${INPUT} in.`);
  return chosen.name;
}

function consoleLink(config: Config, taskArn: string): string {
  const id = taskArn.split('/').pop() ?? taskArn;
  return `https://${config.region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(config.cluster.split('/').pop() ?? config.cluster)}/tasks/${id}/logs`;
}

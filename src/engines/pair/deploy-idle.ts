// Deploy the idle colour and wait, truthfully, for ECS to finish the rollout.
import * as core from '@actions/core';
import type { EcsPort, ServiceInfo } from '../../aws/ports.js';
import type { DeploySettings } from '../../flow/task-definition.js';
import { DeploymentFailed } from '../../errors.js';
import { Heartbeat, timeLeft } from '../../report/heartbeat.js';
import { parityCount } from './capacity.js';
import type { Clock } from '../../types.js';

/** How often the rollout is polled by default; ECS's own waiter uses 15 s, we want to notice a FAILED rollout sooner. */
export const ROLLOUT_POLL_MS = 5_000;

export interface IdleDeployment {
  deploymentId: string;
  desiredCount: number;
}

export async function updateIdleService(
  ecs: EcsPort,
  cluster: string,
  idle: ServiceInfo,
  live: ServiceInfo,
  taskDefinitionArn: string,
  settings: DeploySettings = {},
): Promise<IdleDeployment> {
  // The idle colour must carry the live load when it takes over (capacity.ts checks again before the
  // switch): one UpdateService starts the new revision at the live count.
  const needed = parityCount(live.desiredCount);
  const scaleUp = idle.desiredCount < needed ? needed : undefined;
  if (scaleUp !== undefined) core.info(`${idle.serviceName} wants ${idle.desiredCount} task(s), ${live.serviceName} ${live.desiredCount}: deploying it with ${scaleUp}.`);
  const deploymentId = await ecs.updateService(cluster, idle.serviceName, { taskDefinitionArn, ...(scaleUp !== undefined ? { desiredCount: scaleUp } : {}), ...settings });
  core.info(`Updated ${idle.serviceName} to ${taskDefinitionArn} (deployment ${deploymentId}).`);
  return { deploymentId, desiredCount: scaleUp ?? idle.desiredCount };
}

/**
 * Polls DescribeServices until our deployment is COMPLETED. Written instead of the SDK's
 * waitUntilServicesStable because that waiter only compares running and desired counts: a rollout
 * that the circuit breaker rolled back to the old revision reads as "stable", and a FAILED rollout is
 * only noticed at the timeout. Here FAILED, a replaced PRIMARY and a wrong task definition fail at once.
 */
export async function waitForRollout(
  ecs: EcsPort,
  cluster: string,
  service: string,
  expected: { deploymentId: string; taskDefinitionArn: string },
  timeoutMs: number,
  clock: Clock,
  signal?: AbortSignal,
  pollMs = ROLLOUT_POLL_MS,
): Promise<ServiceInfo> {
  const deadline = clock.now() + timeoutMs;
  const heartbeat = new Heartbeat(clock);
  let lastProgress = '';
  for (;;) {
    const info = await ecs.describeService(cluster, service);
    const primary = info.deployments.find((d) => d.status === 'PRIMARY');
    const ours = info.deployments.find((d) => d.id === expected.deploymentId);
    const fail = (why: string) => new DeploymentFailed(`${service}: ${why}`, info.events);
    if (!primary) throw fail('ECS reports no PRIMARY deployment.');
    if (primary.id !== expected.deploymentId) {
      throw fail(
        `deployment ${expected.deploymentId} is no longer PRIMARY (now ${primary.id}, running ${primary.taskDefinitionArn}); ECS rolled it back or another deploy replaced it.`,
      );
    }
    if (primary.taskDefinitionArn !== expected.taskDefinitionArn) {
      throw fail(`the PRIMARY deployment runs ${primary.taskDefinitionArn}, not ${expected.taskDefinitionArn}.`);
    }
    if (primary.rolloutState === 'FAILED') {
      throw fail(`ECS marked the rollout FAILED: ${(primary.rolloutStateReason ?? 'no reason given').replace(/\.$/, '')}.`);
    }
    const othersGone = info.deployments.every((d) => d === ours || d.runningCount === 0);
    const completed =
      primary.rolloutState === 'COMPLETED' ||
      // Services on an external or CODE_DEPLOY controller carry no rolloutState: use the counts.
      (primary.rolloutState === undefined && othersGone && primary.runningCount === primary.desiredCount);
    if (completed && primary.runningCount >= primary.desiredCount) {
      core.info(`${service}: rollout completed, ${primary.runningCount}/${primary.desiredCount} tasks running ${primary.taskDefinitionArn}.`);
      return info;
    }
    const progress = `${primary.rolloutState ?? 'in progress'}: ${primary.runningCount}/${primary.desiredCount} running, ${primary.failedTasks} failed`;
    if (progress !== lastProgress) {
      core.info(`${service}: ${progress}`);
      heartbeat.reset();
    } else {
      heartbeat.beat(() => `${service}: still ${progress} (${timeLeft(deadline, clock.now())} of wait-timeout)`);
    }
    lastProgress = progress;
    if (clock.now() + pollMs > deadline) {
      throw fail(`the rollout did not complete within wait-timeout (${Math.round(timeoutMs / 1000)} s); last seen ${progress}. Raise 'wait-timeout' if the service needs longer.`);
    }
    await clock.sleep(pollMs, signal);
  }
}

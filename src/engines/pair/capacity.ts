// Capacity parity: the colour about to receive traffic must run at least as many tasks as the colour
// it takes over from has desired *at that moment* — Application Auto Scaling may have scaled the live
// service up during the rollout, or scaled the idle one in (it serves no traffic, so its metrics say it
// can shrink) — and every one of them must be a healthy target, before any weight moves. Otherwise a
// switch from 10 tasks to 2 sends every user to 2.
import * as core from '@actions/core';
import { NotEnoughCapacity } from '../../errors.js';
import type { Colour, Config } from '../../types.js';
import type { FlowDeps } from '../../flow/context.js';
import { waitForColourHealthy } from '../../flow/target-health.js';

/** The count the receiving colour needs; never 0, so a live service at 0 does not excuse an empty one. */
export const parityCount = (liveDesired: number): number => Math.max(1, liveDesired);

/**
 * Scales `to` up to `from`'s desired count when it runs fewer, waits (within wait-timeout) until that
 * many of its targets are healthy, then checks the count held. Returns the count ensured.
 */
export async function ensureCapacity(config: Config, deps: FlowDeps, to: Colour, from: Colour): Promise<number> {
  const { ports } = deps;
  const [source, receiver] = await Promise.all([
    ports.ecs.describeService(config.cluster, config.services[from]),
    ports.ecs.describeService(config.cluster, config.services[to]),
  ]);
  const needed = parityCount(source.desiredCount);
  if (receiver.desiredCount < needed) {
    core.info(`${receiver.serviceName} (${to}) wants ${receiver.desiredCount} task(s) but ${source.serviceName} (${from}) wants ${needed} now: scaling ${to} to ${needed} before any traffic moves.`);
    await ports.ecs.updateService(config.cluster, receiver.serviceName, { desiredCount: needed });
  }
  await waitForColourHealthy(config, deps, to, needed);
  // Auto Scaling may have scaled the receiver in again while we waited: the count must still hold.
  const after = await ports.ecs.describeService(config.cluster, receiver.serviceName);
  if (after.desiredCount < needed) {
    throw new NotEnoughCapacity(
      `Not moving traffic to ${to}: ${after.serviceName} wants ${after.desiredCount} task(s) again, fewer than the ${needed} ${source.serviceName} (${from}) runs, after it was scaled to ${needed}. ` +
        `Application Auto Scaling probably scaled the idle service in (it has no traffic yet). Keep the idle service's minimum capacity at the live count during deploys ` +
        `(aws application-autoscaling register-scalable-target --min-capacity), or suspend its dynamic scale-in while deploying, then run again.`,
    );
  }
  core.info(`${to} can carry ${from}'s load: ${after.desiredCount} task(s) wanted, at least ${needed} healthy targets.`);
  return needed;
}

// Gate on the ALB's own view of the targets: every registered target of the colour must be healthy.
import * as core from '@actions/core';
import type { ElbPort, TargetHealth } from '../aws/ports.js';
import { HealthCheckFailed } from '../errors.js';
import { Heartbeat, timeLeft } from '../report/heartbeat.js';
import type { Clock, Colour, Config } from '../types.js';
import type { FlowDeps } from './context.js';

/**
 * Between DescribeTargetHealth polls: 5 s (ALB health checks themselves run every 5-300 s), or the
 * health-check interval when that is shorter, so a user who asks for fast checks gets fast polling.
 */
export const TARGET_HEALTH_POLL_MS = 5_000;
export const pollInterval = (healthCheckIntervalMs: number, defaultMs: number): number => Math.max(250, Math.min(defaultMs, healthCheckIntervalMs));

export const healthyCount = (targets: TargetHealth[]): number => targets.filter((t) => t.state === 'healthy').length;

export const describeTargets = (targets: TargetHealth[]): string =>
  targets.length === 0
    ? 'no registered targets'
    : targets.map((t) => `${t.id}${t.port ? `:${t.port}` : ''} ${t.state}${t.reason ? ` (${t.reason})` : ''}`).join(', ');

export interface TargetGateOptions {
  elb: ElbPort;
  /** What the group holds, for messages: a colour, or `new revision` (engine: ecs). */
  colour: Colour | string;
  targetGroupArn: string;
  /** At least this many healthy targets (the service's desired count). */
  minHealthy: number;
  deadline: number;
  clock: Clock;
  signal?: AbortSignal;
  /** Between polls; defaults to TARGET_HEALTH_POLL_MS. */
  pollMs?: number;
  /** Called once if the group's targets are `unused` (no listener forwards to it), to attach it with weight 0. */
  onUnused?: () => Promise<void>;
}

/** Resolves when every target that is not draining is healthy and there are at least minHealthy of them. */
export async function waitForHealthyTargets(opts: TargetGateOptions): Promise<TargetHealth[]> {
  const pollMs = opts.pollMs ?? TARGET_HEALTH_POLL_MS;
  const heartbeat = new Heartbeat(opts.clock);
  let attached = false;
  let last = '';
  for (;;) {
    const targets = (await opts.elb.describeTargetHealth(opts.targetGroupArn)).filter((t) => t.state !== 'draining');
    const seen = describeTargets(targets);
    if (targets.length >= opts.minHealthy && targets.length > 0 && targets.every((t) => t.state === 'healthy')) {
      core.info(`${opts.colour} targets healthy: ${seen}`);
      return targets;
    }
    if (!attached && opts.onUnused && targets.some((t) => t.state === 'unused')) {
      attached = true;
      await opts.onUnused();
    }
    if (seen !== last) {
      core.info(`${opts.colour} targets: ${seen}`);
      heartbeat.reset();
    } else {
      heartbeat.beat(() => `${opts.colour} targets still: ${seen} (need ${opts.minHealthy} healthy; ${timeLeft(opts.deadline, opts.clock.now())})`);
    }
    last = seen;
    if (opts.clock.now() + pollMs > opts.deadline) {
      throw new HealthCheckFailed(
        `The ${opts.colour} target group's targets did not all become healthy in time (need ${opts.minHealthy}); last seen: ${seen}. Check the target group's health check path and the tasks' logs.`,
      );
    }
    await opts.clock.sleep(pollMs, opts.signal);
  }
}

/** Until `needed` of the colour's targets are healthy, within wait-timeout. */
export function waitForColourHealthy(config: Config, deps: FlowDeps, colour: Colour, needed: number): Promise<TargetHealth[]> {
  const { ports, clock, signal } = deps;
  return waitForHealthyTargets({
    elb: ports.elb,
    colour,
    targetGroupArn: config.targetGroups[colour],
    minHealthy: needed,
    pollMs: pollInterval(config.health.intervalMs, TARGET_HEALTH_POLL_MS),
    deadline: clock.now() + config.waitTimeoutMs,
    clock,
    signal,
  });
}

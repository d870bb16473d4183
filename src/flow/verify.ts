// The gate a colour passes before it takes traffic: every target healthy in the ALB's eyes, then
// healthy-threshold consecutive passes of health-check-url, both within wait-timeout.
import * as core from '@actions/core';
import { waitUntilHealthy } from '../health/gate.js';
import { substituteColour } from '../health/probe.js';
import type { Colour, Config } from '../types.js';
import type { FlowDeps } from './context.js';
import { pollInterval, TARGET_HEALTH_POLL_MS, waitForHealthyTargets } from './target-health.js';

export interface VerifyOptions {
  /** At least this many healthy targets. */
  minHealthy: number;
  /** Called once if the colour's target group is `unused`, to attach it to the listener. */
  onUnused?: () => Promise<void>;
}

/** Resolves when the colour passed; returns false when there is no health-check-url (target health only). */
export async function verifyColour(config: Config, deps: FlowDeps, colour: Colour, options: VerifyOptions): Promise<boolean> {
  const { clock, signal } = deps;
  const deadline = clock.now() + config.waitTimeoutMs;
  await waitForHealthyTargets({
    elb: deps.ports.elb,
    colour,
    targetGroupArn: config.targetGroups[colour],
    minHealthy: options.minHealthy,
    pollMs: pollInterval(config.health.intervalMs, TARGET_HEALTH_POLL_MS),
    deadline,
    clock,
    signal,
    ...(options.onUnused ? { onUnused: options.onUnused } : {}),
  });
  if (!config.health.url) return false;
  await probeUntilHealthy(config, deps, substituteColour(config.health.url, colour), deadline);
  return true;
}

/** healthy-threshold consecutive passes of `url` before `deadline`, each probe logged. */
export async function probeUntilHealthy(config: Config, deps: FlowDeps, url: string, deadline: number): Promise<void> {
  await waitUntilHealthy({
    probe: deps.probe,
    url,
    threshold: config.health.healthyThreshold,
    intervalMs: config.health.intervalMs,
    deadlineMs: deadline,
    clock: deps.clock,
    signal: deps.signal,
    onResult: (r, consecutive) => core.info(`${r.ok ? 'pass' : 'FAIL'} ${consecutive}/${config.health.healthyThreshold} ${url}: ${r.detail}`),
  });
}

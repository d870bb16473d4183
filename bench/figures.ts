// The figures, each computed from one observed deploy. They return undefined when the deploy did not go the
// way the figure assumes (no switch, no rollback), so a bad run shows as a missing sample, not a wrong number.
import { durationMs } from '../sandbox/demo/duration.js';
import type { ObservedDeploy } from './observed-deploy.js';

const allTo = (o: ObservedDeploy, colour: 'blue' | 'green', sinceMs: number) =>
  o.listener.find((c) => c.at >= sinceMs && c[colour] > 0 && c[colour === 'blue' ? 'green' : 'blue'] === 0);

/** The colour the deploy went to: the one not live before it (read from the listener, not the outputs). */
const newColour = (o: ObservedDeploy): 'blue' | 'green' => (o.liveBefore === 'blue' ? 'green' : 'blue');

/**
 * Passed verification → production listener changed: from the arrival of the action's last passing probe line
 * (`pass N/N`) to the sandbox applying the ModifyListener that sends all traffic to the new colour.
 */
export function switchLatencyMs(o: ObservedDeploy): number | undefined {
  const passed = o.lines.filter((l) => l.step === 'main' && /^pass (\d+)\/\1 /.test(l.line)).pop();
  const colour = newColour(o);
  if (!passed) return undefined;
  const switched = allTo(o, colour, passed.at);
  return switched ? switched.at - passed.at : undefined;
}

/**
 * Degradation → listener restored: from the first user request that failed after the switch (the moment users
 * saw the new colour break) to the sandbox applying the rollback's ModifyListener.
 */
export function timeToRestoreMs(o: ObservedDeploy): number | undefined {
  const colour = newColour(o);
  if (o.timed.run.outputs.status !== 'rolled-back') return undefined;
  const switched = allTo(o, colour, o.timed.startedAt);
  const restored = switched && allTo(o, colour === 'blue' ? 'green' : 'blue', switched.at);
  if (!switched || !restored) return undefined;
  const failedAt = o.traffic.failures.map((f) => Date.parse(f.at)).filter((at) => at >= switched.at && at <= restored.at);
  return failedAt.length > 0 ? restored.at - Math.min(...failedAt) : undefined;
}

export interface TimeBreakdown {
  /** Main's whole process time. */
  mainMs: number;
  /** Spawn → first AWS request. */
  startupMs: number;
  /** UpdateService → the sandbox marks the rollout COMPLETED (its tasks started and passed the ALB's checks). */
  awsRolloutMs: number;
  /** COMPLETED → the action logs it noticed (its poll interval at work). */
  noticeLagMs: number;
  /** What the inputs ask the action to wait: (healthy-threshold − 1) × interval between passing probes, and the bake. */
  configuredWaitMs: number;
  /** mainMs − awsRolloutMs − configuredWaitMs: everything the action spent that neither AWS nor its inputs imposed. */
  beyondMs: number;
}

/** Where a successful deploy's time went. */
export function timeBreakdown(o: ObservedDeploy): TimeBreakdown | undefined {
  const { main } = o.timed.run;
  const { timings } = o;
  const idleService = newColour(o);
  const update = o.requests.find((r) => r.operation === 'UpdateService');
  const completed = o.rollouts.find((e) => e.rolloutState === 'COMPLETED' && e.service.endsWith(`-${idleService}`) && update && e.at >= update.at);
  const noticed = o.lines.find((l) => l.step === 'main' && /rollout completed/.test(l.line));
  const first = o.requests[0];
  if (o.timed.run.outputs.status !== 'succeeded' || !update || !completed || !noticed || !first) return undefined;
  const awsRolloutMs = completed.at - update.at;
  const configuredWaitMs = (timings.healthyThreshold - 1) * durationMs(timings.interval) + durationMs(timings.bakeTime);
  return {
    mainMs: main.durationMs,
    startupMs: first.at - main.startedAt,
    awsRolloutMs,
    noticeLagMs: noticed.at - completed.at,
    configuredWaitMs,
    beyondMs: main.durationMs - awsRolloutMs - configuredWaitMs,
  };
}

/** AWS requests by operation, main and post together. */
export function requestsByOperation(o: ObservedDeploy): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of o.requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  return counts;
}

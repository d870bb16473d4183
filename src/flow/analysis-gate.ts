// Real-user analysis in the flow: started when the first users reach the new colour (pair and traffic: the
// first weight moved; engine: ecs: ECS moved production traffic), then one window per watched wait.
import type { Analysis } from '../analysis/analysis.js';
import { HealthCheckFailed } from '../errors.js';
import { watch, type WatchCheck } from '../health/gate.js';
import { watchLog } from '../health/watch-log.js';
import type { Colour, Config } from '../types.js';
import type { FlowDeps, FlowNotes } from './context.js';

/**
 * Starts the analysis, when configured, of `fresh` against `previous` behind `listenerOrRuleArn`, from
 * `startedAt`. Its code is loaded only then: a deploy without analysis starts as fast as before.
 */
export async function startAnalysis(
  config: Config,
  deps: FlowDeps,
  notes: FlowNotes,
  sides: { fresh: { label: string; targetGroupArn: string }; previous: { label: string; targetGroupArn: string }; listenerOrRuleArn: string },
  startedAt: number,
): Promise<Analysis | undefined> {
  if (!config.analysis) return undefined;
  const { Analysis, loadBalancerDimension, targetGroupDimension } = await import('../analysis/analysis.js');
  const subject = (label: string, targetGroupArn: string) => ({ label, loadBalancer: loadBalancerDimension(sides.listenerOrRuleArn), targetGroup: targetGroupDimension(targetGroupArn) });
  const analysis = new Analysis({
    config: config.analysis,
    metrics: deps.ports.metrics,
    clock: deps.clock,
    signal: deps.signal,
    region: config.region,
    fresh: subject(sides.fresh.label, sides.fresh.targetGroupArn),
    previous: subject(sides.previous.label, sides.previous.targetGroupArn),
    startedAt,
  });
  notes.analysis = analysis;
  return analysis;
}

/** The pair's and traffic's colours: `idle` is the one users are moving to. */
export const colourSides = (config: Config, live: Colour, idle: Colour) => ({
  fresh: { label: idle, targetGroupArn: config.targetGroups[idle] },
  previous: { label: live, targetGroupArn: config.targetGroups[live] },
  listenerOrRuleArn: config.listenerRuleArn ?? config.listenerArn,
});

/**
 * Watches `checks` for `durationMs`; with analysis, for as long as the window's last minute needs to be
 * published and judged, then concludes it. Throws HealthCheckFailed with what failed.
 */
export async function watchWindow(deps: FlowDeps, config: Config, checks: WatchCheck[], durationMs: number, during: string, analysis: Analysis | undefined): Promise<void> {
  const { clock, signal } = deps;
  const window = analysis?.window(clock.now(), durationMs, during);
  const all = window ? [...checks, window.check] : checks;
  const length = window?.watchMs ?? durationMs;
  const result = await watch({ checks: all, intervalMs: config.health.intervalMs, durationMs: length, clock, signal, onTick: watchLog(during, all, clock.now() + length, clock) });
  if (!result.ok) {
    // The analysis names its own minutes, and its headline must lead the one-line reason.
    if (result.check === window?.check.name) throw new HealthCheckFailed(`real-user analysis failed during ${during}: ${result.detail}`);
    throw new HealthCheckFailed(`${result.check} failed during ${during} at ${result.at}: ${result.detail}${result.results.length > 1 ? ` (streak: ${result.results.join(' | ')})` : ''}`);
  }
  await window?.conclude();
}

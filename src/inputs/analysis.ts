// The real-user analysis inputs: on when any of analysis-max-error-rate, -max-error-increase, -max-p99 is
// set. Rates take `%`, times take units; a step wait or bake too short to judge is refused with its minimum.
import { minimumWindowMs, minuteLength, type AnalysisConfig, type P99Bound } from '../analysis/config.js';
import { formatDurationInput, parseDuration } from '../duration.js';
import { InputError } from '../errors.js';
import type { Mode, TrafficShift } from '../types.js';
import { type InputName, type InputReader } from './contract.js';
import { refuseIfGiven } from './engine-inputs.js';
import { parseCount } from './health.js';

const ON: readonly InputName[] = ['analysis-max-error-rate', 'analysis-max-error-increase', 'analysis-max-p99'];
const TUNING: readonly InputName[] = ['analysis-min-requests', 'analysis-failure-limit', 'analysis-inconclusive', 'analysis-count-4xx'];

/** `1%`, `0.5 %`: a percentage from 0 to 100, the `%` required (a bare 1 could be a fraction or a percent). */
export function parsePercent(input: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(value.trim());
  const percent = match ? Number(match[1]) : NaN;
  if (!match || percent > 100) {
    const bare = /^\d+(?:\.\d+)?$/.test(value.trim()) ? `: write ${value.trim()}% (a bare number could be a fraction or a percentage)` : '';
    throw new InputError(input, value, `a percentage from 0% to 100% such as 1% or 0.5%${bare}`);
  }
  return percent;
}

/** `800ms`, `1.5s` (absolute) or `1.5x` (times the previous colour's p99 over the same minutes). */
export function parseP99(input: string, value: string): P99Bound {
  const text = value.trim();
  const factor = /^(\d+(?:\.\d+)?)\s*x$/i.exec(text);
  if (factor) {
    const n = Number(factor[1]);
    if (n < 1) throw new InputError(input, value, 'a factor of at least 1x (the previous colour\'s p99 itself), such as 1.5x');
    return { kind: 'relative', factor: n };
  }
  let ms: number;
  try {
    ms = parseDuration(input, text);
  } catch {
    throw new InputError(input, value, 'a response time with a unit such as 800ms or 1.5s, or a factor of the previous colour\'s p99 such as 1.5x');
  }
  if (ms <= 0) throw new InputError(input, value, 'a response time above 0, such as 800ms');
  return { kind: 'absolute', ms };
}

function parseInconclusive(input: string, value: string): 'fail' | 'pass' {
  const v = value.trim().toLowerCase();
  if (v === 'fail' || v === 'pass') return v;
  throw new InputError(input, value, "fail (a window with too few judged minutes rolls back: 'not enough traffic to judge') or pass");
}

function parseBoolean(input: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw new InputError(input, value, 'true or false');
}

/** The analysis configuration, or undefined when none of the three bounds is set (then the tuning inputs are refused). */
export function readAnalysis(
  inputs: InputReader,
  ctx: { mode: Mode | undefined; trafficShift: TrafficShift | undefined; bakeTimeMs: number | undefined; ownShift: boolean },
  env: NodeJS.ProcessEnv,
): AnalysisConfig | undefined {
  const on = ON.some((name) => inputs.raw(name) !== '');
  if (!on) {
    for (const name of TUNING) refuseIfGiven(inputs, name, `no value without analysis: it tunes the real-user analysis, which is on when ${ON.join(', ')} or both are set`);
    return undefined;
  }
  if (ctx.mode === 'status' || ctx.mode === 'rollback') {
    for (const name of [...ON, ...TUNING]) refuseIfGiven(inputs, name, `no value with mode: ${ctx.mode}: it moves no users to a new release, so there is nothing to judge (analysis runs in mode: deploy and promote)`);
    return undefined;
  }
  const maxErrorRate = inputs.optional('analysis-max-error-rate', parsePercent);
  const maxErrorIncrease = inputs.optional('analysis-max-error-increase', parsePercent);
  const maxP99 = inputs.optional('analysis-max-p99', parseP99);
  const minRequests = inputs.read('analysis-min-requests', (i, v) => parseCount(i, v, 1, 1_000_000));
  const failureLimit = inputs.read('analysis-failure-limit', (i, v) => parseCount(i, v, 1, 60));
  const inconclusive = inputs.read('analysis-inconclusive', parseInconclusive);
  const count4xx = inputs.read('analysis-count-4xx', parseBoolean);
  if (minRequests === undefined || failureLimit === undefined || inconclusive === undefined || count4xx === undefined) return undefined;
  const analysis: AnalysisConfig = {
    ...(maxErrorRate !== undefined ? { maxErrorRate } : {}),
    ...(maxErrorIncrease !== undefined ? { maxErrorIncrease } : {}),
    ...(maxP99 ? { maxP99 } : {}),
    minRequests,
    failureLimit,
    inconclusive,
    count4xx,
    minuteMs: minuteLength(env),
  };
  checkWindows(inputs, analysis, ctx);
  return analysis;
}

/** Every window analysis judges must hold failureLimit whole minutes: a shorter one could never roll back. */
function checkWindows(inputs: InputReader, a: AnalysisConfig, ctx: { trafficShift: TrafficShift | undefined; bakeTimeMs: number | undefined; ownShift: boolean }): void {
  const min = minimumWindowMs(a);
  const why = `with analysis-failure-limit ${a.failureLimit}: analysis judges whole CloudWatch minutes, and ${a.failureLimit} failing minute(s) in a row must fit in every window whatever second it starts at`;
  if (ctx.bakeTimeMs !== undefined && ctx.bakeTimeMs < min) {
    inputs.report(new InputError('bake-time', inputs.raw('bake-time'), `at least ${formatDurationInput(min)} ${why}`));
  }
  const shift = ctx.trafficShift;
  // traffic-shift's waits are the action's only where it moves the weights (engine: ecs follows the service's strategy).
  if (ctx.ownShift && shift && shift.kind !== 'all-at-once' && shift.waitMs < min) {
    inputs.report(new InputError('traffic-shift', inputs.raw('traffic-shift'), `a wait of at least ${formatDurationInput(min)} between steps ${why}`));
  }
}

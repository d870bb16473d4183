// Real-user analysis: what the inputs ask of the ALB's per-target-group metrics, and the facts of
// CloudWatch's minute that every part of the analysis shares.

/** `analysis-max-p99`: an absolute bound, or a factor of the previous colour's p99 over the same minutes. */
export type P99Bound = { kind: 'absolute'; ms: number } | { kind: 'relative'; factor: number };

export interface AnalysisConfig {
  /** `analysis-max-error-rate`, percent: the new colour's (target 5xx + connection errors) ÷ requests in a minute above it fails the minute. */
  maxErrorRate?: number;
  /** `analysis-max-error-increase`, percentage points above the previous colour's rate (same minute, or before the shift). */
  maxErrorIncrease?: number;
  /** `analysis-max-p99`. */
  maxP99?: P99Bound;
  /** `analysis-min-requests`: a minute with fewer requests on the new colour is inconclusive, not a pass. */
  minRequests: number;
  /** `analysis-failure-limit`: failing minutes in a row that roll back. */
  failureLimit: number;
  /** `analysis-inconclusive`: what a window that ends with fewer than failureLimit judged minutes does. */
  inconclusive: 'fail' | 'pass';
  /** `analysis-count-4xx`: target 4xx count as errors too. */
  count4xx: boolean;
  /** How long CloudWatch's minute lasts: 60 000 on AWS (see minuteLength). */
  minuteMs: number;
}

/**
 * Minutes after its end at which a minute is judged. ALB publishes its metrics per minute, some time after
 * the minute ends, and the newest minute is incomplete for a while: the action judges a minute only once it
 * ended this long ago, and never takes a missing minute for a healthy one.
 */
export const PUBLICATION_MINUTES = 2;
/** Minutes before the first shift whose previous-colour figures are the baseline (all-at-once, the bake). */
export const BASELINE_MINUTES = 5;

/**
 * The sandbox compresses time: its CloudWatch minute lasts BLUE_GREEN_SANDBOX_MINUTE_MS. Honoured only with a
 * custom endpoint (AWS_ENDPOINT_URL), so no variable can change what a minute means against AWS.
 */
export function minuteLength(env: NodeJS.ProcessEnv): number {
  const scaled = Number(env.BLUE_GREEN_SANDBOX_MINUTE_MS);
  return env.AWS_ENDPOINT_URL && Number.isInteger(scaled) && scaled >= 100 ? scaled : 60_000;
}

/**
 * The shortest step wait or bake analysis can judge: failureLimit whole minutes must fit in it whatever
 * second it starts at, so failureLimit + 1 minutes.
 */
export const minimumWindowMs = (a: Pick<AnalysisConfig, 'failureLimit' | 'minuteMs'>): number => (a.failureLimit + 1) * a.minuteMs;

/** What the analysis is configured to judge, in words for the log and the summary. */
export function describeCriteria(a: AnalysisConfig): string[] {
  const errors = `target 5xx${a.count4xx ? ' + 4xx' : ''} + connection errors`;
  return [
    ...(a.maxErrorRate !== undefined ? [`${errors} ≤ ${a.maxErrorRate}% of requests`] : []),
    ...(a.maxErrorIncrease !== undefined ? [`error rate at most ${a.maxErrorIncrease} points above the previous colour's`] : []),
    ...(a.maxP99 ? [a.maxP99.kind === 'absolute' ? `p99 response time ≤ ${a.maxP99.ms} ms` : `p99 response time ≤ ${a.maxP99.factor}× the previous colour's`] : []),
  ];
}

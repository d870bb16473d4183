// The verdict on one minute: the new colour's figures against the bounds, and against the previous colour
// (the same minute while it still serves users, else its minutes before the first shift). Pure.
import type { AnalysisConfig } from './config.js';
import type { ColourMinute, MinuteFigures } from './query.js';

/**
 * A relative p99 bound ignores differences smaller than this: on a fast service p99 wanders from 2 ms to
 * 5 ms between minutes, which is 2.5× and harms nobody.
 */
export const P99_SLACK_MS = 25;

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** The previous colour's figures a minute is compared with, and where they come from. */
export interface Reference {
  rate?: number;
  p99Ms?: number;
  from: 'same minute' | 'before the shift';
}

export interface JudgedMinute extends MinuteFigures {
  verdict: Verdict;
  /** The new colour's error rate in percent, when it had requests. */
  rate?: number;
  reference?: Reference;
  /** Why it failed (each bound exceeded) or why it is inconclusive. */
  reasons: string[];
  /** The bounds exceeded, in a few words each (`error rate 5.1% > 1%`): for one-line reasons such as a deployment record's 140 characters. */
  brief: string[];
}

export const errorRate = (m: ColourMinute): number => (m.requests > 0 ? (100 * m.errors) / m.requests : 0);
/** `5%`, `0.25%`, `12.5%`: at most two decimals, no trailing zeros. */
export const pct = (n: number): string => `${Number(n.toFixed(n < 10 ? 2 : 1))}%`;
export const ms = (n: number): string => `${Math.round(n)} ms`;

/** The previous colour's figures over the minutes before the first shift; undefined with too little traffic. */
export function baselineOf(a: AnalysisConfig, minutes: MinuteFigures[]): Omit<Reference, 'from'> | undefined {
  const served = minutes.map((m) => m.previous).filter((p): p is ColourMinute => p !== undefined);
  const requests = served.reduce((n, p) => n + p.requests, 0);
  if (requests < a.minRequests) return undefined;
  const errors = served.reduce((n, p) => n + p.errors, 0);
  const p99s = served.map((p) => p.p99Ms).filter((v): v is number => v !== undefined).sort((x, y) => x - y);
  // The median minute's p99: one slow minute before the deploy must not excuse a slow release.
  const p99Ms = p99s.length > 0 ? p99s[Math.floor((p99s.length - 1) / 2)] : undefined;
  return { rate: (100 * errors) / requests, ...(p99Ms !== undefined ? { p99Ms } : {}) };
}

function referenceFor(a: AnalysisConfig, m: MinuteFigures, baseline: Omit<Reference, 'from'> | undefined): Reference | undefined {
  const previous = m.previous;
  if (previous && previous.requests >= a.minRequests) return { rate: errorRate(previous), ...(previous.p99Ms !== undefined ? { p99Ms: previous.p99Ms } : {}), from: 'same minute' };
  return baseline ? { ...baseline, from: 'before the shift' } : undefined;
}

export function judgeMinute(a: AnalysisConfig, m: MinuteFigures, baseline: Omit<Reference, 'from'> | undefined, label: string): JudgedMinute {
  const fresh = m.fresh;
  if (!fresh || fresh.requests < a.minRequests) {
    const seen = fresh ? `${fresh.requests} request(s)` : 'no RequestCount datapoint (no requests, or not published yet)';
    return { ...m, verdict: 'inconclusive', reasons: [`${label} had ${seen}, fewer than analysis-min-requests ${a.minRequests}`], brief: [] };
  }
  const rate = errorRate(fresh);
  const reference = referenceFor(a, m, baseline);
  const failures: string[] = [];
  const brief: string[] = [];
  const unjudged: string[] = [];
  const refText = reference ? `the previous colour's ${reference.from === 'same minute' ? 'same minute' : 'minutes before the shift'}` : '';
  if (a.maxErrorRate !== undefined && rate > a.maxErrorRate) {
    failures.push(`error rate ${pct(rate)} (${fresh.errors}/${fresh.requests}) > analysis-max-error-rate ${a.maxErrorRate}%`);
    brief.push(`error rate ${pct(rate)} > ${a.maxErrorRate}%`);
  }
  if (a.maxErrorIncrease !== undefined) {
    if (reference?.rate === undefined) unjudged.push('no previous-colour error rate to compare with');
    else if (rate - reference.rate > a.maxErrorIncrease) {
      failures.push(`error rate ${pct(rate)} is ${pct(rate - reference.rate)} points above ${refText} ${pct(reference.rate)} > analysis-max-error-increase ${a.maxErrorIncrease}%`);
      brief.push(`error rate ${pct(rate)} vs ${pct(reference.rate)} (+${a.maxErrorIncrease}% allowed)`);
    }
  }
  const bound = a.maxP99;
  if (bound) {
    if (fresh.p99Ms === undefined) unjudged.push('no response time datapoint');
    else if (bound.kind === 'absolute') {
      if (fresh.p99Ms > bound.ms) {
        failures.push(`p99 ${ms(fresh.p99Ms)} > analysis-max-p99 ${bound.ms} ms`);
        brief.push(`p99 ${ms(fresh.p99Ms)} > ${bound.ms} ms`);
      }
    } else if (reference?.p99Ms === undefined) unjudged.push('no previous-colour p99 to compare with');
    else if (fresh.p99Ms > bound.factor * reference.p99Ms && fresh.p99Ms - reference.p99Ms > P99_SLACK_MS) {
      failures.push(`p99 ${ms(fresh.p99Ms)} > analysis-max-p99 ${bound.factor}× ${refText} ${ms(reference.p99Ms)}`);
      brief.push(`p99 ${ms(fresh.p99Ms)} > ${bound.factor}× ${ms(reference.p99Ms)}`);
    }
  }
  const verdict: Verdict = failures.length > 0 ? 'fail' : unjudged.length > 0 ? 'inconclusive' : 'pass';
  return { ...m, verdict, rate, ...(reference ? { reference } : {}), reasons: failures.length > 0 ? failures : unjudged, brief };
}

// The real-user analysis of one deployment: from the first shift on, each window (a step's wait, the bake)
// judges the whole CloudWatch minutes inside it once they are published, one GetMetricData call per
// evaluation. Failing minutes in a row (analysis-failure-limit) roll back; a window ends only after its last
// minute was judged; a minute that could not be read is never a pass.
import * as core from '@actions/core';
import type { MetricsPort } from '../aws/metrics-port.js';
import { errorMessage, HealthCheckFailed } from '../errors.js';
import type { WatchCheck } from '../health/gate.js';
import { timeOfDay } from '../report/format.js';
import type { Clock } from '../types.js';
import { BASELINE_MINUTES, PUBLICATION_MINUTES, type AnalysisConfig } from './config.js';
import { baselineOf, judgeMinute, ms, pct, type JudgedMinute, type Reference } from './judge.js';
import { consoleSource, minuteFigures, minuteLabel, queriesFor, type ColourMinute, type Subject } from './query.js';

// The flow loads this module only when analysis is configured; it takes the ARN parsing from here too.
export { loadBalancerDimension, targetGroupDimension } from './query.js';

export interface AnalysisSetup {
  config: AnalysisConfig;
  metrics: MetricsPort;
  clock: Clock;
  signal: AbortSignal;
  region: string;
  fresh: Subject;
  previous: Subject;
  /** When the first user reached the new colour: the baseline is the minutes before. */
  startedAt: number;
}

/** What the job summary shows of the analysis. */
export interface AnalysisReport {
  fresh: string;
  previous: string;
  criteria: AnalysisConfig;
  minutes: JudgedMinute[];
  consoleSource: string;
  /** Why it rolled back, when it did. */
  failure?: string;
  /** ELB-generated 5xx of the whole load balancer per minute, before the first shift and over the judged minutes: context only. */
  elb5xxPerMinute?: { before: number; since: number };
}

export interface AnalysisWindow {
  /** Runs beside the other watch checks: fails once failing minutes in a row reach the limit. */
  check: WatchCheck;
  /** How long the watch must last so the window's last minute is published and judged. */
  watchMs: number;
  /** After the watch: judges what is left, then fails or passes what stayed inconclusive (analysis-inconclusive). */
  conclude(): Promise<void>;
}

const at = (start: number) => timeOfDay(new Date(start).toISOString());
const side = (c: ColourMinute | undefined) => (c ? `${pct(c.requests > 0 ? (100 * c.errors) / c.requests : 0)} of ${c.requests}${c.p99Ms !== undefined ? `, p99 ${ms(c.p99Ms)}` : ''}` : 'no requests');

export class Analysis {
  private readonly judged = new Map<number, JudgedMinute>();
  private streak: JudgedMinute[] = [];
  private baseline: Omit<Reference, 'from'> | undefined | null = null;
  private baselineRead = false;
  private elbBefore?: number;
  private failure?: string;
  private readError?: string;

  constructor(private readonly s: AnalysisSetup) {}

  private get minute(): number {
    return this.s.config.minuteMs;
  }

  window(startMs: number, durationMs: number, during: string): AnalysisWindow {
    const m = this.minute;
    const first = Math.ceil(startMs / m) * m;
    const end = Math.floor((startMs + durationMs) / m) * m;
    const starts: number[] = [];
    for (let t = first; t + m <= end; t += m) starts.push(t);
    const readyAt = end + PUBLICATION_MINUTES * m;
    const check: WatchCheck = {
      name: 'real-user analysis',
      unhealthyThreshold: 1,
      run: async () => {
        await this.evaluate(starts);
        if (this.failure) return { ok: false, detail: this.failure };
        const last = [...starts].reverse().find((t) => this.judged.has(t));
        const next = starts.find((t) => !this.judged.has(t));
        const waiting = next === undefined ? '' : `; minute ${at(next)} is judged once published, from ${at(next + m + PUBLICATION_MINUTES * m)}`;
        return { ok: true, detail: `${last === undefined ? 'no minute judged yet' : `${at(last)} ${this.judged.get(last)?.verdict}`}${this.readError ? ` (CloudWatch: ${this.readError})` : ''}${waiting}` };
      },
    };
    return { check, watchMs: Math.max(durationMs, readyAt - startMs), conclude: () => this.conclude(starts, readyAt, during) };
  }

  /**
   * engine: ecs between its pauses (ECS's own step bakes): judges every whole minute from `fromMs` on as it is
   * published, with no end of its own.
   */
  rollingCheck(fromMs: number): WatchCheck {
    return {
      name: 'real-user analysis',
      unhealthyThreshold: 1,
      run: async () => {
        const m = this.minute;
        const starts: number[] = [];
        for (let t = Math.ceil(fromMs / m) * m; t + m <= this.s.clock.now(); t += m) starts.push(t);
        await this.evaluate(starts);
        return this.failure ? { ok: false, detail: this.failure } : { ok: true, detail: `${this.judged.size} minute(s) judged${this.readError ? ` (CloudWatch: ${this.readError})` : ''}` };
      },
    };
  }

  report(): AnalysisReport {
    const { fresh, previous, config, region, startedAt } = this.s;
    const minutes = [...this.judged.values()].sort((x, y) => x.start - y.start);
    const end = (minutes.at(-1)?.start ?? startedAt) + this.minute;
    return {
      fresh: fresh.label,
      previous: previous.label,
      criteria: config,
      minutes,
      consoleSource: consoleSource(config, region, fresh, previous, startedAt - BASELINE_MINUTES * this.minute, end),
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.elbBefore !== undefined && minutes.length > 0 ? { elb5xxPerMinute: { before: this.elbBefore, since: minutes.reduce((n, m) => n + (m.elb5xx ?? 0), 0) / minutes.length } } : {}),
    };
  }

  /** Reads and judges every minute of `starts` that is published and not judged yet: one call, or none. */
  private async evaluate(starts: number[]): Promise<void> {
    if (this.failure) return;
    const m = this.minute;
    const now = this.s.clock.now();
    const pending = starts.filter((t) => !this.judged.has(t) && t + m + PUBLICATION_MINUTES * m <= now);
    const [firstPending] = pending;
    if (firstPending === undefined) return;
    const baselineStart = Math.floor(this.s.startedAt / m) * m - BASELINE_MINUTES * m;
    const from = this.baselineRead ? firstPending : Math.min(baselineStart, firstPending);
    let series;
    try {
      series = await this.s.metrics.read(queriesFor(this.s.config, this.s.fresh, this.s.previous), from, (pending.at(-1) ?? firstPending) + m);
      this.readError = undefined;
    } catch (error) {
      // No evidence either way: the minutes stay unjudged, to be read at the next tick (conclude decides).
      // One annotation per outage (GitHub shows ten a step), every retry in the log.
      const message = errorMessage(error);
      const report = this.readError === undefined ? core.warning : core.info;
      this.readError = message;
      report(`Could not read the ALB metrics for the analysis (retried at the next check): ${message}`);
      return;
    }
    if (!this.baselineRead) {
      // Per target group, the previous colour's minute in which the shift happened is still only its own
      // requests: it belongs to the baseline too.
      const before: number[] = [];
      for (let t = baselineStart; t < this.s.startedAt; t += m) before.push(t);
      const beforeFigures = minuteFigures(series, before);
      this.baseline = baselineOf(this.s.config, beforeFigures) ?? null;
      this.elbBefore = beforeFigures.reduce((n, f) => n + (f.elb5xx ?? 0), 0) / Math.max(1, before.length);
      this.baselineRead = true;
      core.info(`Analysis baseline (${this.s.previous.label} before the shift): ${this.baseline ? `${pct(this.baseline.rate ?? 0)} errors${this.baseline.p99Ms !== undefined ? `, p99 ${ms(this.baseline.p99Ms)}` : ''}` : 'too little traffic to compare with'}.`);
    }
    for (const figures of minuteFigures(series, pending)) this.record(judgeMinute(this.s.config, figures, this.baseline ?? undefined, this.s.fresh.label));
  }

  private record(j: JudgedMinute): void {
    this.judged.set(j.start, j);
    const { fresh, previous, config } = this.s;
    core.info(
      `Analysis ${at(j.start)}: ${fresh.label} ${side(j.fresh)} | ${previous.label} ${side(j.previous)}${j.elb5xx ? ` | ELB 5xx ${j.elb5xx}` : ''} → ${j.verdict.toUpperCase()}${j.reasons.length > 0 ? ` (${j.reasons.join('; ')})` : ''}`,
    );
    if (j.verdict === 'pass') this.streak = [];
    if (j.verdict !== 'fail') return;
    this.streak.push(j);
    if (this.streak.length >= config.failureLimit) {
      // The first words say it all (metric, values, bound, minutes): a deployment record keeps 140 characters.
      const last = this.streak.at(-1) as JudgedMinute;
      const headline = `${fresh.label} ${last.brief.join(', ')} at ${this.streak.map((s) => minuteLabel(s.start)).join(', ')} UTC`;
      const minutes = this.streak.map((s) => `${at(s.start)} ${s.reasons.join(', ')} (${previous.label}: ${side(s.previous)})`).join('; ');
      this.failure = `${headline} — ${fresh.label} failed ${this.streak.length} minute(s) in a row (analysis-failure-limit ${config.failureLimit}): ${minutes}`;
    }
  }

  private async conclude(starts: number[], readyAt: number, during: string): Promise<void> {
    const { clock, signal, config } = this.s;
    // A minute not yet read is read now, waiting for its publication; CloudWatch gets one more minute to answer.
    const giveUpAt = readyAt + this.minute;
    while (!this.failure && starts.some((t) => !this.judged.has(t))) {
      if (clock.now() < readyAt) await clock.sleep(readyAt - clock.now(), signal);
      await this.evaluate(starts);
      if (this.failure || starts.every((t) => this.judged.has(t)) || clock.now() >= giveUpAt) break;
      // Only a failed read leaves a published minute unjudged: try again shortly.
      await clock.sleep(Math.min(5_000, this.minute / 6), signal);
    }
    const fail = (): never => {
      throw new HealthCheckFailed(`real-user analysis failed during ${during}: ${this.failure ?? ''}`);
    };
    if (this.failure) fail();
    const unread = starts.filter((t) => !this.judged.has(t));
    if (unread.length > 0) {
      // Never a pass from missing data, whatever analysis-inconclusive says: that input is about quiet traffic.
      this.failure = `could not read the ALB metrics of ${unread.map(at).join(', ')}${this.readError ? ` (${this.readError})` : ''}; a minute not read is not a healthy minute`;
      fail();
    }
    const conclusive = starts.filter((t) => this.judged.get(t)?.verdict !== 'inconclusive').length;
    if (conclusive >= config.failureLimit) return;
    // Neither target group has a datapoint: CloudWatch had not published the minute, or no user came at all.
    const empty = starts.filter((t) => {
      const j = this.judged.get(t);
      return j?.verdict === 'inconclusive' && !j.fresh && !j.previous;
    }).length;
    const cause = empty > 0 && empty === starts.length - conclusive ? `not enough data to judge (no datapoint for either colour in ${empty} minute(s): not published yet, or no user at all)` : 'not enough traffic to judge';
    const why = `${cause}: ${conclusive} of ${starts.length} minute(s) had a verdict, analysis-failure-limit needs ${config.failureLimit} (${starts.map((t) => `${at(t)} ${this.judged.get(t)?.reasons.join(', ') ?? ''}`).join('; ')})`;
    if (config.inconclusive === 'pass') {
      core.warning(`Real-user analysis during ${during}: ${why}; analysis-inconclusive: pass lets it through.`, { title: 'Analysis inconclusive' });
      return;
    }
    this.failure = why;
    fail();
  }
}

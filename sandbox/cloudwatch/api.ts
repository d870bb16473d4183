// CloudWatch: alarms, whose state the sandbox's control API sets (the action only reads them), and
// GetMetricData over the metrics the ALB data plane recorded (metrics.ts, metric-math.ts).
import { arns, type Account } from '../core/ids.js';
import { AwsError } from '../core/aws-error.js';
import { aggregate, evaluate, MAX_DATAPOINTS, statistic, type Series } from './metric-math.js';
import { unitOf, type AlbMetrics, type Dimension } from './metrics.js';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface Alarm {
  name: string;
  state: AlarmStateValue;
  reason: string;
  updatedAt: Date;
  createdAt: Date;
}

export class AlarmModel {
  readonly alarms = new Map<string, Alarm>();

  /** Creates the alarm if needed and sets its state, as CloudWatch's SetAlarmState would. */
  set(name: string, state: AlarmStateValue, reason = `Set by the sandbox to ${state}`): void {
    const existing = this.alarms.get(name);
    this.alarms.set(name, { name, state, reason, updatedAt: new Date(), createdAt: existing?.createdAt ?? new Date() });
  }
}

export function cloudWatchOperations(
  model: AlarmModel,
  account: Account,
  metrics: AlbMetrics,
): Record<string, (input: Record<string, unknown>) => unknown> {
  const pages = new MetricDataPages();
  return {
    GetMetricData: (input) => getMetricData(input, metrics, pages),
    DescribeAlarms(input) {
      const names = input.AlarmNames as string[] | undefined;
      if (names && names.length > 100) {
        throw new AwsError('ValidationError', `1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100`);
      }
      const prefix = input.AlarmNamePrefix as string | undefined;
      const state = input.StateValue as string | undefined;
      const alarms = [...model.alarms.values()].filter(
        (a) =>
          (!names || names.length === 0 || names.includes(a.name)) &&
          (prefix === undefined || a.name.startsWith(prefix)) &&
          (state === undefined || a.state === state),
      );
      return {
        MetricAlarms: alarms.map((a) => ({
          AlarmName: a.name,
          AlarmArn: arns.alarm(account, a.name),
          AlarmConfigurationUpdatedTimestamp: a.createdAt,
          ActionsEnabled: true,
          OKActions: [],
          AlarmActions: [],
          InsufficientDataActions: [],
          StateValue: a.state,
          StateReason: a.reason,
          StateUpdatedTimestamp: a.updatedAt,
          StateTransitionedTimestamp: a.updatedAt,
          MetricName: 'HTTPCode_Target_5XX_Count',
          Namespace: 'AWS/ApplicationELB',
          Statistic: 'Sum',
          Dimensions: [],
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        })),
        CompositeAlarms: [],
      };
    },
  };
}

interface MetricDataQuery {
  Id?: string;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }; Period?: number; Stat?: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
}

/** One returned query's datapoints, in ScanBy order. */
interface Result {
  Id: string;
  Label: string;
  points: [number, number][];
}

const invalid = (message: string) => new AwsError('ValidationError', message);

/** Pages issued and not yet read: the results are computed once, so later pages stay consistent with the first. */
class MetricDataPages {
  private readonly issued = new Map<string, { request: string; results: Result[]; offset: number }>();
  private next = 1;

  issue(request: string, results: Result[], offset: number): string {
    const token = `sandbox-metric-data-${this.next++}`;
    this.issued.set(token, { request, results, offset });
    // Bounded: a caller that never reads its next page leaves at most this many behind.
    if (this.issued.size > 100) this.issued.delete(this.issued.keys().next().value as string);
    return token;
  }

  take(token: string, request: string): { results: Result[]; offset: number } {
    const page = this.issued.get(token);
    if (!page || page.request !== request) throw new AwsError('InvalidNextToken', `The NextToken '${token}' was not issued for this request`);
    this.issued.delete(token);
    return page;
  }
}

function getMetricData(input: Record<string, unknown>, metrics: AlbMetrics, pages: MetricDataPages): unknown {
  const queries = validQueries(input.MetricDataQueries);
  const startMs = timeOf(input.StartTime, 'StartTime');
  const endMs = timeOf(input.EndTime, 'EndTime');
  if (startMs >= endMs) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = input.ScanBy ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalid(`1 validation error detected: Value '${String(scanBy)}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`);
  }
  const max = input.MaxDatapoints ?? MAX_DATAPOINTS;
  if (!Number.isInteger(max) || (max as number) < 1) throw invalid(`The parameter MaxDatapoints must be a positive integer, not '${String(max)}'`);
  const { NextToken: token, ...rest } = input;
  const request = JSON.stringify(rest);
  const { results, offset } =
    typeof token === 'string' ? pages.take(token, request) : { results: compute(queries, metrics, startMs, endMs, scanBy), offset: 0 };
  return page(results, offset, max as number, (next) => pages.issue(request, results, next));
}

function validQueries(raw: unknown): MetricDataQuery[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 500) {
    throw invalid('The parameter MetricDataQueries must contain between 1 and 500 queries.');
  }
  const queries = raw as MetricDataQuery[];
  const ids = new Set<string>();
  for (const q of queries) {
    if (typeof q.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) {
      throw invalid(`The value ${String(q.Id)} for parameter MetricDataQueries.member.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`);
    }
    if (ids.has(q.Id)) throw invalid(`The value ${q.Id} for parameter MetricDataQueries.member.Id is used more than once.`);
    ids.add(q.Id);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw invalid(`The query ${q.Id} must have exactly one of MetricStat and Expression.`);
    }
  }
  return queries;
}

/** JSON 1.0 sends timestamps as epoch seconds (with a fraction); ISO 8601 strings are accepted too. */
function timeOf(value: unknown, name: string): number {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`The parameter ${name} is required and must be a timestamp.`);
  return ms;
}

/** Every query is computed (expressions may use ReturnData:false ones); the returned ones come back in query order. */
function compute(queries: MetricDataQuery[], metrics: AlbMetrics, startMs: number, endMs: number, scanBy: string): Result[] {
  const byId = new Map(queries.map((q) => [q.Id as string, q]));
  const done = new Map<string, Series>();
  const inProgress = new Set<string>();
  const seriesOf = (id: string): Series => {
    const known = done.get(id);
    if (known) return known;
    const q = byId.get(id);
    if (!q) throw invalid(`The expression references the unknown id '${id}'.`);
    if (inProgress.has(id)) throw invalid(`The expression for '${id}' refers to itself.`);
    inProgress.add(id);
    const series = q.MetricStat
      ? metricSeries(q, metrics, startMs, endMs)
      : evaluate(q.Expression as string, { resolve: seriesOf, startMs, endMs });
    inProgress.delete(id);
    done.set(id, series);
    return series;
  };
  for (const q of queries) seriesOf(q.Id as string);
  return queries
    .filter((q) => q.ReturnData !== false)
    .map((q) => {
      const points = [...(done.get(q.Id as string) as Series).points].sort((a, b) => (scanBy === 'TimestampAscending' ? a[0] - b[0] : b[0] - a[0]));
      return { Id: q.Id as string, Label: q.Label ?? q.MetricStat?.Metric?.MetricName ?? (q.Id as string), points };
    });
}

/** Period is in CloudWatch seconds; 60 of them last one sandbox minute (SandboxOptions.minuteMs). */
function metricSeries(q: MetricDataQuery, metrics: AlbMetrics, startMs: number, endMs: number): Series {
  const stat = q.MetricStat as NonNullable<MetricDataQuery['MetricStat']>;
  const at = `MetricDataQueries.member(${q.Id as string}).MetricStat`;
  const { Namespace: namespace, MetricName: name, Dimensions: dims = [] } = stat.Metric ?? {};
  if (typeof namespace !== 'string' || typeof name !== 'string') throw invalid(`The parameters ${at}.Metric.Namespace and MetricName are required.`);
  const period = stat.Period;
  if (!Number.isInteger(period) || (period as number) < 1) throw invalid(`The parameter ${at}.Period is required and must be a positive integer.`);
  const highResolution = [1, 5, 10, 30].includes(period as number);
  if (!highResolution && (period as number) % 60 !== 0) throw invalid(`The parameter ${at}.Period must be 1, 5, 10, 30 or a multiple of 60.`);
  if (typeof stat.Stat !== 'string') throw invalid(`The parameter ${at}.Stat is required.`);
  const fn = statistic(stat.Stat, `${at}.Stat`);
  const periodMs = ((period as number) / 60) * metrics.minuteMs;
  // ALB metrics are standard resolution: a sub-minute period has no data, and a Unit they are not in matches nothing.
  if (highResolution || (stat.Unit !== undefined && stat.Unit !== unitOf(name))) return { periodMs, points: new Map() };
  const from = Math.floor(startMs / periodMs) * periodMs;
  const to = Math.ceil(endMs / periodMs) * periodMs;
  return aggregate(metrics.published(namespace, name, dims, from, to), periodMs, fn);
}

/** Datapoints are paged across results in order: a result cut by the page is PartialData, the rest of it on the next page. */
function page(results: Result[], offset: number, max: number, issue: (next: number) => string): unknown {
  let seen = 0;
  const MetricDataResults = results.map((r) => {
    const first = Math.max(0, offset - seen);
    const last = Math.min(r.points.length, offset + max - seen);
    seen += r.points.length;
    const slice = r.points.slice(first, Math.max(first, last));
    return {
      Id: r.Id,
      Label: r.Label,
      Timestamps: slice.map(([t]) => new Date(t)),
      Values: slice.map(([, v]) => v),
      StatusCode: last < r.points.length ? 'PartialData' : 'Complete',
      Messages: [],
    };
  });
  const next = offset + max;
  return { MetricDataResults, Messages: [], ...(next < seen ? { NextToken: issue(next) } : {}) };
}

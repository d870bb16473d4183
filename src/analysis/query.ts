// The metrics one evaluation reads (one GetMetricData call), and what they say per minute and colour.
// Facts from AWS's "CloudWatch metrics for your Application Load Balancer": per target group the dimensions
// are LoadBalancer + TargetGroup (the ARNs' last parts); ALB publishes only while requests flow, and
// HTTPCode_Target_5XX_Count / TargetConnectionErrorCount have no datapoint in a minute without such errors;
// TargetResponseTime is in seconds; ELB-generated 5xx exist per load balancer only.
import type { MetricQuery, MetricSeries } from '../aws/metrics-port.js';
import type { AnalysisConfig } from './config.js';

/** One side of the comparison: a target group behind a load balancer, and how the log names it. */
export interface Subject {
  label: string;
  /** `app/<name>/<id>` */
  loadBalancer: string;
  /** `targetgroup/<name>/<id>` */
  targetGroup: string;
}

/** What one colour served in one minute. `errors` counts target 5xx (4xx when asked) and connection errors. */
export interface ColourMinute {
  requests: number;
  errors: number;
  /** p99 TargetResponseTime in ms; absent when no response was timed. */
  p99Ms?: number;
}

export interface MinuteFigures {
  start: number;
  fresh?: ColourMinute;
  previous?: ColourMinute;
  /** ELB-generated 5xx of the whole load balancer: context, never the new colour's errors. */
  elb5xx?: number;
}

/** `12:04` for a CloudWatch minute; `12:04:05` for the sandbox's compressed minutes, which start within a minute. */
export function minuteLabel(start: number): string {
  const t = new Date(start).toISOString().slice(11, 19);
  return t.endsWith(':00') ? t.slice(0, 5) : t;
}

/** `app/<name>/<id>` from a load balancer, listener or listener rule ARN. */
export function loadBalancerDimension(arn: string): string {
  const match = /:(?:loadbalancer|listener|listener-rule)\/(app\/[^/]+\/[^/]+)/.exec(arn);
  if (!match?.[1]) throw new Error(`${arn} names no Application Load Balancer (expected …:listener/app/<name>/<id>/…)`);
  return match[1];
}

/** `targetgroup/<name>/<id>` from a target group ARN. */
export function targetGroupDimension(arn: string): string {
  const match = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn);
  if (!match?.[1]) throw new Error(`${arn} is not a target group ARN`);
  return match[1];
}

const NAMESPACE = 'AWS/ApplicationELB';
type Side = 'new' | 'old';

function subjectQueries(a: AnalysisConfig, side: Side, s: Subject): MetricQuery[] {
  const dimensions = { LoadBalancer: s.loadBalancer, TargetGroup: s.targetGroup };
  const metric = (suffix: string, metricName: string, stat = 'Sum'): MetricQuery => ({ id: `${side}_${suffix}`, namespace: NAMESPACE, metricName, dimensions, stat, periodSeconds: 60 });
  return [
    metric('req', 'RequestCount'),
    metric('t5', 'HTTPCode_Target_5XX_Count'),
    metric('ce', 'TargetConnectionErrorCount'),
    ...(a.count4xx ? [metric('t4', 'HTTPCode_Target_4XX_Count')] : []),
    metric('p99', 'TargetResponseTime', 'p99'),
  ];
}

/**
 * Both colours' series and the load balancer's own 5xx, in one call. The error counts are read as they are
 * rather than through metric math: a minute with requests and no error datapoint has 0 errors by AWS's
 * definition, and reading that rule here does not depend on what FILL() makes of a series with no datapoint.
 */
export function queriesFor(a: AnalysisConfig, fresh: Subject, previous: Subject): MetricQuery[] {
  return [
    ...subjectQueries(a, 'new', fresh),
    ...subjectQueries(a, 'old', previous),
    { id: 'lb_elb5', namespace: NAMESPACE, metricName: 'HTTPCode_ELB_5XX_Count', dimensions: { LoadBalancer: fresh.loadBalancer }, stat: 'Sum', periodSeconds: 60 },
  ];
}

/** The figures of each minute start in `starts`, from one read's series. A colour without a RequestCount datapoint served nothing that minute. */
export function minuteFigures(series: MetricSeries[], starts: number[]): MinuteFigures[] {
  const byId = new Map(series.map((s) => [s.id, s.points]));
  const colour = (side: Side, start: number): ColourMinute | undefined => {
    const requests = byId.get(`${side}_req`)?.get(start);
    if (requests === undefined) return undefined;
    const count = (suffix: string) => byId.get(`${side}_${suffix}`)?.get(start) ?? 0;
    const p99 = byId.get(`${side}_p99`)?.get(start);
    return { requests, errors: count('t5') + count('ce') + count('t4'), ...(p99 !== undefined ? { p99Ms: p99 * 1000 } : {}) };
  };
  return starts.map((start) => {
    const fresh = colour('new', start);
    const previous = colour('old', start);
    const elb5xx = byId.get('lb_elb5')?.get(start);
    return { start, ...(fresh ? { fresh } : {}), ...(previous ? { previous } : {}), ...(elb5xx !== undefined ? { elb5xx } : {}) };
  });
}

/**
 * The same figures as the CloudWatch console's graph source (Metrics → Source): paste it to see what the
 * analysis saw, with the error rate as metric math.
 */
export function consoleSource(a: AnalysisConfig, region: string, fresh: Subject, previous: Subject, startMs: number, endMs: number): string {
  const lines: unknown[][] = [];
  for (const [side, s] of [['new', fresh], ['old', previous]] as const) {
    const dims = ['LoadBalancer', s.loadBalancer, 'TargetGroup', s.targetGroup];
    const error = ['HTTPCode_Target_5XX_Count', 'TargetConnectionErrorCount', ...(a.count4xx ? ['HTTPCode_Target_4XX_Count'] : [])];
    lines.push([NAMESPACE, 'RequestCount', ...dims, { id: `${side}_req`, label: `${s.label} requests`, stat: 'Sum' }]);
    error.forEach((name, i) => lines.push([NAMESPACE, name, ...dims, { id: `${side}_e${i}`, stat: 'Sum', visible: false }]));
    const sum = error.map((_, i) => `FILL(${side}_e${i}, 0)`).join(' + ');
    lines.push([{ expression: `100 * (${sum}) / ${side}_req`, id: `${side}_rate`, label: `${s.label} error rate (%)`, yAxis: 'right' }]);
    lines.push([NAMESPACE, 'TargetResponseTime', ...dims, { id: `${side}_p99`, label: `${s.label} p99 (s)`, stat: 'p99' }]);
  }
  const source = { view: 'timeSeries', stacked: false, region, period: 60, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), metrics: lines };
  return JSON.stringify(source, null, 2);
}

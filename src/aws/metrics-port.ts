// The port the real-user analysis reads CloudWatch metrics through (ports.ts re-exports it).

/** One query of a GetMetricData call: a metric's statistic per period (the analysis asks nothing else). */
export interface MetricQuery {
  /** Lower-case first letter, then letters, digits, underscores (CloudWatch's rule). */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** `Sum`, `p99`, … */
  stat: string;
  periodSeconds: number;
}

/** One query's datapoints: value by the start of its period (ms since the epoch). */
export interface MetricSeries {
  id: string;
  points: Map<number, number>;
}

export interface MetricsPort {
  /**
   * One GetMetricData call (paged with NextToken): every query's datapoints in [startMs, endMs). Throws when
   * CloudWatch does not say every series is complete: a partial answer is no evidence either way.
   */
  read(queries: MetricQuery[], startMs: number, endMs: number): Promise<MetricSeries[]>;
}

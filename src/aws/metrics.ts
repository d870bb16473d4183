// MetricsPort over the CloudWatch client: GetMetricData, paged, each series by the start of its period.
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { tagOperations } from './aws-error.js';
import type { ClientConfig } from './client-config.js';
import type { MetricQuery, MetricSeries, MetricsPort } from './metrics-port.js';

/** GetMetricData pages at most this many pages for one read: a runaway NextToken must not loop forever. */
const MAX_PAGES = 20;

const toQuery = (q: MetricQuery): MetricDataQuery => ({
  Id: q.id,
  MetricStat: {
    Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
    Period: q.periodSeconds,
    Stat: q.stat,
  },
  ReturnData: true,
});

export function createMetricsPort(client: CloudWatchClient): MetricsPort {
  return {
    async read(queries, startMs, endMs) {
      const series = new Map<string, MetricSeries>(queries.map((q) => [q.id, { id: q.id, points: new Map() }]));
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const answer = await client.send(
          new GetMetricDataCommand({ MetricDataQueries: queries.map(toQuery), StartTime: new Date(startMs), EndTime: new Date(endMs), ScanBy: 'TimestampAscending', ...(token ? { NextToken: token } : {}) }),
        );
        for (const result of answer.MetricDataResults ?? []) collect(series, result);
        token = answer.NextToken;
        if (!token) return [...series.values()];
      }
      throw new Error(`GetMetricData still had more pages after ${MAX_PAGES}: the answer is incomplete, so nothing was judged from it`);
    },
  };
}

function collect(series: Map<string, MetricSeries>, result: MetricDataResult): void {
  const target = result.Id ? series.get(result.Id) : undefined;
  if (!target) return;
  // PartialData with a NextToken is completed by the next page; InternalError or Forbidden never is.
  if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
    const why = (result.Messages ?? []).map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join('; ');
    throw new Error(`GetMetricData answered ${result.StatusCode} for ${result.Id}${why ? `: ${why}` : ''}`);
  }
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (const [i, at] of timestamps.entries()) {
    const value = values[i];
    if (value !== undefined) target.points.set(at.getTime(), value);
  }
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): MetricsPort => createMetricsPort(tagOperations(new CloudWatchClient(config), 'cloudwatch'));

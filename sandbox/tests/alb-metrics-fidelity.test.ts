// The ALB data plane's CloudWatch metrics, read with the real GetMetricDataCommand. One sandbox minute is
// 1000 ms (Period 60 = one second); each test has its own load balancer, so its series are its own.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { startSandbox, type Sandbox, type TargetPair } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

const MINUTE_MS = 1000;
let sb: Sandbox;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200, deregistrationDelayMs: 200, minuteMs: MINUTE_MS, metricsPublicationDelayMs: 0 });
  clients = clientsFor(sb, { maxAttempts: 1 });
});
afterAll(() => sb.stop());

const lbDimension = (pair: TargetPair) => {
  const arn = sb.world.elb.listener(pair.listenerArn)?.loadBalancerArn ?? '';
  return arn.slice(arn.indexOf('loadbalancer/') + 'loadbalancer/'.length);
};
const tgDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
const dims = (pair: TargetPair, tgArn?: string) => [
  { Name: 'LoadBalancer', Value: lbDimension(pair) },
  ...(tgArn ? [{ Name: 'TargetGroup', Value: tgDimension(tgArn) }] : []),
];
const stat = (Id: string, MetricName: string, Dimensions: { Name: string; Value: string }[], Stat = 'Sum', extra: Partial<MetricDataQuery> = {}): MetricDataQuery => ({
  Id,
  MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions }, Period: 60, Stat },
  ...extra,
});
/** From a minute before `since` to a minute from now: every request of the test falls inside. */
const around = (since: number) => ({ StartTime: new Date(since - 60 * MINUTE_MS), EndTime: new Date(Date.now() + 60 * MINUTE_MS) });
const getData = (MetricDataQueries: MetricDataQuery[], window: { StartTime: Date; EndTime: Date }, extra: Partial<GetMetricDataCommandInput> = {}) =>
  clients.cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries, ...window, ...extra }));
const total = (r: MetricDataResult | undefined) => (r?.Values ?? []).reduce((a, b) => a + b, 0);
const byId = (out: { MetricDataResults?: MetricDataResult[] }, id: string) => out.MetricDataResults?.find((r) => r.Id === id);

async function send(url: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/item/${i}`);
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

async function pairWithGreen(name: string, behaviour: string): Promise<TargetPair> {
  const pair = await sb.createTargetPair({ name, targets: 1, withTestListener: true });
  await pair.replaceTargets('green', { count: 1, version: 'v2', behaviour });
  await sb.waitFor(() => sb.targetHealth(pair.targetGroups.green).some((t) => t.state === 'healthy'), { what: `${name}-green healthy` });
  return pair;
}

/** Waits for the clock itself, not for something to happen by then. */
const clockPast = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

describe('ALB metrics in GetMetricData', () => {
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html:
  // "Metrics for Application Load Balancers exclude health check requests." RequestCount, HTTPCode_Target_2XX_Count
  // have the dimensions LoadBalancer and TargetGroup, LoadBalancer; HTTPCode_ELB_503_Count only LoadBalancer.
  test('counts per load balancer and per target group, health checks excluded, 503s per load balancer only', async () => {
    const since = Date.now();
    const pair = await sb.createTargetPair({ name: 'counts', targets: 1, withTestListener: true });
    expect(await send(pair.testUrl as string, 3)).toEqual([503, 503, 503]); // green has no target yet
    expect(await send(pair.prodUrl, 7)).toEqual(Array(7).fill(200));
    const { blue, green } = pair.targetGroups;
    const out = await getData(
      [
        stat('lb', 'RequestCount', dims(pair)),
        stat('blue', 'RequestCount', dims(pair, blue)),
        stat('green', 'RequestCount', dims(pair, green)),
        stat('ok', 'HTTPCode_Target_2XX_Count', dims(pair, blue)),
        stat('elb503', 'HTTPCode_ELB_503_Count', dims(pair)),
        stat('elb5xx', 'HTTPCode_ELB_5XX_Count', dims(pair)),
        stat('elb503tg', 'HTTPCode_ELB_503_Count', dims(pair, green)),
      ],
      around(since),
    );
    const totals = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, total(r)]));
    expect(totals).toEqual({ lb: 10, blue: 7, green: 0, ok: 7, elb503: 3, elb5xx: 3, elb503tg: 0 });
    expect(byId(out, 'blue')).toMatchObject({ Label: 'RequestCount', StatusCode: 'Complete', Messages: [] });
    for (const t of byId(out, 'lb')?.Timestamps ?? []) expect(t.getTime() % MINUTE_MS).toBe(0);
  });

  // Same page: "If there are no requests flowing through the load balancer or no data for a metric, the metric
  // is not reported." https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html:
  // FILL "Fills the missing values of a time series"; AWS's advice for a vended metric with no datapoints is
  // to "use math expression Fill to fill with 0 when there are no datapoints" (aws/aws-sdk-js-v3#6873).
  test('no datapoint without requests; FILL gives every period of the window, also for a series with none', async () => {
    const pair = await sb.createTargetPair({ name: 'quiet', targets: 1 });
    const start = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 10 * MINUTE_MS;
    const window = { StartTime: new Date(start), EndTime: new Date(start + 5 * MINUTE_MS) };
    const out = await getData(
      [stat('r', 'RequestCount', dims(pair, pair.targetGroups.blue), 'Sum', { ReturnData: false }), { Id: 'filled', Expression: 'FILL(r, 0)' }, stat('raw', 'RequestCount', dims(pair))],
      window,
      { ScanBy: 'TimestampAscending' },
    );
    expect(byId(out, 'raw')).toMatchObject({ Timestamps: [], Values: [] });
    expect(byId(out, 'r')).toBeUndefined();
    expect(byId(out, 'filled')?.Label).toBe('filled');
    expect(byId(out, 'filled')?.Values).toEqual([0, 0, 0, 0, 0]);
    expect(byId(out, 'filled')?.Timestamps?.map((t) => t.getTime())).toEqual([0, 1, 2, 3, 4].map((i) => start + i * MINUTE_MS));
  });

  // Load balancer metrics page: HTTPCode_Target_5XX_Count "Reporting criteria: There is a nonzero value".
  // Metric math page: "Missing values in a time series are treated as 0. If the value of a data point causes a
  // function to attempt to divide by zero, the data point is dropped."
  test('5xx series: absent where no request failed, counted where they did; error rate with FILL and division', async () => {
    const since = Date.now();
    const pair = await pairWithGreen('errors', 'fail-rate:25');
    expect(await send(pair.prodUrl, 4)).toEqual([200, 200, 200, 200]);
    const statuses = await send(pair.testUrl as string, 8);
    expect(statuses.filter((s) => s === 500)).toHaveLength(2); // every 4th: deterministic
    const { blue, green } = pair.targetGroups;
    const out = await getData(
      [
        stat('blue5xx', 'HTTPCode_Target_5XX_Count', dims(pair, blue)),
        stat('blueReq', 'RequestCount', dims(pair, blue)),
        stat('e', 'HTTPCode_Target_5XX_Count', dims(pair, green), 'Sum', { ReturnData: false }),
        stat('r', 'RequestCount', dims(pair, green), 'Sum', { ReturnData: false }),
        { Id: 'errors', Expression: 'FILL(e, 0)' },
        { Id: 'rate', Expression: '100 * e / r' },
        { Id: 'ok', Expression: '-(e - r)' },
      ],
      around(since),
    );
    expect(byId(out, 'blue5xx')).toMatchObject({ Timestamps: [], Values: [] });
    expect(total(byId(out, 'blueReq'))).toBe(4);
    expect(total(byId(out, 'errors'))).toBe(2);
    expect(total(byId(out, 'ok'))).toBe(6);
    // A period with requests and no errors is 0 %, not absent: the missing error count reads as 0.
    const rate = byId(out, 'rate');
    expect(rate?.Values?.length).toBeGreaterThan(0);
    for (const v of rate?.Values ?? []) expect(v).toBeGreaterThanOrEqual(0);
  });

  // Load balancer metrics page: TargetResponseTime "The time elapsed, in seconds, after the request leaves the
  // load balancer until a response from the target is received"; "The most useful statistics are Average and pNN.NN".
  test('TargetResponseTime is in seconds; percentiles sit between Minimum and Maximum', async () => {
    const since = Date.now();
    const pair = await pairWithGreen('latency', 'slow:150');
    await send(pair.testUrl as string, 6);
    const d = dims(pair, pair.targetGroups.green);
    const stats = ['Minimum', 'p0', 'p50', 'p99.9', 'p100', 'Maximum', 'Average', 'SampleCount'];
    const out = await getData(stats.map((s, i) => stat(`s${i}`, 'TargetResponseTime', d, s, { MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: d }, Period: 30 * 24 * 3600, Stat: s, Unit: 'Seconds' } })), around(since));
    const [min, p0, p50, p999, p100, max, avg, count] = stats.map((_s, i) => byId(out, `s${i}`)?.Values ?? []);
    expect(count?.reduce((a, b) => a + b, 0)).toBe(6);
    expect(min?.[0]).toBeGreaterThanOrEqual(0.15);
    expect(max?.[0]).toBeLessThan(10);
    expect(p0).toEqual(min);
    expect(p100).toEqual(max);
    expect(p50?.[0]).toBeGreaterThanOrEqual(min?.[0] as number);
    expect(p999).toEqual(max); // nearest rank of 6 samples
    expect(avg?.[0]).toBeLessThanOrEqual(max?.[0] as number);
    const wrongUnit = await getData([stat('ms', 'TargetResponseTime', d, 'Average', { MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: d }, Period: 60, Stat: 'Average', Unit: 'Milliseconds' } })], around(since));
    expect(byId(wrongUnit, 'ms')?.Values).toEqual([]);
  });

  // Load balancer metrics page: TargetConnectionErrorCount "The number of connections that were not successfully
  // established between the load balancer and target"; HTTPCode_ELB_502_Count has the dimension LoadBalancer.
  test('a target that refuses connections: TargetConnectionErrorCount per group, 502 per load balancer', async () => {
    const since = Date.now();
    const pair = await sb.createTargetPair({ name: 'refused', targets: 1, withTestListener: true });
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    sb.world.elb.registerTarget(pair.targetGroups.green, '127.0.0.1', closed);
    expect(await send(pair.testUrl as string, 2)).toEqual([502, 502]);
    const green = pair.targetGroups.green;
    const out = await getData(
      [stat('conn', 'TargetConnectionErrorCount', dims(pair, green)), stat('e502', 'HTTPCode_ELB_502_Count', dims(pair)), stat('req', 'RequestCount', dims(pair, green)), stat('rt', 'TargetResponseTime', dims(pair, green), 'SampleCount')],
      around(since),
    );
    expect([total(byId(out, 'conn')), total(byId(out, 'e502')), total(byId(out, 'req')), total(byId(out, 'rt'))]).toEqual([2, 2, 2, 0]);
  });

  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html:
  // "Elastic Load Balancing measures and sends its metrics in 60-second intervals", so the newest minute is
  // incomplete for a while; a long enough delay leaves every datapoint missing.
  test('the publication delay makes the newest requests invisible, then visible', async () => {
    const since = Date.now();
    const pair = await sb.createTargetPair({ name: 'delay', targets: 1 });
    const q = [stat('r', 'RequestCount', dims(pair))];
    try {
      await send(pair.prodUrl, 3);
      const boundary = Date.now();
      await clockPast(boundary + 1000);
      await send(pair.prodUrl, 2);
      // Only what ended before the boundary is published: the later requests are not in yet.
      sb.metrics.setPublicationDelay(Date.now() - boundary);
      expect(total(byId(await getData(q, around(since)), 'r'))).toBe(3);
      const viaControl = await fetch(`${sb.endpoint}/_sandbox/metrics/publication-delay`, { method: 'POST', body: JSON.stringify({ ms: 1e9 }) });
      expect(await viaControl.json()).toEqual({ publicationDelayMs: 1e9 });
      expect(byId(await getData(q, around(since)), 'r')?.Values).toEqual([]);
      sb.metrics.setPublicationDelay(0);
      expect(total(byId(await getData(q, around(since)), 'r'))).toBe(5);
    } finally {
      sb.metrics.setPublicationDelay(0);
    }
  });

  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html: MaxDatapoints "The
  // maximum number of data points the request should return before paginating"; NextToken "Include this value, if it
  // was returned by the previous GetMetricData operation, to get the next set of data points"; ScanBy
  // "TimestampDescending returns the newest data first and paginates when the MaxDatapoints limit is reached".
  test('pages by MaxDatapoints across results, newest first by default; an unknown or spent token is InvalidNextToken', async () => {
    const pair = await sb.createTargetPair({ name: 'pages', targets: 1 });
    const start = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 20 * MINUTE_MS;
    const window = { StartTime: new Date(start), EndTime: new Date(start + 3 * MINUTE_MS) };
    const q: MetricDataQuery[] = [stat('m', 'RequestCount', dims(pair), 'Sum', { ReturnData: false }), { Id: 'a', Expression: 'FILL(m, 1)' }, { Id: 'b', Expression: 'FILL(m, 2) * 2' }];
    const pages = [];
    let token: string | undefined;
    do {
      const out = await getData(q, window, { MaxDatapoints: 4, NextToken: token });
      pages.push(out.MetricDataResults?.map((r) => [r.Id, r.Values, r.StatusCode]));
      token = out.NextToken;
    } while (token);
    expect(pages).toEqual([
      [['a', [1, 1, 1], 'Complete'], ['b', [4], 'PartialData']],
      [['a', [], 'Complete'], ['b', [4, 4], 'Complete']],
    ]);
    const first = await getData(q, window, { MaxDatapoints: 2 });
    expect(byId(first, 'a')?.Timestamps?.map((t) => t.getTime())).toEqual([start + 2 * MINUTE_MS, start + MINUTE_MS]);
    await getData(q, window, { MaxDatapoints: 2, NextToken: first.NextToken });
    for (const bad of [first.NextToken, 'not-a-token']) {
      const e = await rejectionOf(getData(q, window, { MaxDatapoints: 2, NextToken: bad }));
      expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InvalidNextToken', 400]);
    }
  });

  // API_GetMetricData: "A single GetMetricData call can include as many as 500 MetricDataQuery structures";
  // MetricDataQuery Id: "The valid characters are letters, numbers, and underscore. The first character must be a
  // lowercase letter"; MetricStat Period: for regular-resolution metrics it "must be a multiple of 60".
  test.each([
    ['StartTime after EndTime', [stat('m', 'RequestCount', [])], { StartTime: new Date(2_000_000), EndTime: new Date(1_000_000) }, /StartTime must be less than/],
    ['a Period of 90', [{ ...stat('m', 'RequestCount', []), MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' }, Period: 90, Stat: 'Sum' } }], undefined, /multiple of 60/],
    ['an Id with a capital first letter', [stat('M1', 'RequestCount', [])], undefined, /must start with a lowercase letter/],
    ['an Id used twice', [stat('m', 'RequestCount', []), stat('m', 'RequestCount', [])], undefined, /more than once/],
    ['an expression naming an unknown id', [{ Id: 'e', Expression: 'FILL(nope, 0)' }], undefined, /unknown id 'nope'/],
    ['an unsupported function', [stat('m', 'RequestCount', []), { Id: 'e', Expression: 'RATE(m)' }], undefined, /function RATE/],
    ['FILL with REPEAT', [stat('m', 'RequestCount', []), { Id: 'e', Expression: 'FILL(m, REPEAT)' }], undefined, /REPEAT/],
    ['an unsupported statistic', [stat('m', 'TargetResponseTime', [], 'tm99')], undefined, /statistic 'tm99'/],
    ['no queries', [], undefined, /between 1 and 500/],
  ])('%s is a ValidationError', async (_what, queries, window, message) => {
    const e = await rejectionOf(getData(queries as MetricDataQuery[], window ?? around(Date.now())));
    // Query-compatible JSON: the code is the Query protocol's ValidationError; the SDK names the unmodelled error ValidationException.
    expect([e.name, (e as unknown as { Code: string }).Code, e.$metadata.httpStatusCode]).toEqual(['ValidationException', 'ValidationError', 400]);
    expect(e.message).toMatch(message);
  });

  test('unknown namespaces and metrics, and sub-minute periods of ALB metrics, are empty series, not errors', async () => {
    const out = await getData(
      [
        { Id: 'ns', MetricStat: { Metric: { Namespace: 'AWS/Nothing', MetricName: 'RequestCount' }, Period: 60, Stat: 'Sum' } },
        stat('name', 'NoSuchMetric', []),
        { Id: 'hires', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' }, Period: 10, Stat: 'Sum' } },
      ],
      around(Date.now()),
    );
    expect(out.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([['ns', []], ['name', []], ['hires', []]]);
  });

  test('a throttle fault on GetMetricData is CloudWatch\'s Throttling; the SDK retries it', async () => {
    sb.injectFault({ kind: 'throttle', operation: 'GetMetricData', service: 'cloudwatch', times: 1 });
    const e = await rejectionOf(getData([stat('m', 'RequestCount', [])], around(Date.now())));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['Throttling', 400]);
    sb.injectFault({ kind: 'throttle', operation: 'GetMetricData', service: 'cloudwatch', times: 1 });
    const retried = await clientsFor(sb).cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: [stat('m', 'RequestCount', [])], ...around(Date.now()) }));
    expect(retried.$metadata.attempts).toBe(2);
  });

  test('env() tells the action the sandbox minute only when it is not 60 s', async () => {
    expect(sb.env().BLUE_GREEN_SANDBOX_MINUTE_MS).toBe('1000');
    const plain = await startSandbox();
    try {
      expect(plain.env().BLUE_GREEN_SANDBOX_MINUTE_MS).toBeUndefined();
      expect(plain.metrics.publicationDelayMs).toBe(45_000);
    } finally {
      await plain.stop();
    }
  });
});

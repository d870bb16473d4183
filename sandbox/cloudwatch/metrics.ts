// What the ALB data plane measured, kept as CloudWatch keeps ALB metrics (namespace AWS/ApplicationELB):
// one raw sample per request and metric, under each dimension set the ALB publishes it with. A sample
// belongs to the period its request arrived in and becomes visible once its request ended and the
// publication delay has passed since, so the newest periods are partial or missing, as on AWS.
export const ALB_NAMESPACE = 'AWS/ApplicationELB';

export interface Dimension {
  Name: string;
  Value: string;
}

/** How one request ended, as the ALB sees it. */
export type AlbOutcome =
  /** The target answered: its status and the seconds from the request leaving the ALB to the response headers. */
  | { kind: 'target'; status: number; responseTimeS: number }
  /** The target could not be reached: the ALB answered 502. */
  | { kind: 'connection-error' }
  /** The target did not answer in time: the ALB answered 504. */
  | { kind: 'timeout' }
  /** The ALB answered itself: 503 with no target group or target, a fixed response, a redirect. */
  | { kind: 'elb'; status: number; action?: 'fixed-response' | 'redirect' };

export interface AlbRequest {
  /** The LoadBalancer dimension: the ARN's part after `loadbalancer/` (`app/<name>/<id>`). */
  loadBalancer: string;
  /** The TargetGroup dimension (`targetgroup/<name>/<id>`), when the request was forwarded to a group with a target. */
  targetGroup?: string;
  /** Epoch ms the request reached the ALB: the period it counts in. */
  arrivedAt: number;
  outcome: AlbOutcome;
}

interface Sample {
  metric: string;
  /** Dimension set, order-insensitive (see dimensionKey). */
  dims: string;
  value: number;
  arrivedAt: number;
  recordedAt: number;
}

/** The only ALB metric here that is not a Count. */
export const unitOf = (metric: string): 'Seconds' | 'Count' => (metric === 'TargetResponseTime' ? 'Seconds' : 'Count');

export const dimensionKey = (dims: Dimension[]): string =>
  dims
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join('\n');

/** Samples older than this many sandbox minutes are dropped: enough for any analysis window, and bounded. */
const RETENTION_MINUTES = 120;

export class AlbMetrics {
  private samples: Sample[] = [];
  private delayMs: number;

  constructor(
    /** How long one CloudWatch minute lasts here (SandboxOptions.minuteMs): Period 60 is one such minute. */
    readonly minuteMs: number,
    publicationDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.delayMs = publicationDelayMs;
  }

  get publicationDelayMs(): number {
    return this.delayMs;
  }

  /** GetMetricData sees a sample only once this long has passed since its request ended. */
  setPublicationDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`publication delay must be a non-negative number of ms, not ${ms}`);
    this.delayMs = ms;
  }

  /** Called when a request ends (its response finished or its connection closed). */
  record(request: AlbRequest): void {
    const recordedAt = this.now();
    for (const [metric, value, dims] of samplesFor(request)) {
      this.samples.push({ metric, dims: dimensionKey(dims), value, arrivedAt: request.arrivedAt, recordedAt });
    }
    this.prune(recordedAt);
  }

  /**
   * The published raw values of one series (exact dimension set) whose requests arrived in [fromMs, toMs),
   * as [arrivedAt, value] pairs. Unknown namespaces and metrics have none, as on AWS.
   */
  published(namespace: string, metric: string, dims: Dimension[], fromMs: number, toMs: number): [number, number][] {
    if (namespace !== ALB_NAMESPACE) return [];
    const key = dimensionKey(dims);
    const visibleBefore = this.now() - this.delayMs;
    return this.samples
      .filter((s) => s.metric === metric && s.dims === key && s.recordedAt <= visibleBefore && s.arrivedAt >= fromMs && s.arrivedAt < toMs)
      .map((s) => [s.arrivedAt, s.value]);
  }

  /** Samples are appended in the order requests end, close enough to arrival order to cut from the front. */
  private prune(now: number): void {
    const cutoff = now - RETENTION_MINUTES * this.minuteMs;
    const keepFrom = this.samples.findIndex((s) => s.arrivedAt >= cutoff);
    if (keepFrom > 0) this.samples.splice(0, keepFrom);
    else if (keepFrom === -1) this.samples = [];
  }
}

type Emitted = [metric: string, value: number, dims: Dimension[]];

/** The metrics one request adds to, each under the dimension sets AWS publishes it with. */
function samplesFor(r: AlbRequest): Emitted[] {
  const lb: Dimension[] = [{ Name: 'LoadBalancer', Value: r.loadBalancer }];
  const lbAndTg: Dimension[] = r.targetGroup ? [...lb, { Name: 'TargetGroup', Value: r.targetGroup }] : [];
  // Target metrics exist per load balancer and per (load balancer, target group); the ALB's own codes per load balancer only.
  const perTarget = (metric: string, value = 1): Emitted[] => [[metric, value, lb], ...(r.targetGroup ? [[metric, value, lbAndTg] as Emitted] : [])];
  const out: Emitted[] = perTarget('RequestCount');
  const o = r.outcome;
  if (o.kind === 'target') {
    out.push(...perTarget(`HTTPCode_Target_${Math.floor(o.status / 100)}XX_Count`), ...perTarget('TargetResponseTime', o.responseTimeS));
  } else if (o.kind === 'connection-error') {
    out.push(...perTarget('TargetConnectionErrorCount'), ...elbCodes(502, lb));
  } else if (o.kind === 'timeout') {
    out.push(...elbCodes(504, lb));
  } else {
    out.push(...elbCodes(o.status, lb));
    if (o.action) out.push([o.action === 'redirect' ? 'HTTP_Redirect_Count' : 'HTTP_Fixed_Response_Count', 1, lb]);
  }
  return out;
}

/** HTTPCode_ELB_3XX/4XX/5XX_Count, and the per-code counts AWS has (500, 502, 503, 504). */
function elbCodes(status: number, lb: Dimension[]): Emitted[] {
  const cls = Math.floor(status / 100);
  const out: Emitted[] = cls >= 3 && cls <= 5 ? [[`HTTPCode_ELB_${cls}XX_Count`, 1, lb]] : [];
  if ([500, 502, 503, 504].includes(status)) out.push([`HTTPCode_ELB_${status}_Count`, 1, lb]);
  return out;
}

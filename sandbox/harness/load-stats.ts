// What the load generator saw, one compact record per finished request, so a test can ask about any time window
// (during the deploy, during the rollback) after the fact.

export interface LoadFailure {
  /** ISO time the request was issued. */
  at: string;
  status?: number;
  error?: string;
}

export interface LoadStats {
  /** Finished requests (ok + failed); requests still in flight are not counted yet. */
  total: number;
  ok: number;
  failed: number;
  inFlight: number;
  /** The first failures in the window, up to FAILURE_LIST_LIMIT; `failed` has the full count. */
  failures: LoadFailure[];
  /** Over the requests that succeeded (a timeout's latency is its limit, not a measurement). */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Responses per `x-sandbox-target-group` header value. */
  byTargetGroup?: Record<string, number>;
  /** Responses per JSON body `version` (or `x-sandbox-version` header). */
  byVersion?: Record<string, number>;
  /**
   * Per client index (runs with `clients`), its responses per `x-sandbox-target-group`: which groups served
   * which user. A client whose requests all failed before reaching a group maps to `{}`.
   */
  byClient?: Record<string, Record<string, number>>;
  /** Requests per address connected to (runs that resolve a name through DNS). */
  byAddress?: Record<string, number>;
}

/** One time bucket of a run (`LoadRecorder.series`): the requests issued in [fromMs, toMs). */
export interface LoadBucket {
  fromMs: number;
  toMs: number;
  total: number;
  ok: number;
  failed: number;
  /** Responses per `x-sandbox-target-group` (the colour that served). */
  byTargetGroup: Record<string, number>;
  /** Requests per address connected to; {} unless the run resolves a name. */
  byAddress: Record<string, number>;
}

export interface RequestOutcome {
  /** Epoch ms the request was issued. */
  at: number;
  latencyMs: number;
  ok: boolean;
  status?: number;
  error?: string;
  targetGroup?: string;
  version?: string;
  /** Index of the simulated user that sent it, when the run has clients. */
  client?: number;
  /** The address the request was sent to, when the run resolves a name through DNS. */
  address?: string;
}

export const FAILURE_LIST_LIMIT = 100;

/** Columns rather than objects: a long run at 200 req/s keeps tens of thousands of these. */
export class LoadRecorder {
  private readonly at: number[] = [];
  private readonly latency: number[] = [];
  private readonly ok: boolean[] = [];
  private readonly targetGroup: number[] = [];
  private readonly version: number[] = [];
  private readonly status: number[] = [];
  private readonly error: number[] = [];
  /** -1 for an anonymous request. */
  private readonly client: number[] = [];
  private readonly address: number[] = [];
  private readonly addresses: string[] = [];
  private readonly targetGroups: string[] = [];
  private readonly versions: string[] = [];
  private readonly errors: string[] = [];

  record(outcome: RequestOutcome): void {
    this.at.push(outcome.at);
    this.latency.push(outcome.latencyMs);
    this.ok.push(outcome.ok);
    this.status.push(outcome.status ?? 0);
    this.error.push(intern(this.errors, outcome.error));
    this.targetGroup.push(intern(this.targetGroups, outcome.targetGroup));
    this.version.push(intern(this.versions, outcome.version));
    this.client.push(outcome.client ?? -1);
    this.address.push(intern(this.addresses, outcome.address));
  }

  /**
   * The requests issued from `fromMs` (default: the first one) to `toMs` (default: the last one) in buckets of
   * `bucketMs`, every bucket listed, empty ones too: e.g. per second after a DNS switch, who served how many.
   */
  series(bucketMs = 1000, fromMs?: number, toMs?: number): LoadBucket[] {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be positive, got ${bucketMs}`);
    // A loop, not Math.min(...at): a long run holds more requests than a call takes arguments.
    const start = fromMs ?? this.at.reduce((m, at) => Math.min(m, at), Infinity);
    const end = toMs ?? this.at.reduce((m, at) => Math.max(m, at), -Infinity) + 1;
    if (!Number.isFinite(start) || !(end > start)) return [];
    const buckets = Array.from({ length: Math.ceil((end - start) / bucketMs) }, (_, k) => ({
      fromMs: start + k * bucketMs,
      toMs: Math.min(end, start + (k + 1) * bucketMs),
      ok: 0,
      failed: 0,
      tg: new Map<number, number>(),
      address: new Map<number, number>(),
    }));
    for (let i = 0; i < this.at.length; i += 1) {
      const at = this.at[i] ?? 0;
      const bucket = at >= start && at < end ? buckets[Math.floor((at - start) / bucketMs)] : undefined;
      if (!bucket) continue;
      if (this.ok[i]) bucket.ok += 1;
      else bucket.failed += 1;
      count(bucket.tg, this.targetGroup[i] ?? -1);
      count(bucket.address, this.address[i] ?? -1);
    }
    return buckets.map((b) => ({
      fromMs: b.fromMs,
      toMs: b.toMs,
      total: b.ok + b.failed,
      ok: b.ok,
      failed: b.failed,
      byTargetGroup: named(b.tg, this.targetGroups) ?? {},
      byAddress: named(b.address, this.addresses) ?? {},
    }));
  }

  /** Stats over the requests issued in [fromMs, toMs) (epoch ms), by one client when `client` is given. */
  stats(inFlight: number, fromMs = -Infinity, toMs = Infinity, client?: number): LoadStats {
    let ok = 0;
    let failed = 0;
    const latencies: number[] = [];
    const tgCounts = new Map<number, number>();
    const versionCounts = new Map<number, number>();
    const clientCounts = new Map<number, Map<number, number>>();
    const addressCounts = new Map<number, number>();
    const failures: LoadFailure[] = [];
    for (let i = 0; i < this.at.length; i += 1) {
      const at = this.at[i] ?? 0;
      if (at < fromMs || at >= toMs) continue;
      const by = this.client[i] ?? -1;
      if (client !== undefined && by !== client) continue;
      if (this.ok[i]) {
        ok += 1;
        latencies.push(this.latency[i] ?? 0);
      } else {
        failed += 1;
        if (failures.length < FAILURE_LIST_LIMIT) failures.push(this.failure(i));
      }
      count(tgCounts, this.targetGroup[i] ?? -1);
      count(versionCounts, this.version[i] ?? -1);
      count(addressCounts, this.address[i] ?? -1);
      if (by >= 0) {
        const groups = clientCounts.get(by) ?? new Map<number, number>();
        clientCounts.set(by, groups);
        count(groups, this.targetGroup[i] ?? -1);
      }
    }
    latencies.sort((a, b) => a - b);
    const byTargetGroup = named(tgCounts, this.targetGroups);
    const byVersion = named(versionCounts, this.versions);
    const byAddress = named(addressCounts, this.addresses);
    const byClient =
      clientCounts.size > 0
        ? Object.fromEntries([...clientCounts].map(([c, groups]) => [String(c), named(groups, this.targetGroups) ?? {}]))
        : undefined;
    return {
      total: ok + failed,
      ok,
      failed,
      inFlight,
      failures,
      latencyMs: {
        p50: round(percentile(latencies, 0.5)),
        p95: round(percentile(latencies, 0.95)),
        p99: round(percentile(latencies, 0.99)),
        max: round(latencies[latencies.length - 1] ?? 0),
      },
      ...(byTargetGroup ? { byTargetGroup } : {}),
      ...(byVersion ? { byVersion } : {}),
      ...(byClient ? { byClient } : {}),
      ...(byAddress ? { byAddress } : {}),
    };
  }

  private failure(i: number): LoadFailure {
    const status = this.status[i] ?? 0;
    const error = this.errors[this.error[i] ?? -1];
    return {
      at: new Date(this.at[i] ?? 0).toISOString(),
      ...(status !== 0 ? { status } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  }
}

function intern(table: string[], value: string | undefined): number {
  if (value === undefined) return -1;
  const index = table.indexOf(value);
  if (index >= 0) return index;
  table.push(value);
  return table.length - 1;
}

function count(counts: Map<number, number>, key: number): void {
  if (key >= 0) counts.set(key, (counts.get(key) ?? 0) + 1);
}

function named(counts: Map<number, number>, table: string[]): Record<string, number> | undefined {
  if (counts.size === 0) return undefined;
  return Object.fromEntries([...counts].map(([index, n]) => [table[index] ?? String(index), n]));
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? 0;
}

/** Hundredths of a millisecond are already below what this machine can measure reliably. */
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

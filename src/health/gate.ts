// Health gates: "pass N times in a row before a deadline" (verify idle) and "watch for N failures
// in a row for a while" (shift waits and bake). Time comes from the injected Clock so the flow's
// tests run these under fake timers.
import { HealthCheckFailed, errorMessage } from '../errors.js';
import type { Clock } from '../types.js';
import type { Probe, ProbeResult } from './probe.js';

/** How many recent results a gate failure quotes. */
const RESULTS_QUOTED = 5;

const iso = (ms: number) => new Date(ms).toISOString();
/** `12:04:40Z`: results of one gate fall within a day, the date only adds noise. */
const timeOfDay = (isoTime: string) => `${isoTime.slice(11, 19)}Z`;

export interface WaitUntilHealthyOptions {
  probe: Probe;
  url: string;
  /** Consecutive passes needed. */
  threshold: number;
  /** From the start of one probe to the start of the next. */
  intervalMs: number;
  /** Absolute clock time (clock.now()) after which no probe starts. */
  deadlineMs: number;
  clock: Clock;
  signal?: AbortSignal;
  onResult?: (result: ProbeResult, consecutive: number) => void;
}

/**
 * Probes right away, then every intervalMs, until `threshold` passes in a row; resolves with that
 * passing streak. A failure resets the count. Throws HealthCheckFailed as soon as the passes still
 * needed can no longer start before the deadline (waiting on would only delay the same verdict).
 * Rejects with the signal's reason when aborted.
 */
export async function waitUntilHealthy(opts: WaitUntilHealthyOptions): Promise<ProbeResult[]> {
  const { probe, url, intervalMs, deadlineMs, clock, signal, onResult } = opts;
  const threshold = Math.max(1, opts.threshold);
  const recent: ProbeResult[] = [];
  let consecutive = 0;
  let probes = 0;
  for (;;) {
    signal?.throwIfAborted();
    const startedAt = clock.now();
    const result = await probe(url, signal);
    signal?.throwIfAborted();
    probes += 1;
    recent.push(result);
    if (recent.length > Math.max(threshold, RESULTS_QUOTED)) recent.shift();
    consecutive = result.ok ? consecutive + 1 : 0;
    onResult?.(result, consecutive);
    if (consecutive >= threshold) return recent.slice(-threshold);

    const nextAt = Math.max(clock.now(), startedAt + intervalMs);
    const lastNeededAt = nextAt + (threshold - consecutive - 1) * intervalMs;
    if (lastNeededAt > deadlineMs) {
      throw new HealthCheckFailed(describeGateFailure({ url, threshold, consecutive, probes, deadlineMs, recent }));
    }
    // No sleep(0): Node turns a 0 ms timer into 1 ms, and late probes would drift a little more each time.
    const wait = nextAt - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
  }
}

function describeGateFailure(f: {
  url: string;
  threshold: number;
  consecutive: number;
  probes: number;
  deadlineMs: number;
  recent: ProbeResult[];
}): string {
  const last = f.recent
    .slice(-RESULTS_QUOTED)
    .map((r) => `${timeOfDay(r.at)} ${r.detail}`)
    .join('; ');
  return (
    `Health check of ${f.url} did not pass ${f.threshold} time${f.threshold === 1 ? '' : 's'} in a row before the ` +
    `deadline ${timeOfDay(iso(f.deadlineMs))} (${f.probes} probe${f.probes === 1 ? '' : 's'}, ${f.consecutive} in a row ` +
    `at the end). Last results: ${last}.`
  );
}

export interface CheckVerdict {
  ok: boolean;
  detail: string;
}

export interface WatchCheck {
  name: string;
  /** Consecutive failures that end the watch; alarms use 1. */
  unhealthyThreshold: number;
  /** A run that throws counts as a failure with the error's message. */
  run: (signal?: AbortSignal) => Promise<CheckVerdict>;
}

export interface WatchTick {
  check: string;
  ok: boolean;
  detail: string;
  consecutiveFailures: number;
  at: string;
}

export type WatchResult =
  | { ok: true }
  | {
      ok: false;
      check: string;
      /** The failure that tripped the threshold. */
      detail: string;
      at: string;
      /** The failing streak, oldest first: `<ISO time> <detail>`. */
      results: string[];
    };

export interface WatchOptions {
  checks: WatchCheck[];
  intervalMs: number;
  /** 0 (or less) means no watch at all: resolves ok at once without running any check. */
  durationMs: number;
  clock: Clock;
  signal?: AbortSignal;
  onTick?: (tick: WatchTick) => void;
}

/**
 * Runs every check right away, then every intervalMs, and once more at the end of durationMs, so
 * the watch ends on a fresh verdict. Each check keeps its own schedule, so a slow alarm lookup
 * never delays the HTTP probe. The first check to fail `unhealthyThreshold` times in a row ends the
 * watch at once (in-flight runs of the other checks are aborted): detection takes at most
 * threshold × interval from the start of the first failing run. Rejects with signal.reason on abort.
 */
export function watch(opts: WatchOptions): Promise<WatchResult> {
  const { checks, intervalMs, durationMs, clock, signal, onTick } = opts;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (durationMs <= 0 || checks.length === 0) return Promise.resolve({ ok: true });

  const endAt = clock.now() + durationMs;
  const stop = new AbortController();

  return new Promise<WatchResult>((resolve, reject) => {
    let done = false;
    const settle = (finish: () => void) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      stop.abort(new Error('the watch has ended'));
      finish();
    };
    const onAbort = () => settle(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });

    const watchOne = async (check: WatchCheck): Promise<void> => {
      const threshold = Math.max(1, check.unhealthyThreshold);
      let streak: string[] = [];
      let roundAt = clock.now();
      for (;;) {
        let verdict: CheckVerdict;
        try {
          verdict = await check.run(stop.signal);
        } catch (error) {
          if (stop.signal.aborted) return;
          verdict = { ok: false, detail: `check failed: ${errorMessage(error)}` };
        }
        if (stop.signal.aborted) return;
        const now = clock.now();
        const at = iso(now);
        streak = verdict.ok ? [] : [...streak, `${at} ${verdict.detail}`];
        onTick?.({ check: check.name, ok: verdict.ok, detail: verdict.detail, consecutiveFailures: streak.length, at });
        if (streak.length >= threshold) {
          const failure = { ok: false as const, check: check.name, detail: verdict.detail, at, results: streak };
          settle(() => resolve(failure));
          return;
        }
        if (roundAt >= endAt || now >= endAt) return;
        // A run slower than the interval starts the next one at once rather than bunching up later.
        roundAt = Math.min(Math.max(roundAt + intervalMs, now), endAt);
        if (roundAt > now) {
          try {
            await clock.sleep(roundAt - now, stop.signal);
          } catch {
            return; // only the stop signal interrupts this sleep
          }
        }
      }
    };

    Promise.all(checks.map(watchOne)).then(
      () => settle(() => resolve({ ok: true })),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}

/** An HTTP probe as a watch check, named after its URL. */
export function probeCheck(probe: Probe, url: string, unhealthyThreshold: number): WatchCheck {
  return {
    name: `health check ${url}`,
    unhealthyThreshold,
    run: async (signal) => {
      const result = await probe(url, signal);
      return { ok: result.ok, detail: result.detail };
    },
  };
}

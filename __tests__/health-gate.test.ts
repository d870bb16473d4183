import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { systemClock } from '../src/clock.js';
import { HealthCheckFailed } from '../src/errors.js';
import { probeCheck, waitUntilHealthy, watch, type CheckVerdict, type WatchCheck, type WatchTick } from '../src/health/gate.js';
import type { Probe, ProbeResult } from '../src/health/probe.js';

const T0 = Date.parse('2026-11-01T12:00:00.000Z');
const clock = systemClock; // built on setTimeout/Date.now, so jest's fake timers drive it
const elapsed = () => Date.now() - T0;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
});

const pass = (detail = '200 OK in 3 ms'): Omit<ProbeResult, 'url' | 'at'> => ({ ok: true, status: 200, durationMs: 3, detail });
const fail = (detail = 'status 503, expected 200'): Omit<ProbeResult, 'url' | 'at'> => ({ ok: false, status: 503, durationMs: 3, detail });

/** A probe that answers from a script (the last answer repeats) and records when it was called. */
function scriptedProbe(script: Omit<ProbeResult, 'url' | 'at'>[], takesMs = 0) {
  const calls: number[] = [];
  const probe: Probe = async (url, signal) => {
    calls.push(elapsed());
    const at = new Date().toISOString();
    if (takesMs > 0) await clock.sleep(takesMs, signal);
    const answer = script[Math.min(calls.length - 1, script.length - 1)]!;
    return { ...answer, url, at };
  };
  return { probe, calls };
}

describe('waitUntilHealthy', () => {
  const url = 'http://green.internal/health';

  it('probes at once, then every interval, and resolves with the passing streak', async () => {
    const { probe, calls } = scriptedProbe([pass()]);
    const done = waitUntilHealthy({ probe, url, threshold: 3, intervalMs: 1000, deadlineMs: T0 + 60_000, clock });
    await jest.advanceTimersByTimeAsync(2000);
    const results = await done;
    expect(calls).toEqual([0, 1000, 2000]);
    expect(results).toHaveLength(3);
    expect(results.every((r) => r.ok && r.url === url)).toBe(true);
  });

  it('resets the count on a failure', async () => {
    const { probe, calls } = scriptedProbe([pass(), fail(), pass(), pass(), pass()]);
    const counts: number[] = [];
    const done = waitUntilHealthy({
      probe,
      url,
      threshold: 3,
      intervalMs: 1000,
      deadlineMs: T0 + 60_000,
      clock,
      onResult: (_r, consecutive) => counts.push(consecutive),
    });
    await jest.advanceTimersByTimeAsync(4000);
    await expect(done).resolves.toHaveLength(3);
    expect(counts).toEqual([1, 0, 1, 2, 3]);
    expect(calls).toHaveLength(5);
  });

  it('throws HealthCheckFailed naming the URL, the threshold and the last results once the deadline cannot be met', async () => {
    const { probe, calls } = scriptedProbe([fail('connection refused (ECONNREFUSED)'), fail()]);
    const done = waitUntilHealthy({ probe, url, threshold: 3, intervalMs: 1000, deadlineMs: T0 + 5000, clock });
    const verdict = expect(done).rejects.toThrow(HealthCheckFailed);
    await jest.advanceTimersByTimeAsync(5000);
    await verdict;
    // After the failure at 3 s, three passes would need probes until 6 s, past the deadline:
    // the gate says so at once instead of probing on.
    expect(calls).toEqual([0, 1000, 2000, 3000]);
    const message = await done.catch((e: Error) => e.message);
    expect(message).toContain(url);
    expect(message).toContain('did not pass 3 times in a row');
    expect(message).toContain('deadline 12:00:05Z');
    expect(message).toContain('4 probes, 0 in a row');
    expect(message).toContain('12:00:00Z connection refused (ECONNREFUSED)');
    expect(message).toContain('12:00:03Z status 503, expected 200');
  });

  it('quotes only the last five results', async () => {
    const script = [1, 2, 3, 4, 5, 6, 7].map((n) => fail(`failure ${n}`));
    const { probe } = scriptedProbe(script);
    const done = waitUntilHealthy({ probe, url, threshold: 2, intervalMs: 1000, deadlineMs: T0 + 7000, clock });
    const message = done.catch((e: Error) => e.message);
    await jest.advanceTimersByTimeAsync(7000);
    const text = await message;
    expect(text).toContain('7 probes');
    expect(text).not.toContain('failure 2;');
    expect(text).toContain('Last results: 12:00:02Z failure 3; 12:00:03Z failure 4; 12:00:04Z failure 5; 12:00:05Z failure 6; 12:00:06Z failure 7.');
  });

  it('fails early when the passes still needed cannot fit before the deadline', async () => {
    const { probe, calls } = scriptedProbe([pass()]);
    const done = waitUntilHealthy({ probe, url, threshold: 3, intervalMs: 1000, deadlineMs: T0 + 1500, clock });
    const verdict = expect(done).rejects.toThrow('did not pass 3 times in a row before the deadline 12:00:01Z (1 probe, 1 in a row at the end)');
    await jest.advanceTimersByTimeAsync(0);
    await verdict;
    expect(calls).toEqual([0]);
  });

  it('starts the next probe at once when a probe takes longer than the interval', async () => {
    const { probe, calls } = scriptedProbe([pass()], 1500);
    const done = waitUntilHealthy({ probe, url, threshold: 3, intervalMs: 1000, deadlineMs: T0 + 60_000, clock });
    await jest.advanceTimersByTimeAsync(4500);
    await expect(done).resolves.toHaveLength(3);
    expect(calls).toEqual([0, 1500, 3000]);
  });

  it('treats a threshold below 1 as 1', async () => {
    const { probe } = scriptedProbe([pass()]);
    await expect(waitUntilHealthy({ probe, url, threshold: 0, intervalMs: 1000, deadlineMs: T0, clock })).resolves.toHaveLength(1);
  });

  it('rejects with the signal reason when aborted, before or while waiting', async () => {
    const { probe, calls } = scriptedProbe([fail()]);
    const before = new AbortController();
    before.abort(new Error('cancelled before'));
    await expect(
      waitUntilHealthy({ probe, url, threshold: 3, intervalMs: 1000, deadlineMs: T0 + 60_000, clock, signal: before.signal }),
    ).rejects.toThrow('cancelled before');
    expect(calls).toHaveLength(0);

    const during = new AbortController();
    const done = waitUntilHealthy({ probe, url, threshold: 3, intervalMs: 1000, deadlineMs: T0 + 60_000, clock, signal: during.signal });
    const verdict = expect(done).rejects.toThrow('cancelled during');
    await jest.advanceTimersByTimeAsync(1500);
    during.abort(new Error('cancelled during'));
    await verdict;
    expect(calls).toEqual([0, 1000]);
  });

  it('does not count a result that arrives after the abort', async () => {
    const controller = new AbortController();
    const probe: Probe = async (u) => {
      controller.abort(new Error('cancelled mid-probe'));
      return { ...pass(), url: u, at: new Date().toISOString() };
    };
    const onResult = jest.fn();
    await expect(
      waitUntilHealthy({ probe, url, threshold: 1, intervalMs: 1000, deadlineMs: T0 + 60_000, clock, signal: controller.signal, onResult }),
    ).rejects.toThrow('cancelled mid-probe');
    expect(onResult).not.toHaveBeenCalled();
  });
});

/** A check answering from a function of elapsed time, recording when it ran. */
function timedCheck(name: string, unhealthyThreshold: number, verdictAt: (ms: number) => CheckVerdict, takesMs = 0) {
  const runs: number[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const check: WatchCheck = {
    name,
    unhealthyThreshold,
    run: async (signal) => {
      const start = elapsed();
      runs.push(start);
      signals.push(signal);
      if (takesMs > 0) await clock.sleep(takesMs, signal);
      return verdictAt(start);
    },
  };
  return { check, runs, signals };
}

const healthy = (): CheckVerdict => ({ ok: true, detail: '200 OK in 2 ms' });

describe('watch', () => {
  it('with a duration of 0 returns ok at once without running any check', async () => {
    const { check, runs } = timedCheck('http', 3, healthy);
    await expect(watch({ checks: [check], intervalMs: 1000, durationMs: 0, clock })).resolves.toEqual({ ok: true });
    await expect(watch({ checks: [], intervalMs: 1000, durationMs: 5000, clock })).resolves.toEqual({ ok: true });
    expect(runs).toEqual([]);
  });

  it('runs every check at once, every interval and once more at the end, then returns ok', async () => {
    const http = timedCheck('http', 3, healthy);
    const alarms = timedCheck('alarms', 1, () => ({ ok: true, detail: 'no alarm in ALARM' }));
    let settledAt: number | undefined;
    const done = watch({ checks: [http.check, alarms.check], intervalMs: 1000, durationMs: 3500, clock }).then((r) => {
      settledAt = elapsed();
      return r;
    });
    await jest.advanceTimersByTimeAsync(3500);
    await expect(done).resolves.toEqual({ ok: true });
    expect(settledAt).toBe(3500);
    expect(http.runs).toEqual([0, 1000, 2000, 3000, 3500]);
    expect(alarms.runs).toEqual([0, 1000, 2000, 3000, 3500]);
  });

  it('ends as soon as a check fails unhealthyThreshold times in a row, within threshold × interval', async () => {
    const failingFrom = 2000;
    const http = timedCheck('health check http://green/health', 3, (ms) =>
      ms >= failingFrom ? { ok: false, detail: 'status 503, expected 200' } : healthy(),
    );
    const ticks: WatchTick[] = [];
    let settledAt = 0;
    const done = watch({ checks: [http.check], intervalMs: 1000, durationMs: 60_000, clock, onTick: (t) => ticks.push(t) }).then((r) => {
      settledAt = elapsed();
      return r;
    });
    await jest.advanceTimersByTimeAsync(10_000);
    const result = await done;
    expect(result).toEqual({
      ok: false,
      check: 'health check http://green/health',
      detail: 'status 503, expected 200',
      at: '2026-11-01T12:00:04.000Z',
      results: [
        '2026-11-01T12:00:02.000Z status 503, expected 200',
        '2026-11-01T12:00:03.000Z status 503, expected 200',
        '2026-11-01T12:00:04.000Z status 503, expected 200',
      ],
    });
    expect(settledAt - failingFrom).toBeLessThanOrEqual(3 * 1000);
    expect(http.runs).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(ticks.map((t) => t.consecutiveFailures)).toEqual([0, 0, 1, 2, 3]);
    expect(ticks[2]).toEqual({ check: http.check.name, ok: false, detail: 'status 503, expected 200', consecutiveFailures: 1, at: '2026-11-01T12:00:02.000Z' });
  });

  it('a passing run resets the streak', async () => {
    // fail, fail, pass, fail, fail, pass...: never three in a row
    const flaky = timedCheck('http', 3, (ms) => (ms % 3000 === 2000 ? healthy() : { ok: false, detail: 'timed out after 5s' }));
    const done = watch({ checks: [flaky.check], intervalMs: 1000, durationMs: 9000, clock });
    await jest.advanceTimersByTimeAsync(9000);
    await expect(done).resolves.toEqual({ ok: true });
    expect(flaky.runs).toHaveLength(10);
  });

  it('an alarm (threshold 1) ends the watch on its first failure without waiting for a slow check', async () => {
    const slow = timedCheck('http', 3, healthy, 1200);
    // A check that ignores its signal: its late answer must not be reported after the watch ended.
    const deaf = timedCheck('deaf', 3, healthy);
    const deafCheck: WatchCheck = { ...deaf.check, run: () => deaf.check.run().then(async (v) => (await clock.sleep(1500), v)) };
    const ticks: string[] = [];
    const alarm = timedCheck('alarms', 1, (ms) => (ms >= 2000 ? { ok: false, detail: 'alarm api-5xx is in ALARM' } : { ok: true, detail: 'OK' }));
    let settledAt = 0;
    const done = watch({
      checks: [slow.check, alarm.check, deafCheck],
      intervalMs: 1000,
      durationMs: 60_000,
      clock,
      onTick: (t) => ticks.push(`${elapsed()} ${t.check}`),
    }).then((r) => {
      settledAt = elapsed();
      return r;
    });
    await jest.advanceTimersByTimeAsync(5000);
    await expect(done).resolves.toMatchObject({ ok: false, check: 'alarms', detail: 'alarm api-5xx is in ALARM', results: ['2026-11-01T12:00:02.000Z alarm api-5xx is in ALARM'] });
    expect(settledAt).toBe(2000);
    // The slow check's run that started at 1.2 s was cut short, and no further run started.
    expect(slow.signals[1]?.aborted).toBe(true);
    expect(slow.runs).toEqual([0, 1200]);
    expect(deaf.runs).toEqual([0, 1500]);
    expect(ticks.filter((t) => t.endsWith('deaf'))).toEqual(['1500 deaf']);
  });

  it('starts the next run at once when a run outlasts the interval', async () => {
    const slow = timedCheck('alarms', 1, healthy, 1500);
    const done = watch({ checks: [slow.check], intervalMs: 1000, durationMs: 4000, clock });
    await jest.advanceTimersByTimeAsync(6000);
    await expect(done).resolves.toEqual({ ok: true });
    expect(slow.runs).toEqual([0, 1500, 3000]);
  });

  it('counts a run that throws as a failure', async () => {
    const broken: WatchCheck = {
      name: 'alarms',
      unhealthyThreshold: 1,
      run: () => Promise.reject(new Error('Throttling: Rate exceeded')),
    };
    const done = watch({ checks: [broken], intervalMs: 1000, durationMs: 5000, clock });
    await jest.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toMatchObject({ ok: false, check: 'alarms', detail: 'check failed: Throttling: Rate exceeded' });
  });

  it('rejects with the signal reason when aborted, before or during the watch', async () => {
    const http = timedCheck('http', 3, healthy);
    const before = new AbortController();
    before.abort(new Error('cancelled before'));
    await expect(watch({ checks: [http.check], intervalMs: 1000, durationMs: 5000, clock, signal: before.signal })).rejects.toThrow(
      'cancelled before',
    );
    expect(http.runs).toEqual([]);

    const during = new AbortController();
    const done = watch({ checks: [http.check], intervalMs: 1000, durationMs: 5000, clock, signal: during.signal });
    const verdict = expect(done).rejects.toThrow('SIGINT');
    await jest.advanceTimersByTimeAsync(1500);
    during.abort(new Error('SIGINT'));
    await verdict;
    await jest.advanceTimersByTimeAsync(5000);
    expect(http.runs).toEqual([0, 1000]);
  });

  it('rejects when an onTick callback throws', async () => {
    const http = timedCheck('http', 3, healthy);
    const done = watch({
      checks: [http.check],
      intervalMs: 1000,
      durationMs: 5000,
      clock,
      onTick: () => {
        throw new Error('log failed');
      },
    });
    await expect(done).rejects.toThrow('log failed');
  });
});

describe('probeCheck', () => {
  it('turns a probe into a watch check named after its URL', async () => {
    const { probe } = scriptedProbe([fail('connection refused (ECONNREFUSED)')]);
    const check = probeCheck(probe, 'http://blue.internal/health', 2);
    expect(check).toMatchObject({ name: 'health check http://blue.internal/health', unhealthyThreshold: 2 });
    await expect(check.run()).resolves.toEqual({ ok: false, detail: 'connection refused (ECONNREFUSED)' });
  });
});

// What a watch (a canary step's wait, the bake) prints: every failed check with its streak as it
// happens — a failure below the threshold leaves a trace — and a heartbeat at most every 30 s with the
// time left and each check's streak, so a 10-minute bake is visibly alive.
import * as core from '@actions/core';
import { Heartbeat, timeLeft } from '../report/heartbeat.js';
import type { Clock } from '../types.js';
import type { WatchCheck, WatchTick } from './gate.js';

export function watchLog(during: string, checks: WatchCheck[], endAt: number, clock: Clock, heartbeat = new Heartbeat(clock)): (tick: WatchTick) => void {
  const thresholds = new Map(checks.map((c) => [c.name, Math.max(1, c.unhealthyThreshold)]));
  const passes = new Map<string, number>();
  const failures = new Map<string, number>();
  return (tick) => {
    if (tick.ok) {
      passes.set(tick.check, (passes.get(tick.check) ?? 0) + 1);
      failures.set(tick.check, 0);
    } else {
      passes.set(tick.check, 0);
      failures.set(tick.check, tick.consecutiveFailures);
      core.info(`FAIL ${tick.check} (${tick.consecutiveFailures}/${thresholds.get(tick.check) ?? 1} in a row during ${during}): ${tick.detail}`);
    }
    heartbeat.beat(() => {
      const streaks = [...thresholds.keys()].map((name) => {
        const failed = failures.get(name) ?? 0;
        return failed > 0 ? `${name}: FAIL ${failed}/${thresholds.get(name)}` : `${name}: ${passes.get(name) ?? 0} ok in a row`;
      });
      return `Watching ${during}: ${timeLeft(endAt, clock.now())}; ${streaks.join('; ')}`;
    });
  };
}

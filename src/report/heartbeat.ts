// What a person watching the log sees during a long wait: at most one line per period, so a 10-minute
// bake or a slow rollout is visibly alive without flooding the log.
import * as core from '@actions/core';
import { formatDurationInput } from '../duration.js';
import type { Clock } from '../types.js';

export const HEARTBEAT_MS = 30_000;

export class Heartbeat {
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs = HEARTBEAT_MS,
  ) {
    this.last = clock.now();
  }

  /** Logs the line when a period has passed since the last line. */
  beat(line: () => string): void {
    const now = this.clock.now();
    if (now - this.last < this.periodMs) return;
    this.last = now;
    core.info(line());
  }

  /** A line logged for another reason counts as a beat. */
  reset(): void {
    this.last = this.clock.now();
  }
}

/** `4m30s left`, rounded to the second: for heartbeat lines. */
export const timeLeft = (deadline: number, now: number): string => `${formatDurationInput(Math.max(0, Math.round((deadline - now) / 1000) * 1000))} left`;

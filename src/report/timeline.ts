// What ran when, for the job summary: each phase's start, duration and result.
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import type { Clock } from '../types.js';

export type PhaseResult = 'ok' | 'failed' | 'skipped' | 'rolled back' | 'cancelled' | (string & {});

export interface PhaseRecord {
  phase: string;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  result: PhaseResult;
  detail?: string;
}

/** `deploy idle` → `Deploy idle`: the log group title. */
const title = (phase: string) => phase.charAt(0).toUpperCase() + phase.slice(1);

export class Timeline {
  /** Begun phases: start time, and begin order to sort phases that start in the same millisecond. */
  private readonly open = new Map<string, { at: number; order: number }>();
  private readonly done: { record: PhaseRecord; at: number; order: number }[] = [];
  private nextOrder = 0;

  constructor(private readonly clock: Clock) {}

  begin(phase: string): void {
    this.open.set(phase, { at: this.clock.now(), order: this.nextOrder++ });
  }

  /** Ends a begun phase; a phase never begun (e.g. `skipped`) is recorded with duration 0. */
  end(phase: string, result: PhaseResult, detail?: string): void {
    const now = this.clock.now();
    const { at, order } = this.open.get(phase) ?? { at: now, order: this.nextOrder++ };
    this.open.delete(phase);
    const record: PhaseRecord = {
      phase,
      startedAt: new Date(at).toISOString(),
      durationMs: Math.max(0, now - at),
      result,
      ...(detail === undefined ? {} : { detail }),
    };
    this.done.push({ record, at, order });
  }

  /** Runs fn inside a log group and records `ok`, or `failed`/`cancelled` with the error's message (and rethrows). */
  async run<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    return core.group(title(phase), async () => {
      this.begin(phase);
      try {
        const value = await fn();
        this.end(phase, 'ok');
        return value;
      } catch (error) {
        const cancelled = error instanceof Error && error.name === 'Cancelled';
        this.end(phase, cancelled ? 'cancelled' : 'failed', errorMessage(error));
        throw error;
      }
    });
  }

  /** Every ended phase, in start order (nested phases after the phase that contains them). */
  records(): PhaseRecord[] {
    return [...this.done].sort((a, b) => a.at - b.at || a.order - b.order).map(({ record }) => ({ ...record }));
  }
}

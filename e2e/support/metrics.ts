// Per-scenario figures (wall time, requests, failures, time to restore) printed once per test file, so
// a CI log shows what each scenario cost and what users saw, not only pass/fail.
import { expect } from '@jest/globals';
import type { LoadStats } from '../../sandbox/harness/load-stats.js';
import type { ActionRun } from '../../sandbox/harness/runner.js';
import { explain } from './run-under-load.js';

export interface ScenarioFigures {
  scenario: string;
  wallMs: number;
  requests?: number;
  failed?: number;
  /** Anything else worth a column: time to restore, calls faulted... */
  notes?: string;
}

const figures: ScenarioFigures[] = [];

export function recordFigures(f: ScenarioFigures): void {
  figures.push(f);
}

/** Call from afterAll: one table for the file. */
export function printFigures(file: string): void {
  if (figures.length === 0) return;
  const rows = figures.map(
    (f) => `  ${f.scenario.padEnd(34)} ${`${(f.wallMs / 1000).toFixed(1)} s`.padStart(7)}  ${`${f.failed ?? '-'}/${f.requests ?? '-'}`.padStart(9)} failed  ${f.notes ?? ''}`,
  );
  console.log(`e2e figures (${file}):\n${rows.join('\n')}`);
}

/** Fails with the run's outputs, annotations and logs when its conclusion or status is not the expected one. */
export function expectRun(run: ActionRun, expected: { conclusion?: ActionRun['conclusion'] | ActionRun['conclusion'][]; status?: string | string[] }): void {
  const conclusions = expected.conclusion === undefined ? undefined : [expected.conclusion].flat();
  const statuses = expected.status === undefined ? undefined : [expected.status].flat();
  const badConclusion = conclusions !== undefined && !conclusions.includes(run.conclusion);
  const badStatus = statuses !== undefined && !statuses.includes(run.outputs.status ?? '');
  if (badConclusion || badStatus) {
    throw new Error(`expected conclusion ${conclusions?.join('|') ?? 'any'} and status ${statuses?.join('|') ?? 'any'}:\n${explain(run)}`);
  }
}

/**
 * No user request failed. On failure the first failures (when, status or error, which target group) are in
 * the message, so a CI log tells a timeout of a stalled machine from a 5xx of a colour that was not ready.
 */
export function expectNoFailedRequests(stats: Pick<LoadStats, 'failed' | 'failures'>): void {
  expect({ failed: stats.failed, firstFailures: stats.failures }).toEqual({ failed: 0, firstFailures: [] });
}

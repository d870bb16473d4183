// Annotations a reviewer must see on the run page. One function per event keeps call sites to one
// line; each annotation has a fixed title (exported, so tests and docs can name them).
import * as core from '@actions/core';
import type { Colour, TrafficSplit } from '../types.js';
import { describeSplit, oneLine } from './format.js';

export const TITLES = {
  switched: (to: Colour) => `Traffic switched to ${to}`,
  shifted: (to: Colour, percent: number) => `Traffic shifted: ${to} at ${percent}%`,
  drift: 'Live colour drift',
  lockTakeover: 'Deployment lock taken over',
  rolledBack: 'Blue-green deploy rolled back',
  failed: 'Blue-green deploy failed',
} as const;

/** A notice for each traffic move: `switched` when `to` has it all, `shifted` for a canary/linear step. */
export function announceSwitch(from: Colour, to: Colour, split: TrafficSplit): void {
  const complete = split[to] === 100;
  const title = complete ? TITLES.switched(to) : TITLES.shifted(to, split[to]);
  const verb = complete ? 'Switched' : 'Shifted';
  core.notice(`${verb} traffic from ${from} to ${to}: ${describeSplit(split)}.`, { title });
}

/**
 * The state parameter disagrees with the listener; the listener wins. `recorded` is the raw
 * parameter value (it may not even be a colour); `parameter` names it when the caller knows it.
 */
export function warnDrift(recorded: string, actual: Colour, parameter?: string): void {
  const where = parameter ? `The state parameter ${parameter}` : 'The state parameter';
  core.warning(
    `${where} records ${JSON.stringify(recorded)} but the listener forwards to ${actual}; ` +
      `trusting the listener (${actual} is live) and correcting the record.`,
    { title: TITLES.drift },
  );
}

/** A stale lock was broken; `holder` is the previous holder's description (run, time). */
export function warnLockTakeover(holder: string): void {
  core.warning(`Took over a stale deployment lock held by ${oneLine(holder)}.`, { title: TITLES.lockTakeover });
}

/**
 * Fails the step with one titled error annotation. core.setFailed would do the same but takes no
 * title, and calling both would annotate the failure twice.
 */
export function failStep(message: string, title: string): void {
  core.error(oneLine(message), { title });
  process.exitCode = core.ExitCode.Failure;
}

// Shift: change only the forward action's weights, confirm by reading back, one step at a time.
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ElbPort } from '../aws/ports.js';
import { UnsafeListenerState } from '../errors.js';
import { describeActions, identicalActions, withSplit } from '../traffic.js';
import type { Colour, TrafficShift, TrafficSplit, TrafficTarget } from '../types.js';

/** The new colour's percentage after each step; the last is always 100. */
export function shiftSteps(shift: TrafficShift): number[] {
  if (shift.kind === 'all-at-once') return [100];
  if (shift.kind === 'canary') return [shift.percent, 100];
  const steps: number[] = [];
  for (let p = shift.percent; p < 100; p += shift.percent) steps.push(p);
  return [...steps, 100];
}

export const splitFor = (to: Colour, percent: number): TrafficSplit =>
  to === 'blue' ? { blue: percent, green: 100 - percent } : { green: percent, blue: 100 - percent };

/** How a listener or rule is named in the log: the test listener must never read like production. */
export const targetLabel = (target: TrafficTarget): string => (target.kind === 'rule' ? 'Rule' : 'Listener');

/** Writes `split` into `current` (only the forward's target groups change) and confirms it took. */
export async function applySplit(
  elb: ElbPort,
  target: TrafficTarget,
  current: Action[],
  targetGroups: Record<Colour, string>,
  split: TrafficSplit,
  label = targetLabel(target),
): Promise<Action[]> {
  return writeActions(elb, target, withSplit(current, targetGroups, split), targetGroups, label);
}

/** Writes the actions and confirms them by reading back. */
export async function writeActions(elb: ElbPort, target: TrafficTarget, desired: Action[], targetGroups: Record<Colour, string>, label = targetLabel(target)): Promise<Action[]> {
  await elb.writeActions(target, desired);
  return confirmActions(elb, target, desired, targetGroups, label);
}

/** Reads the actions back; a listener that does not say what we wrote is not switched. */
export async function confirmActions(
  elb: ElbPort,
  target: TrafficTarget,
  desired: Action[],
  targetGroups?: Record<Colour, string>,
  label = targetLabel(target),
): Promise<Action[]> {
  const readBack = await elb.readActions(target);
  if (!identicalActions(readBack, desired)) {
    throw new UnsafeListenerState(
      `After the change the ${label.toLowerCase()} ${target.arn} reads '${describeActions(readBack, targetGroups)}', not the '${describeActions(desired, targetGroups)}' that was written.`,
    );
  }
  core.info(`${label} now: ${describeActions(readBack, targetGroups)}`);
  return readBack;
}

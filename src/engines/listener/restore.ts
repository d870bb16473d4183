// Restore: put the listener back as the snapshot says, and the record with it, but never onto a colour
// that has no healthy targets. Used by main's automatic rollback and by the post step, so it must be
// short (a cancelled job gives main 7.5 s) and idempotent (post may repeat what main did).
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RestorePorts } from '../../aws/ports.js';
import { RollbackFailed } from '../../errors.js';
import { describeActions, identicalActions, liveColourOf, readSplit } from '../../traffic.js';
import type { Colour, Config, ListenerSnapshot, TrafficTarget } from '../../types.js';
import { writeRecord } from '../../flow/record.js';
import { writeActions } from '../../flow/shift.js';
import { allTrafficTo, stickinessOf, withoutTargetGroup } from './stickiness.js';
import { describeTargets, healthyCount } from '../../flow/target-health.js';

export interface RestoreResult {
  /** Where traffic is now. */
  live: Colour;
  /** true when the listener was written (false when it already matched the snapshot). */
  changed: boolean;
  /** The listener sent traffic to `next` when the restore read it: traffic really was moved back. */
  trafficHadMoved: boolean;
}

/** What a restore needs to know; post has only what main saved. */
export type RestoreConfig = Pick<Config, 'targetGroups' | 'stateParameter'>;

/**
 * What the restore writes: the snapshot, except that with target-group stickiness on it does not list
 * the colour it leaves (see stickiness.ts): a client bound to that colour would otherwise stay on the
 * failed release for up to the stickiness duration, whatever the weights.
 */
export function restoredActions(snapshot: ListenerSnapshot, targetGroups: Record<Colour, string>, leaving: Colour): Action[] {
  return stickinessOf(snapshot.actions) ? withoutTargetGroup(snapshot.actions, targetGroups[leaving]) : snapshot.actions;
}

/** The colour that gets all traffic, 'split', or undefined when the actions cannot be read as a forward of the pair. */
export function colourOfActions(actions: readonly Action[], targetGroups: Record<Colour, string>): Colour | 'split' | undefined {
  try {
    return liveColourOf(readSplit(actions, targetGroups));
  } catch {
    return undefined;
  }
}

/** `on blue`, `split between the colours`, or unknown: where traffic is, for a message. */
export const describeWhere = (now: Colour | 'split' | undefined): string =>
  now === undefined ? 'unknown (the listener could not be read)' : now === 'split' ? 'split between the colours' : `on ${now}`;

/** Where traffic is right now, read back; undefined when the read fails too. */
export async function whereTrafficIs(ports: RestorePorts, target: TrafficTarget, targetGroups: Record<Colour, string>): Promise<Colour | 'split' | undefined> {
  try {
    return colourOfActions(await ports.elb.readActions(target), targetGroups);
  } catch {
    return undefined;
  }
}

const carries = (actions: readonly Action[], targetGroups: Record<Colour, string>, colour: Colour): boolean => {
  try {
    return readSplit(actions, targetGroups)[colour] > 0;
  } catch {
    return false;
  }
};

export async function restoreSnapshot(
  ports: RestorePorts,
  config: RestoreConfig,
  snapshot: ListenerSnapshot,
  previous: Colour,
  next: Colour,
  /** Told, as soon as it is known, whether traffic had moved to `next` (a later call may still fail). */
  onRead?: (trafficHadMoved: boolean) => void,
): Promise<RestoreResult> {
  const desired = restoredActions(snapshot, config.targetGroups, next);
  const current = await ports.elb.readActions(snapshot.target);
  const trafficHadMoved = carries(current, config.targetGroups, next);
  onRead?.(trafficHadMoved);
  if (identicalActions(current, desired)) {
    core.info(`The ${snapshot.target.kind} already matches the snapshot (${describeActions(current, config.targetGroups)}).`);
    await writeRecord(ports.ssm, config.stateParameter, previous, trafficHadMoved ? next : undefined);
    return { live: previous, changed: false, trafficHadMoved };
  }

  const [previousTargets, nextTargets] = await Promise.all([
    ports.elb.describeTargetHealth(config.targetGroups[previous]),
    ports.elb.describeTargetHealth(config.targetGroups[next]),
  ]);
  if (healthyCount(previousTargets) === 0) {
    // The dead-colour rule: restoring would send every user to a colour with nothing healthy behind it.
    if (healthyCount(nextTargets) > 0) {
      const stay = allTrafficTo(current, config.targetGroups, next);
      if (!identicalActions(current, stay)) {
        await writeActions(ports.elb, snapshot.target, stay, config.targetGroups);
      }
      await writeRecord(ports.ssm, config.stateParameter, next);
      throw new RollbackFailed(
        `Did not roll back: ${previous} has no healthy targets (${describeTargets(previousTargets)}), so traffic stays on ${next}, the only colour with healthy targets (${describeTargets(nextTargets)}), although ${next} failed its checks. Neither side is safe: act now.`,
      );
    }
    await writeActions(ports.elb, snapshot.target, desired, config.targetGroups);
    await writeRecord(ports.ssm, config.stateParameter, previous, trafficHadMoved ? next : undefined);
    throw new RollbackFailed(
      `Neither colour has healthy targets (${previous}: ${describeTargets(previousTargets)}; ${next}: ${describeTargets(nextTargets)}). The listener was restored to its state before the deploy; the service is down: act now.`,
    );
  }

  await writeActions(ports.elb, snapshot.target, desired, config.targetGroups);
  // The description marks a version written after traffic came back: the next run's history reads it.
  await writeRecord(ports.ssm, config.stateParameter, previous, trafficHadMoved ? next : undefined);
  core.info(`Traffic restored to ${previous}; ${config.stateParameter} = ${previous}.${desired !== snapshot.actions ? ` ${next} is out of the forward, so clients stickiness bound to it moved too.` : ''}`);
  return { live: previous, changed: true, trafficHadMoved };
}

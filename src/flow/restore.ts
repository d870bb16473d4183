// Restore: put the listener back exactly as the snapshot says, and the record with it, but never onto a
// colour that has no healthy targets. Used by main's automatic rollback and by the post step, so it
// must be short (a cancelled job gives main 7.5 s) and idempotent (post may repeat what main did).
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RestorePorts } from '../aws/ports.js';
import { RollbackFailed } from '../errors.js';
import { describeActions, liveColourOf, readSplit, sameActions } from '../traffic.js';
import type { Colour, Config, ListenerSnapshot } from '../types.js';
import { applySplit, confirmActions, splitFor } from './shift.js';
import { describeTargets, healthyCount } from './target-health.js';

export interface RestoreResult {
  /** Where traffic is now. */
  live: Colour;
  /** true when the listener was written (false when it already matched the snapshot). */
  changed: boolean;
}

/** What a restore needs to know; post has only what main saved. */
export type RestoreConfig = Pick<Config, 'targetGroups' | 'stateParameter'>;

/**
 * The target groups the forward actions list, weight 0 included. sameActions treats a group listed at
 * weight 0 as absent (right for confirming a shift), but the idle group attached at weight 0 for its
 * health checks is a change of ours that a restore must undo.
 */
const listedTargetGroups = (actions: readonly Action[]): string =>
  actions
    .flatMap((a) => (a.ForwardConfig?.TargetGroups?.length ? a.ForwardConfig.TargetGroups.map((g) => g.TargetGroupArn ?? '') : a.TargetGroupArn ? [a.TargetGroupArn] : []))
    .sort()
    .join(',');

export async function restoreSnapshot(
  ports: RestorePorts,
  config: RestoreConfig,
  snapshot: ListenerSnapshot,
  previous: Colour,
  next: Colour,
): Promise<RestoreResult> {
  const current = await ports.elb.readActions(snapshot.target);
  if (sameActions(current, snapshot.actions) && listedTargetGroups(current) === listedTargetGroups(snapshot.actions)) {
    core.info(`The ${snapshot.target.kind} already matches the snapshot (${describeActions(current, config.targetGroups)}).`);
    await ports.ssm.put(config.stateParameter, previous);
    return { live: previous, changed: false };
  }

  const [previousTargets, nextTargets] = await Promise.all([
    ports.elb.describeTargetHealth(config.targetGroups[previous]),
    ports.elb.describeTargetHealth(config.targetGroups[next]),
  ]);
  if (healthyCount(previousTargets) === 0) {
    // The dead-colour rule: restoring would send every user to a colour with nothing healthy behind it.
    const currentSplit = readSplit(current, config.targetGroups);
    if (healthyCount(nextTargets) > 0) {
      if (liveColourOf(currentSplit) !== next) await applySplit(ports.elb, snapshot.target, current, config.targetGroups, splitFor(next, 100));
      await ports.ssm.put(config.stateParameter, next);
      throw new RollbackFailed(
        `Did not roll back: ${previous} has no healthy targets (${describeTargets(previousTargets)}), so traffic stays on ${next}, the only colour with healthy targets (${describeTargets(nextTargets)}), although ${next} failed its checks. Neither side is safe: act now.`,
      );
    }
    await ports.elb.writeActions(snapshot.target, snapshot.actions);
    await confirmActions(ports.elb, snapshot.target, snapshot.actions, config.targetGroups);
    await ports.ssm.put(config.stateParameter, previous);
    throw new RollbackFailed(
      `Neither colour has healthy targets (${previous}: ${describeTargets(previousTargets)}; ${next}: ${describeTargets(nextTargets)}). The listener was restored to its state before the deploy; the service is down: act now.`,
    );
  }

  await ports.elb.writeActions(snapshot.target, snapshot.actions);
  await confirmActions(ports.elb, snapshot.target, snapshot.actions, config.targetGroups);
  await ports.ssm.put(config.stateParameter, previous);
  core.info(`Traffic restored to ${previous}; ${config.stateParameter} = ${previous}.`);
  return { live: previous, changed: true };
}

// The post step, the safety net: if main ended (cancelled, crashed, killed) with the production listener
// changed but not settled, restore it and the record; always release the lock. Idempotent: every action
// first looks at AWS, so running it twice, or after main already restored, changes nothing. What it
// reports is what AWS shows afterwards (read back), not what a call returned.
import * as core from '@actions/core';
import type { RestorePorts } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import { savedColour, savedPhase, savedSnapshot, StateKey, type StateStore } from '../../state.js';
import { releaseSavedLock } from '../../flow/lock.js';
import { removeSavedRoute } from './route-leftovers.js';
import type { TrafficTarget } from '../../types.js';
import { describeWhere, restoreSnapshot, whereTrafficIs, type RestoreConfig } from './restore.js';
import type { PostResult } from '../../flow/post-result.js';

/** What post knows of the run: what main used (saved state), and where traffic can be read back. */
export type PostConfig = RestoreConfig & { target?: TrafficTarget };

export async function post(config: PostConfig, ports: RestorePorts, state: StateStore): Promise<PostResult> {
  const phase = savedPhase(state);
  if (!phase) {
    core.info('Main saved no state (it did not start a deployment): nothing to do.');
    return { restored: false };
  }
  /** Where traffic is, read back; undefined when post cannot tell (no target saved, or the read failed). */
  const readBack = async () => (config.target ? whereTrafficIs(ports, config.target, config.targetGroups) : undefined);
  const describe = (now: Awaited<ReturnType<typeof readBack>>): string =>
    now === 'blue' || now === 'green' ? ` Traffic is on ${now} (read back).` : now === 'split' ? ' Traffic is split between the colours (read back): act now.' : '';
  const result: PostResult = { restored: false };
  const snapshot = savedSnapshot(state);
  const previous = savedColour(state, StateKey.PreviousColour);
  const next = savedColour(state, StateKey.NewColour);
  if (phase === 'done') {
    core.info('Main finished and reported: nothing to do.');
  } else if (phase === 'settled') {
    // Main had nothing half-done with traffic, but stopped before its outputs and summary were written.
    result.outcome = 'settled';
    result.failure = `Main stopped after traffic had settled, before it wrote its outputs and job summary.${describe(await readBack())}`;
    state.save(StateKey.Phase, 'done');
  } else if (snapshot && previous && next) {
    core.warning(`Main stopped in phase '${phase}' with the listener changed. Restoring traffic to ${previous}.`, { title: 'Post step: restoring traffic' });
    const main = `Main did not finish (phase '${phase}')`;
    try {
      const restored = await restoreSnapshot(ports, config, snapshot, previous, next);
      // Reported by this step's annotation: a second post (a re-run) has nothing left to do.
      state.save(StateKey.Phase, 'done');
      result.restored = restored.changed;
      result.outcome = restored.changed ? 'restored' : 'confirmed';
      result.failure = `${main}; the post step ${restored.changed ? 'restored' : 'confirmed'} traffic on ${restored.live} and ${config.stateParameter} = ${restored.live}.`;
    } catch (error) {
      const now = await whereTrafficIs(ports, snapshot.target, config.targetGroups);
      if (now === previous) {
        result.outcome = 'record-not-written';
        result.failure = `${main}; traffic is on ${previous} (read back), but the post step could not write ${config.stateParameter} = ${previous}: ${errorMessage(error)} The next run corrects the record.`;
      } else {
        result.outcome = 'not-restored';
        result.failure = `${main} and the post step could not restore traffic to ${previous}: ${errorMessage(error)} Traffic is ${describeWhere(now)} (read back).`;
      }
    }
  } else if (state.get(StateKey.Snapshot)) {
    result.outcome = 'not-restored';
    result.failure = `Main did not finish (phase '${phase}') and the snapshot it saved cannot be read, so the post step did not touch the listener: check where traffic is.${describe(await readBack())}`;
  } else {
    // Main died before it changed the listener: nothing to restore, but the run must say what happened.
    result.outcome = 'untouched';
    const now = await readBack();
    const where = now === 'blue' || now === 'green' ? ` and is on ${now} (read back)` : previous ? ` and stays on ${previous}` : '';
    result.failure = `Main did not finish (phase '${phase}') but had not changed the listener: traffic was not moved${where}.`;
    state.save(StateKey.Phase, 'done');
    core.info(`Main ended in phase '${phase}': traffic needs no restoring.`);
  }

  await removeSavedRoute(ports.elb, state);
  await releaseSavedLock(ports.ssm, state);
  return result;
}

// The post step, the safety net: if main ended (cancelled, crashed, killed) with the production listener
// changed but not settled, restore it and the record; always release the lock. Idempotent: every action
// first looks at AWS, so running it twice, or after main already restored, changes nothing.
import * as core from '@actions/core';
import type { RestorePorts } from '../aws/ports.js';
import { errorMessage } from '../errors.js';
import { readJson, savedColour, savedPhase, savedSnapshot, StateKey, type LockRecord, type StateStore } from '../state.js';
import { releaseLock } from './lock.js';
import { restoreSnapshot, type RestoreConfig } from './restore.js';

export interface PostResult {
  restored: boolean;
  /** Set when the post step must fail the job: it had to act, or could not. */
  failure?: string;
}

export async function post(config: RestoreConfig, ports: RestorePorts, state: StateStore): Promise<PostResult> {
  const phase = savedPhase(state);
  if (!phase) {
    core.info('Main saved no state (it did not start a deployment): nothing to do.');
    return { restored: false };
  }
  const result: PostResult = { restored: false };
  const snapshot = savedSnapshot(state);
  const previous = savedColour(state, StateKey.PreviousColour);
  const next = savedColour(state, StateKey.NewColour);
  if (phase !== 'settled' && snapshot && previous && next) {
    core.warning(`Main stopped in phase '${phase}' with the listener changed. Restoring traffic to ${previous}.`, { title: 'Post step: restoring traffic' });
    try {
      const restored = await restoreSnapshot(ports, config, snapshot, previous, next);
      state.save(StateKey.Phase, 'settled');
      result.restored = restored.changed;
      result.failure = `Main did not finish (phase '${phase}'); the post step ${restored.changed ? 'restored' : 'confirmed'} traffic on ${restored.live} and ${config.stateParameter} = ${restored.live}.`;
    } catch (error) {
      result.failure = `Main did not finish (phase '${phase}') and the post step could not restore traffic to ${previous}: ${errorMessage(error)}`;
    }
  } else {
    core.info(`Main ended in phase '${phase}': traffic needs no restoring.`);
  }

  const lock = readJson<LockRecord>(state, StateKey.Lock);
  if (lock?.name) {
    try {
      await releaseLock(ports.ssm, lock);
    } catch (error) {
      // Tidy-up only: the lock expires by itself, so this never fails the job.
      core.warning(`Could not release the deployment lock ${lock.name}: ${errorMessage(error)}. It expires by itself.`);
    }
  }
  return result;
}

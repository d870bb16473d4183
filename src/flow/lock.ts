// The deployment lock: an SSM parameter created without overwrite, so two runs cannot deploy the same
// pair at once. SSM has no compare-and-swap, so taking over an expired lock is overwrite-then-read-back:
// of two runs racing for the same expired lock, the one that reads someone else's id back gives up.
import * as core from '@actions/core';
import type { SsmPort } from '../aws/ports.js';
import { errorMessage, LockHeld } from '../errors.js';
import { warnLockTakeover } from '../report/annotations.js';
import { saveJson, StateKey } from '../state.js';
import type { Clock, Config, RunIdentity } from '../types.js';
import type { FlowDeps } from './context.js';
import { shiftSteps } from './shift.js';

export interface LockValue {
  runId: string;
  holder: string;
  url?: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface LockHandle {
  name: string;
  runId: string;
}

/** The lock sits beside the state parameter, so one IAM resource pattern covers both. */
export const lockParameterName = (stateParameter: string): string => `${stateParameter}-lock`;

function parseLock(raw: string): LockValue | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockValue>;
    if (typeof value.runId === 'string' && typeof value.expiresAt === 'string') return value as LockValue;
  } catch {
    // fall through: an unreadable lock is reported as held by an unknown run
  }
  return undefined;
}

/** Takes the lock or throws LockHeld naming who holds it and how to recover. */
export async function acquireLock(
  ssm: SsmPort,
  stateParameter: string,
  run: RunIdentity,
  ttlMs: number,
  clock: Clock,
): Promise<LockHandle & { tookOver?: LockValue }> {
  const name = lockParameterName(stateParameter);
  const now = clock.now();
  const mine: LockValue = {
    runId: run.id,
    holder: run.description,
    ...(run.url ? { url: run.url } : {}),
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
  };
  const serialized = JSON.stringify(mine);
  const description = 'Blue-green deployment lock (deleted when the run ends)';

  for (let attempt = 0; attempt < 2; attempt++) {
    if (await ssm.putIfAbsent(name, serialized, description)) return { name, runId: run.id };
    const existing = await ssm.get(name);
    if (!existing) continue; // released between our two calls: try once more
    const held = parseLock(existing.value);
    if (held?.runId === run.id) return { name, runId: run.id }; // ours already (a retried step)
    const expired = held !== undefined && Date.parse(held.expiresAt) <= now;
    if (!expired) {
      const who = held ? `${held.holder} (run ${held.runId}${held.url ? `, ${held.url}` : ''}) until ${held.expiresAt}` : `an unreadable value ${JSON.stringify(existing.value.slice(0, 200))}`;
      throw new LockHeld(
        `Another deployment holds the lock ${name}: ${who}. Wait for that run to finish; if it is dead and the lock has no expiry, delete it with 'aws ssm delete-parameter --name ${name}', or set 'lock: false' for this run.`,
      );
    }
    await ssm.put(name, serialized, description);
    const readBack = await ssm.get(name);
    if (readBack && parseLock(readBack.value)?.runId === run.id) {
      warnLockTakeover(`${held.holder} (run ${held.runId}, expired ${held.expiresAt}; lock ${name})`);
      return { name, runId: run.id, tookOver: held };
    }
    throw new LockHeld(`Another run took over the expired lock ${name} at the same moment; try again when it has finished.`);
  }
  throw new LockHeld(`Could not take the lock ${name}: it keeps appearing and disappearing; try again.`);
}

/** Deletes the lock if it is still ours; never deletes another run's lock. */
export async function releaseLock(ssm: SsmPort, handle: LockHandle): Promise<void> {
  const existing = await ssm.get(handle.name);
  if (!existing) return;
  if (parseLock(existing.value)?.runId !== handle.runId) {
    core.info(`Lock ${handle.name} now belongs to another run; leaving it.`);
    return;
  }
  await ssm.delete(handle.name);
  core.info(`Released the deployment lock ${handle.name}.`);
}

/** How long the lock lives if its run dies without releasing it: everything the run may wait for, plus margin. */
export function lockTtlMs(config: Config): number {
  const shift = config.trafficShift;
  const shiftWaits = shift.kind === 'all-at-once' ? 0 : shiftSteps(shift).length * shift.waitMs;
  return 2 * config.waitTimeoutMs + shiftWaits + config.bakeTimeMs + config.scaleDownDelayMs + 30 * 60_000;
}

/** Takes the run's lock (unless `lock: false` or a dry run) and records it for post; notes a takeover. */
export async function holdLock(config: Config, deps: FlowDeps, notes: string[]): Promise<LockHandle | undefined> {
  if (!config.lock || config.dryRun) return undefined;
  const lock = await deps.timeline.run('Lock', () => acquireLock(deps.ports.ssm, config.stateParameter, config.run, lockTtlMs(config), deps.clock));
  saveJson(deps.state, StateKey.Lock, { name: lock.name, runId: lock.runId });
  if (lock.tookOver) notes.push(`Took over an expired deployment lock (${lock.name}).`);
  return { name: lock.name, runId: lock.runId };
}

/** Releases the run's lock at the end of main; a failure only warns, since post tries again. */
export async function letGoOfLock(lock: LockHandle | undefined, deps: FlowDeps): Promise<void> {
  if (!lock) return;
  try {
    await releaseLock(deps.ports.ssm, lock);
    deps.state.save(StateKey.Lock, '');
  } catch (error) {
    core.warning(`Could not release the lock ${lock.name}: ${errorMessage(error)}; the post step will try again.`);
  }
}

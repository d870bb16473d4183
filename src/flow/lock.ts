// The deployment lock: an SSM parameter created without overwrite, so two runs cannot deploy the same
// pair at once. SSM has no compare-and-swap, so taking over an expired lock is overwrite-then-read-back:
// of two runs racing for the same expired lock, the one that reads someone else's id back gives up.
import * as core from '@actions/core';
import type { SsmPort } from '../aws/ports.js';
import { errorMessage, LockHeld } from '../errors.js';
import { warnLockTakeover } from '../report/annotations.js';
import { readJson, saveJson, StateKey, type LockRecord, type StateStore } from '../state.js';
import type { Clock, Config, RunIdentity } from '../types.js';
import type { FlowDeps } from './context.js';
import { shiftSteps } from './shift.js';

export interface LockValue {
  /** The holder's RunIdentity id: unique to one execution of the step (see inputs/run-identity.ts). */
  id: string;
  holder: string;
  url?: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface LockHandle {
  name: string;
  /** The holder's id, as in LockValue. */
  id: string;
}

/** The lock sits beside the state parameter, so one IAM resource pattern covers both. */
export const lockParameterName = (stateParameter: string): string => `${stateParameter}-lock`;

function parseLock(raw: string): LockValue | undefined {
  try {
    // `runId` is what versions before per-job ids wrote: such a lock is still honoured until it expires.
    const value = JSON.parse(raw) as Partial<LockValue> & { runId?: unknown };
    const id = typeof value.id === 'string' ? value.id : typeof value.runId === 'string' ? value.runId : undefined;
    if (id !== undefined && typeof value.expiresAt === 'string') return { ...value, id } as LockValue;
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
    id: run.id,
    holder: run.description,
    ...(run.url ? { url: run.url } : {}),
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
  };
  const serialized = JSON.stringify(mine);
  const description = 'Blue-green deployment lock (deleted when the run ends)';

  for (let attempt = 0; attempt < 2; attempt++) {
    if (await ssm.putIfAbsent(name, serialized, description)) return { name, id: run.id };
    const existing = await ssm.get(name);
    if (!existing) continue; // released between our two calls: try once more
    const held = parseLock(existing.value);
    // Ours already: our own write took effect but its reply was lost, and the retry found it.
    if (held?.id === run.id) return { name, id: run.id };
    const expired = held !== undefined && Date.parse(held.expiresAt) <= now;
    if (!expired) {
      const who = held ? `${held.holder} (lock id ${held.id}${held.url ? `, ${held.url}` : ''}) until ${held.expiresAt}` : `an unreadable value ${JSON.stringify(existing.value.slice(0, 200))}`;
      throw new LockHeld(
        `Another deployment holds the lock ${name}: ${who}. Wait for that run to finish; if it is dead and the lock has no expiry, delete it with 'aws ssm delete-parameter --name ${name}', or set 'lock: false' for this run.`,
      );
    }
    await ssm.put(name, serialized, description);
    const readBack = await ssm.get(name);
    if (readBack && parseLock(readBack.value)?.id === run.id) {
      warnLockTakeover(`${held.holder} (lock id ${held.id}, expired ${held.expiresAt}; lock ${name})`);
      return { name, id: run.id, tookOver: held };
    }
    throw new LockHeld(`Another run took over the expired lock ${name} at the same moment; try again when it has finished.`);
  }
  throw new LockHeld(`Could not take the lock ${name}: it keeps appearing and disappearing; try again.`);
}

/** Deletes the lock if it is still ours; never deletes another run's lock. */
export async function releaseLock(ssm: SsmPort, handle: LockHandle): Promise<void> {
  const existing = await ssm.get(handle.name);
  if (!existing) return;
  if (parseLock(existing.value)?.id !== handle.id) {
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
  // wait-timeout bounds three waits: the rollout, the idle colour's checks, and its capacity parity;
  // command-timeout bounds each of the team's commands.
  const { preDeploy, smokeTest, postDeploy, rollback } = config.commands;
  const commands = [preDeploy, smokeTest, postDeploy, rollback].filter(Boolean).length * config.commands.timeoutMs + (config.commands.preDeployTask ? config.waitTimeoutMs : 0);
  return 3 * config.waitTimeoutMs + shiftWaits + config.bakeTimeMs + config.scaleDownDelayMs + commands + 30 * 60_000;
}

/**
 * Takes the run's lock (unless `lock: false` or a dry run); notes a takeover. What is about to be
 * acquired is recorded for post *before* the write: a write that takes effect while its reply is lost
 * would otherwise leave a lock that nobody knows to release (release checks the id, so recording a
 * lock we never got is harmless).
 */
export async function holdLock(config: Config, deps: FlowDeps, notes: string[]): Promise<LockHandle | undefined> {
  if (!config.lock || config.dryRun) return undefined;
  const handle: LockHandle = { name: lockParameterName(config.stateParameter), id: config.run.id };
  saveJson(deps.state, StateKey.Lock, handle);
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await deps.timeline.run('Lock', () => acquireLock(deps.ports.ssm, config.stateParameter, config.run, lockTtlMs(config), deps.clock));
  } catch (error) {
    // Someone else's lock: nothing of ours to release. Any other failure may have left ours behind.
    if (error instanceof LockHeld) deps.state.save(StateKey.Lock, '');
    throw error;
  }
  if (lock.tookOver) notes.push(`Took over an expired deployment lock (${lock.name}).`);
  return handle;
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

/** Post's tidy-up: releases the lock main saved it held, if any. Never fails the job: the lock expires by itself. */
export async function releaseSavedLock(ssm: SsmPort, state: StateStore): Promise<void> {
  const lock = readJson<LockRecord>(state, StateKey.Lock);
  if (!lock?.name) return;
  try {
    await releaseLock(ssm, lock);
  } catch (error) {
    core.warning(`Could not release the deployment lock ${lock.name}: ${errorMessage(error)}. It expires by itself.`);
  }
}

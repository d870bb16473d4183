// What main tells post, saved with core.saveState at every phase boundary. One enum of keys with typed
// save/get (as actions/cache does), so main and post cannot drift apart on names or shapes.
import * as core from '@actions/core';
import type { Colour, ListenerSnapshot, TrafficTarget } from './types.js';

export enum StateKey {
  /** The last phase main entered; post reads it to know what may be half-done. */
  Phase = 'phase',
  /** The listener's (or rule's) actions before the first change, JSON. Present from the first change on. */
  Snapshot = 'snapshot',
  /** The colour that was live when main started (the record is corrected to it before anything moves). */
  PreviousColour = 'previous-colour',
  /** The colour main was moving traffic to. */
  NewColour = 'new-colour',
  /** The lock main holds or is about to take: JSON {name, id}. Saved before the write, cleared when main releases it. */
  Lock = 'lock',
  /**
   * What post needs of the configuration, JSON {region, targetGroups, stateParameter}: post uses what
   * main used, even if re-reading the inputs would now fail (a task definition file gone, say).
   */
  Context = 'context',
  /** `github-deployment`: the record main opened, JSON {id, environment, final}; post closes one left open. */
  GitHubDeployment = 'github-deployment',
  /** engine: ecs: the service deployment main started, JSON {cluster, service, startedAfter, arn?}; post rolls back one left in flight. */
  ServiceDeployment = 'service-deployment',
  /**
   * The verification rule main creates on the production listener, JSON {listenerArn, runId, pair, ruleArn?}:
   * saved before CreateRule (a lost reply leaves a rule post finds by its tags), cleared once it is deleted.
   */
  VerifyRoute = 'verify-route',
}

/**
 * Phases in the order main passes them. `settled` means nothing is half-done with traffic: post only
 * releases the lock. `done` means main also wrote its outputs, summary and annotation.
 */
export type Phase = 'started' | 'locked' | 'deploying' | 'verifying' | 'shifting' | 'baking' | 'rolling-back' | 'settled' | 'done';

export interface PostContext {
  region: string;
  targetGroups: Record<Colour, string>;
  stateParameter: string;
  /** The production listener or rule, so post can read back where traffic is. */
  target?: TrafficTarget;
  /** `rollback-command`, which post runs when it restored traffic main left shifted. */
  rollbackCommand?: { script: string; timeoutMs: number; healthCheckUrl?: string };
  /** engine: ecs: post rolls back the service deployment main left in flight (no listener of its own). */
  builtIn?: { cluster: string; service: string };
}

export interface RouteRecord {
  listenerArn: string;
  runId: string;
  /** The state parameter: the pair the rule belongs to (its tag). */
  stateParameter: string;
  ruleArn?: string;
}

export interface LockRecord {
  name: string;
  id: string;
}

/** Typed access to the runner's state file; the default implementation is @actions/core. */
export interface StateStore {
  save(key: StateKey, value: string): void;
  get(key: StateKey): string;
}

export const runnerState: StateStore = {
  save: (key, value) => core.saveState(key, value),
  get: (key) => core.getState(key),
};

export const saveJson = (store: StateStore, key: StateKey, value: unknown): void => store.save(key, JSON.stringify(value));

export function readJson<T>(store: StateStore, key: StateKey): T | undefined {
  const raw = store.get(key);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    core.warning(`Saved state '${key}' is not valid JSON; ignoring it.`);
    return undefined;
  }
}

export const savedPhase = (store: StateStore): Phase | undefined => (store.get(StateKey.Phase) || undefined) as Phase | undefined;
export const savedSnapshot = (store: StateStore) => readJson<ListenerSnapshot>(store, StateKey.Snapshot);
export const savedColour = (store: StateStore, key: StateKey.PreviousColour | StateKey.NewColour): Colour | undefined => {
  const value = store.get(key);
  return value === 'blue' || value === 'green' ? value : undefined;
};

// The production forward (the listener's default action, or the rule) as one deploy sees and changes
// it: the last state we know, the snapshot a rollback restores, and every write confirmed by reading back.
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ElbPort } from '../../aws/ports.js';
import { UnsafeListenerState } from '../../errors.js';
import { saveJson, StateKey, type StateStore } from '../../state.js';
import { describeActions, identicalActions } from '../../traffic.js';
import type { Clock, Colour, ListenerSnapshot, TrafficSplit, TrafficTarget } from '../../types.js';
import { applySplit, writeActions } from '../../flow/shift.js';
import { colourOfActions } from './restore.js';
import { withoutTargetGroup } from './stickiness.js';

export class ProductionForward {
  /** The actions as we last read or wrote them. */
  current: Action[];
  /** The forward right before our first change; saved for post the moment it is taken. */
  snapshot?: ListenerSnapshot;

  constructor(
    private readonly elb: ElbPort,
    readonly target: TrafficTarget,
    discovered: Action[],
    private readonly targetGroups: Record<Colour, string>,
    /** The colour all traffic must stay on until we move it. */
    private readonly live: Colour,
    private readonly deps: { clock: Clock; state: StateStore; what: string },
  ) {
    this.current = discovered;
  }

  /**
   * Reads the forward again and makes that the baseline: right before our first change (the rollout
   * may have taken minutes, and someone may have changed the listener meanwhile), and again right
   * before the first weight moves. A change by someone else is kept (it becomes the snapshot, so a
   * rollback does not undo it). When it no longer sends everything to the live colour we stop and leave
   * it alone: the snapshot is dropped, so neither our rollback nor post writes over what they did.
   */
  async settle(): Promise<void> {
    const fresh = await this.elb.readActions(this.target);
    const changed = !identicalActions(fresh, this.current);
    if (changed) {
      const now = describeActions(fresh, this.targetGroups);
      if (colourOfActions(fresh, this.targetGroups) !== this.live) {
        this.snapshot = undefined;
        this.deps.state.save(StateKey.Snapshot, '');
        throw new UnsafeListenerState(`The ${this.target.kind} changed while ${this.deps.what} and no longer sends all traffic to ${this.live} (now: ${now}). Not switching, and leaving it as it is; run again.`);
      }
      core.warning(`The ${this.target.kind} changed while ${this.deps.what} (now: ${now}); the rollback snapshot is its current state.`);
    }
    if (changed || !this.snapshot) this.adopt(fresh);
  }

  private adopt(actions: Action[]): void {
    this.current = actions;
    this.snapshot = { target: this.target, actions, takenAt: new Date(this.deps.clock.now()).toISOString() };
    saveJson(this.deps.state, StateKey.Snapshot, this.snapshot);
  }

  /** Snapshot first (once), then write the split and confirm it. */
  async apply(split: TrafficSplit): Promise<Action[]> {
    if (!this.snapshot) await this.settle();
    this.current = await applySplit(this.elb, this.target, this.current, this.targetGroups, split);
    return this.current;
  }

  /** Snapshot first (once), then take a colour that carries no traffic out of the forward (see stickiness.ts). */
  async release(colour: Colour): Promise<void> {
    if (!this.snapshot) await this.settle();
    this.current = await writeActions(this.elb, this.target, withoutTargetGroup(this.current, this.targetGroups[colour]), this.targetGroups);
  }
}

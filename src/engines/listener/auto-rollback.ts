// The deploy's automatic rollback once the production forward has changed: restore the snapshot and
// the record, then report what AWS shows — read back — not what a call returned. A rollback is
// reported only when traffic had moved and is back; a restore whose record write failed is still a
// rollback (and post retries the record); a restore that failed says where traffic is now.
import * as core from '@actions/core';
import { Cancelled, errorMessage, RollbackFailed } from '../../errors.js';
import { StateKey } from '../../state.js';
import { describeActions } from '../../traffic.js';
import type { Colour, Config, ListenerSnapshot } from '../../types.js';
import { recordStep, type FlowDeps, type FlowResult } from '../../flow/context.js';
import { describeWhere, restoredActions, restoreSnapshot, whereTrafficIs } from './restore.js';
import { splitFor } from '../../flow/shift.js';

export interface RollbackContext {
  snapshot: ListenerSnapshot;
  live: Colour;
  idle: Colour;
  reason: string;
  error: unknown;
  notes: FlowResult['notes'];
  taskDefinitionArn?: string;
  /** Set once a weight step was confirmed: traffic did move. */
  switchedAt?: string;
}

export async function rollBack(config: Config, deps: FlowDeps, ctx: RollbackContext): Promise<FlowResult> {
  const { state, timeline, clock } = deps;
  state.save(StateKey.Phase, 'rolling-back');
  const cancelled = ctx.error instanceof Cancelled;
  const ports = cancelled && deps.rescuePorts ? deps.rescuePorts() : deps.ports;
  // Logged, not annotated: the step's one error annotation, after the restore, tells the whole story.
  core.info(`${cancelled ? 'Cancelled' : 'Failed'}: ${ctx.reason}. Restoring traffic to ${ctx.live}.`);
  const base = {
    targetColour: ctx.idle,
    ...(ctx.taskDefinitionArn ? { taskDefinitionArn: ctx.taskDefinitionArn } : {}),
    rollbackReason: ctx.reason,
    ...(ctx.switchedAt ? { switchedAt: ctx.switchedAt } : {}),
  };
  const failedTitle = 'Blue-green rollback FAILED: act now';
  let moved = ctx.switchedAt !== undefined;
  try {
    const restored = await timeline.run(`Roll back to ${ctx.live}`, () =>
      restoreSnapshot(ports, config, ctx.snapshot, ctx.live, ctx.idle, (hadMoved) => {
        moved ||= hadMoved;
      }),
    );
    state.save(StateKey.Phase, 'settled');
    ctx.notes.listenerAfter = describeActions(restoredActions(ctx.snapshot, config.targetGroups, ctx.idle), config.targetGroups);
    if (!moved) {
      // Every write of the switch failed: the listener never sent users to the new colour.
      return {
        outcome: { status: 'failed', liveColour: ctx.live, previousColour: ctx.live, rolledBack: false, ...base },
        notes: ctx.notes,
        error: new Error(`${ctx.reason}. Traffic never left ${ctx.live}: the ${ctx.snapshot.target.kind} is as it was and ${config.stateParameter} = ${ctx.live}.`),
        errorTitle: `Blue-green deploy failed; traffic stayed on ${ctx.live}`,
      };
    }
    recordStep(ctx.notes, clock.now(), splitFor(ctx.live, 100), 'rollback');
    const when = new Date(clock.now()).toISOString();
    return {
      outcome: { status: 'rolled-back', liveColour: restored.live, previousColour: ctx.live, rolledBack: true, ...base },
      notes: ctx.notes,
      error: new Error(`${ctx.reason}. Rolled back at ${when}: traffic is back on ${ctx.live} and ${config.stateParameter} = ${ctx.live}.`),
      errorTitle: cancelled ? `Deploy cancelled; traffic is back on ${ctx.live}` : `Blue-green deploy rolled back to ${ctx.live}`,
    };
  } catch (rollbackError) {
    const message = errorMessage(rollbackError);
    // A RollbackFailed has already put traffic where healthy targets are (and the record with it).
    if (rollbackError instanceof RollbackFailed) state.save(StateKey.Phase, 'settled');
    const now = await whereTrafficIs(ports, ctx.snapshot.target, config.targetGroups);
    if (now === ctx.live && !(rollbackError instanceof RollbackFailed)) {
      // The listener is back (confirmed by reading it) but a later call failed: the record write, or
      // the reply of the restore itself. Phase stays 'rolling-back': post puts the record right.
      recordStep(ctx.notes, clock.now(), splitFor(ctx.live, 100), 'rollback');
      return {
        outcome: { status: moved ? 'rolled-back' : 'failed', liveColour: ctx.live, previousColour: ctx.live, rolledBack: moved, ...base },
        notes: ctx.notes,
        error: new Error(
          `${ctx.reason}. ${moved ? 'Rolled back' : 'Traffic never left ' + ctx.live}: the ${ctx.snapshot.target.kind} sends all traffic to ${ctx.live} (read back), ` +
            `but the rollback did not finish: ${message}. ${config.stateParameter} may still name ${ctx.idle}; the post step writes it again, and the next run corrects it if post cannot.`,
        ),
        errorTitle: moved ? `Blue-green deploy rolled back to ${ctx.live}; record not confirmed` : `Blue-green deploy failed; traffic stayed on ${ctx.live}`,
      };
    }
    return {
      // rolled-back says whether traffic is back on the previous colour (read back), even when that
      // colour turned out to have nothing healthy either.
      outcome: { status: 'failed', ...(now === 'blue' || now === 'green' ? { liveColour: now } : {}), previousColour: ctx.live, rolledBack: moved && now === ctx.live, ...base },
      notes: ctx.notes,
      error: new RollbackFailed(`${ctx.reason}. Then the rollback failed: ${message.replace(/\.$/, '')}. Traffic is now ${describeWhere(now)} (read back).`),
      errorTitle: failedTitle,
    };
  }
}

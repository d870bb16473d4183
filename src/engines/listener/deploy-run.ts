// One run of the pair's flow (deploy, prepare, promote; engine: traffic's deploy too): what it knows as it
// goes, the shell every mode runs in — check the pair, lock, body, restore on failure, remove the
// verification route, unlock — and discovery, the first phase of each.
import * as core from '@actions/core';
import { CommandFailed, DeploymentFailed, errorMessage } from '../../errors.js';
import { substituteColour } from '../../health/probe.js';
import { StateKey, type Phase } from '../../state.js';
import { describeActions } from '../../traffic.js';
import { otherColour, type Colour, type Config } from '../../types.js';
import { rollBack } from './auto-rollback.js';
import { runRollbackCommand, type CommandContext } from '../../flow/commands.js';
import { newNotes, type FlowDeps, type FlowNotes, type FlowResult } from '../../flow/context.js';
import { discover, requireSingleLiveColour, type Discovery } from './discover.js';
import type { ProductionForward } from './forward.js';
import { holdLock, letGoOfLock } from '../../flow/lock.js';
import { checkPair } from './pair-check.js';
import type { VerifyRoute } from './verify-route.js';
import type { IdleColours } from '../engine.js';

/** What one run knows as it goes, filled in phase by phase; the rollback reads it when a phase fails. */
export interface DeployRun {
  config: Config;
  deps: FlowDeps;
  /** What the engine's colours are (ECS services, or target groups something else fills). */
  colours: IdleColours;
  notes: FlowNotes;
  live?: Colour;
  idle?: Colour;
  forward?: ProductionForward;
  /** How the idle colour is checked: the verification rule, the test listener, or the weight-0 forward. */
  route?: VerifyRoute;
  taskDefinitionArn?: string;
  switchedAt?: string;
}


export const phase = (run: DeployRun, p: Phase): void => run.deps.state.save(StateKey.Phase, p);

/**
 * Check the pair (read-only, so a mismatch costs no mutating call — not even the lock's), take the lock,
 * run `body`; on failure restore traffic if it moved; remove the verification rule and release the lock
 * only once all that is over.
 */
export async function lockedRun(config: Config, deps: FlowDeps, colours: IdleColours, body: (run: DeployRun) => Promise<FlowResult>): Promise<FlowResult> {
  const run: DeployRun = { config, deps, colours, notes: newNotes() };
  phase(run, 'started');
  await deps.timeline.run('Check the pair', () => checkPair(deps.ports, config, colours));
  const lock = await holdLock(config, deps, run.notes.notes);
  if (lock) phase(run, 'locked');
  try {
    return await body(run);
  } catch (error) {
    return await failed(run, error);
  } finally {
    await run.route?.close();
    await letGoOfLock(lock, deps);
  }
}

/** Which colour is live (the listener is the truth) and what the record says; notes drift. */
export async function discoverColours(run: DeployRun): Promise<{ found: Discovery; live: Colour; idle: Colour }> {
  const { config, deps, notes } = run;
  const { ports, timeline, state } = deps;
  const found = await timeline.run('Discover', () => discover(ports, config));
  const live = requireSingleLiveColour(found, config);
  const idle = otherColour(live);
  run.live = live;
  run.idle = idle;
  state.save(StateKey.PreviousColour, live);
  state.save(StateKey.NewColour, idle);
  notes.listenerBefore = describeActions(found.actions, config.targetGroups);
  if (found.drift) {
    notes.notes.push(
      found.record === undefined
        ? `${config.stateParameter} did not exist; it will be created from the listener (${live}).`
        : `${config.stateParameter} recorded '${found.record}' but the listener sent traffic to ${live}; the listener was trusted.`,
    );
  }
  return { found, live, idle };
}

/** A phase failed: restore traffic if the production forward changed, else report where it stayed. */
async function failed(run: DeployRun, error: unknown): Promise<FlowResult> {
  const { config, deps, notes, live, idle, forward, taskDefinitionArn, switchedAt } = run;
  if (error instanceof DeploymentFailed) notes.events = error.events;
  const reason = errorMessage(error);
  if (forward?.snapshot && live && idle) {
    // Awaited here, inside the try: the lock is released (finally) only once the rollback is over.
    const result = await rollBack(config, deps, { snapshot: forward.snapshot, live, idle, reason, error, notes, ...(taskDefinitionArn ? { taskDefinitionArn } : {}), ...(switchedAt ? { switchedAt } : {}) });
    if (result.outcome.rolledBack) {
      await runRollbackCommand(config, deps, notes, { live, target: idle, ...(config.health.url ? { targetUrl: substituteColour(config.health.url, idle) } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rollbackReason: reason });
    }
    return result.error ? { ...result, error: withCommandOutput(result.error, error) } : result;
  }
  phase(run, 'settled');
  return {
    outcome: { status: 'failed', ...(live ? { liveColour: live, previousColour: live } : {}), ...(idle ? { targetColour: idle } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}), rolledBack: false },
    notes,
    error: withCommandOutput(error instanceof Error ? error : new Error(reason), error),
    errorTitle: live ? `Blue-green deploy failed; traffic stayed on ${live}` : 'Blue-green deploy failed',
  };
}

export function dryRunResult(run: DeployRun, live: Colour, plan: string[]): FlowResult {
  run.notes.plan = plan;
  core.info(['Dry run: nothing will be changed. The plan:', ...plan.map((l) => `  ${l}`)].join('\n'));
  return { outcome: { status: 'no-op', liveColour: live, previousColour: live, rolledBack: false }, notes: run.notes };
}

/** What a team command is told: the colours, the target's URL, and the verification header while the rule forwards to the target. */
export function commandContext(run: DeployRun, target: Colour, url: string | undefined): CommandContext {
  const header = run.route?.headerFor(target);
  return {
    live: run.live ?? otherColour(target),
    target,
    ...(url ? { targetUrl: substituteColour(url, target) } : {}),
    ...(header ? { targetHeader: header } : {}),
    ...(run.taskDefinitionArn ? { taskDefinitionArn: run.taskDefinitionArn } : {}),
  };
}

/** The parts of the run a phase after discovery relies on; missing ones are a bug in the flow's order. */
export function required(run: DeployRun): { live: Colour; idle: Colour; forward: ProductionForward; route: VerifyRoute } {
  const { live, idle, forward, route } = run;
  if (!live || !idle || !forward || !route) throw new Error('the flow ran a phase before discovering the pair');
  return { live, idle, forward, route };
}

/** A failed command's last output lines, after the error's own story (the annotation shows both). */
export function withCommandOutput(error: Error, cause: unknown): Error {
  if (!(cause instanceof CommandFailed) || cause.lastLines.length === 0) return error;
  return new Error(`${error.message}\nLast ${cause.lastLines.length} line(s) of ${cause.input}:\n${cause.lastLines.join('\n')}`);
}

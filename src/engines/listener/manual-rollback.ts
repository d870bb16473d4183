// `mode: rollback`: put traffic back on the other colour without redeploying: check the pair, make sure
// that colour can carry the load, check its targets and health URL, flip the listener, record it. Also
// the way out of a listener left split by a dead run.
import * as core from '@actions/core';
import { errorMessage, HealthCheckFailed, UnsafeListenerState } from '../../errors.js';
import { substituteColour } from '../../health/probe.js';
import { announceSwitch } from '../../report/annotations.js';
import { StateKey } from '../../state.js';
import { describeActions } from '../../traffic.js';
import { isColour, otherColour, type Colour, type Config } from '../../types.js';
import { commandFor, runRollbackCommand } from '../../flow/commands.js';
import { newNotes, recordStep, type FlowDeps, type FlowResult } from '../../flow/context.js';
import { discover } from './discover.js';
import { ProductionForward } from './forward.js';
import { holdLock, letGoOfLock } from '../../flow/lock.js';
import { checkPair } from './pair-check.js';
import { splitFor, writeActions } from '../../flow/shift.js';
import { allTrafficTo, stickinessOf } from './stickiness.js';
import { pointTestListener } from './test-listener.js';
import { verifyColour } from '../../flow/verify.js';
import { openRoute, type VerifyRoute } from './verify-route.js';
import { writeRecord } from '../../flow/record.js';
import type { IdleColours } from '../engine.js';

export async function manualRollback(config: Config, deps: FlowDeps, colours: IdleColours): Promise<FlowResult> {
  const { ports, clock, state, timeline } = deps;
  const notes = newNotes();
  state.save(StateKey.Phase, 'started');
  await timeline.run('Check the pair', () => checkPair(ports, config, colours));
  const lock = await holdLock(config, deps, notes.notes);
  let forward: ProductionForward | undefined;
  let route: VerifyRoute | undefined;
  let from: Colour | undefined;
  let recorded: string | undefined;
  let wasSplit = false;
  try {
    const found = await timeline.run('Discover', () => discover(ports, config));
    notes.listenerBefore = describeActions(found.actions, config.targetGroups);
    recorded = found.record;
    if (config.expectedLiveColour && found.live !== config.expectedLiveColour) {
      // A rollback queued behind a deploy that already rolled itself back would otherwise flip to the
      // colour that just failed: with the guard it finds nothing to do.
      const now = found.live === 'split' ? `split (blue ${found.split.blue}%, green ${found.split.green}%)` : `on ${found.live}`;
      core.notice(`Nothing rolled back: traffic is ${now}, not on ${config.expectedLiveColour} as expected-live-color says; it was probably rolled back already.`, {
        title: 'Rollback not needed',
      });
      notes.notes.push(`expected-live-color is ${config.expectedLiveColour} but traffic is ${now}: nothing was changed.`);
      return {
        outcome: { status: 'no-op', ...(found.live !== 'split' ? { liveColour: found.live, previousColour: found.live } : {}), rolledBack: false },
        notes,
      };
    }
    let to: Colour;
    if (found.live === 'split') {
      wasSplit = true;
      // A run died mid-shift: the record still names the colour that was live before it.
      if (!isColour(found.record)) {
        throw new UnsafeListenerState(
          `The listener is split (blue ${found.split.blue}%, green ${found.split.green}%) and ${config.stateParameter} does not name a colour, so there is no known previous colour. Point the listener at a healthy colour by hand.`,
        );
      }
      to = found.record;
      from = otherColour(to);
    } else {
      from = found.live;
      to = otherColour(from);
    }
    const target = to;
    const source = from;
    // What post restores to if this run dies mid-flip: the listener as it was, and the record as it
    // was (for a split listener that is the recorded colour, `target`).
    state.save(StateKey.PreviousColour, wasSplit ? target : source);
    state.save(StateKey.NewColour, wasSplit ? source : target);

    // Without a service (engine: traffic) the target group's health, checked below, says whether it can serve.
    const service = await colours.service(ports, config, target);
    if (service && service.runningCount === 0) {
      throw new HealthCheckFailed(
        `Cannot roll back to ${target}: ${service.serviceName} runs no tasks (desired ${service.desiredCount}), probably scaled down after the last deploy. Deploy the version you want instead.`,
      );
    }
    if (config.dryRun) {
      notes.plan = [`Make sure ${target} runs as many tasks as ${source} wants, check its targets and health URL, then move all traffic from ${source} to ${target} and record ${target}.`];
      core.info(`Dry run: would roll back from ${source} to ${target}.`);
      return { outcome: { status: 'no-op', ...(wasSplit ? {} : { liveColour: source, previousColour: source }), rolledBack: false }, notes };
    }

    const production = new ProductionForward(ports.elb, found.target, found.actions, config.targetGroups, wasSplit ? target : source, {
      clock,
      state,
      what: `${target} was being checked`,
    });
    forward = production;
    // The colour rolled back to is checked like an idle colour: through the verification rule, the test
    // listener, or (verify-route: forward) the production forward at its current weight.
    route = await openRoute({ config, deps, notes }, undefined);
    const checkedRoute = route;
    state.save(StateKey.Phase, 'verifying');
    await timeline.run(`Verify ${target}`, async () => {
      await checkedRoute.forwardTo(target, production);
      await verifyColour(config, { ...deps, probe: checkedRoute.probe }, target, {
        minHealthy: 1,
        ...(checkedRoute.kind === 'header'
          ? {}
          : {
              onUnused: async () => {
                await production.apply(splitFor(target, found.split[target]));
              },
            }),
      });
      await colours.ensureCapacity(config, deps, target, source);
    });

    state.save(StateKey.Phase, 'shifting');
    await timeline.run(`Move traffic to ${target}`, async () => {
      if (!production.snapshot) await production.settle();
      // With target-group stickiness on, clients bound to the colour we leave would stay there whatever
      // the weights: the forward lists only the colour we roll back to, so they move at once.
      production.current = await writeActions(ports.elb, found.target, allTrafficTo(production.current, config.targetGroups, target), config.targetGroups);
      // From a split listener the record keeps its value: its description says traffic came back from the other colour.
      await writeRecord(ports.ssm, config.stateParameter, target, wasSplit ? source : undefined);
      await checkedRoute.close();
    });
    state.save(StateKey.Phase, 'settled');
    const switchedAt = new Date(clock.now()).toISOString();
    recordStep(notes, clock.now(), splitFor(target, 100), 'manual rollback');
    notes.listenerAfter = describeActions(production.current, config.targetGroups);
    if (stickinessOf(production.current)) notes.notes.push(`Target-group stickiness is on: ${source} was taken out of the production forward, so the clients bound to it moved to ${target} at once.`);
    announceSwitch(source, target, splitFor(target, 100));
    if (config.testListenerArn) await pointTestListener(ports.elb, config, source);
    const rollbackReason = `mode: rollback moved traffic from ${source} to ${target}`;
    if (commandFor(config, 'rollback')) {
      const from = await colours.service(ports, config, source).catch(() => undefined);
      await runRollbackCommand(config, deps, notes, {
        live: target,
        target: source,
        ...(config.health.url ? { targetUrl: substituteColour(config.health.url, source) } : {}),
        ...(from ? { taskDefinitionArn: from.taskDefinitionArn } : {}),
        rollbackReason,
      });
    }
    return {
      outcome: { status: 'succeeded', liveColour: target, previousColour: source, targetColour: target, ...(service ? { taskDefinitionArn: service.taskDefinitionArn } : {}), rolledBack: true, rollbackReason, switchedAt },
      notes,
    };
  } catch (error) {
    let reason = errorMessage(error);
    let live: Colour | undefined = wasSplit ? undefined : from;
    const snapshot = forward?.snapshot;
    let restored = !snapshot;
    if (snapshot) {
      // Nothing here was a deploy: put the listener and the record back exactly as they were.
      try {
        await writeActions(ports.elb, snapshot.target, snapshot.actions, config.targetGroups);
        if (recorded !== undefined) await ports.ssm.put(config.stateParameter, recorded);
        restored = true;
      } catch (restoreError) {
        reason += `; restoring the listener failed too: ${errorMessage(restoreError)}`;
        live = undefined;
      }
    }
    // A restore that failed leaves the phase as it was, so post tries again.
    if (restored) state.save(StateKey.Phase, 'settled');
    return {
      outcome: { status: 'failed', ...(live ? { liveColour: live, previousColour: live } : {}), rolledBack: false },
      notes,
      error: new Error(reason),
      errorTitle: `Manual rollback failed${live ? `; traffic stays as it was (${live})` : ''}`,
    };
  } finally {
    await route?.close();
    await letGoOfLock(lock, deps);
  }
}

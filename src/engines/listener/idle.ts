// The listener engines' phases around the idle colour, shared by every flow that deploys or switches (pair's
// deploy, prepare and promote; traffic's deploy): before it changes (record, sticky clients, the
// verification route), and its verification (route, target health, probes, alarms, capacity, smoke test).
import * as core from '@actions/core';
import type { Colour } from '../../types.js';
import { runTeamCommand } from '../../flow/commands.js';
import { checkAlarmsBeforeShift } from '../../flow/monitor.js';
import { writeRecord } from '../../flow/record.js';
import { splitFor } from '../../flow/shift.js';
import { verifyColour } from '../../flow/verify.js';
import { commandContext, phase, required, type DeployRun } from './deploy-run.js';
import type { Discovery } from './discover.js';
import { ProductionForward } from './forward.js';
import { readIdleBinding, type IdleBinding } from './served-history.js';
import { planIdleRelease } from './stickiness.js';
import { pointTestListener } from './test-listener.js';
import { openRoute, routeKind } from './verify-route.js';

/**
 * What every flow that deploys or switches does before the idle colour changes: the record must exist and
 * match the listener (so a run that dies from here on leaves a record post and `mode: rollback` can trust,
 * and that tells the next run when traffic moved), a sticky refusal is raised only then, and the
 * verification route is opened (its failure leaves nothing else changed).
 */
export async function beforeIdleChanges(run: DeployRun, found: Discovery, plan: { binding?: IdleBinding; refusal?: unknown }, doing = 'deployed'): Promise<void> {
  const { config, deps, live, idle } = run;
  if (!live || !idle) throw new Error('the flow ran a phase before discovering the pair');
  if (found.drift) await writeRecord(deps.ports.ssm, config.stateParameter, live);
  if (plan.refusal) throw plan.refusal;
  run.forward = new ProductionForward(deps.ports.elb, found.target, found.actions, config.targetGroups, live, { clock: deps.clock, state: deps.state, what: `${idle} was being ${doing}` });
  run.route = await openRoute(run, plan.binding);
  await run.route.forwardTo(idle, run.forward);
}

/**
 * With target-group stickiness on: may clients be bound to the idle colour (the record's history says)?
 * A refusal (verify-route: forward) is returned, not thrown: it waits until a missing or wrong record is
 * corrected, since the record is what tells the next run when traffic last moved.
 */
export async function planSticky(run: DeployRun, found: Discovery, idle: Colour): Promise<{ binding?: IdleBinding; sticky?: ReturnType<typeof planIdleRelease>; refusal?: unknown }> {
  const { config, deps } = run;
  const binding = await readIdleBinding(deps.ports.ssm, {
    actions: found.actions,
    idle,
    now: deps.clock.now(),
    recordName: config.stateParameter,
    drift: found.drift,
    ...(found.record !== undefined ? { record: found.record } : {}),
    ...(found.recordModifiedAt ? { lastWrite: found.recordModifiedAt } : {}),
  });
  try {
    return { ...(binding ? { binding } : {}), sticky: planIdleRelease(found.actions, idle, config.targetGroups, binding, routeKind(config)) };
  } catch (error) {
    return { ...(binding ? { binding } : {}), refusal: error };
  }
}

/** Stickiness may still hold clients on the idle colour: it leaves the production forward before it changes. */
export async function releaseIdle(run: DeployRun, idle: Colour, until: number): Promise<void> {
  const { forward: production } = required(run);
  await run.deps.timeline.run(`Release ${idle}'s sticky clients`, async () => {
    core.info(`Target-group stickiness may still hold clients on ${idle} until ${new Date(until).toISOString()}: taking ${idle} out of the production forward before it is redeployed.`);
    await production.release(idle);
  });
  run.notes.notes.push(
    `${idle} was taken out of the production forward before it was redeployed: target-group stickiness could still hold clients on it until ${new Date(until).toISOString()}. It rejoins it only at the first shift step, after it passed its checks.`,
  );
}

/**
 * Verify idle: through the route (the verification rule forwards to it; or the test listener is pointed at
 * it; or it joins the production forward at weight 0), target health, the HTTP checks, no alarm firing,
 * capacity parity; then the team's smoke test.
 */
export async function verifyIdle(run: DeployRun, desiredCount: number): Promise<void> {
  const { config, deps, notes } = run;
  const { ports, timeline } = deps;
  const { live, idle, forward: production, route } = required(run);
  phase(run, 'verifying');
  await timeline.run(`Verify ${idle}`, async () => {
    // The route was pointed at the idle colour before it changed (beforeIdleChanges; promote too); with
    // verify-route: header a test listener still follows the idle colour, for people to look at.
    if (config.testListenerArn && route.kind !== 'test-listener') await pointTestListener(ports.elb, config, idle);
    await route.forwardTo(idle, production);
    const probed = await verifyColour(config, { ...deps, probe: route.probe }, idle, {
      minHealthy: Math.max(1, desiredCount),
      // ALB health-checks a group only while a rule of a listener forwards to it. With verify-route:
      // forward the idle group joins the production forward at weight 0 (no user traffic), which
      // planIdleRelease allowed only when no client can be bound to it.
      ...(route.kind === 'forward'
        ? {
            onUnused: async () => {
              core.info(`The ${idle} target group is not attached to the listener: adding it with weight 0 so the ALB health-checks it.`);
              await production.apply(splitFor(idle, 0));
            },
          }
        : {}),
    });
    if (!probed) notes.notes.push('No health-check-url: the idle colour was gated on target health only.');
    await checkAlarmsBeforeShift(ports, config);
    await run.colours.ensureCapacity(config, deps, idle, live);
  });
  // The team's own tests, against the idle colour, while no user can reach it.
  await runTeamCommand(config, deps, notes, 'smoke-test', commandContext(run, idle, config.health.url));
}

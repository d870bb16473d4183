// Target-group stickiness on the production forward (ForwardConfig.TargetGroupStickinessConfig).
//
// What AWS does, and the sandbox models (sandbox/elb/routing.ts): the ALB binds a client to the target
// group it first sent it to (cookie AWSALBTG) for DurationSeconds from that moment, and keeps sending
// it there whatever the weights — weight 0 included, and with 503s when the group has nothing to send
// to — as long as the forward lists that group. A forward can only send to the groups it lists, so a
// group taken out of the forward loses its clients at once: they are routed by weight again.
// (AWS re:Post "ALB to automatically redirect traffic"; Argo Rollouts #2726; AWS Prescriptive Guidance,
// "target group stickiness": the binding ends after the duration although the client keeps asking.)
//
// What the action makes of it:
// - a colour's clients can only have been bound while it had weight: they are all gone by the time its
//   traffic last moved away + the duration; the record's history says when that was (served-history.ts);
// - an idle colour that may still hold clients is taken out of the production forward before it is
//   redeployed, and is not added back (not even at weight 0 for health checks) before it has passed: it is
//   checked through the verification rule or the test listener (verify-route.ts);
// - a rollback lists only the colour it restores, so clients bound to the failed colour move at once;
// - the previous colour keeps its clients after a successful switch (it is healthy and unchanged), until
//   a scale-down or the next deploy takes it out of the forward first.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { UnsafeListenerState } from '../../errors.js';
import { findForwardAction, forwardTargets, withSplit } from '../../traffic.js';
import { otherColour, type Colour } from '../../types.js';
import type { IdleBinding } from './served-history.js';
import { splitFor } from '../../flow/shift.js';
import type { RouteKind } from './verify-route.js';

export interface Stickiness {
  durationMs: number;
}

/** The forward's target-group stickiness, when it is on. */
export function stickinessOf(actions: readonly Action[]): Stickiness | undefined {
  const forward = actions.find((a) => a.Type === 'forward');
  const config = forward?.ForwardConfig?.TargetGroupStickinessConfig;
  if (!config?.Enabled) return undefined;
  return { durationMs: (config.DurationSeconds ?? 0) * 1000 };
}

/** True when the forward lists the group, whatever its weight. */
export function lists(actions: readonly Action[], targetGroupArn: string): boolean {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) return false;
  try {
    return forwardTargets(forward).some((t) => t.targetGroupArn === targetGroupArn);
  } catch {
    return false;
  }
}

/**
 * A copy of `actions` whose forward no longer lists `targetGroupArn` (everything else unchanged). The
 * group must carry no weight: taking it out moves only the clients stickiness binds to it.
 */
export function withoutTargetGroup(actions: readonly Action[], targetGroupArn: string): Action[] {
  const { index, action } = findForwardAction(actions);
  const targets = forwardTargets(action);
  const leaving = targets.filter((t) => t.targetGroupArn === targetGroupArn);
  if (leaving.length === 0) return structuredClone(actions) as Action[];
  if (leaving.some((t) => t.weight > 0)) {
    throw new UnsafeListenerState(`Cannot take ${targetGroupArn} out of the forward: it still carries traffic (weight ${leaving.map((t) => t.weight).join('+')}).`);
  }
  const copy = structuredClone(actions) as Action[];
  const forward = copy[index] as Action;
  delete forward.TargetGroupArn;
  forward.ForwardConfig = {
    ...forward.ForwardConfig,
    TargetGroups: targets.filter((t) => t.targetGroupArn !== targetGroupArn).map((t) => ({ TargetGroupArn: t.targetGroupArn, Weight: t.weight })),
  };
  return copy;
}

/**
 * The actions with all traffic on `colour`. With stickiness on, the other colour is also taken out of
 * the forward, so the clients bound to it move too (a rollback, or staying on the only healthy colour).
 */
export function allTrafficTo(actions: readonly Action[], targetGroups: Record<Colour, string>, colour: Colour): Action[] {
  const allOn = withSplit(actions, targetGroups, splitFor(colour, 100));
  return stickinessOf(actions) ? withoutTargetGroup(allOn, targetGroups[otherColour(colour)]) : allOn;
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * Before a deploy touches the idle colour: may clients still be bound to it (`binding`, from the record's
 * history: served-history.ts)? If so, it must be taken out of the production forward before it is
 * redeployed (`release`), and it may not join the production forward again before it has passed — so it
 * can be health-checked only through the test listener or the verification rule. With `verify-route:
 * forward` (the weight-0 attachment) that is refused, before anything changes, naming the facts that decided.
 */
export function planIdleRelease(
  actions: readonly Action[],
  idle: Colour,
  targetGroups: Record<Colour, string>,
  binding: IdleBinding | undefined,
  route: RouteKind,
): { until: number; release: boolean } | undefined {
  const stickiness = stickinessOf(actions);
  if (!stickiness || !binding || binding.free) return undefined;
  if (route === 'forward') throw stickyRefusal(idle, stickiness, binding);
  return { until: binding.until, release: lists(actions, targetGroups[idle]) };
}

/** Why a weight-0 attachment of the idle colour is refused: the facts, and the ways out. */
export function stickyRefusal(idle: Colour, stickiness: Stickiness, binding: IdleBinding & { free: false }): UnsafeListenerState {
  return new UnsafeListenerState(
    `Not deploying to ${idle}: target-group stickiness (${seconds(stickiness.durationMs)}) on the production forward may still hold clients on ${idle} until ${iso(binding.until)} (${binding.facts}). ` +
      `With verify-route: forward, ${idle} could only be health-checked by adding it back to the production forward, which would hand those clients a version that has not passed its checks. ` +
      `Set verify-route: auto or header (${idle} is checked through a rule only the run's secret header reaches, and joins production only after it passed), set test-listener-arn, wait until ${iso(binding.until)}, or turn target-group stickiness off.`,
  );
}

/** The summary's line after a switch with stickiness on: how long the previous colour keeps clients. */
export function previousColourNote(stickiness: Stickiness, previous: Colour, switchedAt: number, released: boolean): string {
  return released
    ? `Target-group stickiness (${seconds(stickiness.durationMs)}) is on: ${previous} was taken out of the production forward before it was scaled down, so the clients bound to it moved to the new colour at once.`
    : `Target-group stickiness (${seconds(stickiness.durationMs)}) is on: clients bound to ${previous} before the switch may stay on ${previous} until ${iso(switchedAt + stickiness.durationMs)}. ` +
        `Keep ${previous} running and unchanged until then; a scale-down or the next deploy of this action takes it out of the production forward first.`;
}

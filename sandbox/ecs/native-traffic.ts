// How ECS moves traffic in a built-in blue/green deployment: it rewrites the forward action of the
// production (and test) listener rule into a weighted forward over the two target groups. Only the
// forward is replaced; conditions, priority and any other action stay as they are. Writes go into the
// sandbox's ELB model, so the proxies route by them at once and `ruleModified` fires as for ModifyRule.
import type { ActionShape, ElbModel } from '../elb/model.js';
import { forwardTargets } from '../elb/model.js';

/**
 * Integer weights for `percent` of traffic to the target group (reference 2.6 EMU): the end states are
 * 100/0; anything between is written per mille (10 % → 100/900), so 0.1 % steps stay exact and ≤ 999.
 */
export function weightsFor(percent: number): { target: number; other: number } {
  if (percent <= 0) return { target: 0, other: 100 };
  if (percent >= 100) return { target: 100, other: 0 };
  const target = Math.min(999, Math.max(1, Math.round(percent * 10)));
  return { target, other: 1000 - target };
}

/** The action types of a rule other than forward (authenticate-*, fixed-response, redirect). */
export function nonForwardActions(elb: ElbModel, ruleArn: string): string[] {
  const found = elb.rule(ruleArn);
  return (found?.rule.actions ?? []).filter((a) => a.Type !== 'forward').map((a) => a.Type);
}

/**
 * Sends `percent` of the rule's traffic to `targetTg` and the rest to `otherTg`. Writes (and emits
 * `ruleModified`) only when the weights change. Returns false when the rule does not exist.
 */
export function shiftRule(elb: ElbModel, ruleArn: string, targetTg: string, otherTg: string, percent: number): boolean {
  const found = elb.rule(ruleArn);
  if (!found) return false;
  const { listener, rule } = found;
  const { target, other } = weightsFor(percent);
  const current = Object.fromEntries(forwardTargets(rule.actions).map((g) => [g.arn, g.weight]));
  const groups = Object.keys(current);
  if (groups.length === 2 && current[targetTg] === target && current[otherTg] === other) return true;
  const actions: ActionShape[] = rule.actions.map((a) => (a.Type === 'forward' ? weightedForward(a, targetTg, target, otherTg, other) : a));
  if (rule.priority === 'default') listener.defaultActions = actions;
  else rule.actions = actions;
  elb.events.emit('ruleModified', { ruleArn: rule.arn, listenerArn: listener.arn });
  return true;
}

/** A two-group forward; ELBv2 drops the scalar TargetGroupArn then and keeps the stickiness setting. */
function weightedForward(old: ActionShape, targetTg: string, target: number, otherTg: string, other: number): ActionShape {
  const stickiness = (old.ForwardConfig as { TargetGroupStickinessConfig?: unknown } | undefined)?.TargetGroupStickinessConfig ?? { Enabled: false };
  const weight = (arn: string) => (arn === targetTg ? target : other);
  // Keep the order the rule lists its groups in, so a read-back only differs in the weights.
  const listed = forwardTargets([old]).map((g) => g.arn);
  const order = listed.length === 2 && listed.includes(targetTg) && listed.includes(otherTg) ? listed : [otherTg, targetTg];
  const action: ActionShape = {
    Type: 'forward',
    ForwardConfig: { TargetGroups: order.map((arn) => ({ TargetGroupArn: arn, Weight: weight(arn) })), TargetGroupStickinessConfig: stickiness },
  };
  if (old.Order !== undefined) action.Order = old.Order;
  return action;
}

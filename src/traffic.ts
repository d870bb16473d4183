// Pure logic over an ELBv2 listener's (or rule's) actions: which colour gets how much traffic, and
// the same actions with only the forward action's target groups and weights changed. Everything
// else (authentication actions, fixed responses, Order, stickiness) passes through untouched, so a
// deployment never rewrites more of the listener than the traffic split.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { UnsafeListenerState } from './errors.js';
import { COLOURS, type Colour, type TrafficSplit } from './types.js';

export interface ForwardTarget {
  targetGroupArn: string;
  weight: number;
}

/**
 * The weight we read for a TargetGroupTuple without `Weight`. AWS describes a plain
 * `TargetGroupArn` forward as one tuple of weight 1, and its SDK/CloudFormation/CDK docs give 1 as
 * the default weight. We always write explicit weights, so this only matters when reading.
 */
export const DEFAULT_TARGET_GROUP_WEIGHT = 1;

const FORWARD = 'forward';

/** The single forward action; throws UnsafeListenerState when there is none or more than one. */
export function findForwardAction(actions: readonly Action[]): { index: number; action: Action } {
  const found = actions.flatMap((action, index) => (action.Type === FORWARD ? [{ index, action }] : []));
  const [first] = found;
  if (first === undefined) {
    throw new UnsafeListenerState(
      `No forward action found (actions: ${actionTypes(actions)}); the listener must forward to the blue or green target group before it can be shifted.`,
    );
  }
  if (found.length > 1) {
    throw new UnsafeListenerState(
      `${found.length} forward actions found (actions: ${actionTypes(actions)}); expected exactly one, so which one to shift is ambiguous.`,
    );
  }
  return first;
}

/** The forward action's target groups and raw weights, whichever shape AWS returned. */
export function forwardTargets(action: Action): ForwardTarget[] {
  const tuples = action.ForwardConfig?.TargetGroups ?? [];
  if (tuples.length > 0) {
    const targets = tuples.map((tuple, i) => {
      if (!tuple.TargetGroupArn) throw new UnsafeListenerState(`The forward action's target group #${i + 1} has no TargetGroupArn.`);
      return { targetGroupArn: tuple.TargetGroupArn, weight: tuple.Weight ?? DEFAULT_TARGET_GROUP_WEIGHT };
    });
    // AWS only accepts both fields when they name the same single group; anything else is a shape we do not understand.
    if (action.TargetGroupArn && !targets.some((t) => t.targetGroupArn === action.TargetGroupArn)) {
      throw new UnsafeListenerState(
        `The forward action names ${action.TargetGroupArn} in TargetGroupArn but its ForwardConfig lists ${targets.map((t) => t.targetGroupArn).join(', ')}.`,
      );
    }
    return targets;
  }
  if (action.TargetGroupArn) return [{ targetGroupArn: action.TargetGroupArn, weight: DEFAULT_TARGET_GROUP_WEIGHT }];
  throw new UnsafeListenerState('The forward action has neither a TargetGroupArn nor ForwardConfig target groups.');
}

/** Which colour a target group ARN belongs to, if any. */
export function colourOfTargetGroup(arn: string, targetGroups: Record<Colour, string>): Colour | undefined {
  return COLOURS.find((c) => targetGroups[c] === arn);
}

/** Raw weight per colour; throws on a target group that is neither colour's. */
function weightsByColour(action: Action, targetGroups: Record<Colour, string>): Record<Colour, number> {
  const weights: Record<Colour, number> = { blue: 0, green: 0 };
  for (const target of forwardTargets(action)) {
    const colour = colourOfTargetGroup(target.targetGroupArn, targetGroups);
    if (colour === undefined) {
      throw new UnsafeListenerState(
        `The forward action sends traffic to target group ${target.targetGroupArn}, which is neither blue (${targetGroups.blue}) nor green (${targetGroups.green}); ` +
          'check the target group inputs, or remove that group from the listener before deploying.',
      );
    }
    weights[colour] += target.weight;
  }
  return weights;
}

/**
 * Percent of traffic per colour, summing to 100. A colour with any weight above 0 gets at least 1%,
 * so a listener sending a sliver of traffic to a colour is still seen as split.
 */
export function readSplit(actions: readonly Action[], targetGroups: Record<Colour, string>): TrafficSplit {
  const { action } = findForwardAction(actions);
  const weights = weightsByColour(action, targetGroups);
  const total = weights.blue + weights.green;
  if (!(total > 0)) {
    throw new UnsafeListenerState(
      `Every target group in the forward action has weight 0 (blue ${weights.blue}, green ${weights.green}); the listener serves no traffic, so there is no live colour.`,
    );
  }
  let blue = Math.round((weights.blue / total) * 100);
  if (weights.blue > 0 && blue === 0) blue = 1;
  if (weights.green > 0 && blue === 100) blue = 99;
  return { blue, green: 100 - blue };
}

/** The colour receiving all traffic, or 'split' when both receive some. */
export function liveColourOf(split: TrafficSplit): Colour | 'split' {
  if (split.blue > 0 && split.green > 0) return 'split';
  if (split.blue > 0) return 'blue';
  if (split.green > 0) return 'green';
  throw new UnsafeListenerState('Neither colour receives traffic (blue 0%, green 0%).');
}

function assertValidSplit(split: TrafficSplit): void {
  const valid = COLOURS.every((c) => Number.isInteger(split[c]) && split[c] >= 0 && split[c] <= 100) && split.blue + split.green === 100;
  if (!valid) throw new RangeError(`Invalid traffic split blue ${split.blue}% / green ${split.green}%: expected integers 0-100 summing to 100.`);
}

/**
 * A deep copy of `actions` in which only the forward action's target groups and weights change.
 *
 * Shape written: always `ForwardConfig.TargetGroups` listing blue then green with integer weights
 * equal to the percentages (AWS accepts 0-999), and no top-level `TargetGroupArn` (AWS rejects it
 * next to more than one group). The colour at 0% stays listed, even when the original was a plain
 * `TargetGroupArn` forward: every step of a shift then only changes weights, and rollback restores
 * the snapshot rather than this shape. `TargetGroupStickinessConfig`, `Order` and every other
 * action are copied unchanged.
 */
export function withSplit(actions: readonly Action[], targetGroups: Record<Colour, string>, split: TrafficSplit): Action[] {
  assertValidSplit(split);
  const { index, action } = findForwardAction(actions);
  weightsByColour(action, targetGroups); // refuse to drop a foreign target group silently
  const copy = structuredClone(actions) as Action[];
  const forward = copy[index] as Action;
  delete forward.TargetGroupArn;
  forward.ForwardConfig = {
    ...forward.ForwardConfig,
    TargetGroups: COLOURS.map((c) => ({ TargetGroupArn: targetGroups[c], Weight: split[c] })),
  };
  return copy;
}

/** A target group's colour, else its name from the ARN (`targetgroup/<name>/<id>`), for logs. */
function targetGroupLabel(arn: string, targetGroups?: Record<Colour, string>): string {
  const colour = targetGroups && colourOfTargetGroup(arn, targetGroups);
  if (colour) return colour;
  const match = /targetgroup\/([^/]+)/.exec(arn);
  return match?.[1] ?? arn;
}

function describeForward(action: Action, targetGroups?: Record<Colour, string>): string {
  let targets: ForwardTarget[];
  try {
    targets = forwardTargets(action);
  } catch {
    return 'forward (no target group)';
  }
  // Both colours are always shown when known, so "blue 100% / green 0%" reads the same whatever the shape.
  if (targetGroups) {
    for (const c of COLOURS) {
      if (!targets.some((t) => t.targetGroupArn === targetGroups[c])) targets.push({ targetGroupArn: targetGroups[c], weight: 0 });
    }
    targets.sort((a, b) => rank(a.targetGroupArn, targetGroups) - rank(b.targetGroupArn, targetGroups));
  }
  const total = targets.reduce((sum, t) => sum + t.weight, 0);
  const parts = targets.map((t) => `${targetGroupLabel(t.targetGroupArn, targetGroups)} ${total > 0 ? Math.round((t.weight / total) * 100) : 0}%`);
  const stickiness = action.ForwardConfig?.TargetGroupStickinessConfig;
  const sticky = stickiness?.Enabled ? `stickiness on, ${stickiness.DurationSeconds ?? '?'}s` : 'stickiness off';
  return `forward ${parts.join(' / ')} (${sticky})`;
}

function rank(arn: string, targetGroups: Record<Colour, string>): number {
  const colour = colourOfTargetGroup(arn, targetGroups);
  return colour === undefined ? COLOURS.length : COLOURS.indexOf(colour);
}

function describeOther(action: Action): string {
  if (action.Type === 'fixed-response') return `fixed-response ${action.FixedResponseConfig?.StatusCode ?? ''}`.trim();
  if (action.Type === 'redirect') return `redirect ${action.RedirectConfig?.StatusCode ?? ''}`.trim();
  return String(action.Type);
}

/**
 * One human line for logs and the summary, e.g.
 * `forward blue 100% / green 0% (stickiness off); authenticate-oidc first`.
 * Never throws: it also describes listeners we refuse to shift.
 */
export function describeActions(actions: readonly Action[], targetGroups?: Record<Colour, string>): string {
  if (actions.length === 0) return 'no actions';
  const ordered = inOrder(actions);
  const forwardAt = ordered.findIndex((a) => a.Type === FORWARD);
  if (forwardAt === -1) return ordered.map(describeOther).join(', then ');
  const main = describeForward(ordered[forwardAt] as Action, targetGroups);
  const before = ordered.slice(0, forwardAt).map(describeOther);
  const after = ordered.slice(forwardAt + 1).map((a) => (a.Type === FORWARD ? describeForward(a, targetGroups) : describeOther(a)));
  return [main, before.length > 0 ? `${before.join(', then ')} first` : '', after.length > 0 ? `then ${after.join(', then ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** Actions sorted by Order (AWS runs them lowest first); a missing Order keeps the action's position. */
function inOrder(actions: readonly Action[]): Action[] {
  return actions
    .map((action, i) => ({ action, key: action.Order ?? i + 1, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.action);
}

/** Share of traffic per target group, zero weights dropped, as exact fractions keyed by ARN. */
function trafficShares(action: Action): Map<string, number> | undefined {
  let targets: ForwardTarget[];
  try {
    targets = forwardTargets(action);
  } catch {
    return undefined;
  }
  const total = targets.reduce((sum, t) => sum + t.weight, 0);
  const shares = new Map<string, number>();
  for (const t of targets) {
    if (t.weight > 0) shares.set(t.targetGroupArn, (shares.get(t.targetGroupArn) ?? 0) + t.weight / total);
  }
  return shares;
}

function sameShares(a: Map<string, number> | undefined, b: Map<string, number> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.size !== b.size) return false;
  return [...a].every(([arn, share]) => Math.abs(share - (b.get(arn) ?? -1)) < 1e-9);
}

/** JSON with sorted keys and without undefined/null, so two equal structures print the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return v;
    // keys are unique, so there is no tie
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)));
  });
}

/** The parts of an action compared literally: everything except what sameActions compares by meaning. */
function literalPart(action: Action): unknown {
  const { Order: _order, TargetGroupArn: _tg, ForwardConfig, AuthenticateOidcConfig, ...rest } = action;
  const stickiness = ForwardConfig?.TargetGroupStickinessConfig;
  return {
    ...rest,
    // Reads never return the OIDC client secret, and writes may add UseExistingClientSecret.
    AuthenticateOidcConfig: AuthenticateOidcConfig && { ...AuthenticateOidcConfig, ClientSecret: undefined, UseExistingClientSecret: undefined },
    Stickiness: action.Type === FORWARD ? (stickiness?.Enabled ? { on: true, seconds: stickiness.DurationSeconds } : { on: false }) : undefined,
  };
}

/**
 * True when two action lists behave the same: same actions in the same order, the same share of
 * traffic per target group (TargetGroupArn vs a single-group ForwardConfig, weights 1/1 vs 50/50,
 * and a group listed at weight 0 vs not listed all count as equal) and the same stickiness.
 * Used to confirm a write by reading it back.
 */
export function sameActions(a: readonly Action[], b: readonly Action[]): boolean {
  if (a.length !== b.length) return false;
  const left = inOrder(a);
  const right = inOrder(b);
  return left.every((x, i) => {
    const y = right[i] as Action;
    if (canonical(literalPart(x)) !== canonical(literalPart(y))) return false;
    return x.Type !== FORWARD || sameShares(trafficShares(x), trafficShares(y));
  });
}

function actionTypes(actions: readonly Action[]): string {
  return actions.length === 0 ? 'none' : actions.map((a) => String(a.Type)).join(', ');
}

/** The target groups the forward actions list, weight 0 included, sorted: what sameActions does not compare. */
function listedTargetGroups(actions: readonly Action[]): string {
  return actions
    .flatMap((a) => (a.ForwardConfig?.TargetGroups?.length ? a.ForwardConfig.TargetGroups.map((g) => g.TargetGroupArn ?? '') : a.TargetGroupArn ? [a.TargetGroupArn] : []))
    .sort()
    .join(',');
}

/**
 * sameActions, and the same target groups listed: a group at weight 0 matters to the ALB (it health-
 * checks the group, and stickiness may still route to it), so a restore or a change check must see it.
 */
export function identicalActions(a: readonly Action[], b: readonly Action[]): boolean {
  return sameActions(a, b) && listedTargetGroups(a) === listedTargetGroups(b);
}

// The verification rule, as data: what the action puts on the production listener for one run so the idle
// colour is health-checked and reachable without joining the production forward (verify-route.ts runs it).
// It matches only requests carrying the run's secret header (plus the production rule's own conditions),
// sits right before the production rule (or after every rule, when production is the default action), so
// a header request reaches it exactly where a production request reaches production, and is tagged so a
// later run, post or `mode: status` can tell it apart from the team's own rules.
import { createHash } from 'node:crypto';
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerRule } from '../../aws/ports.js';

/** The header that selects the verification rule; its value is the run's secret token. */
export const VERIFY_HEADER = 'X-Blue-Green-Verify';

/** Tags on the rule: which pair and run it belongs to, and when a run holding no lock may remove it. */
export const TAG = { pair: 'ecs-blue-green-action:pair', run: 'ecs-blue-green-action:run', expires: 'ecs-blue-green-action:expires' } as const;

/** ELBv2 quotas: condition values per rule, and the highest priority. */
export const MAX_CONDITION_VALUES = 5;
export const MAX_PRIORITY = 50_000;

/** Tag values are at most 256 characters; an SSM name may be 2048: a longer one is tagged by its hash. */
export const pairTag = (stateParameter: string): string =>
  stateParameter.length <= 256 ? stateParameter : `sha256:${createHash('sha256').update(stateParameter).digest('hex')}`;

export function ruleTags(stateParameter: string, runId: string, expiresAt: number): Record<string, string> {
  return { [TAG.pair]: pairTag(stateParameter), [TAG.run]: runId, [TAG.expires]: new Date(expiresAt).toISOString() };
}

const headerName = (c: RuleCondition): string | undefined => (c.Field === 'http-header' ? c.HttpHeaderConfig?.HttpHeaderName : undefined);

/** The token a rule matches on, when it is a verification rule (its header condition is ours). */
export function verifyToken(rule: ListenerRule): string | undefined {
  const condition = rule.conditions.find((c) => headerName(c)?.toLowerCase() === VERIFY_HEADER.toLowerCase());
  return condition?.HttpHeaderConfig?.Values?.[0];
}

const CONFIG_KEYS = ['HostHeaderConfig', 'PathPatternConfig', 'HttpHeaderConfig', 'QueryStringConfig', 'HttpRequestMethodConfig', 'SourceIpConfig'] as const;

/** How many values a condition spends of the rule's quota (a query-string key/value pair counts one). */
export function conditionValues(c: RuleCondition): number {
  const config = CONFIG_KEYS.map((k) => c[k] as { Values?: unknown[]; RegexValues?: unknown[] } | undefined).find(Boolean);
  const source = config ?? c;
  return (source.Values?.length ?? 0) + (source.RegexValues?.length ?? 0);
}

/**
 * The production rule's conditions in the shape CreateRule accepts: DescribeRules returns host and path
 * values twice (`Values` and the `…Config`), and a request may carry only one of the two.
 */
function writable(c: RuleCondition): RuleCondition {
  const copy = structuredClone(c);
  if (CONFIG_KEYS.some((k) => copy[k] !== undefined)) {
    delete copy.Values;
    delete copy.RegexValues;
  }
  return copy;
}

/**
 * The rule's conditions: the header, plus the production rule's own conditions when they fit ELBv2's
 * quota of condition values (`copied` says whether they did).
 */
export function verifyConditions(token: string, production: RuleCondition[] = []): { conditions: RuleCondition[]; copied: boolean } {
  const header: RuleCondition = { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: VERIFY_HEADER, Values: [token] } };
  const spent = production.reduce((n, c) => n + conditionValues(c), 0);
  if (production.length === 0 || spent + 1 > MAX_CONDITION_VALUES) return { conditions: [header], copied: production.length === 0 };
  return { conditions: [header, ...production.map(writable)], copied: true };
}

const numbered = (rules: ListenerRule[]): number[] => rules.filter((r) => !r.isDefault).map((r) => Number(r.priority)).filter(Number.isInteger);

/**
 * A free priority for the rule. Before the production rule (the highest free number below it, so no other
 * rule sits between them where one is free); for the default action, after every rule. Undefined when none
 * is free there.
 */
export function choosePriority(rules: ListenerRule[], productionRuleArn?: string): number | undefined {
  const taken = new Set(numbered(rules));
  if (productionRuleArn) {
    const production = rules.find((r) => r.arn === productionRuleArn);
    const below = Number(production?.priority);
    if (!Number.isInteger(below)) return undefined;
    for (let p = below - 1; p >= 1; p--) if (!taken.has(p)) return p;
    return undefined;
  }
  const last = Math.max(0, ...taken);
  if (last < MAX_PRIORITY) return last + 1;
  // Every number after the last rule is used up: any free one still serves a header request the other
  // rules do not answer first (and the route's proof says whether the health URL is one of those).
  for (let p = MAX_PRIORITY; p >= 1; p--) if (!taken.has(p)) return p;
  return undefined;
}

/** What the rule answers before it forwards: the token, so a probe can prove it went through this rule. */
export const answerAction = (token: string): Action => ({
  Type: 'fixed-response',
  Order: 1,
  FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: `blue-green verification route ${token}` },
});

/** What the rule does once the route is proven: forward to the colour being checked, and nothing else. */
export const forwardAction = (targetGroupArn: string): Action => ({
  Type: 'forward',
  Order: 1,
  TargetGroupArn: targetGroupArn,
  ForwardConfig: { TargetGroups: [{ TargetGroupArn: targetGroupArn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
});

/** Verification rules of this pair left by another run, that this run may remove. */
export function leftovers(
  rules: ListenerRule[],
  tags: Record<string, Record<string, string>>,
  mine: { stateParameter: string; runId: string; lockHeld: boolean; now: number },
): ListenerRule[] {
  return rules.filter((rule) => {
    const t = tags[rule.arn];
    if (!t || t[TAG.pair] !== pairTag(mine.stateParameter) || t[TAG.run] === mine.runId) return false;
    // Holding the pair's lock, no other run of this pair is running: its rule is a leftover. Without the
    // lock, only one past its expiry is surely dead.
    const expires = Date.parse(t[TAG.expires] ?? '');
    return mine.lockHeld || (Number.isFinite(expires) && expires <= mine.now);
  });
}

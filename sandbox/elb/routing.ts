// How an ALB listener picks what to do with one request: rules in priority order (all conditions
// must match; any value of a condition may match), then the default action; a forward picks a
// target group by weight (or by the client's binding when the forward is sticky: stickiness.ts), then
// round-robins over the group's healthy targets (all targets when none is healthy: ALB "fails open").
import type { ActionShape, ConditionShape, Listener, Target, TargetGroup } from './model.js';
import { forwardTargets } from './model.js';

export interface RequestFacts {
  host: string;
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
}

export function actionsFor(listener: Listener, req: RequestFacts): ActionShape[] {
  const rules = [...listener.rules].sort((a, b) => Number(a.priority) - Number(b.priority));
  const rule = rules.find((r) => r.conditions.every((c) => conditionMatches(c, req)));
  return rule ? rule.actions : listener.defaultActions;
}

/** The action that produces the response: authentication actions cannot run in the sandbox and are skipped. */
export function terminalAction(actions: ActionShape[]): ActionShape | undefined {
  return [...actions]
    .sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))
    .find((a) => a.Type === 'forward' || a.Type === 'fixed-response' || a.Type === 'redirect');
}

function conditionMatches(c: ConditionShape, req: RequestFacts): boolean {
  const values = (key: string): string[] => {
    const cfg = c[key] as { Values?: string[] } | undefined;
    return cfg?.Values ?? (c.Values as string[] | undefined) ?? [];
  };
  switch (c.Field) {
    case 'path-pattern':
      return values('PathPatternConfig').some((p) => wildcard(p, false).test(req.path));
    case 'host-header': {
      const host = req.host.replace(/:\d+$/, '');
      return values('HostHeaderConfig').some((p) => wildcard(p, true).test(host));
    }
    case 'http-request-method':
      return values('HttpRequestMethodConfig').includes(req.method);
    case 'http-header': {
      const cfg = c.HttpHeaderConfig as { HttpHeaderName?: string; Values?: string[] } | undefined;
      const header = req.headers[(cfg?.HttpHeaderName ?? '').toLowerCase()];
      const seen = Array.isArray(header) ? header : header === undefined ? [] : [header];
      return (cfg?.Values ?? []).some((p) => seen.some((h) => wildcard(p, true).test(h)));
    }
    case 'query-string': {
      const cfg = c.QueryStringConfig as { Values?: { Key?: string; Value?: string }[] } | undefined;
      return (cfg?.Values ?? []).some((kv) =>
        [...req.query].some(
          ([k, v]) => (kv.Key === undefined || wildcard(kv.Key, true).test(k)) && wildcard(kv.Value ?? '*', true).test(v),
        ),
      );
    }
    default:
      return false;
  }
}

/** ALB wildcards: `*` any run of characters, `?` exactly one. */
function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

/** A target group drawn at random in proportion to the forward's weights; undefined when all are 0. */
export function pickTargetGroup(action: ActionShape, random: () => number = Math.random): string | undefined {
  const groups = forwardTargets([action]).filter((g) => g.weight > 0);
  const total = groups.reduce((s, g) => s + g.weight, 0);
  if (total === 0) return undefined;
  let r = random() * total;
  for (const g of groups) {
    r -= g.weight;
    if (r < 0) return g.arn;
  }
  return groups[groups.length - 1]?.arn;
}

const cursors = new WeakMap<TargetGroup, number>();

/** Round-robin over healthy targets; fail open to every non-draining target when none is healthy. */
export function pickTarget(tg: TargetGroup): Target | undefined {
  const healthy = tg.targets.filter((t) => t.state === 'healthy');
  const pool = healthy.length > 0 ? healthy : tg.targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
  if (pool.length === 0) return undefined;
  const next = (cursors.get(tg) ?? 0) % pool.length;
  cursors.set(tg, next + 1);
  return pool[next];
}

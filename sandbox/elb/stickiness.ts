// ALB target-group stickiness (ForwardConfig.TargetGroupStickinessConfig): a client the forward has
// routed once keeps going to that target group until the binding expires, whatever the weights.
// Sources:
// - ELBv2 API reference, TargetGroupStickinessConfig: DurationSeconds is "the time period, in seconds,
//   during which requests from a client should be routed to the same target group" (1-604800).
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupStickinessConfig.html
// - ALB user guide, listener forward actions: the load balancer binds the client with the generated
//   cookie AWSALBTG, and AWSALBTGCORS (the same value, SameSite=None; Secure) for CORS requests.
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
// - AWS Prescriptive Guidance, load-balancer-stickiness/target-group-stickiness: with a 10 s duration,
//   "after approximately 10 seconds, the stickiness is released" although the page is refreshed all
//   along, so requests do not extend the binding.
// - AWS re:Post "ALB to automatically redirect traffic" and argoproj/argo-rollouts#2726: a bound client
//   stays on its group whatever the weights, even at weight 0, and gets 503s when the group has no
//   target to send to.
import type { ActionShape } from './model.js';
import { forwardTargets } from './model.js';
import { pickTargetGroup } from './routing.js';

export const TARGET_GROUP_COOKIE = 'AWSALBTG';
export const TARGET_GROUP_CORS_COOKIE = 'AWSALBTGCORS';
/** The cookie itself lives 7 days in AWS; the binding's own expiry is inside its value. */
const COOKIE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface TargetGroupBinding {
  targetGroupArn: string;
  /** Epoch ms; fixed when the binding is issued, never extended by the requests it routes. */
  expiresAt: number;
}

/**
 * The cookie value. AWS encrypts it; the sandbox only needs it to look opaque to clients, so tests
 * must go through this helper and decodeTargetGroupCookie rather than its format.
 */
export function encodeTargetGroupCookie(binding: TargetGroupBinding): string {
  return Buffer.from(JSON.stringify({ tg: binding.targetGroupArn, exp: binding.expiresAt })).toString('base64url');
}

/** The binding in a cookie value; undefined for anything the sandbox did not issue. */
export function decodeTargetGroupCookie(value: string): TargetGroupBinding | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!parsed || typeof parsed !== 'object') return undefined;
    const { tg, exp } = parsed as Record<string, unknown>;
    return typeof tg === 'string' && typeof exp === 'number' ? { targetGroupArn: tg, expiresAt: exp } : undefined;
  } catch {
    return undefined;
  }
}

export interface TargetGroupChoice {
  /** Undefined when the forward has nowhere to send the request (every weight 0 and no binding). */
  targetGroupArn?: string;
  /** The binding the response must carry back; only when the forward has stickiness enabled. */
  binding?: TargetGroupBinding;
}

/** The forward's target group for a request carrying these cookies (the raw `Cookie` header). */
export function chooseTargetGroup(
  action: ActionShape,
  cookieHeader: string | undefined,
  now = Date.now(),
  random: () => number = Math.random,
): TargetGroupChoice {
  const durationSeconds = stickinessSeconds(action);
  // Without stickiness the cookie is ignored and none is issued.
  if (durationSeconds === undefined) {
    const byWeight = pickTargetGroup(action, random);
    return byWeight ? { targetGroupArn: byWeight } : {};
  }
  // Only groups of this forward count, at any weight: a forward can send only to its own groups, and
  // a cookie another rule issued for the same domain must not take this one over.
  const listed = new Set(forwardTargets([action]).map((g) => g.arn));
  const bound = cookieValues(cookieHeader)
    .map(decodeTargetGroupCookie)
    .find((b) => b !== undefined && b.expiresAt > now && listed.has(b.targetGroupArn));
  if (bound) return { targetGroupArn: bound.targetGroupArn, binding: bound };
  const byWeight = pickTargetGroup(action, random);
  return byWeight ? { targetGroupArn: byWeight, binding: { targetGroupArn: byWeight, expiresAt: now + durationSeconds * 1000 } } : {};
}

/** `Set-Cookie` values that hand the binding back to the client. */
export function bindingCookies(binding: TargetGroupBinding, now = Date.now()): string[] {
  const value = encodeTargetGroupCookie(binding);
  const expires = new Date(now + COOKIE_LIFETIME_MS).toUTCString();
  return [
    `${TARGET_GROUP_COOKIE}=${value}; Expires=${expires}; Path=/`,
    `${TARGET_GROUP_CORS_COOKIE}=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`,
  ];
}

function stickinessSeconds(action: ActionShape): number | undefined {
  const cfg = action.ForwardConfig as { TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number } } | undefined;
  const stickiness = cfg?.TargetGroupStickinessConfig;
  return stickiness?.Enabled === true ? stickiness.DurationSeconds : undefined;
}

/** AWSALBTG values first: a browser sends AWSALBTGCORS too, or alone on some cross-site requests. */
function cookieValues(header: string | undefined): string[] {
  const pairs = (header ?? '').split(';').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? ['', ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
  const named = (name: string) => pairs.filter(([n]) => n === name).map(([, v]) => v ?? '');
  return [...named(TARGET_GROUP_COOKIE), ...named(TARGET_GROUP_CORS_COOKIE)];
}

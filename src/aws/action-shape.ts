// Turning actions as DescribeListeners/DescribeRules return them (or as traffic.ts builds them) into
// input ModifyListener/ModifyRule accept. Reads and writes are not symmetric in two places:
// - a forward may carry both TargetGroupArn and ForwardConfig only when ForwardConfig names exactly
//   that one target group; otherwise AWS rejects the request, so the top-level ARN is dropped;
// - reads never return an OIDC ClientSecret, and a write without one must say UseExistingClientSecret.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

/** A deep copy of `actions` in the shape ModifyListener (DefaultActions) and ModifyRule (Actions) accept. */
export function toWritableActions(actions: readonly Action[]): Action[] {
  const copy = structuredClone(actions) as Action[];
  for (const action of copy) {
    const groups = action.ForwardConfig?.TargetGroups ?? [];
    if (action.Type === 'forward' && action.TargetGroupArn && groups.length > 0) {
      const single = groups.length === 1 && groups[0]?.TargetGroupArn === action.TargetGroupArn;
      if (!single) delete action.TargetGroupArn;
    }
    const oidc = action.AuthenticateOidcConfig;
    if (action.Type === 'authenticate-oidc' && oidc && !oidc.ClientSecret) oidc.UseExistingClientSecret = true;
  }
  return copy;
}

// Route 53 in a sandbox: the model wired to the sandbox's load balancers, and its options (startSandbox's).
import type { ElbModel } from '../elb/model.js';
import { elbAliasTargets } from './elb-targets.js';
import { Route53Model } from './model.js';

export { route53Operations } from './api.js';
export { Route53Model } from './model.js';

export interface Route53SandboxOptions {
  /**
   * How long a Route 53 change stays PENDING before it is INSYNC (and served by the DNS server). Default twice
   * healthCheckIntervalMs (2000 ms): "Changes generally propagate to all Route 53 name servers within 60 seconds"
   * (Developer Guide, "Editing records"), at the scale of the target group defaults (a 30 s interval is 1000 ms here).
   */
  route53ChangeDelayMs?: number;
}

export function createRoute53(elb: ElbModel, region: string, opts: Route53SandboxOptions & { healthCheckIntervalMs?: number }): Route53Model {
  const changeDelayMs = opts.route53ChangeDelayMs ?? 2 * (opts.healthCheckIntervalMs ?? 1000);
  return new Route53Model({ changeDelayMs, ...elbAliasTargets(elb, region) });
}

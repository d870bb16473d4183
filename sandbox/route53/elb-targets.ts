// The sandbox's load balancers as Route 53 alias targets: their DNSName in ELB's hosted zone, where the name points
// on loopback (ElbModel.loadBalancerAddress), and their health for an alias with EvaluateTargetHealth. Reads the ELB
// model only.
import type { ElbModel } from '../elb/model.js';
import { forwardTargets } from '../elb/model.js';
import type { Route53Options } from './model.js';

/**
 * DescribeLoadBalancers' CanonicalHostedZoneId in the sandbox (elb/api.ts answers it in every region; it is ALB's
 * zone in us-east-1). route53-fidelity.test.ts checks the two stay the same.
 */
export const ELB_CANONICAL_HOSTED_ZONE_ID = 'Z35SXDOTRQ7X7K';

/** Route53Options' alias targets, addresses and health from the ELB model. */
export function elbAliasTargets(elb: ElbModel, region: string): Pick<Route53Options, 'aliasTargets' | 'loadBalancerAddress' | 'loadBalancerHealthy'> {
  const find = (dnsName: string) => {
    const name = dnsName.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');
    return elb.loadBalancers.find((lb) => lb.dnsName.toLowerCase() === name);
  };
  return {
    aliasTargets: {
      loadBalancers: () => elb.loadBalancers.map((lb) => ({ dnsName: lb.dnsName, hostedZoneId: ELB_CANONICAL_HOSTED_ZONE_ID })),
      elbZones: () => ({ [ELB_CANONICAL_HOSTED_ZONE_ID]: `${region}.elb.amazonaws.com.` }),
    },
    loadBalancerAddress: (dnsName) => elb.loadBalancerAddress(dnsName),
    /**
     * API Reference, AliasTarget, EvaluateTargetHealth, Application Load Balancers: healthy when every target group
     * it routes to has at least one healthy registered target; a group with no registered target is unhealthy.
     * Draining targets are no longer registered. A load balancer that routes to no group counts as unhealthy.
     */
    loadBalancerHealthy(dnsName) {
      const lb = find(dnsName);
      if (!lb) return undefined;
      const listeners = elb.listeners.filter((l) => l.loadBalancerArn === lb.arn);
      const arns = new Set(listeners.flatMap((l) => [l.defaultActions, ...l.rules.map((r) => r.actions)].flatMap((a) => forwardTargets(a).map((g) => g.arn))));
      const groups = [...arns].map((arn) => elb.targetGroup(arn));
      return groups.length > 0 && groups.every((g) => g !== undefined && g.targets.some((t) => t.state === 'healthy'));
    },
  };
}

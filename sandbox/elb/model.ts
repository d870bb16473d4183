// The load balancer's control-plane state: load balancers, listeners, rules, target groups, targets.
// Actions and conditions are stored already in the shape DescribeListeners/DescribeRules return.
import { EventEmitter } from 'node:events';

export type ActionShape = Record<string, unknown> & { Type: string; Order?: number };
export type ConditionShape = Record<string, unknown> & { Field: string };
export interface Tag {
  Key: string;
  Value: string;
}

/** AWS quota "Rules per Application Load Balancer, excluding default rules" (adjustable). */
export const DEFAULT_MAX_RULES_PER_LOAD_BALANCER = 100;

export interface LoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  createdAt: Date;
  /**
   * The loopback address its listeners bind and its DNS name resolves to (an alias record's answer). Absent:
   * 127.0.0.1, shared with every other load balancer, the endpoint and the tasks.
   */
  address?: string;
}

export interface Rule {
  arn: string;
  listenerArn: string;
  /** '1'..'50000', or 'default' for the listener's default rule. */
  priority: string;
  conditions: ConditionShape[];
  actions: ActionShape[];
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  /** The loopback port the listener's proxy serves on; DescribeListeners reports it as Port. */
  port: number;
  protocol: 'HTTP';
  defaultActions: ActionShape[];
  defaultRuleArn: string;
  rules: Rule[];
}

export interface HealthCheckSettings {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** AWS matcher syntax: `200`, `200,302`, `200-299`. */
  matcher: string;
}

export type TargetStateName = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface Target {
  id: string;
  port: number;
  state: TargetStateName;
  reason?: string;
  description?: string;
  okStreak: number;
  failStreak: number;
  registeredAt: number;
  /** Requests the proxy is currently sending to this target. */
  inFlight: number;
}

export interface TargetGroup {
  arn: string;
  name: string;
  port: number;
  healthCheck: HealthCheckSettings;
  deregistrationDelayMs: number;
  targets: Target[];
}

export const targetKey = (t: { id: string; port: number }): string => `${t.id}:${t.port}`;

/** Payload of the `targetHealth` event; `removed` when a drained target leaves its group. */
export interface TargetHealthEvent {
  targetGroupArn: string;
  target: Omit<Target, 'state'> & { state: TargetStateName | 'removed' };
}

/** Payload of `ruleCreated`, `ruleModified` and `ruleDeleted`. */
export interface RuleEvent {
  ruleArn: string;
  listenerArn: string;
}

// Composition rather than `extends EventEmitter`: EventEmitter already has a `listeners` method.
export class ElbModel {
  /** Events: `targetHealth` (TargetHealthEvent), `listenerModified`, `ruleCreated`, `ruleModified`, `ruleDeleted` (RuleEvent). */
  readonly events = new EventEmitter();
  readonly loadBalancers: LoadBalancer[] = [];
  readonly listeners: Listener[] = [];
  readonly targetGroups: TargetGroup[] = [];
  /** Tags by resource ARN (load balancers, listeners, rules, target groups), in the order their keys were added. */
  readonly tags = new Map<string, Tag[]>();

  constructor(
    /** CreateRule answers TooManyRules once a load balancer has this many non-default rules. */
    readonly maxRulesPerLoadBalancer = DEFAULT_MAX_RULES_PER_LOAD_BALANCER,
  ) {}

  /**
   * Where a load balancer's DNS name points on this machine: its own loopback address, or 127.0.0.1 for one that
   * shares it. Matches DNSName case-insensitively, with or without the trailing dot and the `dualstack.` prefix
   * Route 53 alias targets may carry; undefined for a name no load balancer here has.
   */
  loadBalancerAddress(dnsName: string): string | undefined {
    const name = dnsName.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');
    const lb = this.loadBalancers.find((l) => l.dnsName.toLowerCase() === name);
    return lb ? (lb.address ?? '127.0.0.1') : undefined;
  }

  /** The next loopback address of its own for a load balancer: 127.0.1.2, 127.0.1.3, … (Linux routes all of 127/8 to lo). */
  nextLoopbackAddress(): string {
    const k = this.ownAddresses;
    this.ownAddresses += 1;
    if (k >= 250 * 254) throw new Error('the sandbox ran out of loopback addresses for load balancers');
    return `127.0.${1 + Math.floor(k / 250)}.${2 + (k % 250)}`;
  }

  private ownAddresses = 0;

  targetGroup(arn: string): TargetGroup | undefined {
    return this.targetGroups.find((tg) => tg.arn === arn);
  }

  listener(arn: string): Listener | undefined {
    return this.listeners.find((l) => l.arn === arn);
  }

  /** The rule with this ARN and its listener; the default rule stands for the listener's default actions. */
  rule(arn: string): { listener: Listener; rule: Rule } | undefined {
    for (const listener of this.listeners) {
      if (listener.defaultRuleArn === arn) return { listener, rule: defaultRule(listener) };
      const rule = listener.rules.find((r) => r.arn === arn);
      if (rule) return { listener, rule };
    }
    return undefined;
  }

  /** Non-default rules over all the load balancer's listeners: what the rules quota counts. */
  ruleCount(lbArn: string): number {
    return this.listeners.filter((l) => l.loadBalancerArn === lbArn).reduce((n, l) => n + l.rules.length, 0);
  }

  /** A target group is in use when any listener's default action or rule forwards to it (any weight). */
  isInUse(tgArn: string): boolean {
    return this.listeners.some(
      (l) => forwardsTo(l.defaultActions, tgArn) || l.rules.some((r) => forwardsTo(r.actions, tgArn)),
    );
  }

  loadBalancerArnsOf(tgArn: string): string[] {
    const lbs = new Set<string>();
    for (const l of this.listeners) {
      if (forwardsTo(l.defaultActions, tgArn) || l.rules.some((r) => forwardsTo(r.actions, tgArn))) {
        lbs.add(l.loadBalancerArn);
      }
    }
    return [...lbs];
  }

  /** Adds a target in `initial` (or `unused` when no listener uses its group). */
  registerTarget(tgArn: string, id: string, port: number): void {
    const tg = this.targetGroup(tgArn);
    if (!tg || tg.targets.some((t) => t.id === id && t.port === port && t.state !== 'draining')) return;
    tg.targets = tg.targets.filter((t) => !(t.id === id && t.port === port));
    const used = this.isInUse(tgArn);
    const target: Target = {
      id,
      port,
      state: used ? 'initial' : 'unused',
      reason: used ? 'Elb.RegistrationInProgress' : 'Target.NotInUse',
      description: used
        ? 'Target registration is in progress'
        : 'Target group is not configured to receive traffic from the load balancer',
      okStreak: 0,
      failStreak: 0,
      registeredAt: Date.now(),
      inFlight: 0,
    };
    tg.targets.push(target);
    this.events.emit('targetHealth', { targetGroupArn: tgArn, target: { ...target } });
  }

  /** Starts draining; the target leaves the group after the deregistration delay. Resolves then. */
  deregisterTarget(tgArn: string, id: string, port: number): Promise<void> {
    const tg = this.targetGroup(tgArn);
    const target = tg?.targets.find((t) => t.id === id && t.port === port);
    if (!tg || !target) return Promise.resolve();
    this.setTargetState(tgArn, target, 'draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        tg.targets = tg.targets.filter((t) => t !== target);
        this.events.emit('targetHealth', { targetGroupArn: tgArn, target: { ...target, state: 'removed' } });
        resolve();
      }, tg.deregistrationDelayMs);
      this.pendingTimers.add(timer);
      timer.unref?.();
    });
  }

  setTargetState(tgArn: string, target: Target, state: TargetStateName, reason?: string, description?: string): void {
    const changed = target.state !== state || target.reason !== reason;
    target.state = state;
    target.reason = reason;
    target.description = description;
    if (changed) this.events.emit('targetHealth', { targetGroupArn: tgArn, target: { ...target } });
  }

  readonly pendingTimers = new Set<NodeJS.Timeout>();

  dispose(): void {
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
  }
}

export function defaultRule(listener: Listener): Rule {
  return {
    arn: listener.defaultRuleArn,
    listenerArn: listener.arn,
    priority: 'default',
    conditions: [],
    actions: listener.defaultActions,
  };
}

/** Target group ARNs and weights of the forward action among these actions, if any. */
export function forwardTargets(actions: ActionShape[]): { arn: string; weight: number }[] {
  const forward = actions.find((a) => a.Type === 'forward');
  const config = forward?.ForwardConfig as { TargetGroups?: { TargetGroupArn: string; Weight?: number }[] } | undefined;
  return (config?.TargetGroups ?? []).map((g) => ({ arn: g.TargetGroupArn, weight: g.Weight ?? 1 }));
}

function forwardsTo(actions: ActionShape[], tgArn: string): boolean {
  return forwardTargets(actions).some((g) => g.arn === tgArn);
}

// The ELBv2 operations the action uses, over the ElbModel: load balancers, listeners and target groups
// here, rules in rules-api.ts, tags in tags.ts. Inputs are parsed Query objects; results are plain
// objects the Query serializer turns into XML.
import { AwsError } from '../core/aws-error.js';
import type { Account } from '../core/ids.js';
import { q, type QueryObject } from '../protocol/query.js';
import { normaliseActions } from './actions.js';
import type { ElbModel, Listener, TargetGroup } from './model.js';
import { ruleOperations } from './rules-api.js';
import { tagOperations } from './tags.js';

export { describeRule } from './rules-api.js';

type Operation = (input: QueryObject) => Record<string, unknown>;

export function elbOperations(model: ElbModel, account: Account): Record<string, Operation> {
  const listenerOrThrow = (arn: string | undefined): Listener => {
    const listener = arn ? model.listener(arn) : undefined;
    if (!listener) throw new AwsError('ListenerNotFound', `One or more listeners not found`);
    return listener;
  };
  const tgOrThrow = (arn: string | undefined): TargetGroup => {
    const tg = arn ? model.targetGroup(arn) : undefined;
    if (!tg) throw new AwsError('TargetGroupNotFound', `One or more target groups not found`);
    return tg;
  };
  const strings = (v: QueryObject[string] | undefined): string[] | undefined => q.list(v)?.map(String);

  return {
    ...ruleOperations(model),
    ...tagOperations(model),

    DescribeLoadBalancers(input) {
      const arns = strings(input.LoadBalancerArns);
      const names = strings(input.Names);
      let lbs = model.loadBalancers;
      if (arns?.length) {
        lbs = lbs.filter((lb) => arns.includes(lb.arn));
        if (lbs.length !== arns.length) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
      }
      if (names?.length) {
        lbs = lbs.filter((lb) => names.includes(lb.name));
        if (lbs.length !== names.length) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${names.join(', ')}]' not found`);
      }
      return {
        LoadBalancers: lbs.map((lb) => ({
          LoadBalancerArn: lb.arn,
          DNSName: lb.dnsName,
          CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
          CreatedTime: lb.createdAt,
          LoadBalancerName: lb.name,
          Scheme: 'internet-facing',
          VpcId: 'vpc-0sandbox',
          State: { Code: 'active' },
          Type: 'application',
          AvailabilityZones: [{ ZoneName: `${account.region}a`, SubnetId: 'subnet-0sandboxa', LoadBalancerAddresses: [] }],
          SecurityGroups: ['sg-0sandbox'],
          IpAddressType: 'ipv4',
        })),
      };
    },

    DescribeListeners(input) {
      const lbArn = q.str(input.LoadBalancerArn);
      const arns = strings(input.ListenerArns);
      if (!lbArn && !arns?.length) {
        throw new AwsError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
      }
      if (lbArn && arns?.length) {
        throw new AwsError('ValidationError', 'Listener ARNs and a load balancer ARN cannot be specified at the same time');
      }
      let listeners: Listener[];
      if (lbArn) {
        if (!model.loadBalancers.some((lb) => lb.arn === lbArn)) {
          throw new AwsError('LoadBalancerNotFound', `Load balancer '${lbArn}' not found`);
        }
        listeners = model.listeners.filter((l) => l.loadBalancerArn === lbArn);
      } else {
        listeners = (arns ?? []).map((arn) => {
          const l = model.listener(arn);
          if (!l) throw new AwsError('ListenerNotFound', `One or more listeners not found`);
          return l;
        });
      }
      return { Listeners: listeners.map(describeListener) };
    },

    ModifyListener(input) {
      const listener = listenerOrThrow(q.str(input.ListenerArn));
      if (input.DefaultActions !== undefined) {
        listener.defaultActions = normaliseActions(model, q.list(input.DefaultActions), 'defaultActions');
        model.events.emit('listenerModified', { listenerArn: listener.arn });
      }
      return { Listeners: [describeListener(listener)] };
    },

    DescribeTargetGroups(input) {
      const arns = strings(input.TargetGroupArns);
      const names = strings(input.Names);
      const lbArn = q.str(input.LoadBalancerArn);
      let tgs = model.targetGroups;
      if (arns?.length) {
        tgs = arns.map((arn) => tgOrThrow(arn));
      } else if (names?.length) {
        tgs = tgs.filter((tg) => names.includes(tg.name));
        if (tgs.length !== names.length) throw new AwsError('TargetGroupNotFound', `One or more target groups not found`);
      } else if (lbArn) {
        if (!model.loadBalancers.some((lb) => lb.arn === lbArn)) {
          throw new AwsError('LoadBalancerNotFound', `Load balancer '${lbArn}' not found`);
        }
        tgs = tgs.filter((tg) => model.loadBalancerArnsOf(tg.arn).includes(lbArn));
      }
      return { TargetGroups: tgs.map((tg) => describeTargetGroup(tg, model.loadBalancerArnsOf(tg.arn))) };
    },

    DescribeTargetHealth(input) {
      const tg = tgOrThrow(q.str(input.TargetGroupArn));
      const asked = q.list(input.Targets)?.map((t) => q.obj(t) ?? {});
      const describe = (id: string, port: number) => {
        const t = tg.targets.find((x) => x.id === id && x.port === port);
        const health = t
          ? { State: t.state, Reason: t.reason, Description: t.description }
          : { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' };
        // A target that is not health-checked (unused: its group gets no traffic, or it is not
        // registered) comes back without HealthCheckPort, as in AWS's examples and recorded output.
        return {
          Target: { Id: id, Port: port, AvailabilityZone: `${account.region}a` },
          ...(health.State === 'unused' ? {} : { HealthCheckPort: String(port) }),
          TargetHealth: Object.fromEntries(Object.entries(health).filter(([, v]) => v !== undefined)),
        };
      };
      const descriptions = asked?.length
        ? asked.map((t, i) => {
            const id = q.str(t.Id);
            if (!id) throw new AwsError('ValidationError', `targets.${i + 1}.member.id must not be null`);
            return describe(id, q.int(t.Port, `targets.${i + 1}.member.port`) ?? tg.port);
          })
        : tg.targets.map((t) => describe(t.id, t.port));
      return { TargetHealthDescriptions: descriptions };
    },
  };
}

export function describeListener(l: Listener): Record<string, unknown> {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: structuredClone(l.defaultActions),
  };
}

function describeTargetGroup(tg: TargetGroup, lbArns: string[]): Record<string, unknown> {
  const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: 'HTTP',
    Port: tg.port,
    VpcId: 'vpc-0sandbox',
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: seconds(tg.healthCheck.intervalMs),
    HealthCheckTimeoutSeconds: seconds(tg.healthCheck.timeoutMs),
    HealthyThresholdCount: tg.healthCheck.healthyThreshold,
    UnhealthyThresholdCount: tg.healthCheck.unhealthyThreshold,
    HealthCheckPath: tg.healthCheck.path,
    Matcher: { HttpCode: tg.healthCheck.matcher },
    LoadBalancerArns: lbArns,
    TargetType: 'ip',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  };
}

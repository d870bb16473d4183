// ElbPort over the ELBv2 client: read and replace a listener's default actions or a rule's
// actions, and read target health. Only the actions are sent on a write, so the listener's port,
// certificates and the rule's conditions and priority stay as they are.
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ClientConfig } from './client-config.js';
import type { TrafficTarget } from '../types.js';
import { toWritableActions } from './action-shape.js';
import { AwsResourceNotFound, isAwsError, rethrowNotFound, tagOperations } from './aws-error.js';
import { ruleOperations } from './elbv2-rules.js';
import type { ElbPort, TargetHealth } from './ports.js';

const LISTENER_NOT_FOUND = ['ListenerNotFoundException', 'ListenerNotFound'];
const RULE_NOT_FOUND = ['RuleNotFoundException', 'RuleNotFound'];
const TARGET_GROUP_NOT_FOUND = ['TargetGroupNotFoundException', 'TargetGroupNotFound'];

const CHECK_LISTENER = "Check the 'listener-arn' / 'test-listener-arn' inputs and the region.";
const CHECK_RULE = "Check the 'listener-rule-arn' input and the region.";
const CHECK_TARGET_GROUP = "Check the 'blue-target-group-arn' / 'green-target-group-arn' inputs and the region.";

export function createElbPort(client: ElasticLoadBalancingV2Client): ElbPort {
  async function listenerActions(arn: string): Promise<Action[]> {
    const out = await client.send(new DescribeListenersCommand({ ListenerArns: [arn] }))
      .catch((e: unknown) => rethrowNotFound(e, LISTENER_NOT_FOUND, 'listener', arn, CHECK_LISTENER));
    const listener = out.Listeners?.[0];
    if (!listener) throw new AwsResourceNotFound('listener', arn, `The listener '${arn}' was not found. ${CHECK_LISTENER}`);
    return listener.DefaultActions ?? [];
  }

  async function ruleActions(arn: string): Promise<Action[]> {
    const out = await client.send(new DescribeRulesCommand({ RuleArns: [arn] }))
      .catch((e: unknown) => rethrowNotFound(e, RULE_NOT_FOUND, 'listener rule', arn, CHECK_RULE));
    const rule = out.Rules?.[0];
    if (!rule) throw new AwsResourceNotFound('listener rule', arn, `The listener rule '${arn}' was not found. ${CHECK_RULE}`);
    return rule.Actions ?? [];
  }

  return {
    ...ruleOperations(client),
    readActions: (target: TrafficTarget) => (target.kind === 'listener' ? listenerActions(target.arn) : ruleActions(target.arn)),

    async writeActions(target: TrafficTarget, actions: Action[]): Promise<void> {
      const writable = toWritableActions(actions);
      try {
        if (target.kind === 'listener') {
          await client.send(new ModifyListenerCommand({ ListenerArn: target.arn, DefaultActions: writable }));
        } else {
          await client.send(new ModifyRuleCommand({ RuleArn: target.arn, Actions: writable }));
        }
      } catch (e) {
        const [names, resource, hint] =
          target.kind === 'listener' ? [LISTENER_NOT_FOUND, 'listener', CHECK_LISTENER] : [RULE_NOT_FOUND, 'listener rule', CHECK_RULE];
        if (isAwsError(e, ...names)) rethrowNotFound(e, names, resource, target.arn, hint);
        // A forward to a deleted target group fails the whole write: name the groups rather than the listener.
        rethrowNotFound(e, TARGET_GROUP_NOT_FOUND, 'target group', forwardedGroups(writable).join(', '), CHECK_TARGET_GROUP);
      }
    },

    async describeTargetHealth(targetGroupArn: string): Promise<TargetHealth[]> {
      const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
      .catch((e: unknown) => rethrowNotFound(e, TARGET_GROUP_NOT_FOUND, 'target group', targetGroupArn, CHECK_TARGET_GROUP));
      return (out.TargetHealthDescriptions ?? []).map((d) => ({
        id: d.Target?.Id ?? 'unknown',
        ...(d.Target?.Port !== undefined && { port: d.Target.Port }),
        state: d.TargetHealth?.State ?? 'unavailable',
        ...(d.TargetHealth?.Reason !== undefined && { reason: d.TargetHealth.Reason }),
        ...(d.TargetHealth?.Description !== undefined && { description: d.TargetHealth.Description }),
      }));
    },

    async assertListenerExists(listenerArn: string): Promise<void> {
      await listenerActions(listenerArn);
    },
  };
}

/** Every target group the actions forward to, for an error message. */
function forwardedGroups(actions: Action[]): string[] {
  const arns = actions.flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)]);
  return [...new Set(arns.filter((arn): arn is string => Boolean(arn)))];
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): ElbPort => createElbPort(tagOperations(new ElasticLoadBalancingV2Client(config), 'elasticloadbalancing'));

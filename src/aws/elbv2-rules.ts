// The listener-rule calls of the ElbPort: list a listener's rules (every page), create and delete one
// rule, read rules' tags, and where a listener answers. The action creates one rule per run at most (its
// verification route, flow/verify-route.ts), so these stay small; errors a person can act on become
// RuleRefused, a missing rule on delete is success (a lost reply's retry finds it gone).
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { toWritableActions } from './action-shape.js';
import { errorMessage } from '../errors.js';
import { isAwsError, rethrowNotFound, RuleRefused } from './aws-error.js';
import type { ListenerAddress, ListenerRule, NewRule } from './ports.js';

const LISTENER_NOT_FOUND = ['ListenerNotFoundException', 'ListenerNotFound'];
const RULE_NOT_FOUND = ['RuleNotFoundException', 'RuleNotFound'];
const CHECK_LISTENER = "Check the 'listener-arn' input and the region.";
/** DescribeTags takes at most 20 resources per call. */
const TAGS_PER_CALL = 20;
/** DescribeRules' largest page. */
const RULES_PAGE = 400;

export function ruleOperations(client: ElasticLoadBalancingV2Client) {
  const describeTags = async (arns: string[]) => (await client.send(new DescribeTagsCommand({ ResourceArns: arns }))).TagDescriptions ?? [];
  return {
    async listenerRules(listenerArn: string): Promise<ListenerRule[]> {
      const rules: ListenerRule[] = [];
      let marker: string | undefined;
      do {
        const out = await client
          .send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: RULES_PAGE, ...(marker ? { Marker: marker } : {}) }))
          .catch((e: unknown) => rethrowNotFound(e, LISTENER_NOT_FOUND, 'listener', listenerArn, CHECK_LISTENER));
        for (const r of out.Rules ?? []) {
          rules.push({ arn: r.RuleArn ?? '', priority: r.Priority ?? '', isDefault: r.IsDefault ?? r.Priority === 'default', conditions: r.Conditions ?? [], actions: r.Actions ?? [] });
        }
        marker = out.NextMarker;
      } while (marker);
      return rules;
    },

    async createRule(rule: NewRule): Promise<string> {
      try {
        const out = await client.send(
          new CreateRuleCommand({
            ListenerArn: rule.listenerArn,
            Priority: rule.priority,
            Conditions: rule.conditions,
            Actions: toWritableActions(rule.actions),
            Tags: Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        const arn = out.Rules?.[0]?.RuleArn;
        if (!arn) throw new Error(`CreateRule on ${rule.listenerArn} returned no rule ARN`);
        return arn;
      } catch (e) {
        if (isAwsError(e, 'PriorityInUseException', 'PriorityInUse')) throw new RuleRefused('priority-in-use', `priority ${rule.priority} is in use (${errorMessage(e)})`, { cause: e });
        if (isAwsError(e, 'TooManyRulesException', 'TooManyRules')) throw new RuleRefused('too-many-rules', `the load balancer has reached its quota of rules (${errorMessage(e)})`, { cause: e });
        if (isAwsError(e, 'InvalidConfigurationRequestException', 'InvalidConfigurationRequest', 'ValidationError')) throw new RuleRefused('invalid', errorMessage(e), { cause: e });
        return rethrowNotFound(e, LISTENER_NOT_FOUND, 'listener', rule.listenerArn, CHECK_LISTENER);
      }
    },

    async deleteRule(ruleArn: string): Promise<boolean> {
      try {
        await client.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
        return true;
      } catch (e) {
        if (isAwsError(e, ...RULE_NOT_FOUND)) return false;
        throw e;
      }
    },

    async ruleTags(ruleArns: string[]): Promise<Record<string, Record<string, string>>> {
      const tags: Record<string, Record<string, string>> = {};
      for (let i = 0; i < ruleArns.length; i += TAGS_PER_CALL) {
        const batch = ruleArns.slice(i, i + TAGS_PER_CALL);
        // One rule deleted meanwhile fails its whole batch: then each is asked for on its own.
        const descriptions = await describeTags(batch).catch(async (e: unknown) => {
          if (!isAwsError(e, ...RULE_NOT_FOUND)) throw e;
          const each = await Promise.all(batch.map((arn) => describeTags([arn]).catch((one: unknown) => (isAwsError(one, ...RULE_NOT_FOUND) ? [] : Promise.reject(one)))));
          return each.flat();
        });
        for (const d of descriptions) {
          if (d.ResourceArn) tags[d.ResourceArn] = Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        }
      }
      return tags;
    },

    async listenerAddress(listenerArn: string): Promise<ListenerAddress> {
      const out = await client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })).catch((e: unknown) => rethrowNotFound(e, LISTENER_NOT_FOUND, 'listener', listenerArn, CHECK_LISTENER));
      const listener = out.Listeners?.[0];
      const loadBalancerArn = listener?.LoadBalancerArn ?? '';
      const lb = loadBalancerArn ? (await client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn] }))).LoadBalancers?.[0] : undefined;
      return {
        loadBalancerArn,
        ...(listener?.Port !== undefined ? { port: listener.Port } : {}),
        ...(listener?.Protocol ? { protocol: listener.Protocol } : {}),
        ...(lb?.DNSName ? { dnsName: lb.DNSName } : {}),
      };
    },
  };
}

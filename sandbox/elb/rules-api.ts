// The listener-rule operations: CreateRule, DeleteRule, DescribeRules (paged) and ModifyRule, over the
// ElbModel. The proxies (routing.ts) and the health checker (ElbModel.isInUse) read the listener's rules
// on every request and tick, so a created, modified or deleted rule routes and counts at once.
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteRule.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyRule.html
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { arns } from '../core/ids.js';
import { q, type QueryObject } from '../protocol/query.js';
import { normaliseActions } from './actions.js';
import { assertConditionValueQuota, normaliseConditions } from './conditions.js';
import { defaultRule, type ElbModel, type Listener, type Rule, type RuleEvent } from './model.js';
import { pageOf, pageSizeOf } from './paging.js';
import { mergedTags, parseTags } from './tags.js';

type Operation = (input: QueryObject) => Record<string, unknown>;

/** API reference: Priority "Valid Range: Minimum value of 1. Maximum value of 50000." */
const MAX_PRIORITY = 50000;

const notNull = (member: string) => new AwsError('ValidationError', constraintMessage('null', member, 'Member must not be null'));
const ruleNotFound = () => new AwsError('RuleNotFound', 'One or more rules not found');

export function ruleOperations(model: ElbModel): Record<string, Operation> {
  const emit = (name: 'ruleCreated' | 'ruleModified' | 'ruleDeleted', rule: Rule, listener: Listener) =>
    model.events.emit(name, { ruleArn: rule.arn, listenerArn: listener.arn } satisfies RuleEvent);

  return {
    CreateRule(input) {
      // The request's own constraints first, as AWS validates its input before looking anything up.
      const listenerArn = q.str(input.ListenerArn);
      if (!listenerArn) throw notNull('listenerArn');
      const priority = q.int(input.Priority, 'priority');
      if (priority === undefined) throw notNull('priority');
      if (priority < 1 || priority > MAX_PRIORITY) {
        const bound = priority < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PRIORITY}`;
        throw new AwsError('ValidationError', constraintMessage(priority, 'priority', `Member must have value ${bound}`));
      }
      if (input.Conditions === undefined) throw notNull('conditions');
      if (input.Actions === undefined) throw notNull('actions');
      const tags = parseTags(input.Tags, 'tags');

      const listener = model.listener(listenerArn);
      if (!listener) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
      const conditions = normaliseConditions(q.list(input.Conditions));
      // Text is the sandbox's: the reference only says Conditions is required.
      if (conditions.length === 0) throw new AwsError('ValidationError', 'A rule must have at least one condition');
      assertConditionValueQuota(conditions);
      const actions = normaliseActions(model, q.list(input.Actions), 'actions');
      if (listener.rules.some((r) => r.priority === String(priority))) throw new AwsError('PriorityInUse', 'The specified priority is in use.');
      if (model.ruleCount(listener.loadBalancerArn) >= model.maxRulesPerLoadBalancer) {
        throw new AwsError('TooManyRules', "You've reached the limit on the number of rules per load balancer.");
      }
      const ruleTags = mergedTags([], tags);

      const rule: Rule = { arn: arns.rule(listener.arn), listenerArn: listener.arn, priority: String(priority), conditions, actions };
      listener.rules.push(rule);
      if (ruleTags.length > 0) model.tags.set(rule.arn, ruleTags);
      emit('ruleCreated', rule, listener);
      return { Rules: [describeRule(rule)] };
    },

    DeleteRule(input) {
      const arn = q.str(input.RuleArn);
      if (!arn) throw notNull('ruleArn');
      const found = model.rule(arn);
      if (!found) throw ruleNotFound();
      const { listener, rule } = found;
      // ELB user guide, "Delete a listener rule": "You can't delete the default rule for a listener." Text is the sandbox's.
      if (rule.priority === 'default') throw new AwsError('OperationNotPermitted', "You can't delete the default rule for a listener");
      listener.rules = listener.rules.filter((r) => r !== rule);
      model.tags.delete(rule.arn);
      emit('ruleDeleted', rule, listener);
      return {};
    },

    DescribeRules(input) {
      const listenerArn = q.str(input.ListenerArn);
      const ruleArns = q.list(input.RuleArns)?.map(String);
      if (!listenerArn && !ruleArns?.length) {
        throw new AwsError('ValidationError', 'You must specify either listener rule ARNs or a listener ARN');
      }
      if (listenerArn && ruleArns?.length) {
        throw new AwsError('ValidationError', 'Listener rule ARNs and a listener ARN cannot be specified at the same time');
      }
      const pageSize = pageSizeOf(input.PageSize);
      const marker = q.str(input.Marker);
      let page;
      if (listenerArn) {
        const listener = model.listener(listenerArn);
        if (!listener) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
        // Priority order, the default rule last: the marker is the last priority returned.
        const rules = [...sortedRules(listener), defaultRule(listener)];
        page = pageOf(rules, (r) => (r.priority === 'default' ? MAX_PRIORITY + 1 : Number(r.priority)), pageSize, marker);
      } else {
        const rules = (ruleArns ?? []).map((arn) => {
          const found = model.rule(arn);
          if (!found) throw ruleNotFound();
          return found.rule;
        });
        page = pageOf(rules, (_r, i) => i, pageSize, marker);
      }
      return { Rules: page.items.map(describeRule), ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
    },

    ModifyRule(input) {
      const arn = q.str(input.RuleArn);
      const found = arn ? model.rule(arn) : undefined;
      if (!found) throw ruleNotFound();
      const { listener, rule } = found;
      const isDefault = rule.priority === 'default';
      if (isDefault && input.Conditions !== undefined) {
        throw new AwsError('OperationNotPermitted', 'You cannot modify the conditions of a default rule');
      }
      const actions = input.Actions !== undefined ? normaliseActions(model, q.list(input.Actions), 'actions') : undefined;
      const conditions = input.Conditions !== undefined ? normaliseConditions(q.list(input.Conditions)) : undefined;
      if (conditions) assertConditionValueQuota(conditions);
      if (isDefault) {
        if (actions) listener.defaultActions = actions;
      } else {
        if (actions) rule.actions = actions;
        if (conditions) rule.conditions = conditions;
      }
      emit('ruleModified', rule, listener);
      const current = isDefault ? defaultRule(listener) : rule;
      return { Rules: [describeRule(current)] };
    },
  };
}

const sortedRules = (listener: Listener): Rule[] => [...listener.rules].sort((a, b) => Number(a.priority) - Number(b.priority));

export function describeRule(r: Rule): Record<string, unknown> {
  return {
    RuleArn: r.arn,
    Priority: r.priority,
    Conditions: structuredClone(r.conditions),
    Actions: structuredClone(r.actions),
    IsDefault: r.priority === 'default',
  };
}

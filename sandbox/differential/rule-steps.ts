// The replay's listener-rule steps: what the action does for one run on the production listener (a rule
// matching only a secret header, first a fixed response, then a forward; found again by its tags; deleted
// afterwards), with DescribeRules paged as the action pages it, and the refusals it relies on. The
// listener already has the world's rule at priority 10, so the new one (priority 20) sorts after it in
// both worlds (moto lists rules in creation order, AWS and the sandbox in priority order).
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyRuleCommand,
  type DescribeRulesCommandOutput,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Step, StepContext } from './replay.js';
import { LISTENER, tg } from './worlds.js';

export const HEADER_RULE = '<rule:header>';
export const DEFAULT_RULE = '<rule:default>';
const RULES_MARKER = '<marker:rules>';

const probe = (value: string): RuleCondition[] => [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Deploy-Probe', Values: [value] } }];

const createHeaderRule = (ctx: StepContext, value: string) =>
  ctx.world.elb.send(
    new CreateRuleCommand({
      ListenerArn: ctx.resolve(LISTENER),
      Priority: 20,
      Conditions: probe(value),
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'probe' } }],
      Tags: [{ Key: 'deploy-run', Value: 'diff-1' }],
    }),
  );

const describeRules = (ctx: StepContext, extra: { PageSize?: number; Marker?: string } = {}) =>
  ctx.world.elb.send(new DescribeRulesCommand({ ListenerArn: ctx.resolve(LISTENER), ...ctx.resolve(extra) }));

const rulesOf = (output: unknown) => (output as DescribeRulesCommandOutput).Rules ?? [];

export function ruleSteps(): Step[] {
  return [
    {
      id: 'rule.create.header',
      call: (ctx) => createHeaderRule(ctx, 'diff-secret'),
      bind: (out) => ({ [HEADER_RULE]: rulesOf(out)[0]?.RuleArn }),
    },
    { id: 'rule.create.priority-in-use', call: (ctx) => createHeaderRule(ctx, 'other-secret') },
    { id: 'rule.tags', call: (ctx) => ctx.world.elb.send(new DescribeTagsCommand({ ResourceArns: [ctx.resolve(HEADER_RULE)] })) },
    {
      id: 'rule.modify.header-forward',
      call: (ctx) => ctx.world.elb.send(new ModifyRuleCommand({ RuleArn: ctx.resolve(HEADER_RULE), Actions: [{ Type: 'forward', TargetGroupArn: ctx.resolve(tg('green')) }] })),
    },
    {
      id: 'rules.page.1',
      call: (ctx) => describeRules(ctx, { PageSize: 2 }),
      bind: (out) => ({ [RULES_MARKER]: (out as DescribeRulesCommandOutput).NextMarker }),
    },
    {
      id: 'rules.page.2',
      call: (ctx) => describeRules(ctx, { PageSize: 2, Marker: RULES_MARKER }),
      bind: (out) => ({ [DEFAULT_RULE]: rulesOf(out).find((r) => r.IsDefault)?.RuleArn }),
    },
    { id: 'rule.delete.header', call: (ctx) => ctx.world.elb.send(new DeleteRuleCommand({ RuleArn: ctx.resolve(HEADER_RULE) })) },
    { id: 'rule.delete.header.again', call: (ctx) => ctx.world.elb.send(new DeleteRuleCommand({ RuleArn: ctx.resolve(HEADER_RULE) })) },
    { id: 'rules.after-delete', call: (ctx) => describeRules(ctx) },
    { id: 'rule.delete.default', call: (ctx) => ctx.world.elb.send(new DeleteRuleCommand({ RuleArn: ctx.resolve(DEFAULT_RULE) })) },
  ];
}

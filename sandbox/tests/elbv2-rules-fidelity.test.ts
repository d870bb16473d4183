// Listener rules through the real ELBv2 SDK client: CreateRule, DeleteRule and ModifyRule in AWS's
// shapes and with AWS's errors, and the request log and faults for them. DescribeRules paging and tags:
// elbv2-rules-paging-tags.test.ts; routing and target health of these rules: elbv2-rules-traffic.test.ts.
// Follows:
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteRule.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyRule.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/delete-rule.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyRuleCommand,
  type CreateRuleCommandInput,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox, type Sandbox } from '../index.js';
import { createListener, fixedResponse } from '../resources.js';
import { clientsFor, rejectionOf } from './clients.js';
import { freshListener as listenerIn, header, ruleInput } from './rule-support.js';

let sb: Sandbox;
let elb: ReturnType<typeof clientsFor>['elb'];

beforeAll(async () => {
  sb = await startSandbox();
  elb = clientsFor(sb, { maxAttempts: 1 }).elb;
});
afterAll(() => sb.stop());

const freshListener = (name: string, sandbox = sb) => listenerIn(sandbox, name);

describe('CreateRule', () => {
  test("returns the rule in AWS's shape, with an ARN in the listener-rule format, its tags stored and ruleCreated emitted", async () => {
    const { listenerArn } = await freshListener('cr-shape');
    const events: unknown[] = [];
    const onCreated = (e: unknown) => events.push(e);
    sb.events.on('ruleCreated', onCreated);
    const out = await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 7, { Tags: [{ Key: 'deploy-run', Value: 'run-1' }, { Key: 'owner', Value: 'action' }] })));
    sb.events.off('ruleCreated', onCreated);
    const rule = out.Rules?.[0];
    expect(out.Rules).toHaveLength(1);
    expect(rule).toEqual({
      RuleArn: expect.stringMatching(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule\/app\/cr-shape\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/),
      Priority: '7',
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Deploy-Probe', Values: ['secret-1'] } }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'probe' } }],
      IsDefault: false,
    });
    expect(rule?.RuleArn?.startsWith(listenerArn.replace(':listener/', ':listener-rule/'))).toBe(true);
    expect(events).toEqual([{ ruleArn: rule?.RuleArn, listenerArn }]);
    const tags = await elb.send(new DescribeTagsCommand({ ResourceArns: [rule?.RuleArn as string] }));
    expect(tags.TagDescriptions).toEqual([{ ResourceArn: rule?.RuleArn, Tags: [{ Key: 'deploy-run', Value: 'run-1' }, { Key: 'owner', Value: 'action' }] }]);
    const listed = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    expect(listed.Rules?.map((r) => [r.Priority, r.IsDefault])).toEqual([['7', false], ['default', true]]);
  });

  test('a priority another rule of the listener has is PriorityInUse; the same priority on another listener is fine', async () => {
    const { listenerArn } = await freshListener('cr-priority');
    await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 10)));
    const e = await rejectionOf(elb.send(new CreateRuleCommand(ruleInput(listenerArn, 10, { Conditions: [header('X-Other', 'x')] }))));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['PriorityInUseException', 'The specified priority is in use.', 400]);
    const other = await freshListener('cr-priority-2');
    expect((await elb.send(new CreateRuleCommand(ruleInput(other.listenerArn, 10)))).Rules?.[0]?.Priority).toBe('10');
  });

  test('five condition values over several conditions are accepted (the quota), and a query-string pair counts one', async () => {
    const { listenerArn } = await freshListener('cr-five');
    const conditions: RuleCondition[] = [
      header('X-Deploy-Probe', 'a', 'b'),
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } },
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'canary', Value: 'true' }] } },
    ];
    const out = await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 1, { Conditions: conditions })));
    expect(out.Rules?.[0]?.Conditions).toEqual([
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Deploy-Probe', Values: ['a', 'b'] } },
      { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } },
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'canary', Value: 'true' }] } },
    ]);
  });

  const longName = 'X-' + 'h'.repeat(39); // 41 characters
  test.each([
    ['priority 0', { Priority: 0 }, 'ValidationError', "1 validation error detected: Value '0' at 'priority' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['priority 50001', { Priority: 50001 }, 'ValidationError', "1 validation error detected: Value '50001' at 'priority' failed to satisfy constraint: Member must have value less than or equal to 50000"],
    ['no condition', { Conditions: [] }, 'ValidationError', 'A rule must have at least one condition'],
    ['a header name of 41 characters', { Conditions: [header(longName, 'x')] }, 'ValidationError', "The 'HttpHeaderName' value is too long; the limit is '40'"],
    ['a header value of 129 characters', { Conditions: [header('X-Probe', 'v'.repeat(129))] }, 'ValidationError', "The 'http-header' value is too long; the limit is '128'"],
    ['an http-header condition without HttpHeaderConfig', { Conditions: [{ Field: 'http-header' }] }, 'ValidationError', "A 'HttpHeaderConfig' must be specified with 'http-header'"],
    ['an http-header condition without values', { Conditions: [header('X-Probe')] }, 'ValidationError', "A 'http-header' condition must specify at least one value"],
    [
      'six condition values (3 header values, 2 hosts, 1 path)',
      { Conditions: [header('X-Probe', 'a', 'b', 'c'), { Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com', 'b.example.com'] } }, { Field: 'path-pattern', Values: ['/x'] }] },
      'InvalidConfigurationRequestException',
      "A rule can have at most '5' condition values (quota 'Condition values per rule'); these conditions have '6'",
    ],
    [
      'six query-string pairs',
      { Conditions: [{ Field: 'query-string', QueryStringConfig: { Values: Array.from({ length: 6 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) } }] },
      'InvalidConfigurationRequestException',
      expect.stringMatching(/have '6'$/),
    ],
    ['a forward to an unknown target group', { Actions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef' }] }, 'TargetGroupNotFoundException', expect.stringMatching(/not found/)],
    ['51 tags', { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }, 'TooManyTagsException', "You've reached the limit on the number of tags for this resource."],
    ['a tag key given twice', { Tags: [{ Key: 'run', Value: '1' }, { Key: 'run', Value: '2' }] }, 'DuplicateTagKeysException', 'A tag key was specified more than once.'],
  ] as [string, Partial<CreateRuleCommandInput>, string, unknown][])('rejects %s and creates nothing', async (_what, extra, name, message) => {
    const { listenerArn } = await freshListener(`cr-bad-${Math.random().toString(16).slice(2, 8)}`);
    const e = await rejectionOf(elb.send(new CreateRuleCommand(ruleInput(listenerArn, 3, extra))));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual([name, message, 400]);
    expect(sb.world.elb.listener(listenerArn)?.rules).toEqual([]);
  });

  test('an unknown listener is ListenerNotFound', async () => {
    const { listenerArn } = await freshListener('cr-nolistener');
    const e = await rejectionOf(elb.send(new CreateRuleCommand(ruleInput(listenerArn.replace(/[0-9a-f]{16}$/, '0123456789abcdef'), 3))));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ListenerNotFoundException', 400]);
  });

  test("TooManyRules once the load balancer's non-default rules, over all its listeners, reach the quota", async () => {
    const small = await startSandbox({ maxRulesPerLoadBalancer: 3 });
    try {
      const client = clientsFor(small, { maxAttempts: 1 }).elb;
      const { lb, listenerArn } = await freshListener('quota', small);
      const second = await createListener(small.world, lb, [fixedResponse(404, 'x')]);
      await client.send(new CreateRuleCommand(ruleInput(listenerArn, 1)));
      await client.send(new CreateRuleCommand(ruleInput(listenerArn, 2)));
      await client.send(new CreateRuleCommand(ruleInput(second.arn, 1)));
      const e = await rejectionOf(client.send(new CreateRuleCommand(ruleInput(second.arn, 2))));
      expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['TooManyRulesException', "You've reached the limit on the number of rules per load balancer.", 400]);
      // Another load balancer has a quota of its own; deleting a rule makes room again.
      const other = await freshListener('quota-other', small);
      await client.send(new CreateRuleCommand(ruleInput(other.listenerArn, 1)));
      const [first] = (await client.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? [];
      await client.send(new DeleteRuleCommand({ RuleArn: first?.RuleArn }));
      expect((await client.send(new CreateRuleCommand(ruleInput(second.arn, 2)))).Rules?.[0]?.Priority).toBe('2');
    } finally {
      await small.stop();
    }
  });
});

describe('DeleteRule', () => {
  test('deletes the rule and its tags, emits ruleDeleted; a second delete is RuleNotFound', async () => {
    const { listenerArn } = await freshListener('dr-delete');
    const created = await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 5, { Tags: [{ Key: 'deploy-run', Value: 'r' }] })));
    const ruleArn = created.Rules?.[0]?.RuleArn as string;
    const events: unknown[] = [];
    const onDeleted = (e: unknown) => events.push(e);
    sb.events.on('ruleDeleted', onDeleted);
    expect(Object.keys(await elb.send(new DeleteRuleCommand({ RuleArn: ruleArn })))).toEqual(['$metadata']);
    sb.events.off('ruleDeleted', onDeleted);
    expect(events).toEqual([{ ruleArn, listenerArn }]);
    expect((await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules?.map((r) => r.Priority)).toEqual(['default']);
    expect(sb.world.elb.tags.has(ruleArn)).toBe(false);
    for (const call of [
      elb.send(new DeleteRuleCommand({ RuleArn: ruleArn })),
      elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] })),
      elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] })),
    ]) {
      const e = await rejectionOf(call);
      expect([e.name, e.$metadata.httpStatusCode]).toEqual(['RuleNotFoundException', 400]);
    }
  });

  test("the listener's default rule cannot be deleted: OperationNotPermitted, and it stays", async () => {
    const { listenerArn, defaultRuleArn } = await freshListener('dr-default');
    const e = await rejectionOf(elb.send(new DeleteRuleCommand({ RuleArn: defaultRuleArn })));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['OperationNotPermittedException', "You can't delete the default rule for a listener", 400]);
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    expect(rules.Rules?.map((r) => [r.RuleArn, r.IsDefault])).toEqual([[defaultRuleArn, true]]);
  });
});

describe('ModifyRule on a created rule', () => {
  test('validates conditions as CreateRule does, the condition-value quota included', async () => {
    const { listenerArn } = await freshListener('mr-quota');
    const ruleArn = (await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 1)))).Rules?.[0]?.RuleArn as string;
    const e = await rejectionOf(elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Conditions: [header('X-Probe', 'a', 'b', 'c', 'd', 'e', 'f')] })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InvalidConfigurationRequestException', 400]);
    const out = await elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Conditions: [header('x-deploy-probe', 'secret-2')] }));
    expect(out.Rules?.[0]?.Conditions).toEqual([header('x-deploy-probe', 'secret-2')]);
  });
});

describe('request log and faults', () => {
  test('the new operations are logged and can be faulted like any other', async () => {
    const { listenerArn } = await freshListener('log-faults');
    const since = Date.now();
    sb.injectFault({ kind: 'throttle', operation: 'CreateRule', times: 1 });
    const e = await rejectionOf(elb.send(new CreateRuleCommand(ruleInput(listenerArn, 1))));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['Throttling', 400]);
    expect(sb.world.elb.listener(listenerArn)?.rules).toEqual([]);
    const ruleArn = (await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 1)))).Rules?.[0]?.RuleArn as string;
    await elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] }));
    await elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    expect(sb.requests({ service: 'elbv2', since }).map((r) => [r.operation, r.status, r.errorCode])).toEqual([
      ['CreateRule', 400, 'Throttling'],
      ['CreateRule', 200, undefined],
      ['DescribeTags', 200, undefined],
      ['DeleteRule', 200, undefined],
    ]);
  });
});

// DescribeRules paging and ELBv2 tags through the real SDK client: Marker / NextMarker over the rules of a
// listener (priority order, default last) or a list of rule ARNs; DescribeTags, AddTags and RemoveTags
// on rules, listeners, load balancers and target groups. Follows:
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddTags.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RemoveTags.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-tags.html
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  AddTagsCommand,
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  paginateDescribeRules,
  RemoveTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox, type Sandbox } from '../index.js';
import { createTargetGroup } from '../resources.js';
import { clientsFor, rejectionOf } from './clients.js';
import { freshListener as listenerIn, ruleInput } from './rule-support.js';

let sb: Sandbox;
let elb: ReturnType<typeof clientsFor>['elb'];
let tgArn: string;

beforeAll(async () => {
  sb = await startSandbox();
  elb = clientsFor(sb, { maxAttempts: 1 }).elb;
  tgArn = createTargetGroup(sb.world, { name: 'rules-canary' }).arn;
});
afterAll(() => sb.stop());

const freshListener = (name: string) => listenerIn(sb, name);

describe('DescribeRules paging', () => {
  test('PageSize pages in priority order, the default rule last, with NextMarker on all but the last page', async () => {
    const { listenerArn } = await freshListener('dr-paging');
    for (const priority of [30, 10, 50, 20, 40]) await elb.send(new CreateRuleCommand(ruleInput(listenerArn, priority)));
    const pages: [string[], boolean][] = [];
    let marker: string | undefined;
    do {
      const out = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2, Marker: marker }));
      marker = out.NextMarker;
      pages.push([out.Rules?.map((r) => r.Priority as string) ?? [], marker !== undefined]);
    } while (marker);
    expect(pages).toEqual([[['10', '20'], true], [['30', '40'], true], [['50', 'default'], false]]);

    const all: string[] = [];
    for await (const page of paginateDescribeRules({ client: elb, pageSize: 4 }, { ListenerArn: listenerArn })) all.push(...(page.Rules ?? []).map((r) => r.Priority as string));
    expect(all).toEqual(['10', '20', '30', '40', '50', 'default']);

    const unpaged = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    expect([unpaged.Rules?.length, unpaged.NextMarker]).toEqual([6, undefined]);
  });

  test('a page after a deletion starts after the marker: nothing skipped, nothing repeated', async () => {
    const { listenerArn } = await freshListener('dr-paging-delete');
    for (const priority of [1, 2, 3, 4]) await elb.send(new CreateRuleCommand(ruleInput(listenerArn, priority)));
    const first = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2 }));
    await elb.send(new DeleteRuleCommand({ RuleArn: first.Rules?.[0]?.RuleArn }));
    const second = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2, Marker: first.NextMarker }));
    expect(second.Rules?.map((r) => r.Priority)).toEqual(['3', '4']);
    const third = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2, Marker: second.NextMarker }));
    expect([third.Rules?.map((r) => r.Priority), third.NextMarker]).toEqual([['default'], undefined]);
  });

  test('RuleArns page too, in the order given', async () => {
    const { listenerArn, defaultRuleArn } = await freshListener('dr-paging-arns');
    const a = (await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 9)))).Rules?.[0]?.RuleArn as string;
    const out = await elb.send(new DescribeRulesCommand({ RuleArns: [defaultRuleArn, a], PageSize: 1 }));
    expect(out.Rules?.map((r) => r.RuleArn)).toEqual([defaultRuleArn]);
    const next = await elb.send(new DescribeRulesCommand({ RuleArns: [defaultRuleArn, a], PageSize: 1, Marker: out.NextMarker }));
    expect([next.Rules?.map((r) => r.RuleArn), next.NextMarker]).toEqual([[a], undefined]);
  });

  test.each([
    [{ PageSize: 0 }, "1 validation error detected: Value '0' at 'pageSize' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    [{ PageSize: 401 }, "1 validation error detected: Value '401' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400"],
    [{ Marker: 'not-a-marker' }, "The marker 'not-a-marker' is not valid"],
  ] as [{ PageSize?: number; Marker?: string }, string][])('rejects %j with ValidationError', async (extra, message) => {
    const { listenerArn } = await freshListener(`dr-bad-${extra.PageSize ?? 'marker'}`);
    const e = await rejectionOf(elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, ...extra })));
    expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['ValidationError', message, 400]);
  });
});

describe('DescribeTags / AddTags / RemoveTags', () => {
  test('rules, listeners, load balancers and target groups: their tags, empty when none; AddTags replaces a value in place', async () => {
    const { lbArn, listenerArn } = await freshListener('tags-all');
    const ruleArn = (await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 1, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] })))).Rules?.[0]?.RuleArn as string;
    await elb.send(new AddTagsCommand({ ResourceArns: [ruleArn, lbArn], Tags: [{ Key: 'a', Value: 'changed' }, { Key: 'c', Value: '3' }] }));
    const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn, listenerArn, lbArn, tgArn] }));
    expect(out.TagDescriptions).toEqual([
      { ResourceArn: ruleArn, Tags: [{ Key: 'a', Value: 'changed' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }] },
      { ResourceArn: listenerArn, Tags: [] },
      { ResourceArn: lbArn, Tags: [{ Key: 'a', Value: 'changed' }, { Key: 'c', Value: '3' }] },
      { ResourceArn: tgArn, Tags: [] },
    ]);
    await elb.send(new RemoveTagsCommand({ ResourceArns: [ruleArn], TagKeys: ['a', 'absent'] }));
    expect((await elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] }))).TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
  });

  test('AddTags over 50 tags is TooManyTags and changes nothing', async () => {
    const { listenerArn } = await freshListener('tags-quota');
    const ruleArn = (await elb.send(new CreateRuleCommand(ruleInput(listenerArn, 1, { Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })))).Rules?.[0]?.RuleArn as string;
    const e = await rejectionOf(elb.send(new AddTagsCommand({ ResourceArns: [ruleArn], Tags: [{ Key: 'one-more', Value: 'v' }] })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['TooManyTagsException', 400]);
    expect((await elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] }))).TagDescriptions?.[0]?.Tags).toHaveLength(50);
    await elb.send(new AddTagsCommand({ ResourceArns: [ruleArn], Tags: [{ Key: 'k0', Value: 'replaced' }] }));
  });

  test.each([
    ['21 resources', () => Array.from({ length: 21 }, () => tgArn), 'ValidationError', /Member must have length less than or equal to 20$/],
    ['an unknown rule', () => [`${tgArn.split(':targetgroup/')[0]}:listener-rule/app/x/0123456789abcdef/0123456789abcdef/0123456789abcdef`], 'RuleNotFoundException', /rules not found/],
    ['an unknown target group', () => [tgArn.replace(/[0-9a-f]{16}$/, '0123456789abcdef')], 'TargetGroupNotFoundException', /target groups not found/],
    ['an unknown load balancer', () => ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nope/0123456789abcdef'], 'LoadBalancerNotFoundException', /load balancers not found/],
  ] as [string, () => string[], string, RegExp][])('DescribeTags rejects %s', async (_what, arns, name, message) => {
    const e = await rejectionOf(elb.send(new DescribeTagsCommand({ ResourceArns: arns() })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual([name, 400]);
    expect(e.message).toMatch(message);
  });
});

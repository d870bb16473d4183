// The real ELBv2 SDK client against the sandbox: responses parse in AWS's shapes, errors carry AWS's
// codes, and the sandbox rejects what ELBv2 rejects.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { createTargetGroup } from '../resources.js';
import { clientsFor, rejectionOf } from './clients.js';

let sb: Sandbox;
let sc: BlueGreenScenario;
let elb: ReturnType<typeof clientsFor>['elb'];

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 200 });
  sc = await sb.createBlueGreen({ name: 'fid-elb', desiredCount: 1, withTestListener: true, withRule: true });
  elb = clientsFor(sb, { maxAttempts: 1 }).elb;
});
afterAll(() => sb.stop());

const weighted = (blue: number, green: number): Action[] => [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: sc.targetGroups.blue, Weight: blue },
        { TargetGroupArn: sc.targetGroups.green, Weight: green },
      ],
    },
  },
];

describe('DescribeLoadBalancers / DescribeTargetGroups', () => {
  test('parse with full ARNs and the groups the load balancer uses', async () => {
    const lbs = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [sc.loadBalancerArn] }));
    expect(lbs.LoadBalancers?.[0]).toMatchObject({ LoadBalancerArn: sc.loadBalancerArn, Type: 'application', State: { Code: 'active' } });
    expect(lbs.LoadBalancers?.[0]?.CreatedTime).toBeInstanceOf(Date);
    const tgs = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [sc.targetGroups.blue] }));
    expect(tgs.TargetGroups?.[0]).toMatchObject({
      TargetGroupArn: expect.stringMatching(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/fid-elb-blue\/[0-9a-f]{16}$/),
      HealthCheckPath: '/health',
      HealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [sc.loadBalancerArn],
    });
  });

  test('unknown load balancer and target group are AWS errors', async () => {
    const lb = await rejectionOf(elb.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })));
    expect(lb.name).toBe('LoadBalancerNotFoundException');
    expect(lb.$metadata.httpStatusCode).toBe(400);
    const tg = await rejectionOf(elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [sc.targetGroups.blue + 'x'] })));
    expect(tg.name).toBe('TargetGroupNotFoundException');
  });
});

describe('DescribeListeners / ModifyListener', () => {
  test('a weighted forward comes back with ForwardConfig and stickiness disabled', async () => {
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [sc.testListenerArn as string] }));
    const action = out.Listeners?.[0]?.DefaultActions?.[0];
    expect(action).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: sc.targetGroups.green, Weight: 100 },
          { TargetGroupArn: sc.targetGroups.blue, Weight: 0 },
        ],
        TargetGroupStickinessConfig: { Enabled: false },
      },
    });
    expect(out.Listeners?.[0]?.Port).toBe(Number(new URL(sc.testUrl as string).port));
  });

  test('a plain TargetGroupArn forward is returned with both TargetGroupArn and ForwardConfig', async () => {
    const out = await elb.send(
      new ModifyListenerCommand({ ListenerArn: sc.testListenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: sc.targetGroups.green }] }),
    );
    expect(out.Listeners?.[0]?.DefaultActions).toEqual([
      {
        Type: 'forward',
        TargetGroupArn: sc.targetGroups.green,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: sc.targetGroups.green, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
      },
    ]);
    const again = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: sc.loadBalancerArn }));
    expect(again.Listeners).toHaveLength(2);
  });

  test('weights are changed and read back exactly', async () => {
    await elb.send(new ModifyListenerCommand({ ListenerArn: sc.testListenerArn, DefaultActions: weighted(30, 70) }));
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [sc.testListenerArn as string] }));
    expect(out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.map((g) => g.Weight)).toEqual([30, 70]);
  });

  test.each([
    ['a weight of 1000', () => weighted(1000, 0), 'ValidationError', /less than or equal to 999/],
    ['a negative weight', () => weighted(-1, 0), 'ValidationError', /greater than or equal to 0/],
    [
      'six target groups',
      () => [{ Type: 'forward', ForwardConfig: { TargetGroups: Array.from({ length: 6 }, () => ({ TargetGroupArn: sc.targetGroups.blue, Weight: 1 })) } }],
      'ValidationError',
      /length less than or equal to 5/,
    ],
    [
      'an unknown target group',
      () => [{ Type: 'forward', TargetGroupArn: sc.targetGroups.blue.replace(/[0-9a-f]{16}$/, '0000000000000000') }],
      'TargetGroupNotFoundException',
      /not found/,
    ],
    [
      'TargetGroupArn with a multi-group ForwardConfig',
      () => [{ ...(weighted(50, 50)[0] as Action), TargetGroupArn: sc.targetGroups.blue }],
      'ValidationError',
      /both a target group ARN and a forward config/,
    ],
  ] as [string, () => Action[], string, RegExp][])('rejects %s', async (_what, actions, name, message) => {
    const before = sb.forwardWeights(sc.testListenerArn as string);
    const e = await rejectionOf(elb.send(new ModifyListenerCommand({ ListenerArn: sc.testListenerArn, DefaultActions: actions() })));
    expect(e.name).toBe(name);
    expect(e.message).toMatch(message);
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(sb.forwardWeights(sc.testListenerArn as string)).toEqual(before);
  });

  test('an unknown listener is ListenerNotFound', async () => {
    const e = await rejectionOf(elb.send(new DescribeListenersCommand({ ListenerArns: [sc.listenerArn + '0'] })));
    expect(e.name).toBe('ListenerNotFoundException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    const m = await rejectionOf(elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn + '0', DefaultActions: weighted(1, 0) })));
    expect(m.name).toBe('ListenerNotFoundException');
  });
});

describe('DescribeRules / ModifyRule', () => {
  test('rules come in priority order with conditions in both forms and the default rule last', async () => {
    const out = await elb.send(new DescribeRulesCommand({ ListenerArn: sc.listenerArn }));
    expect(out.Rules?.map((r) => r.Priority)).toEqual(['5', '10', 'default']);
    const rule = out.Rules?.find((r) => r.RuleArn === sc.ruleArn);
    expect(rule?.Conditions).toEqual([{ Field: 'path-pattern', Values: ['/*'], PathPatternConfig: { Values: ['/*'] } }]);
    expect(rule?.IsDefault).toBe(false);
    expect(out.Rules?.[2]).toMatchObject({ IsDefault: true, Conditions: [] });
    expect(out.Rules?.[2]?.Actions?.[0]).toMatchObject({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } });
  });

  test('ModifyRule changes only the actions; the other rule is untouched', async () => {
    const before = await elb.send(new DescribeRulesCommand({ RuleArns: [sc.otherRuleArn as string] }));
    const out = await elb.send(new ModifyRuleCommand({ RuleArn: sc.ruleArn, Actions: weighted(0, 100) }));
    expect(out.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups?.map((g) => g.Weight)).toEqual([0, 100]);
    expect(out.Rules?.[0]?.Conditions?.[0]?.Values).toEqual(['/*']);
    const after = await elb.send(new DescribeRulesCommand({ RuleArns: [sc.otherRuleArn as string] }));
    expect(after.Rules).toEqual(before.Rules);
    await elb.send(new ModifyRuleCommand({ RuleArn: sc.ruleArn, Actions: weighted(100, 0) }));
  });

  test('unknown rules and invalid weights are rejected', async () => {
    const e = await rejectionOf(elb.send(new ModifyRuleCommand({ RuleArn: `${sc.ruleArn}0`, Actions: weighted(1, 0) })));
    expect(e.name).toBe('RuleNotFoundException');
    const w = await rejectionOf(elb.send(new ModifyRuleCommand({ RuleArn: sc.ruleArn, Actions: weighted(0, 1000) })));
    expect(w.name).toBe('ValidationError');
  });
});

describe('DescribeTargetHealth', () => {
  test('registered targets are healthy; an unregistered one is unused/Target.NotRegistered', async () => {
    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: sc.targetGroups.blue }));
    expect(out.TargetHealthDescriptions).toHaveLength(1);
    expect(out.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({ State: 'healthy' });
    expect(out.TargetHealthDescriptions?.[0]?.Target?.Id).toBe('127.0.0.1');
    const one = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: sc.targetGroups.blue, Targets: [{ Id: '10.0.0.9', Port: 80 }] }));
    expect(one.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
  });

  test('a checked target carries its HealthCheckPort; one in a group no listener uses has none', async () => {
    const [blue] = sb.targetHealth(sc.targetGroups.blue);
    const checked = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: sc.targetGroups.blue }));
    expect(checked.TargetHealthDescriptions?.[0]?.HealthCheckPort).toBe(String(blue?.port));

    // AWS's DescribeTargetHealth example and recorded CLI output: no HealthCheckPort for Target.NotInUse.
    const unusedGroup = createTargetGroup(sb.world, { name: 'fid-elb-spare' });
    sb.world.elb.registerTarget(unusedGroup.arn, '127.0.0.1', 65000);
    const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: unusedGroup.arn }));
    expect(out.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: '127.0.0.1', Port: 65000, AvailabilityZone: 'us-east-1a' },
        TargetHealth: { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' },
      },
    ]);
  });

  test('an unknown target group is TargetGroupNotFound', async () => {
    const e = await rejectionOf(elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: `${sc.targetGroups.blue}0` })));
    expect(e.name).toBe('TargetGroupNotFoundException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });
});

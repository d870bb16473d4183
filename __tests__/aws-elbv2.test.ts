import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  PriorityInUseException,
  TooManyRulesException,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ListenerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RuleNotFoundException,
  TargetGroupNotFoundException,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toWritableActions } from '../src/aws/action-shape.js';
import { AwsResourceNotFound } from '../src/aws/aws-error.js';
import { createElbPort } from '../src/aws/elbv2.js';
import { withSplit } from '../src/traffic.js';

const LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1111111111111111';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2222222222222222';
const meta = { $metadata: {} };

const elb = mockClient(ElasticLoadBalancingV2Client);
const port = createElbPort(new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }));

const oidc: Action = {
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/authorize',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'client',
  },
};
const describedForward: Action = {
  Type: 'forward',
  Order: 2,
  TargetGroupArn: BLUE,
  ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
};

beforeEach(() => {
  elb.reset();
});

describe('readActions', () => {
  it("returns a listener's default actions exactly as AWS described them", async () => {
    elb.on(DescribeListenersCommand, { ListenerArns: [LISTENER] }).resolves({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: [oidc, describedForward] }] });
    await expect(port.readActions({ kind: 'listener', arn: LISTENER })).resolves.toEqual([oidc, describedForward]);
    expect(elb).toHaveReceivedCommandWith(DescribeListenersCommand, { ListenerArns: [LISTENER] });
  });

  it("returns a rule's actions", async () => {
    elb.on(DescribeRulesCommand, { RuleArns: [RULE] }).resolves({ Rules: [{ RuleArn: RULE, Actions: [describedForward] }] });
    await expect(port.readActions({ kind: 'rule', arn: RULE })).resolves.toEqual([describedForward]);
  });

  it('returns no actions when AWS lists none', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: LISTENER }] });
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: RULE }] });
    await expect(port.readActions({ kind: 'listener', arn: LISTENER })).resolves.toEqual([]);
    await expect(port.readActions({ kind: 'rule', arn: RULE })).resolves.toEqual([]);
  });

  it('names the listener when it does not exist', async () => {
    elb.on(DescribeListenersCommand).rejects(new ListenerNotFoundException({ message: 'One or more listeners not found', ...meta }));
    const read = port.readActions({ kind: 'listener', arn: LISTENER });
    await expect(read).rejects.toBeInstanceOf(AwsResourceNotFound);
    await expect(read).rejects.toThrow(`The listener '${LISTENER}' was not found (One or more listeners not found). Check the 'listener-arn'`);
  });

  it('names the listener when AWS answers with an empty list', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [] });
    await expect(port.readActions({ kind: 'listener', arn: LISTENER })).rejects.toThrow(`The listener '${LISTENER}' was not found.`);
  });

  it('names the rule when it does not exist', async () => {
    elb.on(DescribeRulesCommand).rejects(new RuleNotFoundException({ message: 'One or more rules not found', ...meta }));
    await expect(port.readActions({ kind: 'rule', arn: RULE })).rejects.toThrow(`The listener rule '${RULE}' was not found (One or more rules not found). Check the 'listener-rule-arn'`);
    elb.on(DescribeRulesCommand).resolves({});
    await expect(port.readActions({ kind: 'rule', arn: RULE })).rejects.toThrow(`The listener rule '${RULE}' was not found.`);
  });

  it('passes other errors through unchanged', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    elb.on(DescribeListenersCommand).rejects(throttled);
    await expect(port.readActions({ kind: 'listener', arn: LISTENER })).rejects.toBe(throttled);
  });
});

describe('writeActions', () => {
  it('sends a split listener forward without the top-level TargetGroupArn, keeping stickiness and Order', async () => {
    elb.on(ModifyListenerCommand).resolves({});
    const actions = withSplit([oidc, describedForward], { blue: BLUE, green: GREEN }, { blue: 90, green: 10 });
    await port.writeActions({ kind: 'listener', arn: LISTENER }, actions);
    expect(elb).toHaveReceivedCommandTimes(ModifyListenerCommand, 1);
    expect(elb).toHaveReceivedCommandWith(ModifyListenerCommand, {
      ListenerArn: LISTENER,
      DefaultActions: [
        { ...oidc, AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig!, UseExistingClientSecret: true } },
        {
          Type: 'forward',
          Order: 2,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: BLUE, Weight: 90 },
              { TargetGroupArn: GREEN, Weight: 10 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
    });
    const sent = elb.commandCalls(ModifyListenerCommand)[0]?.args[0].input;
    expect(sent?.DefaultActions?.[1]).not.toHaveProperty('TargetGroupArn');
  });

  it('restores a described snapshot as it was: a matching single-group forward keeps both fields', async () => {
    elb.on(ModifyListenerCommand).resolves({});
    await port.writeActions({ kind: 'listener', arn: LISTENER }, [describedForward]);
    expect(elb).toHaveReceivedCommandWith(ModifyListenerCommand, { ListenerArn: LISTENER, DefaultActions: [describedForward] });
  });

  it("replaces a rule's actions with ModifyRule, sending nothing else (conditions stay)", async () => {
    elb.on(ModifyRuleCommand).resolves({});
    const actions = withSplit([describedForward], { blue: BLUE, green: GREEN }, { blue: 0, green: 100 });
    await port.writeActions({ kind: 'rule', arn: RULE }, actions);
    const input = elb.commandCalls(ModifyRuleCommand)[0]?.args[0].input;
    expect(Object.keys(input ?? {}).sort()).toEqual(['Actions', 'RuleArn']);
    expect(input?.Actions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: BLUE, Weight: 0 },
      { TargetGroupArn: GREEN, Weight: 100 },
    ]);
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
  });

  it('names the listener or rule that is gone', async () => {
    elb.on(ModifyListenerCommand).rejects(new ListenerNotFoundException({ message: 'One or more listeners not found', ...meta }));
    elb.on(ModifyRuleCommand).rejects(new RuleNotFoundException({ message: 'One or more rules not found', ...meta }));
    await expect(port.writeActions({ kind: 'listener', arn: LISTENER }, [describedForward])).rejects.toThrow(`The listener '${LISTENER}' was not found`);
    await expect(port.writeActions({ kind: 'rule', arn: RULE }, [describedForward])).rejects.toThrow(`The listener rule '${RULE}' was not found`);
  });

  it('names the target groups when one of them is gone', async () => {
    elb.on(ModifyListenerCommand).rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', ...meta }));
    const actions = withSplit([describedForward], { blue: BLUE, green: GREEN }, { blue: 50, green: 50 });
    const write = port.writeActions({ kind: 'listener', arn: LISTENER }, actions);
    await expect(write).rejects.toBeInstanceOf(AwsResourceNotFound);
    await expect(write).rejects.toThrow(`The target group '${BLUE}, ${GREEN}' was not found (One or more target groups not found)`);
    await expect(port.writeActions({ kind: 'listener', arn: LISTENER }, [{ Type: 'forward', TargetGroupArn: GREEN }])).rejects.toThrow(
      `The target group '${GREEN}' was not found`,
    );
  });

  it('passes other errors through unchanged', async () => {
    const invalid = Object.assign(new Error('bad weights'), { name: 'ValidationError' });
    elb.on(ModifyRuleCommand).rejects(invalid);
    await expect(port.writeActions({ kind: 'rule', arn: RULE }, [describedForward])).rejects.toBe(invalid);
  });
});

describe('toWritableActions', () => {
  it('drops TargetGroupArn next to a multi-group or different single-group ForwardConfig', () => {
    const multi: Action = { Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }, { TargetGroupArn: GREEN, Weight: 1 }] } };
    const different: Action = { Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: GREEN, Weight: 1 }] } };
    const [a, b] = toWritableActions([multi, different]);
    expect(a).not.toHaveProperty('TargetGroupArn');
    expect(b).toEqual({ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: GREEN, Weight: 1 }] } });
    expect(multi.TargetGroupArn).toBe(BLUE); // input untouched
  });

  it('leaves plain forwards, stickiness-only ForwardConfigs and other actions alone', () => {
    const plain: Action = { Type: 'forward', TargetGroupArn: BLUE };
    const stickinessOnly: Action = { Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroupStickinessConfig: { Enabled: false } } };
    const fixed: Action = { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } };
    expect(toWritableActions([plain, stickinessOnly, fixed])).toEqual([plain, stickinessOnly, fixed]);
  });

  it('keeps an OIDC secret that is given, and asks AWS to keep the existing one otherwise', () => {
    const withSecret: Action = { ...oidc, AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig!, ClientSecret: 's3cret' } };
    expect(toWritableActions([withSecret])).toEqual([withSecret]);
    expect(toWritableActions([oidc])[0]?.AuthenticateOidcConfig?.UseExistingClientSecret).toBe(true);
    expect(oidc.AuthenticateOidcConfig?.UseExistingClientSecret).toBeUndefined();
  });
});

describe('describeTargetHealth', () => {
  it('maps every target, leaving out fields AWS did not send', async () => {
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN }).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.1.5', Port: 8080 }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: '10.0.1.6', Port: 8080 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [500]' } },
        {},
      ],
    });
    await expect(port.describeTargetHealth(GREEN)).resolves.toEqual([
      { id: '10.0.1.5', port: 8080, state: 'healthy' },
      { id: '10.0.1.6', port: 8080, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' },
      { id: 'unknown', state: 'unavailable' },
    ]);
  });

  it('returns no targets for an empty group', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({});
    await expect(port.describeTargetHealth(GREEN)).resolves.toEqual([]);
  });

  it('names a missing target group and the inputs to check', async () => {
    elb.on(DescribeTargetHealthCommand).rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', ...meta }));
    await expect(port.describeTargetHealth(GREEN)).rejects.toThrow(`The target group '${GREEN}' was not found (One or more target groups not found). Check the 'blue-target-group-arn'`);
  });
});

describe('assertListenerExists', () => {
  it('resolves for an existing listener', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: [] }] });
    await expect(port.assertListenerExists(LISTENER)).resolves.toBeUndefined();
  });

  it('recognises the error by its wire code too', async () => {
    elb.on(DescribeListenersCommand).rejects(Object.assign(new Error('Listener not found'), { name: 'ListenerNotFound' }));
    await expect(port.assertListenerExists(LISTENER)).rejects.toBeInstanceOf(AwsResourceNotFound);
  });
});

describe('listener rules', () => {
  const described = (arn: string, priority: string) => ({ RuleArn: arn, Priority: priority, IsDefault: priority === 'default', Conditions: [], Actions: [describedForward] });

  it('lists every page of a listener\'s rules', async () => {
    elb.on(DescribeRulesCommand, { ListenerArn: LISTENER, PageSize: 400 }).resolvesOnce({ Rules: [described(RULE, '10')], NextMarker: 'm2' });
    elb.on(DescribeRulesCommand, { ListenerArn: LISTENER, PageSize: 400, Marker: 'm2' }).resolves({ Rules: [described(`${RULE}-default`, 'default')] });
    const rules = await port.listenerRules(LISTENER);
    expect(rules.map((r) => [r.priority, r.isDefault])).toEqual([['10', false], ['default', true]]);
  });

  it('creates a rule with its tags and returns its ARN; a taken priority and the rule quota become RuleRefused', async () => {
    elb
      .on(CreateRuleCommand)
      .resolvesOnce({ Rules: [{ RuleArn: `${RULE}-new` }] })
      .rejectsOnce(new PriorityInUseException({ message: 'The specified priority is in use.', ...meta }))
      .rejectsOnce(new TooManyRulesException({ message: "You've reached the limit on the number of rules per load balancer.", ...meta }))
      .rejectsOnce(new ListenerNotFoundException({ message: 'nope', ...meta }));
    const request = { listenerArn: LISTENER, priority: 9, conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Verify', Values: ['t'] } }], actions: [describedForward], tags: { team: 'web' } };
    await expect(port.createRule(request)).resolves.toBe(`${RULE}-new`);
    expect(elb).toHaveReceivedCommandWith(CreateRuleCommand, { ListenerArn: LISTENER, Priority: 9, Tags: [{ Key: 'team', Value: 'web' }], Actions: toWritableActions([describedForward]) });
    await expect(port.createRule(request)).rejects.toMatchObject({ name: 'RuleRefused', reason: 'priority-in-use' });
    await expect(port.createRule(request)).rejects.toMatchObject({ name: 'RuleRefused', reason: 'too-many-rules' });
    await expect(port.createRule(request)).rejects.toBeInstanceOf(AwsResourceNotFound);
  });

  it('deletes a rule; one already gone is false, not an error', async () => {
    elb.on(DeleteRuleCommand).resolvesOnce({}).rejectsOnce(new RuleNotFoundException({ message: 'gone', ...meta }));
    await expect(port.deleteRule(RULE)).resolves.toBe(true);
    await expect(port.deleteRule(RULE)).resolves.toBe(false);
  });

  it('reads tags 20 rules a call; a batch failing on a rule deleted meanwhile is asked rule by rule', async () => {
    const arns = Array.from({ length: 21 }, (_, i) => `${RULE}-${i}`);
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => {
      if (input.ResourceArns.includes(`${RULE}-3`)) {
        if (input.ResourceArns.length > 1) throw new RuleNotFoundException({ message: 'One or more rules not found', ...meta });
        throw new RuleNotFoundException({ message: 'gone', ...meta });
      }
      return { TagDescriptions: input.ResourceArns.map((ResourceArn) => ({ ResourceArn, Tags: [{ Key: 'k', Value: ResourceArn.slice(-2) }] })) };
    });
    const tags = await port.ruleTags(arns);
    expect(Object.keys(tags)).toHaveLength(20);
    expect(tags[`${RULE}-3`]).toBeUndefined();
    expect(tags[`${RULE}-20`]).toEqual({ k: '20' });
  });

  it('says where a listener answers: its port and its load balancer\'s DNS name', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: LISTENER, LoadBalancerArn: 'lb-arn', Port: 443, Protocol: 'HTTPS' }] });
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ LoadBalancerArn: 'lb-arn', DNSName: 'web-1.eu-west-1.elb.amazonaws.com' }] });
    await expect(port.listenerAddress(LISTENER)).resolves.toEqual({ loadBalancerArn: 'lb-arn', port: 443, protocol: 'HTTPS', dnsName: 'web-1.eu-west-1.elb.amazonaws.com' });
  });
});

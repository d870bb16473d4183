// examples/infrastructure/traffic.yaml, checked offline: it parses (with CloudFormation's short tags), every
// reference resolves, it builds what engine: traffic needs (two Auto Scaling groups each in its own instance
// target group, the production forward at blue 100 / green 0, the SSM record, the OIDC-trusted role), it owns
// nothing the action or the fill step changes later in a way a stack update would write back, its outputs give
// every input, and the role's first policy grants exactly the README's engine: traffic policy.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { collect, expectedTrust, loadTemplate, subNames, trustedSubjects, unresolved } from '../__fixtures__/cloudformation.js';

const { text, template, resources, ofType, props } = loadTemplate('examples/infrastructure/traffic.yaml');
interface Statement { Sid: string; Action: string | string[]; Resource?: unknown }

describe('examples/infrastructure/traffic.yaml', () => {
  it('resolves every Ref, GetAtt and ${…} in Sub to a parameter, a resource or a pseudo parameter', () => {
    expect(unresolved(template)).toEqual([]);
    expect(collect(template, 'Fn::Sub').flatMap(subNames)).toContain('AppPort');
  });

  it('has two Auto Scaling groups, each attached to its own instance target group; green starts empty', () => {
    expect(ofType('AWS::AutoScaling::AutoScalingGroup').map(([name]) => name).sort()).toEqual(['BlueAutoScalingGroup', 'GreenAutoScalingGroup']);
    expect(ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map(([name]) => name).sort()).toEqual(['BlueTargetGroup', 'GreenTargetGroup']);
    for (const colour of ['Blue', 'Green']) {
      const group = props(`${colour}AutoScalingGroup`);
      expect(group.TargetGroupARNs).toEqual([{ Ref: `${colour}TargetGroup` }]);
      expect(props(`${colour}TargetGroup`)).toMatchObject({ TargetType: 'instance', Protocol: 'HTTP', Port: { Ref: 'AppPort' }, HealthCheckPath: { Ref: 'HealthCheckPath' } });
      expect(group).toMatchObject({ HealthCheckType: 'ELB', LaunchTemplate: { LaunchTemplateId: { Ref: 'LaunchTemplate' }, Version: { 'Fn::GetAtt': 'LaunchTemplate.LatestVersionNumber' } } });
      expect(group.Tags).toEqual([{ Key: 'colour', Value: colour.toLowerCase(), PropagateAtLaunch: true }]);
      // The fill step owns the capacity: a DesiredCapacity in the template would be sent again on updates,
      // and an UpdatePolicy would let CloudFormation replace the live group's instances.
      expect(group).not.toHaveProperty('DesiredCapacity');
      expect(resources[`${colour}AutoScalingGroup`]).not.toHaveProperty('UpdatePolicy');
    }
    expect(props('BlueAutoScalingGroup').MinSize).toEqual({ Ref: 'BlueInstances' });
    expect(props('GreenAutoScalingGroup').MinSize).toBe(0);
    expect(template.Parameters.BlueInstances).toMatchObject({ Type: 'Number' });
  });

  it('boots instances of Amazon Linux 2023 (SSM public parameter) that serve the health path on the app port', () => {
    expect(template.Parameters.ImageId).toEqual(
      expect.objectContaining({ Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }),
    );
    const data = props('LaunchTemplate').LaunchTemplateData as { ImageId: unknown; MetadataOptions: unknown; UserData: { 'Fn::Base64': { 'Fn::Sub': string } } };
    expect(data.ImageId).toEqual({ Ref: 'ImageId' });
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', InstanceMetadataTags: 'enabled' });
    const userData = data.UserData['Fn::Base64']['Fn::Sub'];
    expect(userData.startsWith('#!/bin/bash\n')).toBe(true);
    for (const part of ['/usr/bin/python3', 'ThreadingHTTPServer', 'PORT=${AppPort}', 'HEALTH_PATH=${HealthCheckPath}', 'tags/instance/colour', '/${Name}/release/$colour']) {
      expect({ part, found: userData.includes(part) }).toEqual({ part, found: true });
    }
    // The heredocs close at column 0 once YAML strips the block's indentation.
    expect(userData.split('\n').filter((l) => l === 'PY' || l === 'UNIT')).toEqual(['PY', 'UNIT']);
  });

  it('forwards blue 100 / green 0 on the one listener, which refers to nothing but the load balancer and the groups', () => {
    expect(ofType('AWS::ElasticLoadBalancingV2::Listener').map(([name]) => name)).toEqual(['ProductionListener']);
    const listener = props('ProductionListener');
    const [action, ...others] = listener.DefaultActions as { Type: string; ForwardConfig: { TargetGroups: { TargetGroupArn: { Ref: string }; Weight: number }[]; TargetGroupStickinessConfig?: unknown } }[];
    expect(others).toEqual([]);
    expect(action?.Type).toBe('forward');
    expect(Object.fromEntries((action?.ForwardConfig.TargetGroups ?? []).map((g) => [g.TargetGroupArn.Ref, g.Weight]))).toEqual({ BlueTargetGroup: 100, GreenTargetGroup: 0 });
    // Fixed forever: no parameter, condition or Sub that a stack update could resolve differently.
    expect(collect(listener, 'Ref').sort()).toEqual(['BlueTargetGroup', 'GreenTargetGroup', 'LoadBalancer']);
    expect([...collect(listener, 'Fn::Sub'), ...collect(listener, 'Fn::If'), ...collect(listener, 'Fn::GetAtt')]).toEqual([]);
    expect(listener).toMatchObject({ Protocol: 'HTTP', Port: 80 });
    expect(resources.LiveColour).toMatchObject({ Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'blue', Name: { 'Fn::Sub': '/${Name}/live-colour' } } });
  });

  it('opens only the production port to the internet, and the app port only to the load balancer', () => {
    const ingress = (name: string) => props(name).SecurityGroupIngress as { FromPort: unknown; CidrIp?: unknown; SourceSecurityGroupId?: unknown }[];
    expect(ingress('AlbSecurityGroup')).toEqual([expect.objectContaining({ FromPort: 80, CidrIp: '0.0.0.0/0' })]);
    expect(ingress('InstanceSecurityGroup')).toEqual([expect.objectContaining({ FromPort: { Ref: 'AppPort' }, SourceSecurityGroupId: { Ref: 'AlbSecurityGroup' } })]);
    expect(text).not.toMatch(/TestListenerCidr/);
  });

  it('outputs every input engine: traffic and the fill step need, and the role', () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['BlueAutoScalingGroup', 'BlueTargetGroupArn', 'DeployRoleArn', 'GreenAutoScalingGroup', 'GreenTargetGroupArn', 'HealthCheckUrl', 'ListenerArn', 'StateParameter']),
    );
    expect(template.Outputs.ListenerArn?.Value).toEqual({ Ref: 'ProductionListener' });
    expect(template.Outputs.StateParameter?.Value).toEqual({ Ref: 'LiveColour' });
    // The production address: the verification rule takes the probes to the idle group.
    expect(template.Outputs.HealthCheckUrl?.Value).toEqual({ 'Fn::Sub': 'http://${LoadBalancer.DNSName}${HealthCheckPath}' });
  });

  it('trusts GitHub\'s OIDC provider for exactly the deploy environment, by name and (with the IDs) in the immutable form, never a wildcard', () => {
    expect(trustedSubjects(props('DeployRole'))).toEqual(expectedTrust(['GitHubEnvironment']));
    // engine: traffic has no mode prepare: no prepare environment to trust.
    expect(template.Parameters).not.toHaveProperty('GitHubPrepareEnvironment');
  });

  it('grants exactly the README\'s engine: traffic policy, statement by statement, scoped to the stack', () => {
    const readme = readFileSync(process.env.IAM_README ?? 'README.md', 'utf8');
    const block = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"TrafficEngineReadTargets"'));
    expect(block).toBeDefined();
    const actionsBySid = (statements: Statement[]) => Object.fromEntries(statements.map((s) => [s.Sid, [s.Action].flat().sort()]));
    const documented = (JSON.parse(block ?? '{}') as { Statement: Statement[] }).Statement;
    const policies = props('DeployRole').Policies as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[];
    const [action, fill, ...more] = policies;
    expect(more).toEqual([]);
    expect(action?.PolicyName).toBe('ecs-blue-green-action');
    const granted = action?.PolicyDocument.Statement ?? [];
    expect(granted.map((s) => s.Sid)).toEqual(documented.map((s) => s.Sid));
    expect(actionsBySid(granted)).toEqual(actionsBySid(documented));
    // Only the describe calls and the alarms (no resource-level permissions) are granted on `*`.
    const onEverything = granted.filter((s) => JSON.stringify(s.Resource).includes('"*"')).map((s) => s.Sid);
    expect(onEverything).toEqual(documented.filter((s) => s.Resource === '*').map((s) => s.Sid));
    expect(JSON.stringify(granted)).not.toMatch(/"ecs:|iam:PassRole/);
    // The fill step's own policy: the two groups and the release parameters, nothing of the listener.
    expect(fill?.PolicyName).toBe('fill-idle-group');
    const fillActions = (fill?.PolicyDocument.Statement ?? []).flatMap((s) => [s.Action].flat()).sort();
    expect(fillActions).toEqual(['autoscaling:DescribeAutoScalingGroups', 'autoscaling:SetDesiredCapacity', 'autoscaling:UpdateAutoScalingGroup', 'ssm:PutParameter']);
  });
});

// examples/infrastructure/ecs-builtin.yaml, checked offline: it parses (with CloudFormation's short tags), every
// reference resolves, it builds what engine: ecs needs (one service under the ECS controller with BLUE_GREEN and
// a PAUSE hook at POST_TEST_TRAFFIC_SHIFT that rolls back after more than the job's 50 minutes, advancedConfiguration
// naming the alternate group, a production RULE, a test rule and the infrastructure role), its outputs give every
// input the action needs, the test listener is open only to whom the caller names, and the deploy role's policy
// grants exactly the README's "IAM for engine: ecs" actions plus the image push.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { collect, expectedTrust, loadTemplate, trustedSubjects, unresolved, type Props } from '../__fixtures__/cloudformation.js';

const { template, resources, ofType, props } = loadTemplate('examples/infrastructure/ecs-builtin.yaml');

const [[serviceName, service] = ['', { Type: '', Properties: {} }]] = ofType('AWS::ECS::Service');
const deployment = service.Properties.DeploymentConfiguration as { Strategy: string; BakeTimeInMinutes: unknown; LifecycleHooks: { 'Fn::If': [string, Props[], unknown] } };
const [loadBalancer] = service.Properties.LoadBalancers as { TargetGroupArn: unknown; ContainerPort: unknown; AdvancedConfiguration: Record<string, unknown> }[];
const parameterDefault = (value: unknown) => template.Parameters[(value as { Ref: string }).Ref]?.Default;

describe('examples/infrastructure/ecs-builtin.yaml', () => {
  it('resolves every Ref, GetAtt and ${…} in Sub to a parameter, a resource or a pseudo parameter', () => {
    expect(unresolved(template)).toEqual([]);
  });

  it('has one service under the ECS controller with BLUE_GREEN, and no desired count for a stack update to reset', () => {
    expect(ofType('AWS::ECS::Service')).toHaveLength(1);
    expect(ofType('AWS::ECS::Cluster')).toHaveLength(1);
    expect(service.Properties.DeploymentController).toEqual({ Type: 'ECS' });
    expect(service.Properties.LaunchType).toBe('FARGATE');
    expect(deployment.Strategy).toBe('BLUE_GREEN');
    expect(deployment.BakeTimeInMinutes).toBeDefined();
    expect(service.Properties).not.toHaveProperty('DesiredCount');
    expect(service.Properties.TaskDefinition).toEqual({ Ref: 'TaskDefinition' });
    expect(parameterDefault({ Ref: 'Image' })).toBe('public.ecr.aws/nginx/nginx:stable');
  });

  it('pauses at POST_TEST_TRAFFIC_SHIFT, rolling back after more than the 50-minute job, once the pause hooks are on', () => {
    const [condition, hooks, off] = deployment.LifecycleHooks['Fn::If'];
    expect(template.Conditions[condition]).toEqual({ 'Fn::Equals': [{ Ref: 'PauseHooks' }, 'ENABLED'] });
    expect(template.Parameters.PauseHooks?.Default).toBe('ENABLED');
    expect(off).toEqual({ Ref: 'AWS::NoValue' });
    const pauses = hooks.filter((h) => h.TargetType === 'PAUSE');
    expect(pauses).toHaveLength(1);
    const [hook] = pauses as { LifecycleStages: string[]; TimeoutConfiguration: { TimeoutInMinutes: unknown; Action: string } }[];
    expect(hook?.LifecycleStages).toContain('POST_TEST_TRAFFIC_SHIFT');
    for (const stage of hook?.LifecycleStages ?? []) expect(['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT']).toContain(stage);
    expect(hook?.TimeoutConfiguration.Action).toBe('ROLLBACK');
    const timeout = Number(parameterDefault(hook?.TimeoutConfiguration.TimeoutInMinutes));
    expect(timeout).toBeGreaterThan(50);
    expect(timeout).toBeLessThanOrEqual(360);
    expect(template.Parameters.PauseHookTimeoutInMinutes?.MaxValue).toBeLessThanOrEqual(360);
  });

  it('names the alternate group, a production RULE, a test rule and the infrastructure role in advancedConfiguration', () => {
    expect(service.Properties.LoadBalancers).toHaveLength(1);
    expect(loadBalancer?.TargetGroupArn).toEqual({ Ref: 'TargetGroupA' });
    const advanced = loadBalancer?.AdvancedConfiguration ?? {};
    expect(Object.keys(advanced).sort()).toEqual(['AlternateTargetGroupArn', 'ProductionListenerRule', 'RoleArn', 'TestListenerRule']);
    expect(advanced.AlternateTargetGroupArn).toEqual({ Ref: 'TargetGroupB' });
    const rule = (key: string) => resources[(advanced[key] as { Ref: string }).Ref];
    expect(rule('ProductionListenerRule')?.Type).toBe('AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(rule('TestListenerRule')?.Type).toBe('AWS::ElasticLoadBalancingV2::ListenerRule');
    for (const group of ['TargetGroupA', 'TargetGroupB']) {
      expect(resources[group]?.Type).toBe('AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(props(group).TargetType).toBe('ip');
      expect(props(group).Port).toEqual(loadBalancer?.ContainerPort);
    }
    expect(advanced.RoleArn).toEqual({ 'Fn::GetAtt': 'EcsInfrastructureRole.Arn' });
  });

  it('forwards A 100 / B 0 with plain forward rules on two listeners, the test one on its own port', () => {
    const advanced = loadBalancer?.AdvancedConfiguration ?? {};
    const ruleOf = (key: string) => props((advanced[key] as { Ref: string }).Ref);
    const listenerOf = (key: string) => (ruleOf(key).ListenerArn as { Ref: string }).Ref;
    for (const key of ['ProductionListenerRule', 'TestListenerRule']) {
      const actions = ruleOf(key).Actions as { Type: string; ForwardConfig: { TargetGroups: { TargetGroupArn: { Ref: string }; Weight: number }[] } }[];
      expect(actions.map((a) => a.Type)).toEqual(['forward']);
      expect(Object.fromEntries((actions[0]?.ForwardConfig.TargetGroups ?? []).map((g) => [g.TargetGroupArn.Ref, g.Weight]))).toEqual({ TargetGroupA: 100, TargetGroupB: 0 });
      expect(resources[listenerOf(key)]?.Type).toBe('AWS::ElasticLoadBalancingV2::Listener');
    }
    expect(listenerOf('ProductionListenerRule')).not.toBe(listenerOf('TestListenerRule'));
    expect(props(listenerOf('ProductionListenerRule')).Port).toBe(80);
    expect(props(listenerOf('TestListenerRule')).Port).toEqual({ Ref: 'TestListenerPort' });
  });

  it('opens the test listener only to the TestListenerCidr the caller names (no default)', () => {
    expect(template.Parameters.TestListenerCidr).toBeDefined();
    expect(template.Parameters.TestListenerCidr).not.toHaveProperty('Default');
    expect(JSON.stringify(template.Parameters.TestListenerCidr)).not.toContain('0.0.0.0/0');
    const ingress = ofType('AWS::EC2::SecurityGroup').flatMap(([, sg]) => (sg.Properties.SecurityGroupIngress ?? []) as { FromPort: unknown; CidrIp?: unknown }[]);
    const onTestPort = ingress.filter((rule) => JSON.stringify(rule.FromPort) === JSON.stringify({ Ref: 'TestListenerPort' }));
    expect(onTestPort.map((rule) => rule.CidrIp)).toEqual([{ Ref: 'TestListenerCidr' }]);
  });

  it('gives ECS an infrastructure role with the managed policy for load balancers', () => {
    const role = props('EcsInfrastructureRole');
    expect(resources.EcsInfrastructureRole?.Type).toBe('AWS::IAM::Role');
    const [statement] = (role.AssumeRolePolicyDocument as { Statement: { Principal: unknown; Action: string }[] }).Statement;
    expect(statement).toMatchObject({ Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' });
    expect(role.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers' }]);
  });

  it('outputs every input engine: ecs needs, the test listener as health-check-url', () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['Cluster', 'Service', 'HealthCheckUrl', 'ProductionUrl', 'DeployRoleArn', 'RepositoryUri', 'ContainerName', 'TaskDefinitionFamily', 'StateParameter']),
    );
    expect(template.Outputs.HealthCheckUrl?.Value).toEqual({ 'Fn::Sub': 'http://${LoadBalancer.DNSName}:${TestListenerPort}${HealthCheckPath}' });
    expect(template.Outputs.ProductionUrl?.Value).toEqual({ 'Fn::Sub': 'http://${LoadBalancer.DNSName}${HealthCheckPath}' });
    expect(template.Outputs.Service?.Value).toEqual({ 'Fn::GetAtt': `${serviceName}.Name` });
    expect(template.Outputs.RepositoryUri?.Value).toEqual({ 'Fn::GetAtt': 'Repository.RepositoryUri' });
    expect(ofType('AWS::ECR::Repository')).toHaveLength(1);
    expect(props('Repository').ImageTagMutability).toBe('IMMUTABLE');
  });

  it('trusts GitHub\'s OIDC provider for exactly the jobs\' environments, by name and (with the IDs) in the immutable form, never a wildcard', () => {
    expect(trustedSubjects(props('DeployRole'))).toEqual(expectedTrust(['GitHubEnvironment', 'GitHubPrepareEnvironment']));
  });

  describe('the deploy role\'s policy', () => {
    type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: unknown };
    const readme = readFileSync('README.md', 'utf8');
    const block = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"EcsServiceDeployments"'));
    const documented = (JSON.parse(block ?? '{"Statement": []}') as { Statement: Statement[] }).Statement;
    const policies = props('DeployRole').Policies as { PolicyDocument: { Statement: Statement[] } }[];
    const granted = policies.flatMap((p) => p.PolicyDocument.Statement);
    const actionsBySid = (statements: Statement[]) => Object.fromEntries(statements.map((s) => [s.Sid, [s.Action].flat().sort()]));

    it('grants exactly the README\'s "IAM for engine: ecs" actions, statement by statement, plus the ECR login and push', () => {
      expect(documented.length).toBeGreaterThan(5);
      expect(policies).toHaveLength(1);
      expect(actionsBySid(granted)).toEqual({
        ...actionsBySid(documented),
        EcrLogin: ['ecr:GetAuthorizationToken'],
        PushImage: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'],
      });
      expect(granted.every((s) => s.Effect === 'Allow')).toBe(true);
      expect(JSON.stringify(granted)).not.toContain('elasticloadbalancing:Modify');
    });

    it('scopes every statement the README scopes to this stack\'s resources, and pushes only to its repository', () => {
      const isStar = (resource: unknown) => resource === '*';
      for (const statement of documented) {
        const mine = granted.find((s) => s.Sid === statement.Sid);
        expect({ sid: statement.Sid, star: isStar(mine?.Resource) }).toEqual({ sid: statement.Sid, star: isStar(statement.Resource) });
        expect({ sid: statement.Sid, resources: [mine?.Resource].flat().length }).toEqual({ sid: statement.Sid, resources: [statement.Resource].flat().length });
      }
      expect(granted.find((s) => s.Sid === 'EcsService')?.Resource).toEqual({ 'Fn::GetAtt': `${serviceName}.ServiceArn` });
      expect(granted.find((s) => s.Sid === 'PassTaskRoles')?.Resource).toEqual([{ 'Fn::GetAtt': 'TaskRole.Arn' }, { 'Fn::GetAtt': 'ExecutionRole.Arn' }]);
      expect(granted.find((s) => s.Sid === 'PushImage')?.Resource).toEqual({ 'Fn::GetAtt': 'Repository.Arn' });
      expect(granted.find((s) => s.Sid === 'EcrLogin')?.Resource).toBe('*');
      const ssm = collect(granted.find((s) => s.Sid === 'LockAndRecord'), 'Fn::Sub').map(String);
      expect(ssm.map((arn) => arn.replace(/^.*:parameter/, ''))).toEqual(['/${Name}/live-task-definition', '/${Name}/live-task-definition-lock']);
      expect(template.Outputs.StateParameter?.Value).toEqual({ 'Fn::Sub': '/${Name}/live-task-definition' });
    });
  });
});

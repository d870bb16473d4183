// examples/infrastructure/blue-green.yaml, checked offline: it parses (with CloudFormation's short tags),
// every reference resolves, it builds what the action needs (two services each in its own target group, the
// production forward at blue 100 / green 0, an optional test listener, the SSM record, the OIDC-trusted role,
// the ECR repository the workflow pushes to), it can be created before any image of the user's exists, nothing
// the action owns afterwards is one a stack update would reset, its outputs give every identifying input, and
// the role's policy grants exactly the README's deploy policy and its push statements.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { expectedTrust, loadTemplate, trustedSubjects, unresolved } from '../__fixtures__/cloudformation.js';

const { text: source, template, resources, ofType, props } = loadTemplate('examples/infrastructure/blue-green.yaml');

describe('examples/infrastructure/blue-green.yaml', () => {
  it('resolves every Ref, GetAtt and ${…} in Sub to a parameter, a resource or a pseudo parameter', () => {
    expect(unresolved(template)).toEqual([]);
  });

  it('has two services, each registered in its own target group, and a forward of blue 100 / green 0', () => {
    const services = ofType('AWS::ECS::Service');
    expect(services.map(([name]) => name).sort()).toEqual(['BlueService', 'GreenService']);
    const groupOf = (name: string) => (resources[name]?.Properties.LoadBalancers as { TargetGroupArn: unknown }[])[0]?.TargetGroupArn;
    expect(groupOf('BlueService')).toEqual({ Ref: 'BlueTargetGroup' });
    expect(groupOf('GreenService')).toEqual({ Ref: 'GreenTargetGroup' });
    const weights = (listener: string) => {
      const [action] = resources[listener]?.Properties.DefaultActions as { ForwardConfig: { TargetGroups: { TargetGroupArn: { Ref: string }; Weight: number }[] } }[];
      return Object.fromEntries((action?.ForwardConfig.TargetGroups ?? []).map((g) => [g.TargetGroupArn.Ref, g.Weight]));
    };
    expect(weights('ProductionListener')).toEqual({ BlueTargetGroup: 100, GreenTargetGroup: 0 });
    expect(weights('TestListener')).toEqual({ BlueTargetGroup: 0, GreenTargetGroup: 100 });
    expect(resources.LiveColour).toMatchObject({ Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'blue' } });
    expect(ofType('AWS::ECS::Cluster')).toHaveLength(1);
  });

  it('leaves DesiredCount out of both services: 1 task at creation, and no stack update resets what the action set', () => {
    // AWS::ECS::Service: "For existing services, if a desired count is not specified, it is omitted from the operation."
    for (const name of ['BlueService', 'GreenService']) expect(resources[name]?.Properties).not.toHaveProperty('DesiredCount');
  });

  it('says in its header what the action owns, and its stack policy denies updates to exactly those resources', () => {
    const header = source.slice(0, source.indexOf('AWSTemplateFormatVersion'));
    expect(header).toContain('WHAT THE ACTION OWNS');
    const denied = [...header.matchAll(/"LogicalResourceId\/(\w+)"/g)].map((m) => m[1] ?? '').sort();
    expect(denied).toEqual(['BlueService', 'GreenService', 'LiveColour', 'ProductionListener', 'TestListener']);
    for (const name of denied) expect(resources).toHaveProperty(name);
    // docs/getting-started.md gives the same policy as a file to save.
    const guide = readFileSync('docs/getting-started.md', 'utf8');
    const policy = [...guide.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '{}') as { Statement?: { Effect: string; Resource: string | string[] }[] }).find((doc) => JSON.stringify(doc).includes('LogicalResourceId/'));
    const deny = policy?.Statement?.find((st) => st.Effect === 'Deny');
    expect([deny?.Resource ?? []].flat().map((r) => r.replace('LogicalResourceId/', '')).sort()).toEqual(denied);
  });

  it('can be created before any image exists: the placeholder Image serves the default ContainerPort and HealthCheckPath', () => {
    // public.ecr.aws/nginx/nginx answers / on port 80; the first deploy replaces it.
    expect(template.Parameters.Image?.Default).toBe('public.ecr.aws/nginx/nginx:stable');
    expect(template.Parameters.ContainerPort?.Default).toBe(80);
    expect(template.Parameters.HealthCheckPath?.Default).toBe('/');
    for (const group of ['BlueTargetGroup', 'GreenTargetGroup']) {
      expect(resources[group]?.Properties).toMatchObject({ Port: { Ref: 'ContainerPort' }, HealthCheckPath: { Ref: 'HealthCheckPath' } });
    }
  });

  it('has an ECR repository for the workflow\'s push: immutable tags, scanned on push, the last 50 images kept', () => {
    const repository = resources.Repository;
    expect(repository).toMatchObject({ Type: 'AWS::ECR::Repository', Properties: { ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: { ScanOnPush: true } } });
    const lifecycle = JSON.parse((repository?.Properties.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText) as { rules: { selection: Record<string, unknown>; action: { type: string } }[] };
    expect(lifecycle.rules).toEqual([expect.objectContaining({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } })]);
    expect(template.Outputs.RepositoryUri?.Value).toEqual({ 'Fn::GetAtt': 'Repository.RepositoryUri' });
  });

  it('makes the test listener optional, and open to no one by default: the caller names who may reach it', () => {
    expect(template.Parameters.TestListenerMode).toMatchObject({ Default: 'disabled', AllowedValues: ['enabled', 'disabled'] });
    expect(template.Conditions.HasTestListener).toEqual({ 'Fn::Equals': [{ Ref: 'TestListenerMode' }, 'enabled'] });
    expect(resources.TestListener?.Condition).toBe('HasTestListener');
    expect(template.Outputs.TestListenerArn?.Condition).toBe('HasTestListener');
    // No address range by default; enabled without one is refused before anything is created.
    expect(template.Parameters.TestListenerCidr?.Default).toBe('');
    const rule = Object.values(template.Rules ?? {}).find((r) => JSON.stringify(r).includes('TestListenerCidr'));
    expect(rule).toEqual({
      RuleCondition: { 'Fn::Equals': [{ Ref: 'TestListenerMode' }, 'enabled'] },
      Assertions: [expect.objectContaining({ Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'TestListenerCidr' }, ''] }] } })],
    });
    // The ALB's port 8443 is open only with the listener, and only to TestListenerCidr.
    const ingress = JSON.stringify(resources.AlbSecurityGroup?.Properties.SecurityGroupIngress);
    expect(ingress).not.toContain('"FromPort":8443,"ToPort":8443,"CidrIp":"0.0.0.0/0"');
    expect(resources.AlbSecurityGroup?.Properties.SecurityGroupIngress).toContainEqual({
      'Fn::If': ['HasTestListener', expect.objectContaining({ FromPort: 8443, CidrIp: { Ref: 'TestListenerCidr' } }), { Ref: 'AWS::NoValue' }],
    });
    // Without it, health-check-url is the production address, through the verification rule.
    const [condition, viaTest, viaProduction] = (template.Outputs.HealthCheckUrl?.Value as { 'Fn::If': [string, { 'Fn::Sub': string }, { 'Fn::Sub': string }] })['Fn::If'];
    expect({ condition, viaTest: viaTest['Fn::Sub'], viaProduction: viaProduction['Fn::Sub'] }).toEqual({
      condition: 'HasTestListener',
      viaTest: 'http://${LoadBalancer.DNSName}:8443${HealthCheckPath}',
      viaProduction: 'http://${LoadBalancer.DNSName}${HealthCheckPath}',
    });
  });

  it('outputs every input that names the pair, the role and the repository', () => {
    expect(Object.keys(template.Outputs).sort()).toEqual(
      expect.arrayContaining(['BlueService', 'BlueTargetGroupArn', 'Cluster', 'DeployRoleArn', 'GreenService', 'GreenTargetGroupArn', 'HealthCheckUrl', 'ListenerArn', 'ProductionUrl', 'RepositoryUri', 'StateParameter', 'TestListenerArn']),
    );
  });

  it('trusts GitHub\'s OIDC provider for exactly the jobs\' environments, by name and (with the IDs) in the immutable form, never a wildcard', () => {
    expect(trustedSubjects(props('DeployRole'))).toEqual(expectedTrust(['GitHubEnvironment', 'GitHubPrepareEnvironment']));
  });

  it('grants exactly the README\'s deploy policy and the README\'s push statements, statement by statement', () => {
    type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: unknown };
    const readme = readFileSync('README.md', 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '{}') as { Statement?: Statement[] });
    const statementsOf = (sid: string) => blocks.find((b) => b.Statement?.some((st) => st.Sid === sid))?.Statement ?? [];
    const actionsBySid = (statements: Statement[]) => Object.fromEntries(statements.map((st) => [st.Sid, { effect: st.Effect, actions: [st.Action].flat().sort() }]));
    const deploy = statementsOf('EcsDeploy');
    const push = statementsOf('PushImage');
    // Separate blocks: e2e/iam-policy.test.ts holds the deploy block to what the action calls, and it never calls ECR.
    expect(deploy.map((st) => st.Sid)).not.toContain('PushImage');
    expect(actionsBySid(push)).toEqual({
      EcrLogin: { effect: 'Allow', actions: ['ecr:GetAuthorizationToken'] },
      PushImage: { effect: 'Allow', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'] },
    });
    const policies = resources.DeployRole?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
    expect(policies).toHaveLength(1);
    const granted = policies[0]?.PolicyDocument.Statement ?? [];
    expect(actionsBySid(granted)).toEqual({ ...actionsBySid(deploy), ...actionsBySid(push) });
    expect(granted).toHaveLength(deploy.length + push.length);
    // The login has no resource-level permission; the push is on this stack's repository only.
    const resourceOf = (sid: string) => granted.find((st) => st.Sid === sid)?.Resource;
    expect(resourceOf('EcrLogin')).toBe('*');
    expect(resourceOf('PushImage')).toEqual({ 'Fn::GetAtt': 'Repository.Arn' });
    expect(push.find((st) => st.Sid === 'PushImage')?.Resource).toBe('arn:aws:ecr:REGION:ACCOUNT:repository/web');
  });
});

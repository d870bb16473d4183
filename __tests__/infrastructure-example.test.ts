// examples/infrastructure/blue-green.yaml, checked offline: it parses (with CloudFormation's short tags),
// every reference resolves, it builds what the action needs (two services each in its own target group, the
// production forward at blue 100 / green 0, a test listener, the SSM record, the OIDC-trusted role), its
// outputs give every identifying input, and the role's policy grants exactly the actions the README lists.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

const scalar = (tag: string, key: string) => ({ tag, resolve: (value: string) => ({ [key]: value }) });
const sequence = (tag: string, key: string) => ({ tag, collection: 'seq' as const, resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) });
const CFN_TAGS = [scalar('!Ref', 'Ref'), scalar('!Sub', 'Fn::Sub'), scalar('!GetAtt', 'Fn::GetAtt'), sequence('!If', 'Fn::If'), sequence('!Equals', 'Fn::Equals'), sequence('!Not', 'Fn::Not'), sequence('!Or', 'Fn::Or'), sequence('!Sub', 'Fn::Sub')] as unknown as Tags;

interface Template {
  Parameters: Record<string, unknown>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; DependsOn?: string[]; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Value: unknown }>;
}
const template = parse(readFileSync('examples/infrastructure/blue-green.yaml', 'utf8'), { customTags: CFN_TAGS }) as Template;
const resources = template.Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Every value of `key` (Ref, Fn::GetAtt, Fn::Sub) anywhere in `node`. */
function collect(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      collect(v, key, found);
    }
  }
  return found;
}

describe('examples/infrastructure/blue-green.yaml', () => {
  it('resolves every Ref, GetAtt and ${…} in Sub to a parameter, a resource or a pseudo parameter', () => {
    const known = new Set([...Object.keys(template.Parameters), ...Object.keys(resources), 'AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition']);
    const refs = collect(template, 'Ref').map(String);
    const atts = collect(template, 'Fn::GetAtt').map((v) => String(v).split('.')[0] ?? '');
    const subs = collect(template, 'Fn::Sub').flatMap((v) => [...String(v).matchAll(/\$\{([\w:]+)(?:\.[\w]+)?\}/g)].map((m) => m[1] ?? ''));
    for (const name of [...refs, ...atts, ...subs]) expect({ name, known: known.has(name) }).toEqual({ name, known: true });
    for (const [name, r] of Object.entries(resources)) {
      for (const dep of r.DependsOn ?? []) expect({ name, dep, known: dep in resources }).toEqual({ name, dep, known: true });
      if (r.Condition) expect(template.Conditions).toHaveProperty(r.Condition);
    }
  });

  it('has two services, each registered in its own target group, and a forward of blue 100 / green 0', () => {
    const services = ofType('AWS::ECS::Service');
    expect(services.map(([name]) => name).sort()).toEqual(['BlueService', 'GreenService']);
    const groupOf = (name: string) => (resources[name]?.Properties.LoadBalancers as { TargetGroupArn: unknown }[])[0]?.TargetGroupArn;
    expect(groupOf('BlueService')).toEqual({ Ref: 'BlueTargetGroup' });
    expect(groupOf('GreenService')).toEqual({ Ref: 'GreenTargetGroup' });
    expect(resources.BlueService?.Properties.DesiredCount).toBe(2);
    expect(resources.GreenService?.Properties.DesiredCount).toBe(0);
    const weights = (listener: string) => {
      const [action] = resources[listener]?.Properties.DefaultActions as { ForwardConfig: { TargetGroups: { TargetGroupArn: { Ref: string }; Weight: number }[] } }[];
      return Object.fromEntries((action?.ForwardConfig.TargetGroups ?? []).map((g) => [g.TargetGroupArn.Ref, g.Weight]));
    };
    expect(weights('ProductionListener')).toEqual({ BlueTargetGroup: 100, GreenTargetGroup: 0 });
    expect(weights('TestListener')).toEqual({ BlueTargetGroup: 0, GreenTargetGroup: 100 });
    expect(resources.LiveColour).toMatchObject({ Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'blue' } });
    expect(ofType('AWS::ECS::Cluster')).toHaveLength(1);
  });

  it('outputs every input that names the pair, and the role', () => {
    expect(Object.keys(template.Outputs).sort()).toEqual(
      expect.arrayContaining(['BlueService', 'BlueTargetGroupArn', 'Cluster', 'DeployRoleArn', 'GreenService', 'GreenTargetGroupArn', 'HealthCheckUrl', 'ListenerArn', 'StateParameter', 'TestListenerArn']),
    );
  });

  it('trusts GitHub\'s OIDC provider for exactly the jobs\' environments, by name and (with the IDs) in the immutable form, never a wildcard', () => {
    const trust = resources.DeployRole?.Properties.AssumeRolePolicyDocument as { Statement: { Action: string; Condition: Record<string, Record<string, unknown>> }[] };
    const [statement] = trust.Statement;
    expect(statement?.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(Object.keys(statement?.Condition ?? {})).toEqual(['StringEquals']);
    const equals = statement?.Condition.StringEquals ?? {};
    expect(equals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
    const [condition, withIds, namesOnly] = (equals['token.actions.githubusercontent.com:sub'] as { 'Fn::If': [string, { 'Fn::Sub': string }[], { 'Fn::Sub': string }[]] })['Fn::If'];
    expect(condition).toBe('HasGitHubIds');
    const subs = (list: { 'Fn::Sub': string }[]) => list.map((s) => s['Fn::Sub']);
    const byName = ['repo:${GitHubOwner}/${GitHubRepository}:environment:${GitHubEnvironment}', 'repo:${GitHubOwner}/${GitHubRepository}:environment:${GitHubPrepareEnvironment}'];
    expect(subs(namesOnly)).toEqual(byName);
    expect(subs(withIds)).toEqual([
      ...byName,
      'repo:${GitHubOwner}@${GitHubOwnerId}/${GitHubRepository}@${GitHubRepositoryId}:environment:${GitHubEnvironment}',
      'repo:${GitHubOwner}@${GitHubOwnerId}/${GitHubRepository}@${GitHubRepositoryId}:environment:${GitHubPrepareEnvironment}',
    ]);
    expect(JSON.stringify(statement)).not.toContain('*');
  });

  it('grants exactly the actions of the README\'s policy, statement by statement', () => {
    const readme = readFileSync('README.md', 'utf8');
    const policyBlock = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"EcsDeploy"'));
    const actionsBySid = (statements: { Sid: string; Action: string | string[] }[]) =>
      Object.fromEntries(statements.map((s) => [s.Sid, [s.Action].flat().sort()]));
    const documented = actionsBySid((JSON.parse(policyBlock ?? '{}') as { Statement: { Sid: string; Action: string | string[] }[] }).Statement);
    const policies = resources.DeployRole?.Properties.Policies as { PolicyDocument: { Statement: { Sid: string; Action: string | string[] }[] } }[];
    expect(actionsBySid(policies[0]?.PolicyDocument.Statement ?? [])).toEqual(documented);
  });
});

// The example stacks (examples/infrastructure/*.yaml) read as CloudFormation reads them, for the offline
// checks: the short tags as their long forms, every reference a template makes, and its OIDC trust.
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

const scalar = (tag: string, key: string) => ({ tag, resolve: (value: string) => ({ [key]: value }) });
const sequence = (tag: string, key: string) => ({ tag, collection: 'seq' as const, resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) });
const CFN_TAGS = [scalar('!Ref', 'Ref'), scalar('!Sub', 'Fn::Sub'), scalar('!GetAtt', 'Fn::GetAtt'), sequence('!If', 'Fn::If'), sequence('!Equals', 'Fn::Equals'), sequence('!Not', 'Fn::Not'), sequence('!Or', 'Fn::Or'), sequence('!Sub', 'Fn::Sub')] as unknown as Tags;

export type Props = Record<string, unknown>;
export interface Resource { Type: string; Condition?: string; DependsOn?: string | string[]; UpdatePolicy?: unknown; Properties: Props }
export interface Template {
  Parameters: Record<string, { Type: string; Default?: string | number; AllowedValues?: string[]; MinValue?: number; MaxValue?: number }>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions: { Assert: unknown }[] }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown; Condition?: string }>;
}

/** A template parsed with CloudFormation's short tags, and shortcuts into its resources. */
export function loadTemplate(path: string) {
  const text = readFileSync(path, 'utf8');
  const template = parse(text, { customTags: CFN_TAGS }) as Template;
  const resources = template.Resources;
  return {
    text,
    template,
    resources,
    ofType: (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type),
    props: (name: string): Props => resources[name]?.Properties ?? {},
  };
}

/** Every value of `key` (Ref, Fn::GetAtt, Fn::Sub) anywhere in `node`. */
export function collect(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      collect(v, key, found);
    }
  }
  return found;
}

/** The names a Fn::Sub string interpolates (`${Name}`, `${LoadBalancer.DNSName}` → LoadBalancer). */
export const subNames = (v: unknown) => [...String(Array.isArray(v) ? v[0] : v).matchAll(/\$\{([\w:]+)(?:\.[\w]+)?\}/g)].map((m) => m[1] ?? '');

/**
 * What does not resolve: each Ref, GetAtt and `${…}` of a Sub that names no parameter, resource or pseudo
 * parameter, each DependsOn naming no resource, each Condition (of a resource or an Fn::If) not declared.
 */
export function unresolved(template: Template): string[] {
  const known = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources), 'AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition', 'AWS::NoValue']);
  const names = [
    ...collect(template, 'Ref').map(String),
    ...collect(template, 'Fn::GetAtt').map((v) => String(v).split('.')[0] ?? ''),
    ...collect(template, 'Fn::Sub').flatMap(subNames),
  ];
  const problems = names.filter((name) => !known.has(name)).map((name) => `reference ${name}`);
  for (const [name, r] of Object.entries(template.Resources)) {
    for (const dep of [r.DependsOn ?? []].flat()) if (!(dep in template.Resources)) problems.push(`${name} DependsOn ${dep}`);
    if (r.Condition && !(r.Condition in template.Conditions)) problems.push(`${name} Condition ${r.Condition}`);
  }
  for (const [condition] of collect(template, 'Fn::If') as [string][]) if (!(condition in template.Conditions)) problems.push(`Fn::If ${condition}`);
  return problems;
}

/** The deploy role's trust: its one statement, and the subjects it accepts without and with the numeric IDs. */
export function trustedSubjects(role: Props) {
  const trust = role.AssumeRolePolicyDocument as { Statement: { Action: string; Condition: Record<string, Record<string, unknown>> }[] };
  const [statement] = trust.Statement;
  const equals = statement?.Condition.StringEquals ?? {};
  const [condition, withIds, namesOnly] = (equals['token.actions.githubusercontent.com:sub'] as { 'Fn::If': [string, { 'Fn::Sub': string }[], { 'Fn::Sub': string }[]] })['Fn::If'];
  const subs = (list: { 'Fn::Sub': string }[]) => list.map((s) => s['Fn::Sub']);
  return {
    statements: trust.Statement.length,
    action: statement?.Action,
    operators: Object.keys(statement?.Condition ?? {}),
    audience: equals['token.actions.githubusercontent.com:aud'],
    condition,
    namesOnly: subs(namesOnly),
    withIds: subs(withIds),
    wildcard: JSON.stringify(statement).includes('*'),
  };
}

/** What trustedSubjects must say: one StringEquals statement for `environments` (parameter names), by name and then in the immutable form with the IDs, no wildcard. */
export function expectedTrust(environments: string[]) {
  const byName = environments.map((e) => `repo:\${GitHubOwner}/\${GitHubRepository}:environment:\${${e}}`);
  const withIds = environments.map((e) => `repo:\${GitHubOwner}@\${GitHubOwnerId}/\${GitHubRepository}@\${GitHubRepositoryId}:environment:\${${e}}`);
  return {
    statements: 1,
    action: 'sts:AssumeRoleWithWebIdentity',
    operators: ['StringEquals'],
    audience: 'sts.amazonaws.com',
    condition: 'HasGitHubIds',
    namesOnly: byName,
    withIds: [...byName, ...withIds],
    wildcard: false,
  };
}

// Identifiers of the AWS resources the action touches, checked against AWS's own formats so a typo
// fails before any API call instead of as an AccessDenied or ValidationError halfway through.
import { InputError } from '../errors.js';

/** The parts every ARN carries; the region and account are compared across inputs. */
export interface ParsedArn {
  arn: string;
  partition: string;
  region: string;
  account: string;
}

export interface TargetGroupArn extends ParsedArn {
  name: string;
}

export interface ListenerArn extends ParsedArn {
  loadBalancerName: string;
  loadBalancerId: string;
  listenerId: string;
}

export interface ListenerRuleArn extends ListenerArn {
  ruleId: string;
}

/** A cluster or service given by name or ARN; `arn` is set only for the ARN form. */
export interface EcsResource {
  value: string;
  name: string;
  arn?: ParsedArn;
  /** For a service ARN in the long format (`service/<cluster>/<service>`). */
  clusterName?: string;
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';
const REGION_SOURCE = String.raw`[a-z]{2,4}(?:-[a-z]+){1,2}-\d{1,2}`;
const REGION = `(${REGION_SOURCE})`;
const ACCOUNT = String.raw`(\d{12})`;
// ELB names: 1-32 letters, digits and hyphens, not starting or ending with a hyphen.
const ELB_NAME = '([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?)';
const HEX16 = '([0-9a-f]{16})';
const ECS_NAME_SOURCE = '[a-zA-Z0-9_-]{1,255}';
const ECS_NAME = `(${ECS_NAME_SOURCE})`;

const elb = (resource: string) =>
  new RegExp(`^arn:${PARTITION}:elasticloadbalancing:${REGION}:${ACCOUNT}:${resource}$`);
const ecs = (resource: string) => new RegExp(`^arn:${PARTITION}:ecs:${REGION}:${ACCOUNT}:${resource}$`);

const TARGET_GROUP_ARN = elb(`targetgroup/${ELB_NAME}/${HEX16}`);
const LISTENER_ARN = elb(`listener/app/${ELB_NAME}/${HEX16}/${HEX16}`);
const LISTENER_RULE_ARN = elb(`listener-rule/app/${ELB_NAME}/${HEX16}/${HEX16}/${HEX16}`);
const CLUSTER_ARN = ecs(`cluster/${ECS_NAME}`);
const SERVICE_ARN = ecs(`service/(?:${ECS_NAME}/)?${ECS_NAME}`);
const ECS_NAME_ONLY = new RegExp(`^${ECS_NAME_SOURCE}$`);
const REGION_ONLY = new RegExp(`^${REGION_SOURCE}$`);

const EXAMPLE_PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
export const EXPECTED = {
  targetGroup: `a target group ARN such as ${EXAMPLE_PREFIX}:targetgroup/my-blue/0123456789abcdef`,
  listener: `an Application Load Balancer listener ARN such as ${EXAMPLE_PREFIX}:listener/app/my-alb/0123456789abcdef/fedcba9876543210`,
  listenerRule: `an Application Load Balancer listener rule ARN such as ${EXAMPLE_PREFIX}:listener-rule/app/my-alb/0123456789abcdef/fedcba9876543210/0011223344556677`,
  cluster: 'an ECS cluster name (1-255 letters, digits, hyphens, underscores) or ARN such as arn:aws:ecs:us-east-1:123456789012:cluster/my-cluster',
  service: 'an ECS service name (1-255 letters, digits, hyphens, underscores) or ARN such as arn:aws:ecs:us-east-1:123456789012:service/my-cluster/my-service',
  region: 'an AWS region such as us-east-1, eu-central-1, us-gov-west-1 or cn-north-1',
  stateParameter:
    "an SSM parameter name: 1-1011 letters, digits and _.-/, starting with '/' when it has a path, at most 15 levels, not starting with 'aws' or 'ssm'",
} as const;

/** Matches an ARN pattern whose first four groups are partition, region, account; returns the rest. */
function matchArn(input: string, value: string, pattern: RegExp, expected: string): { base: ParsedArn; parts: string[] } {
  const match = pattern.exec(value);
  if (!match) throw new InputError(input, value, expected);
  // Optional groups that did not take part come back undefined; '' reads the same to callers.
  const [arn = '', partition = '', region = '', account = '', ...parts] = Array.from(match, (group) => group ?? '');
  return { base: { arn, partition, region, account }, parts };
}

export function parseTargetGroupArn(input: string, value: string): TargetGroupArn {
  const { base, parts } = matchArn(input, value, TARGET_GROUP_ARN, EXPECTED.targetGroup);
  const [name = ''] = parts;
  return { ...base, name };
}

export function parseListenerArn(input: string, value: string): ListenerArn {
  const { base, parts } = matchArn(input, value, LISTENER_ARN, EXPECTED.listener);
  const [loadBalancerName = '', loadBalancerId = '', listenerId = ''] = parts;
  return { ...base, loadBalancerName, loadBalancerId, listenerId };
}

export function parseListenerRuleArn(input: string, value: string): ListenerRuleArn {
  const { base, parts } = matchArn(input, value, LISTENER_RULE_ARN, EXPECTED.listenerRule);
  const [loadBalancerName = '', loadBalancerId = '', listenerId = '', ruleId = ''] = parts;
  return { ...base, loadBalancerName, loadBalancerId, listenerId, ruleId };
}

/** True when the rule is one of the listener's rules (same load balancer and listener ids). */
export function ruleBelongsToListener(rule: ListenerRuleArn, listener: ListenerArn): boolean {
  return (
    rule.partition === listener.partition &&
    rule.region === listener.region &&
    rule.account === listener.account &&
    rule.loadBalancerName === listener.loadBalancerName &&
    rule.loadBalancerId === listener.loadBalancerId &&
    rule.listenerId === listener.listenerId
  );
}

export function parseCluster(input: string, value: string): EcsResource {
  if (value.startsWith('arn:')) {
    const { base, parts } = matchArn(input, value, CLUSTER_ARN, EXPECTED.cluster);
    const [name = ''] = parts;
    return { value, name, arn: base };
  }
  if (!ECS_NAME_ONLY.test(value)) throw new InputError(input, value, EXPECTED.cluster);
  return { value, name: value };
}

export function parseService(input: string, value: string): EcsResource {
  if (value.startsWith('arn:')) {
    const { base, parts } = matchArn(input, value, SERVICE_ARN, EXPECTED.service);
    const [clusterName = '', name = ''] = parts;
    return { value, name, arn: base, ...(clusterName ? { clusterName } : {}) };
  }
  if (!ECS_NAME_ONLY.test(value)) throw new InputError(input, value, EXPECTED.service);
  return { value, name: value };
}

export function parseRegion(input: string, value: string): string {
  if (!REGION_ONLY.test(value)) throw new InputError(input, value, EXPECTED.region);
  return value;
}

/** The partition a region belongs to, as it appears in ARNs. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const PARAMETER_CHARS = /^[a-zA-Z0-9_.\-/]{1,1011}$/;
const RESERVED_PARAMETER_PREFIX = /^\/?(aws|ssm)/i;
const MAX_PARAMETER_DEPTH = 15;

/** SSM's documented parameter-name rules, so a bad name fails before the first PutParameter. */
export function parseStateParameter(input: string, value: string): string {
  const fail = (): never => {
    throw new InputError(input, value, EXPECTED.stateParameter);
  };
  if (!PARAMETER_CHARS.test(value)) fail();
  if (value.includes('/')) {
    if (!value.startsWith('/') || value.endsWith('/') || value.includes('//')) fail();
    if (value.split('/').length - 1 > MAX_PARAMETER_DEPTH) fail();
  }
  if (RESERVED_PARAMETER_PREFIX.test(value)) fail();
  return value;
}

const MAX_ALARM_NAME = 255;

/** Alarm names separated by newlines or commas; blanks dropped, duplicates kept once. */
export function parseAlarmNames(input: string, value: string): string[] {
  const names = value
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (name.length > MAX_ALARM_NAME) {
      throw new InputError(input, name, `alarm names of 1-${MAX_ALARM_NAME} characters, separated by newlines or commas`);
    }
  }
  return [...new Set(names)];
}

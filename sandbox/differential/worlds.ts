// The same blue-green world built twice: in the sandbox (through its resource builders, since it has
// no CreateLoadBalancer, CreateListener or CreateTargetGroup) and in moto (through the real SDK clients). Each world maps the symbolic
// names the replay uses (`<tg:blue>`, `<listener>`...) to its own ARNs, so one input serves both and
// responses compare after the ARNs are turned back into symbols. Everything else that could differ
// by construction is made equal: the listener's port, the targets' addresses, ports and zone.
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Sandbox } from '../index.js';
import { createListener, createLoadBalancer, createRule, createTargetGroup } from '../resources.js';

/** Target groups: the two colours and four more, so a forward to six existing groups can be tried. */
export const TARGET_GROUPS = ['blue', 'green', 'extra-1', 'extra-2', 'extra-3', 'extra-4'] as const;
export type TargetGroupName = (typeof TARGET_GROUPS)[number];
export const tg = (name: TargetGroupName | 'missing'): string => `<tg:${name}>`;
export const LISTENER = '<listener>';
export const RULE = '<rule>';
export const MISSING_LISTENER = '<listener:missing>';
export const MISSING_RULE = '<rule:missing>';

export const ZONE = 'us-east-1a';
export const REGION = 'us-east-1';
const RULE_PATH = '/api/*';

/** What both worlds share: where the targets listen and which port the listener reports. */
export interface WorldLayout {
  listenerPort: number;
  /** One target per colour; blue answers its health checks, green never answers. */
  targets: Record<'blue' | 'green', { id: string; port: number }>;
}

export interface World {
  name: 'sandbox' | 'moto';
  elb: ElasticLoadBalancingV2Client;
  ssm: SSMClient;
  /** Symbol → this world's value: ARNs, and the targets' ports as DescribeTargetHealth spells them. */
  symbols: Map<string, string>;
}

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: 'AKIADIFFERENTIAL', secretAccessKey: 'differential' },
  maxAttempts: 1,
});

/** An ARN of the same shape that names nothing: the last id segment replaced. */
const absent = (arn: string): string => arn.replace(/[^/]+$/, '0123456789abcdef');

/** Adds the ARNs that name nothing, and the target ports (HealthCheckPort is a string). */
function complete(arns: Map<string, string>, targets: WorldLayout['targets']): Map<string, string> {
  const at = (symbol: string) => arns.get(symbol) as string;
  for (const colour of ['blue', 'green'] as const) arns.set(`<port:${colour}>`, String(targets[colour].port));
  arns.set(tg('missing'), at(tg('blue')).replace(/targetgroup\/[^/]+\/[^/]+$/, 'targetgroup/diff-missing/0123456789abcdef'));
  arns.set(MISSING_LISTENER, absent(at(LISTENER)));
  arns.set(MISSING_RULE, absent(at(RULE)));
  return arns;
}

/**
 * The sandbox world, built in-process. The listener forwards plainly to blue (TargetGroupArn only)
 * and one rule on `/api/*` does the same; targets are registered as ECS would register them.
 */
export async function buildSandboxWorld(sandbox: Sandbox, targets: WorldLayout['targets']): Promise<World & { layout: WorldLayout }> {
  const world = sandbox.world;
  const arns = new Map<string, string>();
  for (const name of TARGET_GROUPS) arns.set(tg(name), createTargetGroup(world, { name: `diff-${name}`, healthCheckPath: '/health' }).arn);
  const lb = createLoadBalancer(world, 'diff-alb');
  const toBlue = { Type: 'forward', TargetGroupArn: arns.get(tg('blue')) as string };
  const listener = await createListener(world, lb, [toBlue]);
  const rule = createRule(world, listener, 10, [{ Field: 'path-pattern', Values: [RULE_PATH] }], [toBlue]);
  arns.set('<lb>', lb.arn).set(LISTENER, listener.arn).set(RULE, rule.arn);
  for (const colour of ['blue', 'green'] as const) {
    world.elb.registerTarget(arns.get(tg(colour)) as string, targets[colour].id, targets[colour].port);
  }
  const config = clientConfig(sandbox.endpoint);
  return {
    name: 'sandbox',
    elb: new ElasticLoadBalancingV2Client(config),
    ssm: new SSMClient(config),
    symbols: complete(arns, targets),
    layout: { listenerPort: listener.port, targets },
  };
}

/**
 * moto's EC2 over the Query protocol. Hand-written because the EC2 SDK client is not a dependency
 * of this project and only two calls are needed (a VPC and its subnets, which CreateLoadBalancer
 * requires); moto routes an unsigned-looking request by the service in the credential scope.
 */
async function ec2(endpoint: string, params: Record<string, string>, field: string): Promise<string> {
  const res = await fetch(endpoint, {
    method: 'POST',
    body: new URLSearchParams({ ...params, Version: '2016-11-15' }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIADIFFERENTIAL/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await res.text();
  const value = new RegExp(`<${field}>([^<]+)</${field}>`).exec(text)?.[1];
  if (!res.ok || !value) throw new Error(`moto EC2 ${params.Action} failed (${res.status}): ${text.slice(0, 300)}`);
  return value;
}

/** The same world in moto, through the real ELBv2 client; the listener reports the sandbox's port. */
export async function buildMotoWorld(endpoint: string, layout: WorldLayout): Promise<World> {
  const config = clientConfig(endpoint);
  const elb = new ElasticLoadBalancingV2Client(config);
  const vpc = await ec2(endpoint, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }, 'vpcId');
  const subnets = await Promise.all(
    ['a', 'b'].map((zone, i) =>
      ec2(endpoint, { Action: 'CreateSubnet', VpcId: vpc, CidrBlock: `10.0.${i + 1}.0/24`, AvailabilityZone: `${REGION}${zone}` }, 'subnetId'),
    ),
  );
  const arns = new Map<string, string>();
  for (const name of TARGET_GROUPS) {
    const out = await elb.send(
      new CreateTargetGroupCommand({ Name: `diff-${name}`, Protocol: 'HTTP', Port: 80, VpcId: vpc, TargetType: 'ip', HealthCheckPath: '/health' }),
    );
    arns.set(tg(name), out.TargetGroups?.[0]?.TargetGroupArn as string);
  }
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: 'diff-alb', Subnets: subnets, Type: 'application' }));
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn as string;
  const toBlue = { Type: 'forward' as const, TargetGroupArn: arns.get(tg('blue')) };
  const listener = await elb.send(
    new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: layout.listenerPort, DefaultActions: [toBlue] }),
  );
  const listenerArn = listener.Listeners?.[0]?.ListenerArn as string;
  const rule = await elb.send(
    new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: [RULE_PATH] }], Actions: [toBlue] }),
  );
  arns.set('<lb>', lbArn).set(LISTENER, listenerArn).set(RULE, rule.Rules?.[0]?.RuleArn as string);
  for (const colour of ['blue', 'green'] as const) {
    const { id, port } = layout.targets[colour];
    // The zone is given explicitly: the sandbox reports every target in `${REGION}a`.
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arns.get(tg(colour)), Targets: [{ Id: id, Port: port, AvailabilityZone: ZONE }] }));
  }
  return { name: 'moto', elb, ssm: new SSMClient(config), symbols: complete(arns, layout.targets) };
}

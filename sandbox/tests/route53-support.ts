// For the Route 53 tests: the real Route 53 SDK client against a sandbox (built as clients.ts builds the others),
// changes in the SDK's shape, and waiting for a change to be INSYNC by its event rather than by sleeping.
import { once } from 'node:events';
import { ElasticLoadBalancingV2Client, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, Route53Client, type Change, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Sandbox } from '../index.js';
import { createLoadBalancer } from '../resources.js';
import type { Route53ChangeEvent } from '../route53/model.js';

export function route53For(sandbox: Sandbox, o: { maxAttempts?: number; requestTimeoutMs?: number } = {}): Route53Client {
  return new Route53Client({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox' },
    maxAttempts: o.maxAttempts,
    ...(o.requestTimeoutMs === undefined ? {} : { requestHandler: { requestTimeout: o.requestTimeoutMs, throwOnRequestTimeout: true } }),
  });
}

/** A load balancer in the sandbox, as DescribeLoadBalancers shows it: what an alias record names. */
export async function loadBalancer(sandbox: Sandbox, name: string): Promise<{ dnsName: string; hostedZoneId: string; address?: string }> {
  const lb = createLoadBalancer(sandbox.world, name, { ownAddress: true });
  const elb = new ElasticLoadBalancingV2Client({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: { accessKeyId: 'A', secretAccessKey: 'S' } });
  const out = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.arn] }));
  const described = out.LoadBalancers?.[0];
  return { dnsName: described?.DNSName ?? '', hostedZoneId: described?.CanonicalHostedZoneId ?? '', address: lb.address };
}

/** A weighted record set: an alias to a load balancer, or A values with a TTL. */
export function weighted(name: string, id: string, weight: number, to: { dnsName: string; hostedZoneId: string } | string[], ttl = 60): ResourceRecordSet {
  const target = Array.isArray(to)
    ? { TTL: ttl, ResourceRecords: to.map((Value) => ({ Value })) }
    : { AliasTarget: { HostedZoneId: to.hostedZoneId, DNSName: to.dnsName, EvaluateTargetHealth: true } };
  return { Name: name, Type: 'A', SetIdentifier: id, Weight: weight, ...target };
}

export const simple = (name: string, values: string[], type: ResourceRecordSet['Type'] = 'A', ttl = 300): ResourceRecordSet => ({
  Name: name,
  Type: type,
  TTL: ttl,
  ResourceRecords: values.map((Value) => ({ Value })),
});

export const change = (Action: Change['Action'], ResourceRecordSet: ResourceRecordSet): Change => ({ Action, ResourceRecordSet });

/** Sends a batch; `zoneId` bare or `/hostedzone/…`. */
export const changeBatch = (client: Route53Client, zoneId: string, changes: Change[], Comment?: string) =>
  client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes, Comment } }));

/** Resolves once the change (id as the API gives it, `/change/C…`) is INSYNC, from the model's `change` event. */
export async function insync(sandbox: Sandbox, changeId: string): Promise<void> {
  const id = changeId.replace(/^\/change\//, '');
  if (sandbox.route53.change(id).status === 'INSYNC') return;
  for (;;) {
    const [event] = (await once(sandbox.route53.events, 'change')) as [Route53ChangeEvent];
    if (event.status === 'INSYNC' && sandbox.route53.change(id).status === 'INSYNC') return;
  }
}

/** The rejection of a promise, with the SDK's exception class and fields. */
export async function failure(p: Promise<unknown>): Promise<Error & { name: string; message: string; $fault?: string; $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}

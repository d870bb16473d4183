// The Route 53 model as the DNS server's RecordSource (dns/records.ts): what it serves follows a change once the
// change is INSYNC, alias names resolve to the load balancer's loopback address, and an ELB alias's health is its
// target groups'. Follows:
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html ("INSYNC indicates that the changes
//     have propagated to all Route 53 DNS servers")
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html ("This action returns the
//     most current version of the records. This includes records that are PENDING")
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html (EvaluateTargetHealth for an ALB:
//     every target group needs a healthy target; a group with no registered targets is unhealthy)
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { startDnsServer, type DnsServer } from '../dns/server.js';
import { ElbModel, type Listener, type Target, type TargetGroup } from '../elb/model.js';
import { startSandbox, type Sandbox } from '../index.js';
import { elbAliasTargets, ELB_CANONICAL_HOSTED_ZONE_ID } from '../route53/elb-targets.js';
import { Route53Model, type Route53ChangeEvent } from '../route53/model.js';
import { addresses, RawDnsClient } from './dns-support.js';
import { change, changeBatch, insync, loadBalancer, route53For } from './route53-support.js';

let sb: Sandbox;
let r53: Route53Client;
let dns: DnsServer;
let client: RawDnsClient;

beforeAll(async () => {
  sb = await startSandbox({ route53ChangeDelayMs: 1000 });
  r53 = route53For(sb, { maxAttempts: 1 });
  dns = await startDnsServer({ source: sb.route53 });
  client = new RawDnsClient(dns.port);
});
afterAll(async () => {
  client.close();
  await dns.stop();
  await sb.stop();
});

const alias = (name: string, id: string, weight: number, lb: { dnsName: string; hostedZoneId: string }) =>
  change('UPSERT', { Name: name, Type: 'A', SetIdentifier: id, Weight: weight, AliasTarget: { HostedZoneId: lb.hostedZoneId, DNSName: lb.dnsName, EvaluateTargetHealth: false } });

describe('the DNS view', () => {
  test('a weighted switch is served once its change is INSYNC; the API lists it at once', async () => {
    const { id } = sb.route53.createHostedZone('dns.example.com');
    const blue = await loadBalancer(sb, 'dns-blue');
    const green = await loadBalancer(sb, 'dns-green');
    expect([blue.address, green.address]).toEqual([expect.stringMatching(/^127\.0\.1\.\d+$/), expect.stringMatching(/^127\.0\.1\.\d+$/)]);
    await insync(sb, (await changeBatch(r53, id, [alias('shop.dns.example.com', 'blue', 100, blue), alias('shop.dns.example.com', 'green', 0, green)])).ChangeInfo?.Id ?? '');
    expect(addresses(await client.query('shop.dns.example.com'))).toEqual([blue.address]);

    const moved = await changeBatch(r53, id, [alias('shop.dns.example.com', 'blue', 0, blue), alias('shop.dns.example.com', 'green', 100, green)]);
    expect(moved.ChangeInfo?.Status).toBe('PENDING');
    expect(sb.route53.zoneRecordSets(id, 'api').filter((s) => s.type === 'A').map((s) => s.weight)).toEqual([0, 100]);
    expect(sb.route53.recordSets('SHOP.dns.example.com').map((s) => s.weight)).toEqual([100, 0]);
    expect(addresses(await client.query('shop.dns.example.com'))).toEqual([blue.address]);
    await insync(sb, moved.ChangeInfo?.Id ?? '');
    expect(sb.route53.recordSets('shop.dns.example.com.').map((s) => s.weight)).toEqual([0, 100]);
    expect(addresses(await client.query('shop.dns.example.com'))).toEqual([green.address]);
  });

  test('a later change INSYNC makes every earlier one of its zone INSYNC; authority is the deepest zone', async () => {
    const parent = sb.route53.createHostedZone('nest.example.com').id;
    const child = sb.route53.createHostedZone('child.nest.example.com').id;
    sb.route53.setChangeDelay(60_000);
    const first = sb.route53.changeRecordSets(child, [{ action: 'CREATE', recordSet: { name: 'a.child.nest.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] } }]);
    const second = sb.route53.changeRecordSets(child, [{ action: 'CREATE', recordSet: { name: 'b.child.nest.example.com', type: 'A', ttl: 60, values: ['192.0.2.2'] } }], { immediate: true });
    expect([first.status, sb.route53.change(first.id).status, second.status]).toEqual(['PENDING', 'INSYNC', 'INSYNC']);
    sb.route53.setChangeDelay(1000);
    expect(sb.route53.recordSets('a.child.nest.example.com').map((s) => s.values)).toEqual([['192.0.2.1']]);
    sb.route53.changeRecordSets(parent, [{ action: 'CREATE', recordSet: { name: 'x.child.nest.example.com', type: 'A', ttl: 60, values: ['192.0.2.3'] } }], { immediate: true });
    expect(sb.route53.recordSets('x.child.nest.example.com')).toEqual([]);
    expect([sb.route53.isAuthoritative('deep.x.child.nest.example.com'), sb.route53.isAuthoritative('example.com')]).toEqual([true, false]);
    const reply = await client.query('missing.child.nest.example.com');
    expect([reply.rcode, reply.authorities[0]?.type, reply.authorities[0]?.name]).toEqual(['NXDOMAIN', 'SOA', 'child.nest.example.com']);
  });

  test('alias DNS names resolve to the load balancer\'s address (any case, dot, `dualstack.`); health checks as set', async () => {
    const lb = await loadBalancer(sb, 'dns-addr');
    expect(sb.route53.loadBalancerAddress(`DualStack.${lb.dnsName.toUpperCase()}.`)).toBe(lb.address);
    expect(sb.route53.loadBalancerAddress('nobody-0000.us-east-1.elb.amazonaws.com')).toBeUndefined();
    expect(sb.route53.healthCheckHealthy('hc-1')).toBeUndefined();
    sb.route53.setHealthCheckStatus('hc-1', false);
    expect(sb.route53.healthCheckHealthy('hc-1')).toBe(false);
  });
});

describe('ELB alias health (EvaluateTargetHealth)', () => {
  const elb = new ElbModel();
  const model = new Route53Model({ changeDelayMs: 0, ...elbAliasTargets(elb, 'us-east-1') });
  const dnsName = 'app-0123abcd.us-east-1.elb.amazonaws.com';
  const group = (arn: string, states: Target['state'][]): TargetGroup =>
    ({ arn, name: arn, port: 80, deregistrationDelayMs: 0, targets: states.map((state, k) => ({ id: `t${k}`, port: 8000 + k, state })) }) as unknown as TargetGroup;
  const forward = (...arns: string[]) => [{ Type: 'forward', ForwardConfig: { TargetGroups: arns.map((TargetGroupArn) => ({ TargetGroupArn, Weight: 1 })) } }];
  const healthy = () => model.aliasTargetHealthy({ hostedZoneId: ELB_CANONICAL_HOSTED_ZONE_ID, dnsName: `${dnsName}.` });

  test('healthy when every group it routes to has a healthy target; unknown names and other zones have no view', () => {
    elb.loadBalancers.push({ arn: 'lb-app', name: 'app', dnsName, createdAt: new Date() });
    expect(healthy()).toBe(false); // routes to no group
    elb.targetGroups.push(group('tg-a', ['healthy', 'unhealthy']), group('tg-b', []));
    elb.listeners.push({ arn: 'l-1', loadBalancerArn: 'lb-app', port: 80, protocol: 'HTTP', defaultActions: forward('tg-a'), defaultRuleArn: 'r-0', rules: [] } as Listener);
    expect(healthy()).toBe(true);
    elb.listeners[0]?.rules.push({ arn: 'r-1', listenerArn: 'l-1', priority: '10', conditions: [], actions: forward('tg-b') });
    expect(healthy()).toBe(false); // a group with no registered target
    elb.targetGroups[1]?.targets.push(...group('x', ['draining', 'initial']).targets);
    expect(healthy()).toBe(false);
    const second = elb.targetGroups[1]?.targets[1];
    if (second) second.state = 'healthy';
    expect(healthy()).toBe(true);
    expect(model.aliasTargetHealthy({ hostedZoneId: ELB_CANONICAL_HOSTED_ZONE_ID, dnsName: 'other-1.us-east-1.elb.amazonaws.com' })).toBeUndefined();
    expect(model.aliasTargetHealthy({ hostedZoneId: 'Z0OTHERZONE', dnsName })).toBeUndefined();
  });

  test('with no delay a change is still PENDING when answered, INSYNC and served on the next turn', async () => {
    const { id } = model.createHostedZone('health.example.com');
    const info = model.changeRecordSets(id, [{ action: 'CREATE', recordSet: { name: 'WWW.health.example.com', type: 'A', ttl: 300, values: ['192.0.2.8'] } }]);
    expect([info.status, model.recordSets('www.health.example.com')]).toEqual(['PENDING', []]);
    const [event] = (await once(model.events, 'change')) as [Route53ChangeEvent];
    expect(event).toEqual({ id: info.id, hostedZoneId: id, status: 'INSYNC' });
    expect(model.recordSets('www.health.example.com')).toEqual([{ name: 'www.health.example.com.', type: 'A', ttl: 300, values: ['192.0.2.8'] }]);
  });
});

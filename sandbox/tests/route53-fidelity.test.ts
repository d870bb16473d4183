// Route 53 through the real SDK client: hosted zones, ChangeResourceRecordSets (atomic batches, weighted records,
// aliases to the sandbox's load balancers), GetChange. Follows:
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
//     ("Route 53 validates the changes in the request and then either makes all or none of the changes")
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html (PENDING, then INSYNC)
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html (an ELB's DNSName and its
//     CanonicalHostedZoneId as DescribeLoadBalancers returns them)
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-weighted.html (TTL: "Route 53
//     changes the value of TTL for all of the records to the value that you specified for the last record")
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html (every zone's NS and SOA)
// InvalidChangeBatch comes as Route 53 sends it today: a standard <ErrorResponse> whose Message lists every problem
// as `[first, second]` (aws/aws-sdk-kotlin#1435: "Route53 no longer returns non-standard InvalidChangeBatch errors").
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHostedZone,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { startSandbox, type Sandbox } from '../index.js';
import { ELB_CANONICAL_HOSTED_ZONE_ID } from '../route53/elb-targets.js';
import { change, changeBatch, failure, insync, loadBalancer, route53For, simple, weighted } from './route53-support.js';

let sb: Sandbox;
let r53: Route53Client;

beforeAll(async () => {
  sb = await startSandbox({ route53ChangeDelayMs: 20 });
  r53 = route53For(sb, { maxAttempts: 1 });
});
afterAll(() => sb.stop());

const list = async (zoneId: string) => (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];

describe('hosted zones', () => {
  test('a new zone has its NS and SOA record sets and four name servers; GetHostedZone answers in the documented shape', async () => {
    const { id } = sb.route53.createHostedZone('Zones.Example.COM');
    const out = await r53.send(new GetHostedZoneCommand({ Id: `/hostedzone/${id}` }));
    expect(out.HostedZone).toEqual({
      Id: `/hostedzone/${id}`,
      Name: 'zones.example.com.',
      CallerReference: expect.any(String),
      Config: { PrivateZone: false },
      ResourceRecordSetCount: 2,
    });
    expect(out.DelegationSet?.NameServers).toHaveLength(4);
    const sets = await list(id);
    expect(sets.map((s) => [s.Name, s.Type, s.TTL])).toEqual([['zones.example.com.', 'NS', 172800], ['zones.example.com.', 'SOA', 900]]);
    expect(sets[0]?.ResourceRecords?.map((r) => r.Value)).toEqual(out.DelegationSet?.NameServers?.map((n) => `${n}.`));
    expect(sets[1]?.ResourceRecords?.[0]?.Value).toMatch(/^ns-\d+\.awsdns-\d+\.com\. awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400$/);
  });

  test('an unknown zone is NoSuchHostedZone (404); an id over 32 characters is InvalidInput', async () => {
    const missing = await failure(r53.send(new GetHostedZoneCommand({ Id: 'Z0000000000000000000' })));
    expect(missing).toBeInstanceOf(NoSuchHostedZone);
    expect([missing.message, missing.$metadata.httpStatusCode]).toEqual(['No hosted zone found with ID: Z0000000000000000000', 404]);
    const rrset = await failure(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0000000000000000000' })));
    expect(rrset.name).toBe('NoSuchHostedZone');
    const long = await failure(r53.send(new GetHostedZoneCommand({ Id: 'Z'.repeat(33) })));
    expect([long.name, long.message]).toEqual([
      'InvalidInput',
      `1 validation error detected: Value '${'Z'.repeat(33)}' at 'id' failed to satisfy constraint: Member must have length less than or equal to 32`,
    ]);
  });
});

describe('ChangeResourceRecordSets and GetChange', () => {
  test('two weighted aliases to DescribeLoadBalancers\' names: PENDING with the comment, INSYNC after the delay', async () => {
    const { id } = sb.route53.createHostedZone('example.com');
    const blue = await loadBalancer(sb, 'shop-blue');
    const green = await loadBalancer(sb, 'shop-green');
    expect(blue.hostedZoneId).toBe(ELB_CANONICAL_HOSTED_ZONE_ID);
    sb.route53.setChangeDelay(500);
    const out = await changeBatch(r53, id, [change('CREATE', weighted('Shop.Example.com', 'blue', 100, blue)), change('CREATE', weighted('shop.example.com.', 'green', 0, green))], 'go green');
    expect(out.ChangeInfo).toEqual({ Id: expect.stringMatching(/^\/change\/C[0-9A-Z]{20}$/), Status: 'PENDING', SubmittedAt: expect.any(Date), Comment: 'go green' });
    const changeId = out.ChangeInfo?.Id ?? '';
    expect((await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status).toBe('PENDING');
    await insync(sb, changeId);
    expect((await r53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo).toEqual({ ...out.ChangeInfo, Status: 'INSYNC' });
    sb.route53.setChangeDelay(20);
    const sets = (await list(id)).filter((s) => s.Type === 'A');
    expect(sets).toEqual([
      { Name: 'shop.example.com.', Type: 'A', SetIdentifier: 'blue', Weight: 100, AliasTarget: { HostedZoneId: blue.hostedZoneId, DNSName: `${blue.dnsName.toLowerCase()}.`, EvaluateTargetHealth: true } },
      { Name: 'shop.example.com.', Type: 'A', SetIdentifier: 'green', Weight: 0, AliasTarget: { HostedZoneId: green.hostedZoneId, DNSName: `${green.dnsName.toLowerCase()}.`, EvaluateTargetHealth: true } },
    ]);
    // UPSERT moves the weights; the SDK strips `/hostedzone/` from ids, the sandbox accepts both.
    await changeBatch(r53, `/hostedzone/${id}`, [change('UPSERT', weighted('shop.example.com', 'blue', 0, blue)), change('UPSERT', weighted('shop.example.com', 'green', 255, green))]);
    expect((await list(id)).filter((s) => s.Type === 'A').map((s) => [s.SetIdentifier, s.Weight])).toEqual([['blue', 0], ['green', 255]]);
  });

  test('GetChange of an unknown change is NoSuchChange (404)', async () => {
    const e = await failure(r53.send(new GetChangeCommand({ Id: '/change/C0NOTACHANGE' })));
    expect(e).toBeInstanceOf(NoSuchChange);
    expect([e.message, e.$metadata.httpStatusCode]).toEqual(['A change with the specified change ID does not exist.', 404]);
  });

  test('a batch is all or nothing: one bad change rejects it with InvalidChangeBatch and nothing changes', async () => {
    const { id } = sb.route53.createHostedZone('atomic.example.com');
    await changeBatch(r53, id, [change('CREATE', weighted('shop.atomic.example.com', 'blue', 100, ['192.0.2.1']))]);
    const before = await list(id);
    const e = await failure(
      changeBatch(r53, id, [
        change('UPSERT', weighted('shop.atomic.example.com', 'green', 50, ['192.0.2.2'])),
        change('CREATE', weighted('shop.atomic.example.com', 'blue', 10, ['192.0.2.3'])),
      ]),
    );
    expect(e).toBeInstanceOf(InvalidChangeBatch);
    expect([e.message, e.$metadata.httpStatusCode, e.$fault]).toEqual([
      "[Tried to create resource record set [name='shop.atomic.example.com.', type='A', set-identifier='blue'] but it already exists]",
      400,
      'client',
    ]);
    expect(await list(id)).toEqual(before);
    // Every problem of the batch is listed, in order.
    const two = await failure(changeBatch(r53, id, [change('DELETE', simple('gone.atomic.example.com', ['192.0.2.9'])), change('CREATE', simple('other.example.org', ['192.0.2.9']))]));
    expect(two.message).toBe(
      "[Tried to delete resource record set [name='gone.atomic.example.com.', type='A'] but it was not found, RRSet with DNS name other.example.org. is not permitted in zone atomic.example.com.]",
    );
  });

  test('DELETE needs every value to match; a DELETE and a CREATE of one record set in a batch replace it', async () => {
    const { id } = sb.route53.createHostedZone('delete.example.com');
    await changeBatch(r53, id, [change('CREATE', simple('www.delete.example.com', ['192.0.2.1', '192.0.2.2']))]);
    const mismatch = await failure(changeBatch(r53, id, [change('DELETE', simple('www.delete.example.com', ['192.0.2.1']))]));
    expect(mismatch.message).toBe("[Tried to delete resource record set [name='www.delete.example.com.', type='A'] but the values provided do not match the current values]");
    await changeBatch(r53, id, [change('DELETE', simple('www.delete.example.com', ['192.0.2.2', '192.0.2.1'])), change('CREATE', simple('www.delete.example.com', ['192.0.2.7'], 'A', 60))]);
    expect((await list(id)).find((s) => s.Type === 'A')).toEqual({ Name: 'www.delete.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.7' }] });
    await changeBatch(r53, id, [change('DELETE', simple('www.delete.example.com', ['192.0.2.7'], 'A', 60))]);
    expect((await list(id)).map((s) => s.Type)).toEqual(['NS', 'SOA']);
  });

  test('weighted records of one name and type share the TTL last given', async () => {
    const { id } = sb.route53.createHostedZone('ttl.example.com');
    await changeBatch(r53, id, [change('CREATE', weighted('api.ttl.example.com', 'a', 1, ['192.0.2.1'], 300)), change('CREATE', weighted('api.ttl.example.com', 'b', 1, ['192.0.2.2'], 300))]);
    await changeBatch(r53, id, [change('UPSERT', weighted('api.ttl.example.com', 'b', 5, ['192.0.2.2'], 30))]);
    expect((await list(id)).filter((s) => s.Type === 'A').map((s) => [s.SetIdentifier, s.Weight, s.TTL])).toEqual([['a', 1, 30], ['b', 5, 30]]);
  });
});

describe('the wire', () => {
  test('errors are <ErrorResponse> documents in Route 53\'s namespace; a body that is not XML is InvalidInput', async () => {
    const { id } = sb.route53.createHostedZone('wire.example.com');
    const post = (body: string) => fetch(`${sb.endpoint}/2013-04-01/hostedzone/${id}/rrset`, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
    const broken = await post('<ChangeResourceRecordSetsRequest><ChangeBatch>');
    expect([broken.status, broken.headers.get('content-type')]).toEqual([400, 'text/xml']);
    expect(await broken.text()).toMatch(
      /^<\?xml version="1.0"\?>\n<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>InvalidInput<\/Code><Message>Invalid XML ; [^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    const change = (name: string) =>
      `<Change><Action>DELETE</Action><ResourceRecordSet><Name>${name}</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>`;
    const invalid = await post(`<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>${change('a.wire.example.com')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`);
    expect(await invalid.text()).toContain(
      "<Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>[Tried to delete resource record set [name='a.wire.example.com.', type='A'] but it was not found]</Message></Error>",
    );
  });
});

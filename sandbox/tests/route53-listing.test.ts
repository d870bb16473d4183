// ListResourceRecordSets' and ListHostedZonesByName's order and paging through the real SDK client. Follows:
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html ("returns up to 300
//     resource record sets at a time in ASCII order"; "sorts results first by DNS name with the labels reversed";
//     "When multiple records have the same DNS name, ListResourceRecordSets sorts results by the record type";
//     Type without Name is InvalidInput; NextRecordIdentifier for record sets with a routing policy)
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByName.html (reversed-label order,
//     DNSName and HostedZoneId echoed, NextDNSName/NextHostedZoneId when truncated, MaxItems up to 100)
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html (lower case; `*` as `\052`)
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, type ResourceRecordSet, type Route53Client } from '@aws-sdk/client-route-53';
import { startSandbox, type Sandbox } from '../index.js';
import { change, changeBatch, failure, route53For, simple, weighted } from './route53-support.js';

let sb: Sandbox;
let r53: Route53Client;

beforeAll(async () => {
  sb = await startSandbox({ route53ChangeDelayMs: 0 });
  r53 = route53For(sb, { maxAttempts: 1 });
});
afterAll(() => sb.stop());

const key = (s: ResourceRecordSet) => [s.Name, s.Type, s.SetIdentifier].filter((x) => x !== undefined).join(' ');

/** Every record set, MaxItems at a time, following NextRecordName/Type/Identifier. */
async function allPages(zoneId: string, maxItems: number): Promise<{ sets: ResourceRecordSet[]; pages: number }> {
  const sets: ResourceRecordSet[] = [];
  let start: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = {};
  for (let pages = 1; ; pages += 1) {
    const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: maxItems, ...start }));
    expect(out.MaxItems).toBe(maxItems);
    sets.push(...(out.ResourceRecordSets ?? []));
    if (!out.IsTruncated) return { sets, pages };
    start = { StartRecordName: out.NextRecordName, StartRecordType: out.NextRecordType, StartRecordIdentifier: out.NextRecordIdentifier };
  }
}

describe('ListResourceRecordSets', () => {
  let zoneId: string;
  beforeAll(async () => {
    zoneId = sb.route53.createHostedZone('example.com').id;
    await changeBatch(r53, zoneId, [
      change('CREATE', simple('www.example.com', ['192.0.2.1'])),
      change('CREATE', simple('WWW.example.com', ['"v=1"'], 'TXT')),
      change('CREATE', simple('a.b.example.com', ['192.0.2.2'])),
      change('CREATE', simple('b-a.example.com', ['192.0.2.3'])),
      change('CREATE', simple('*.example.com', ['192.0.2.4'])),
      change('CREATE', weighted('shop.example.com', 'green', 0, ['192.0.2.6'])),
      change('CREATE', weighted('shop.example.com', 'blue', 100, ['192.0.2.5'])),
      change('CREATE', simple('shop.example.com', ['"owner=team"'], 'TXT')),
    ]);
  });

  test('by name with the labels reversed, then type, then set identifier; names lower-case, `*` escaped', async () => {
    const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(out.IsTruncated).toBe(false);
    expect(out.MaxItems).toBe(300);
    expect([out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier]).toEqual([undefined, undefined, undefined]);
    // com.example. < com.example.\052. < com.example.b-a. < com.example.b.a. < com.example.shop. < com.example.www.
    expect(out.ResourceRecordSets?.map(key)).toEqual([
      'example.com. NS',
      'example.com. SOA',
      '\\052.example.com. A',
      'b-a.example.com. A',
      'a.b.example.com. A',
      'shop.example.com. A blue',
      'shop.example.com. A green',
      'shop.example.com. TXT',
      'www.example.com. A',
      'www.example.com. TXT',
    ]);
  });

  test('pages of any size add up to the whole list; a page may end between the weighted records of one name and type', async () => {
    const whole = (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets?.map(key);
    for (const size of [1, 2, 3, 4, 7]) {
      const { sets, pages } = await allPages(zoneId, size);
      expect(sets.map(key)).toEqual(whole);
      expect(pages).toBe(Math.ceil(10 / size));
    }
    const first = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'shop.example.com', StartRecordType: 'A', MaxItems: 1 }));
    expect(first.ResourceRecordSets?.map(key)).toEqual(['shop.example.com. A blue']);
    expect([first.IsTruncated, first.NextRecordName, first.NextRecordType, first.NextRecordIdentifier]).toEqual([true, 'shop.example.com.', 'A', 'green']);
  });

  test('StartRecordName alone starts at the first name at or after it; a type only orders within its name', async () => {
    const from = async (StartRecordName: string, StartRecordType?: ResourceRecordSet['Type']) =>
      (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName, StartRecordType, MaxItems: 2 }))).ResourceRecordSets?.map(key);
    expect(await from('shop.example.com')).toEqual(['shop.example.com. A blue', 'shop.example.com. A green']);
    expect(await from('c.example.com')).toEqual(['shop.example.com. A blue', 'shop.example.com. A green']);
    expect(await from('shop.example.com', 'TXT')).toEqual(['shop.example.com. TXT', 'www.example.com. A']);
    expect(await from('SHOP.example.com.', 'AAAA')).toEqual(['shop.example.com. TXT', 'www.example.com. A']);
    expect(await from('zzz.example.com')).toEqual([]);
  });

  test('StartRecordType without StartRecordName is InvalidInput', async () => {
    const e = await failure(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InvalidInput', 400]);
  });

  test('at most 300 record sets a page, whatever MaxItems asks', async () => {
    const big = sb.route53.createHostedZone('big.example.com').id;
    const names = Array.from({ length: 305 }, (_, k) => `host-${String(k).padStart(3, '0')}.big.example.com`);
    sb.route53.changeRecordSets(big, names.map((name) => ({ action: 'CREATE', recordSet: { name, type: 'A', ttl: 60, values: ['192.0.2.1'] } })), { immediate: true });
    for (const MaxItems of [undefined, 1000]) {
      const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: big, MaxItems }));
      expect([out.ResourceRecordSets?.length, out.IsTruncated, out.MaxItems]).toEqual([300, true, 300]);
    }
    const { sets } = await allPages(big, 300);
    expect(sets).toHaveLength(307);
  });
});

describe('ListHostedZonesByName', () => {
  test('zones by name with the labels reversed, from DNSName (and HostedZoneId), MaxItems at a time', async () => {
    const names = ['zeta.test', 'alpha.test', 'b.alpha.test', 'other.example'];
    const ids = Object.fromEntries(names.map((n) => [n, sb.route53.createHostedZone(n).id]));
    const all = await r53.send(new ListHostedZonesByNameCommand({}));
    const ours = (all.HostedZones ?? []).map((z) => z.Name).filter((n) => n?.endsWith('.test.') || n === 'other.example.');
    expect(ours).toEqual(['other.example.', 'alpha.test.', 'b.alpha.test.', 'zeta.test.']);
    expect(all.MaxItems).toBe(100);

    const page = await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'alpha.test', MaxItems: 2 }));
    expect(page.HostedZones?.map((z) => [z.Name, z.Id])).toEqual([
      ['alpha.test.', `/hostedzone/${ids['alpha.test']}`],
      ['b.alpha.test.', `/hostedzone/${ids['b.alpha.test']}`],
    ]);
    expect([page.DNSName, page.IsTruncated, page.NextDNSName, page.NextHostedZoneId, page.MaxItems]).toEqual(['alpha.test', true, 'zeta.test.', ids['zeta.test'], 2]);
    const next = await r53.send(new ListHostedZonesByNameCommand({ DNSName: page.NextDNSName, HostedZoneId: page.NextHostedZoneId, MaxItems: 2 }));
    expect(next.HostedZones?.[0]).toEqual({
      Id: `/hostedzone/${ids['zeta.test']}`,
      Name: 'zeta.test.',
      CallerReference: expect.any(String),
      Config: { PrivateZone: false },
      ResourceRecordSetCount: 2,
    });
    expect(next.HostedZoneId).toBe(ids['zeta.test']);
  });

  test('HostedZoneId without DNSName is InvalidInput', async () => {
    const e = await failure(r53.send(new ListHostedZonesByNameCommand({ HostedZoneId: 'Z0000000000000000000' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InvalidInput', 400]);
  });
});

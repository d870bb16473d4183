// The sandbox's DNS server answers as Route 53's authoritative servers do, from an in-memory RecordSource.
// Sources:
//  - Route 53 Developer Guide, "Weighted routing" (routing-policy-weighted.html): a record's share is its weight /
//    the sum of the weights in the group; weight 0 stops traffic to it; all 0 → equal shares.
//  - "How Amazon Route 53 chooses records when health checking is configured"
//    (health-checks-how-route-53-chooses-records.html): a record without a health check is always healthy; Route 53
//    first considers only the non-zero weighted records; if all records with weight > 0 are unhealthy it considers
//    the zero-weighted ones; if every record is unhealthy it treats all as healthy.
//  - "Choosing between alias and non-alias records": an alias to an AWS resource takes the resource's TTL; Elastic
//    Load Balancing's DNS entries have a TTL of 60 seconds (ELB guide; Route 53 FAQ: "a fixed TTL of 60 seconds").
//  - RFC 1035 §3.2.1 and RFC 2181 §8 (TTL: how long the record may be cached), §4.1.1 (RCODE 3 Name Error,
//    5 Refused; AA), RFC 2308 §2.2 (NODATA: NOERROR with no answer) and §3 (the SOA in the authority section).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';
import { startDnsServer, type DnsQueryEvent, type DnsServer } from '../dns/server.js';
import { ElbModel } from '../elb/model.js';
import { addresses, binomialTolerance, MemoryRecords, RawDnsClient, type Reply } from './dns-support.js';

const BLUE = '127.0.1.2';
const GREEN = '127.0.1.3';
const GREY = '127.0.1.4';
const ALB = 'shop-blue-alb-0123abcd.us-east-1.elb.amazonaws.com';
const SOA = 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400';

let records: MemoryRecords;
let server: DnsServer;
let client: RawDnsClient;

beforeAll(async () => {
  // The load balancer's address comes from the ELB model, as the Route 53 model's source will take it.
  const elb = new ElbModel();
  elb.loadBalancers.push({ arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-blue-alb/0123abcd', name: 'shop-blue-alb', dnsName: ALB, createdAt: new Date(), address: BLUE });
  records = new MemoryRecords(['example.test'], (name) => elb.loadBalancerAddress(name));
  records.put({ name: 'example.test', type: 'SOA', ttl: 900, values: [SOA] });
  server = await startDnsServer({ source: records });
  client = new RawDnsClient(server.port);
});
afterAll(async () => {
  client.close();
  await server.stop();
});

/** A weighted A group `name` of (set identifier, address, weight, health check?) members. */
function weighted(name: string, members: [string, string, number, string?][], ttl = 2): void {
  for (const [id, address, weight, healthCheckId] of members) {
    records.put({ name, type: 'A', ttl, setIdentifier: id, weight, values: [address], ...(healthCheckId ? { healthCheckId } : {}) });
  }
}

/** Answers per address over these replies. */
const tally = (replies: Reply[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of replies) for (const a of addresses(r)) out[a] = (out[a] ?? 0) + 1;
  return out;
};

describe('weighted records', () => {
  it('answers one record set per query: 100/0 sends every answer to the 100', async () => {
    weighted('w100.example.test', [['blue', BLUE, 100], ['green', GREEN, 0]]);
    const replies = await client.many(1000, 'w100.example.test');
    expect(replies.every((r) => r.answers.length === 1 && r.rcode === 'NOERROR' && r.flag_aa)).toBe(true);
    expect(tally(replies)).toEqual({ [BLUE]: 1000 });
  });

  it('shares answers in proportion to weight, within the binomial bound (fails once in 10⁹ runs at worst)', async () => {
    weighted('w50.example.test', [['blue', BLUE, 50], ['green', GREEN, 50]]);
    weighted('w75.example.test', [['blue', BLUE, 192], ['green', GREEN, 64]]);
    const n = 1000;
    const half = tally(await client.many(n, 'w50.example.test'));
    const k50 = binomialTolerance(n, 0.5); // 96: 404–596 of 1000 at p = 0.5
    expect(k50).toBeLessThan(100);
    expect((half[BLUE] ?? 0) + (half[GREEN] ?? 0)).toBe(n);
    expect(Math.abs((half[BLUE] ?? 0) - n / 2)).toBeLessThanOrEqual(k50);
    const quarter = tally(await client.many(n, 'w75.example.test'));
    expect(Math.abs((quarter[BLUE] ?? 0) - n * 0.75)).toBeLessThanOrEqual(binomialTolerance(n, 0.75));
  });

  it('answers all-zero weights with equal shares', async () => {
    weighted('w0.example.test', [['blue', BLUE, 0], ['green', GREEN, 0]]);
    const counts = tally(await client.many(400, 'w0.example.test'));
    expect(Math.abs((counts[BLUE] ?? 0) - 200)).toBeLessThanOrEqual(binomialTolerance(400, 0.5));
  });
});

describe('health checks (how Route 53 chooses records)', () => {
  it('leaves out an unhealthy weighted record while a healthy one with weight > 0 remains', async () => {
    weighted('h1.example.test', [['blue', BLUE, 200, 'hc-blue'], ['green', GREEN, 55, 'hc-green'], ['grey', GREY, 0]]);
    records.health.set('hc-blue', false);
    records.health.set('hc-green', true);
    expect(tally(await client.many(200, 'h1.example.test'))).toEqual({ [GREEN]: 200 });
  });

  it('falls back to the weight-0 records when every record with weight > 0 is unhealthy', async () => {
    weighted('h2.example.test', [['blue', BLUE, 100, 'hc-b2'], ['green', GREEN, 0, 'hc-g2'], ['grey', GREY, 0]]);
    records.health.set('hc-b2', false);
    records.health.set('hc-g2', true);
    const counts = tally(await client.many(400, 'h2.example.test'));
    expect(Object.keys(counts).sort()).toEqual([GREEN, GREY]); // the two healthy weight-0 records, equal shares
    expect(Math.abs((counts[GREEN] ?? 0) - 200)).toBeLessThanOrEqual(binomialTolerance(400, 0.5));
    records.health.set('hc-g2', false); // grey has no health check: always healthy
    expect(tally(await client.many(100, 'h2.example.test'))).toEqual({ [GREY]: 100 });
  });

  it('treats every record as healthy when all are unhealthy: weight > 0 ones by weight, weight 0 still left out', async () => {
    weighted('h3.example.test', [['blue', BLUE, 1, 'hc-b3'], ['green', GREEN, 1, 'hc-g3'], ['grey', GREY, 0, 'hc-y3']]);
    for (const id of ['hc-b3', 'hc-g3', 'hc-y3']) records.health.set(id, false);
    const counts = tally(await client.many(400, 'h3.example.test'));
    expect(counts[GREY]).toBeUndefined();
    expect(Math.abs((counts[BLUE] ?? 0) - 200)).toBeLessThanOrEqual(binomialTolerance(400, 0.5));
  });

  it('counts a health check the source has no view of, and an alias target not evaluated, as healthy', async () => {
    weighted('h4.example.test', [['blue', BLUE, 255, 'hc-unknown'], ['green', GREEN, 0]]);
    expect(tally(await client.many(100, 'h4.example.test'))).toEqual({ [BLUE]: 100 });
    records.put({ name: 'h5.example.test', type: 'A', setIdentifier: 'blue', weight: 10, values: [], alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: ALB, evaluateTargetHealth: false } });
    records.put({ name: 'h5.example.test', type: 'A', ttl: 5, setIdentifier: 'green', weight: 0, values: [GREEN] });
    records.targetHealth.set(`${ALB}.`, false);
    expect(tally(await client.many(50, 'h5.example.test'))).toEqual({ [BLUE]: 50 });
    records.put({ name: 'h5.example.test', type: 'A', setIdentifier: 'blue', weight: 10, values: [], alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: ALB, evaluateTargetHealth: true } });
    expect(tally(await client.many(50, 'h5.example.test'))).toEqual({ [GREEN]: 50 });
    records.targetHealth.clear();
  });
});

describe('answers', () => {
  it("echoes the record's TTL (RFC 1035 §3.2.1)", async () => {
    records.put({ name: 'ttl.example.test', type: 'A', ttl: 3600, values: [BLUE, GREEN] });
    const reply = await client.query('ttl.example.test');
    expect(reply.answers.map((a) => [a.type, 'ttl' in a ? a.ttl : undefined, 'data' in a ? a.data : undefined])).toEqual([
      ['A', 3600, BLUE],
      ['A', 3600, GREEN],
    ]);
    expect(addresses(await client.query('w100.example.test')).length).toBe(1);
    expect((await client.query('w100.example.test')).answers[0]).toMatchObject({ ttl: 2 });
  });

  it("answers an alias to a load balancer with its loopback address and the ELB's TTL, 60 s", async () => {
    records.put({ name: 'alias.example.test', type: 'A', values: [], alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: `dualstack.${ALB.toUpperCase()}.`, evaluateTargetHealth: true } });
    const reply = await client.query('Alias.Example.Test');
    expect(reply).toMatchObject({ rcode: 'NOERROR', flag_aa: true, flag_rd: true, flag_ra: false });
    expect(reply.answers).toEqual([expect.objectContaining({ type: 'A', name: 'Alias.Example.Test', ttl: 60, data: BLUE })]);
    // No IPv6 address here: AAAA is NOERROR with no answer.
    expect(await client.query('alias.example.test', 'AAAA')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    // An alias to a record of the zone answers that record's values and TTL.
    records.put({ name: 'inzone.example.test', type: 'A', values: [], alias: { hostedZoneId: 'Z1', dnsName: 'ttl.example.test', evaluateTargetHealth: false } });
    expect((await client.query('inzone.example.test')).answers).toEqual([
      expect.objectContaining({ name: 'inzone.example.test', ttl: 3600, data: BLUE }),
      expect.objectContaining({ name: 'inzone.example.test', ttl: 3600, data: GREEN }),
    ]);
  });

  it('answers a CNAME, with the target A records when the target is in a zone it knows', async () => {
    records.put({ name: 'www.example.test', type: 'CNAME', ttl: 30, values: ['w100.example.test'] });
    records.put({ name: 'out.example.test', type: 'CNAME', ttl: 30, values: ['shop.elsewhere.test'] });
    const www = await client.query('www.example.test');
    expect(www.answers).toEqual([
      expect.objectContaining({ type: 'CNAME', name: 'www.example.test', ttl: 30, data: 'w100.example.test' }),
      expect.objectContaining({ type: 'A', name: 'w100.example.test', ttl: 2, data: BLUE }),
    ]);
    expect((await client.query('out.example.test')).answers).toEqual([expect.objectContaining({ type: 'CNAME', data: 'shop.elsewhere.test' })]);
    expect((await client.query('www.example.test', 'CNAME')).answers).toHaveLength(1);
  });

  it('answers NXDOMAIN for a name without records, NOERROR/empty for another type, REFUSED outside its zones', async () => {
    const nx = await client.query('missing.example.test');
    expect(nx).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
    // The zone's SOA, its TTL capped by the SOA minimum (RFC 2308 §3).
    expect(nx.authorities).toEqual([expect.objectContaining({ type: 'SOA', name: 'example.test', ttl: 900 })]);
    expect(await client.query('w100.example.test', 'MX')).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
    expect(await client.query('shop.elsewhere.test')).toMatchObject({ rcode: 'REFUSED', flag_aa: false, answers: [], authorities: [] });
  });

  it('answers over TCP and with EDNS as over UDP', async () => {
    const tcp = await client.query('ttl.example.test', 'A', { tcp: true });
    expect(addresses(tcp)).toEqual([BLUE, GREEN]);
    const edns = await client.query('ttl.example.test', 'A', { edns: true });
    expect(edns.additionals).toEqual([expect.objectContaining({ type: 'OPT', udpPayloadSize: 1232 })]);
    expect(dnsPacket.AUTHORITATIVE_ANSWER & (edns.flags ?? 0)).toBeTruthy();
  });

  it("is read by Node's resolver (c-ares) as by any client: TTLs, and the error codes of each rcode", async () => {
    const resolver = new Resolver();
    resolver.setServers([server.server]);
    expect(await resolver.resolve4('alias.example.test', { ttl: true })).toEqual([{ address: BLUE, ttl: 60 }]);
    expect(await resolver.resolve4('www.example.test', { ttl: true })).toEqual([{ address: BLUE, ttl: 2 }]);
    await expect(resolver.resolve4('missing.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolveMx('w100.example.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('shop.elsewhere.test')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('counts the questions per name and reports each one', async () => {
    server.resetCounts();
    const seen = once(server.events, 'query') as Promise<[DnsQueryEvent]>;
    await client.many(3, 'W100.example.test.');
    await client.query('missing.example.test');
    const [event] = await seen;
    expect(event).toMatchObject({ name: 'w100.example.test.', type: 'A', rcode: 'NOERROR', answers: [`A ${BLUE}`], transport: 'udp' });
    expect(server.queryCount('w100.example.test')).toBe(3);
    expect(server.queryCounts()).toEqual({ 'w100.example.test.': 3, 'missing.example.test.': 1 });
    expect(server.queryCount()).toBe(4);
  });
});

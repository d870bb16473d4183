// Users who resolve the name: a DNS switch between two load balancers, measured per second from the load
// generator's virtual clients, each caching its answer for the record's TTL (RFC 1035 §3.2.1: the time the record
// "may be cached before the source of the information should again be consulted"; RFC 2181 §8). Route 53 sends
// each query to one record of the weighted group in proportion to weight (Developer Guide, "Weighted routing"), so
// after 100/0 → 0/100 every new answer names green, and a client moves when its cached blue answer expires.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDnsPair, type DnsPair } from '../dns-pair.js';
import { startDnsServer, type DnsQueryEvent, type DnsServer } from '../dns/server.js';
import { locateTaskServer } from '../ecs/task-process.js';
import { startLoad } from '../harness/load.js';
import { startSandbox, type Sandbox } from '../index.js';
import { PlainTargets } from '../target-pair.js';
import { MemoryRecords } from './dns-support.js';

const TTL_S = 2;
const NAME = 'shop.example.test';

describe('load through DNS, in isolation', () => {
  let http: Server;
  let port: number;
  let records: MemoryRecords;
  let dns: DnsServer;
  let connections = 0;
  beforeAll(async () => {
    http = createServer((_req, res) => res.setHeader('x-sandbox-target-group', 'local').end('{}'));
    http.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
    records = new MemoryRecords(['example.test']);
    records.put({ name: 'local.example.test', type: 'A', ttl: 0, values: ['127.0.0.1'] });
    records.put({ name: 'far.example.test', type: 'A', ttl: 60, values: ['192.0.2.10'] });
    dns = await startDnsServer({ source: records });
  });
  afterAll(async () => {
    await dns.stop();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it('connects to the answer with the name in Host, and does not cache a TTL of 0', async () => {
    const run = startLoad({ url: `http://local.example.test:${port}/`, ratePerSecond: 50, maxRequests: 10, maxDurationMs: 10_000, dns: { server: dns.server } });
    expect(await run.done).toMatchObject({ total: 10, failed: 0, byAddress: { '127.0.0.1': 10 }, byTargetGroup: { local: 10 } });
    // A new question for every request that did not find one already in flight.
    expect(run.dnsLookups()).toEqual([dns.queryCount('local.example.test')]);
    expect(dns.queryCount('local.example.test')).toBeGreaterThanOrEqual(2);
  });

  it('fails a request on NXDOMAIN or an answer off this machine, without connecting anywhere', async () => {
    const before = connections;
    const missing = await startLoad({ url: `http://none.example.test:${port}/`, ratePerSecond: 100, maxRequests: 3, maxDurationMs: 10_000, dns: { server: dns.server } }).done;
    expect(missing).toMatchObject({ total: 3, failed: 3 });
    expect(missing.failures.map((f) => f.error)).toEqual(['DNS ENOTFOUND', 'DNS ENOTFOUND', 'DNS ENOTFOUND']);
    const far = await startLoad({ url: `http://far.example.test:${port}/`, ratePerSecond: 100, maxRequests: 3, maxDurationMs: 10_000, dns: { server: dns.server } }).done;
    expect(far).toMatchObject({ failed: 3, byAddress: { '192.0.2.10': 3 } });
    expect(far.failures[0]?.error).toMatch(/not loopback/);
    expect(connections).toBe(before);
  });

  it('buckets a run per second, empty seconds included', async () => {
    const run = startLoad({ url: `http://local.example.test:${port}/`, ratePerSecond: 50, maxRequests: 5, maxDurationMs: 10_000, dns: { server: dns.server } });
    await run.done;
    const series = run.series(1000, run.startedAt - 2000, run.startedAt + 10_000);
    expect(series).toHaveLength(12);
    expect(series.slice(0, 2).map((b) => b.total)).toEqual([0, 0]);
    expect(series.reduce((n, b) => n + b.total, 0)).toBe(5);
    expect(series[2]).toMatchObject({ fromMs: run.startedAt, toMs: run.startedAt + 1000, failed: 0, byAddress: { '127.0.0.1': series[2]?.total } });
  });
});

describe('a weighted DNS switch between two load balancers', () => {
  let sandbox: Sandbox;
  let targets: PlainTargets;
  let pair: DnsPair;
  let records: MemoryRecords;
  let dns: DnsServer;
  beforeAll(async () => {
    sandbox = await startSandbox({ healthCheckIntervalMs: 200, deregistrationDelayMs: 200 });
    targets = new PlainTargets(sandbox.world, locateTaskServer());
    pair = await createDnsPair(sandbox.world, targets, { name: 'shop', targets: 2, greenTargets: 2 });
    records = new MemoryRecords(['example.test'], (name) => sandbox.world.elb.loadBalancerAddress(name));
    records.put({ name: NAME, type: 'A', ttl: TTL_S, setIdentifier: 'blue', weight: 100, values: [pair.loadBalancers.blue.address] });
    records.put({ name: NAME, type: 'A', ttl: TTL_S, setIdentifier: 'green', weight: 0, values: [pair.loadBalancers.green.address] });
    records.put({ name: 'alb.example.test', type: 'A', values: [], alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: pair.loadBalancers.green.dnsName, evaluateTargetHealth: false } });
    dns = await startDnsServer({ source: records });
  }, 60_000);
  afterAll(async () => {
    await dns?.stop();
    await targets?.shutdown();
    await sandbox?.stop();
  });

  it('puts each ALB on its own loopback address, both listeners on one port', async () => {
    const { blue, green } = pair.loadBalancers;
    expect(blue.address).toMatch(/^127\.0\.\d+\.\d+$/);
    expect(new Set([blue.address, green.address, '127.0.0.1']).size).toBe(3);
    expect([sandbox.world.elb.listener(blue.listenerArn)?.port, sandbox.world.elb.listener(green.listenerArn)?.port]).toEqual([pair.port, pair.port]);
    for (const [colour, lb] of Object.entries(pair.loadBalancers)) {
      const res = await fetch(lb.url);
      expect(res.headers.get('x-sandbox-target-group')).toBe(`shop-${colour}`);
      await res.arrayBuffer();
      expect(sandbox.world.elb.loadBalancerAddress(`dualstack.${lb.dnsName.toUpperCase()}.`)).toBe(lb.address);
    }
    // An alias to the ALB's DNSName answers its address, with the ELB's 60 s TTL.
    const alias = startLoad({ url: `http://alb.example.test:${pair.port}/`, ratePerSecond: 50, maxRequests: 3, maxDurationMs: 10_000, dns: { server: dns.server } });
    expect(await alias.done).toMatchObject({ failed: 0, byAddress: { [green.address]: 3 }, byTargetGroup: { 'shop-green': 3 } });
    expect(dns.queryCount('alb.example.test')).toBe(1);
  });

  it('moves every client to the new colour within one TTL of the switch, without a failed request', async () => {
    const answers: DnsQueryEvent[] = [];
    dns.events.on('query', (e: DnsQueryEvent) => void (e.name === `${NAME}.` && answers.push(e)));
    const clients = 20;
    const run = startLoad({ url: `http://${NAME}:${pair.port}/`, ratePerSecond: 100, clients, maxDurationMs: 60_000, timeoutMs: 5000, dns: { server: dns.server } });
    // Steady state: every client has renewed its answer, and the switch comes at no particular point of their
    // cycles (2.5 TTLs of requests in), so the answers they hold have ages spread evenly over a TTL.
    const steady = (requests: number) => run.dnsLookups().every((n) => n >= 2) && run.stats().total >= requests;
    await sandbox.waitFor(() => steady(100 * TTL_S * 2.5), { timeoutMs: 30_000, what: 'every client resolving a second time, 2.5 TTLs in' });
    records.setWeight(NAME, 'blue', 0);
    records.setWeight(NAME, 'green', 100);
    const flipAt = Date.now();
    const answeredBefore = answers.length;
    const end = flipAt + TTL_S * 1000 + 1500;
    await sandbox.waitFor(() => run.window(end).total >= clients, { timeoutMs: 30_000, what: `requests issued ${end - flipAt} ms after the switch` });
    const all = await run.stop();

    const { blue, green } = pair.loadBalancers;
    expect(answers.slice(0, answeredBefore).every((e) => e.answers.join() === `A ${blue.address}`)).toBe(true);
    expect(answers.slice(answeredBefore).every((e) => e.answers.join() === `A ${green.address}`)).toBe(true);
    expect(answers.length - answeredBefore).toBeGreaterThanOrEqual(clients); // every client asked again
    expect(all).toMatchObject({ failed: 0, failures: [] });
    expect(all.byTargetGroup).toEqual({ 'shop-blue': expect.any(Number), 'shop-green': expect.any(Number) });

    // An answer from before the switch was asked for before it and is kept at most one TTL from the question, so
    // no request issued a TTL after the switch can reach blue (exact: no margin for a busy machine to eat).
    expect(run.window(flipAt + TTL_S * 1000).byTargetGroup).toEqual({ 'shop-green': expect.any(Number) });
    const perSecond = run.series(1000, flipAt - 1000, end).map((b) => ({
      second: Math.round((b.fromMs - flipAt) / 1000),
      requests: b.total,
      failed: b.failed,
      blueShare: b.total === 0 ? 0 : Math.round(((b.byTargetGroup['shop-blue'] ?? 0) / b.total) * 100) / 100,
    }));
    const fine = run.series(100, flipAt, end);
    const lastBlueMs = Math.max(0, ...fine.filter((b) => (b.byTargetGroup['shop-blue'] ?? 0) > 0).map((b) => b.toMs - flipAt));
    console.log(`DNS switch at TTL ${TTL_S} s, ${clients} clients, 100 req/s: blue share per second from the switch`, perSecond, `last blue request issued < ${lastBlueMs} ms after the switch`);
    expect(lastBlueMs).toBeLessThanOrEqual(TTL_S * 1000 + 100);
  }, 90_000);
});

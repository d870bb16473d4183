// The load generator against a local server whose routes answer, fail, drop or stall on purpose.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopbackTarget, NotLoopback, startLoad } from './load.js';
import { FAILURE_LIST_LIMIT, LoadRecorder } from './load-stats.js';

let server: Server;
let base: string;
let port: number;
let failing = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/ok') {
      res.setHeader('x-sandbox-target-group', 'tg-blue');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: 'v1' }));
    } else if (path === '/header-version') {
      res.setHeader('x-sandbox-version', 'v2');
      res.end('plain text');
    } else if (path === '/flip') {
      res.statusCode = failing ? 503 : 200;
      res.end();
    } else if (path === '/fail') {
      res.statusCode = 500;
      res.end('no');
    } else if (path === '/not-found') {
      res.statusCode = 404;
      res.end();
    } else if (path === '/drop') {
      req.socket.destroy();
    } else if (path === '/slow') {
      setTimeout(() => res.end('late'), 400);
    } else if (path === '/host') {
      res.end(JSON.stringify({ version: req.headers.host }));
    }
    // any other path never answers
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('startLoad', () => {
  it('counts answered requests, latency, target groups and versions', async () => {
    const run = startLoad({ url: `${base}/ok`, ratePerSecond: 200, maxRequests: 40, maxDurationMs: 5000 });
    const stats = await run.done;
    expect(stats).toMatchObject({ total: 40, ok: 40, failed: 0, inFlight: 0, failures: [], byTargetGroup: { 'tg-blue': 40 }, byVersion: { v1: 40 } });
    expect(stats.latencyMs.p50).toBeGreaterThan(0);
    expect(stats.latencyMs.p50).toBeLessThanOrEqual(stats.latencyMs.p99);
    expect(stats.latencyMs.p99).toBeLessThanOrEqual(stats.latencyMs.max);

    const versions = await startLoad({ url: `${base}/header-version`, ratePerSecond: 200, maxRequests: 5, maxDurationMs: 5000 }).done;
    expect(versions.byVersion).toEqual({ v2: 5 });
    expect(versions.byTargetGroup).toBeUndefined();
  });

  it('fails on 5xx, dropped connections and timeouts, but not on 4xx', async () => {
    const fail = await startLoad({ url: `${base}/fail`, ratePerSecond: 200, maxRequests: 5, maxDurationMs: 5000 }).done;
    expect(fail).toMatchObject({ total: 5, ok: 0, failed: 5 });
    expect(fail.failures[0]).toMatchObject({ status: 500, error: 'HTTP 500' });

    const drop = await startLoad({ url: `${base}/drop`, ratePerSecond: 200, maxRequests: 5, maxDurationMs: 5000 }).done;
    expect(drop).toMatchObject({ total: 5, ok: 0, failed: 5 });
    expect(drop.failures.every((f) => f.status === undefined && /ECONNRESET|socket hang up/.test(f.error ?? ''))).toBe(true);

    const stall = await startLoad({ url: `${base}/never`, ratePerSecond: 200, maxRequests: 3, timeoutMs: 150, maxDurationMs: 5000 }).done;
    expect(stall).toMatchObject({ total: 3, failed: 3 });
    expect(stall.failures[0]?.error).toBe('timeout after 150 ms');

    const notFound = await startLoad({ url: `${base}/not-found`, ratePerSecond: 200, maxRequests: 3, maxDurationMs: 5000 }).done;
    expect(notFound).toMatchObject({ total: 3, ok: 3, failed: 0 });
  });

  it('keeps to its schedule while responses are slow (open loop) and stops by itself at maxDurationMs', async () => {
    const started = Date.now();
    const run = startLoad({ url: `${base}/slow`, ratePerSecond: 40, maxDurationMs: 1000, timeoutMs: 2000 });
    expect(run.stats().inFlight).toBeGreaterThan(0);
    const stats = await run.done;
    const elapsed = Date.now() - started;
    // 40 req/s for 1 s is 40 requests; each takes 400 ms, so a closed loop over few sockets would issue far fewer.
    expect(stats.total).toBeGreaterThanOrEqual(30);
    expect(stats.total).toBeLessThanOrEqual(41);
    expect(stats.failed).toBe(0);
    expect(stats.latencyMs.p50).toBeGreaterThanOrEqual(390);
    // Stopped issuing at 1 s, then waited for the last requests (400 ms each).
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(3000);
  });

  it('reports per time window, e.g. failures during one phase only', async () => {
    failing = false;
    const run = startLoad({ url: `${base}/flip`, ratePerSecond: 100, maxDurationMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const switchedAt = Date.now();
    failing = true;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const final = await run.stop();
    failing = false;

    const before = run.window(run.startedAt, switchedAt - 20);
    const after = run.window(switchedAt + 20);
    expect(before.total).toBeGreaterThan(10);
    expect(before.failed).toBe(0);
    expect(after.total).toBeGreaterThan(10);
    expect(after.ok).toBe(0);
    expect(after.failures.every((f) => f.status === 503)).toBe(true);
    expect(final.total).toBe(final.ok + final.failed);
    expect(final.total).toBeGreaterThanOrEqual(before.total + after.total);
  });

  it('sends the caller’s headers, e.g. a Host for a host-header rule', async () => {
    const stats = await startLoad({ url: `${base}/host`, ratePerSecond: 100, maxRequests: 2, maxDurationMs: 5000, headers: { Host: 'api.example.test' } }).done;
    expect(stats.byVersion).toEqual({ 'api.example.test': 2 });
  });

  it('talks only to loopback', async () => {
    for (const url of ['http://example.com/', 'http://10.0.0.1/', 'http://127.0.0.1.nip.io/', 'https://127.0.0.1/', 'http://[::2]/', 'not a url']) {
      expect(() => startLoad({ url, ratePerSecond: 1, maxDurationMs: 100 })).toThrow(NotLoopback);
    }
    expect(loopbackTarget('http://localhost:8080/a?b=1')).toEqual({ address: '127.0.0.1', port: 8080, path: '/a?b=1', host: 'localhost:8080' });
    expect(loopbackTarget('http://[::1]:81/')).toMatchObject({ address: '::1', port: 81 });
    const viaName = await startLoad({ url: `http://localhost:${port}/ok`, ratePerSecond: 100, maxRequests: 2, maxDurationMs: 5000 }).done;
    expect(viaName.ok).toBe(2);
  });

  it('validates its rate', () => {
    expect(() => startLoad({ url: `${base}/ok`, ratePerSecond: 0, maxDurationMs: 100 })).toThrow(RangeError);
  });
});

describe('LoadRecorder', () => {
  it('lists a window’s own failures even after the overall list bound was reached', () => {
    const recorder = new LoadRecorder();
    for (let i = 0; i < FAILURE_LIST_LIMIT + 50; i += 1) recorder.record({ at: 1000 + i, latencyMs: 1, ok: false, error: 'ECONNRESET' });
    recorder.record({ at: 5000, latencyMs: 3, ok: false, status: 502, error: 'HTTP 502' });
    recorder.record({ at: 5001, latencyMs: 7, ok: true, status: 200, version: 'v2' });
    expect(recorder.stats(0).failures).toHaveLength(FAILURE_LIST_LIMIT);
    expect(recorder.stats(0).failed).toBe(FAILURE_LIST_LIMIT + 51);
    expect(recorder.stats(0, 5000)).toEqual({
      total: 2,
      ok: 1,
      failed: 1,
      inFlight: 0,
      failures: [{ at: new Date(5000).toISOString(), status: 502, error: 'HTTP 502' }],
      latencyMs: { p50: 7, p95: 7, p99: 7, max: 7 },
      byVersion: { v2: 1 },
    });
  });
});

// The load generator against a local server whose routes answer, fail, drop or stall on purpose.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../wait.js';
import { CookieJar } from './cookie-jar.js';
import { loopbackTarget, NotLoopback, startLoad } from './load.js';
import { FAILURE_LIST_LIMIT, LoadRecorder } from './load-stats.js';

let server: Server;
let base: string;
let port: number;
let failing = false;
let sessions = 0;

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
    } else if (path === '/session') {
      // Like a login: a new session for a request without one; the target group header names the session the
      // request came with, the version every cookie it sent.
      const session = /(?:^|; )session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (session === undefined) {
        sessions += 1;
        res.setHeader('set-cookie', [`session=s${sessions}; Path=/; HttpOnly`, 'theme=dark']);
      }
      res.setHeader('x-sandbox-target-group', session ?? 'none');
      res.end(JSON.stringify({ version: req.headers.cookie ?? 'none' }));
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

  it('with clients, keeps a cookie jar per client and sends each client’s cookies back', async () => {
    const run = startLoad({ url: `${base}/session`, ratePerSecond: 60, clients: 3, maxDurationMs: 10_000, headers: { Cookie: 'consent=yes' } });
    // Waits for the event rather than a fixed time: every client has come back with its session at least once.
    const returning = (c: number) => Object.keys(run.stats().byClient?.[String(c)] ?? {}).some((group) => group !== 'none');
    await waitFor(() => [0, 1, 2].every(returning), { timeoutMs: 8000 });
    const stats = await run.stop();
    expect(stats.failed).toBe(0);
    const sessionsOf = (c: number) => Object.keys(stats.byClient?.[String(c)] ?? {}).filter((group) => group !== 'none');
    // A session is given to one request, so a session seen from two clients would be a shared jar.
    const all = [0, 1, 2].flatMap(sessionsOf);
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(stats.byClient ?? {}).sort()).toEqual(['0', '1', '2']);
    // The caller's own cookie goes first on every request, the jar's after it.
    const sent = Object.keys(stats.byVersion ?? {});
    expect(sent.every((cookie) => cookie.startsWith('consent=yes'))).toBe(true);
    expect(sent.some((cookie) => /^consent=yes; session=s\d+; theme=dark$/.test(cookie))).toBe(true);
    // One client's window has that client only.
    expect(Object.keys(run.window(run.startedAt, Infinity, 1).byClient ?? {})).toEqual(['1']);
  }, 15_000);

  it('without clients keeps no cookies', async () => {
    const stats = await startLoad({ url: `${base}/session`, ratePerSecond: 100, maxRequests: 10, maxDurationMs: 5000 }).done;
    expect(stats.byTargetGroup).toEqual({ none: 10 });
    expect(stats.byClient).toBeUndefined();
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

  it('validates its rate and clients', () => {
    expect(() => startLoad({ url: `${base}/ok`, ratePerSecond: 0, maxDurationMs: 100 })).toThrow(RangeError);
    expect(() => startLoad({ url: `${base}/ok`, ratePerSecond: 1, maxDurationMs: 100, clients: 0 })).toThrow(RangeError);
    expect(() => startLoad({ url: `${base}/ok`, ratePerSecond: 1, maxDurationMs: 100, clients: 1.5 })).toThrow(RangeError);
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

describe('CookieJar', () => {
  it('keeps name=value pairs, the latest value winning, and drops the attributes', () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.store(['a=1; Path=/; HttpOnly', 'b=x=y; Expires=Wed, 21 Oct 2099 07:28:00 GMT']);
    jar.store('a=2; Max-Age=60');
    jar.store(undefined);
    expect(jar.header()).toBe('a=2; b=x=y');
    expect(jar.get('b')).toBe('x=y');
  });
});

describe('LoadRecorder by client', () => {
  it('counts target groups per client and filters a window to one client', () => {
    const recorder = new LoadRecorder();
    recorder.record({ at: 1, latencyMs: 1, ok: true, targetGroup: 'blue', client: 0 });
    recorder.record({ at: 2, latencyMs: 1, ok: true, targetGroup: 'green', client: 1 });
    recorder.record({ at: 3, latencyMs: 1, ok: false, status: 503, error: 'HTTP 503', client: 1 });
    recorder.record({ at: 4, latencyMs: 1, ok: true, targetGroup: 'blue', client: 0 });
    expect(recorder.stats(0).byClient).toEqual({ '0': { blue: 2 }, '1': { green: 1 } });
    expect(recorder.stats(0, 3).byClient).toEqual({ '0': { blue: 1 }, '1': {} });
    expect(recorder.stats(0, -Infinity, Infinity, 1)).toMatchObject({ total: 2, failed: 1, byTargetGroup: { green: 1 }, byClient: { '1': { green: 1 } } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_BODY_BYTES,
  createHttpProbe,
  describeNetworkError,
  describeStatusRanges,
  describeWait,
  substituteColour,
} from '../src/health/probe.js';
import type { HealthCheckConfig } from '../src/types.js';

const health = (over: Partial<HealthCheckConfig> = {}): HealthCheckConfig => ({
  headers: {},
  expectedStatus: [{ min: 200, max: 299 }],
  intervalMs: 1000,
  timeoutMs: 2000,
  healthyThreshold: 3,
  unhealthyThreshold: 3,
  ...over,
});

// Real local server: the probe is judged against real sockets, not a mocked http module.
const seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
const server = http.createServer((req, res) => {
  seen.push({ path: req.url ?? '', headers: req.headers });
  switch (req.url) {
    case '/ok':
      res.end('status: ok');
      return;
    case '/down':
      res.writeHead(503).end('maintenance');
      return;
    case '/redirect':
      res.writeHead(302, { location: '/ok' }).end();
      return;
    case '/big': {
      // 'ok' only after the first 64 KiB: the probe must not see it.
      res.write(Buffer.alloc(MAX_BODY_BYTES + 1024, 'x'));
      res.end('ok');
      return;
    }
    case '/big-early':
      res.write('ok');
      res.end(Buffer.alloc(4 * MAX_BODY_BYTES, 'x'));
      return;
    case '/reset':
      res.writeHead(200);
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20); // the connection dies mid-body
      return;
    case '/hang':
      return; // never answers
    case '/stall-body':
      res.writeHead(200);
      res.write('partial'); // headers arrive, the body never ends
      return;
    default:
      res.writeHead(404).end();
  }
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createHttpProbe', () => {
  it('passes a 200 in range and says how long it took', async () => {
    const result = await createHttpProbe(health())(`${base}/ok`);
    expect(result).toMatchObject({ ok: true, url: `${base}/ok`, status: 200 });
    expect(result.detail).toMatch(/^200 OK in \d+ ms$/);
    expect(result.detail).toBe(`200 OK in ${result.durationMs} ms`);
    expect(new Date(result.at).toISOString()).toBe(result.at);
  });

  it('fails a status outside the expected ranges, naming both', async () => {
    const result = await createHttpProbe(health())(`${base}/down`);
    expect(result).toMatchObject({ ok: false, status: 503, detail: 'status 503, expected 200-299' });
    const exact = await createHttpProbe(health({ expectedStatus: [{ min: 200, max: 200 }, { min: 204, max: 206 }] }))(`${base}/down`);
    expect(exact.detail).toBe('status 503, expected 200,204-206');
  });

  it('does not follow a redirect: the 302 is judged as it is', async () => {
    const before = seen.filter((s) => s.path === '/ok').length;
    const result = await createHttpProbe(health({ expectedStatus: [{ min: 200, max: 200 }] }))(`${base}/redirect`);
    expect(result).toMatchObject({ ok: false, status: 302 });
    expect(result.detail).toBe('status 302, expected 200 (redirect to /ok not followed)');
    expect(seen.filter((s) => s.path === '/ok').length).toBe(before);

    const accepting = await createHttpProbe(health({ expectedStatus: [{ min: 302, max: 302 }] }))(`${base}/redirect`);
    expect(accepting).toMatchObject({ ok: true, status: 302 });
  });

  it('checks the body against the expected pattern', async () => {
    const matching = await createHttpProbe(health({ expectedBody: /status: ok/ }))(`${base}/ok`);
    expect(matching.ok).toBe(true);
    const missing = await createHttpProbe(health({ expectedBody: /healthy/i }))(`${base}/ok`);
    expect(missing).toMatchObject({ ok: false, status: 200, detail: 'body did not match /healthy/i' });
  });

  it('judges the same body the same way every time, even with a global pattern', async () => {
    const probe = createHttpProbe(health({ expectedBody: /ok/g }));
    const verdicts = [await probe(`${base}/ok`), await probe(`${base}/ok`), await probe(`${base}/ok`)];
    expect(verdicts.map((r) => r.ok)).toEqual([true, true, true]);
  });

  it('reads at most 64 KiB of body', async () => {
    const probe = createHttpProbe(health({ expectedBody: /ok/ }));
    expect((await probe(`${base}/big`)).detail).toBe('body did not match /ok/');
    expect((await probe(`${base}/big-early`)).ok).toBe(true);
  });

  it('sends the configured headers and never reports their values', async () => {
    const probe = createHttpProbe(health({ headers: { 'x-health-token': 's3cr3t-value' } }));
    const result = await probe(`${base}/down`);
    const request = seen[seen.length - 1];
    expect(request?.headers['x-health-token']).toBe('s3cr3t-value');
    expect(request?.headers['user-agent']).toMatch(/health probe/);
    expect(JSON.stringify(result)).not.toContain('s3cr3t-value');
  });

  it('per probe: sends extra headers, judges by the expected answer given, and fails a body it must not see, naming neither secret', async () => {
    const probe = createHttpProbe(health({ headers: { 'x-health-token': 'configured' }, expectedBody: /never/ }));
    const proof = await probe(`${base}/ok`, undefined, { headers: { 'X-Blue-Green-Verify': 'tok3n' }, expect: { status: [{ min: 200, max: 200 }], body: /status: ok/ } });
    expect(proof.ok).toBe(true);
    const request = seen[seen.length - 1];
    expect(request?.headers['x-blue-green-verify']).toBe('tok3n');
    expect(request?.headers['x-health-token']).toBe('configured');
    const wrong = await probe(`${base}/ok`, undefined, { expect: { status: [{ min: 200, max: 200 }], body: /tok3n/ } });
    expect(wrong).toMatchObject({ ok: false, detail: 'body did not carry the expected answer' });
    const rejected = await createHttpProbe(health())(`${base}/ok`, undefined, { rejectBody: /status/, rejectReason: 'answered by the verification rule itself' });
    expect(rejected).toMatchObject({ ok: false, status: 200, detail: 'answered by the verification rule itself' });
    // Without options the configured check applies as before.
    expect((await probe(`${base}/ok`)).detail).toBe('body did not match /never/');
  });

  it('reports a header value it cannot send without quoting the value', async () => {
    const result = await createHttpProbe(health({ headers: { 'x-token': 'bad\nsecret-part' } }))(`${base}/ok`);
    expect(result.ok).toBe(false);
    expect(result.detail).not.toContain('secret-part');
    expect(result.detail).toBe('Invalid character in header content ["x-token"] (ERR_INVALID_CHAR)');
  });

  it('fails when the connection drops in the middle of the body', async () => {
    const result = await createHttpProbe(health())(`${base}/reset`);
    expect(result).toMatchObject({ ok: false, status: 200, detail: 'connection reset (ECONNRESET)' });
  });

  it('times out a server that never answers, covering the whole request', async () => {
    const probe = createHttpProbe(health({ timeoutMs: 200 }));
    const result = await probe(`${base}/hang`);
    expect(result).toMatchObject({ ok: false, detail: 'timed out after 200 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(result.durationMs).toBeLessThan(1500);
    const stalled = await probe(`${base}/stall-body`);
    expect(stalled).toMatchObject({ ok: false, detail: 'timed out after 200 ms' });
  });

  it('says the connection was refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await createHttpProbe(health())(`http://127.0.0.1:${port}/health`);
    expect(result).toMatchObject({ ok: false, detail: 'connection refused (ECONNREFUSED)' });
    expect(result.status).toBeUndefined();
  });

  it('speaks https for https URLs (a plain HTTP server fails the handshake)', async () => {
    const result = await createHttpProbe(health())(base.replace('http:', 'https:') + '/ok');
    expect(result).toMatchObject({ ok: false, detail: 'TLS handshake failed (EPROTO)' });
  });

  it('rejects URLs it cannot probe without throwing', async () => {
    const probe = createHttpProbe(health());
    expect(await probe('not a url')).toMatchObject({ ok: false, detail: 'invalid URL' });
    expect(await probe('ftp://127.0.0.1/x')).toMatchObject({ ok: false, detail: 'unsupported protocol ftp: (use http or https)' });
  });

  it('rejects with the signal reason when aborted, before or during the request', async () => {
    const probe = createHttpProbe(health({ timeoutMs: 5000 }));
    const early = new AbortController();
    early.abort(new Error('cancelled early'));
    await expect(probe(`${base}/ok`, early.signal)).rejects.toThrow('cancelled early');

    const late = new AbortController();
    const pending = probe(`${base}/hang`, late.signal);
    setTimeout(() => late.abort(new Error('cancelled mid-probe')), 50);
    await expect(pending).rejects.toThrow('cancelled mid-probe');
  });
});

describe('probe helpers', () => {
  it('substitutes every {color}', () => {
    expect(substituteColour('https://{color}.example.com/health?c={color}', 'green')).toBe(
      'https://green.example.com/health?c=green',
    );
    expect(substituteColour('https://example.com/', 'blue')).toBe('https://example.com/');
  });

  it('describes waits and status ranges as the inputs spell them', () => {
    expect(describeWait(5000)).toBe('5s');
    expect(describeWait(1500)).toBe('1.5s');
    expect(describeWait(200)).toBe('200 ms');
    expect(describeStatusRanges([{ min: 200, max: 299 }, { min: 304, max: 304 }])).toBe('200-299,304');
  });

  it('describes network errors by code, keeping unknown ones readable', () => {
    expect(describeNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('host not found (ENOTFOUND)');
    expect(describeNetworkError(Object.assign(new Error('weird thing'), { code: 'EWEIRD' }))).toBe('weird thing (EWEIRD)');
    expect(describeNetworkError(Object.assign(new Error('EWEIRD happened'), { code: 'EWEIRD' }))).toBe('EWEIRD happened');
    expect(describeNetworkError(new Error('first line\nsecond line'))).toBe('first line');
    expect(describeNetworkError('plain')).toBe('plain');
    expect(describeNetworkError(null)).toBe('null');
  });
});

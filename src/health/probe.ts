// One HTTP health probe: a single GET, judged by status range and optional body regex.
//
// Why node:http/https and not fetch: fetch follows redirects unless told `redirect: 'manual'`
// (that part is avoidable), but it also (checked on Node 20) wraps every network error in
// `TypeError: fetch failed`, sometimes with no `cause.code`, so "connection refused" is lost; it
// refuses the Fetch standard's "bad ports" outright (port 1, 6000, 6667, 10080...) so a service on
// one of them could never be checked; and it pools keep-alive connections in a global dispatcher,
// where a socket the server already closed turns into a spurious failure. Global fetch itself adds
// no bundle weight (undici ships inside Node); importing the `undici` package to get control over
// these would. node:http with `agent: false` gives one fresh connection per probe, plain error
// codes and a body we can stop reading at 64 KiB.
import http from 'node:http';
import https from 'node:https';
import type { Colour, HealthCheckConfig, StatusRange } from '../types.js';

export interface ProbeResult {
  ok: boolean;
  url: string;
  status?: number;
  durationMs: number;
  /** One human line, e.g. `200 OK in 12 ms`. Never holds header values. */
  detail: string;
  /** When the probe started, ISO 8601. */
  at: string;
}

/** What one probe sends and expects beyond the configured check (the verification route's header, say). */
export interface ProbeOptions {
  /** Sent on top of `health-check-headers`. */
  headers?: Record<string, string>;
  /** Judge by these instead of the configured status codes and body. */
  expect?: { status: StatusRange[]; body?: RegExp };
  /** A body matching this fails the probe with `rejectReason`, whatever else it says. */
  rejectBody?: RegExp;
  rejectReason?: string;
}

/** Resolves with the verdict; rejects only with `signal.reason` when aborted. */
export type Probe = (url: string, signal?: AbortSignal, options?: ProbeOptions) => Promise<ProbeResult>;

/** Enough body for a health regex; larger pages are cut here rather than held in memory. */
export const MAX_BODY_BYTES = 64 * 1024;

const USER_AGENT = 'ecs-blue-green-action health probe';

/** A copy without g/y: a stateful lastIndex would make every other probe of the same body fail. */
const statelessCopy = (pattern: RegExp): RegExp => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));

/** Replaces every `{color}` with the colour, e.g. `https://{color}.internal/health`. */
export function substituteColour(url: string, colour: Colour): string {
  return url.replaceAll('{color}', colour);
}

/** `200`, `200-299,304`: the same spelling the `health-check-expected-status` input uses. */
export function describeStatusRanges(ranges: StatusRange[]): string {
  return ranges.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(',');
}

/** `5s`, `1.5s`, `200 ms`: how long the probe waited, for `timed out after ...`. */
export function describeWait(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  EPIPE: 'connection closed',
  EPROTO: 'TLS handshake failed',
};

/**
 * `connection refused (ECONNREFUSED)`; unknown errors keep the first line of Node's message, which
 * names no header values. Duck-typed rather than `instanceof Error`: Node's own errors can come
 * from another realm (jest's VM modules), where instanceof is false.
 */
export function describeNetworkError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    const known = NETWORK_ERRORS[code];
    if (known) return `${known} (${code})`;
  }
  const text = typeof message === 'string' ? (message.split('\n')[0] ?? '').trim() : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

/** Builds the probe the gates call. `headers` go on every request; their values never reach `detail`. */
export function createHttpProbe(health: HealthCheckConfig): Probe {
  const bodyPattern = health.expectedBody ? statelessCopy(health.expectedBody) : undefined;
  const baseHeaders: Record<string, string> = { 'user-agent': USER_AGENT, ...health.headers };

  return (url, signal, options = {}) =>
    new Promise<ProbeResult>((resolve, reject) => {
      const ranges = options.expect?.status ?? health.expectedStatus;
      const expected = describeStatusRanges(ranges);
      const statusOk = (status: number) => ranges.some((r) => status >= r.min && status <= r.max);
      const pattern = options.expect ? options.expect.body && statelessCopy(options.expect.body) : bodyPattern;
      const rejectPattern = options.rejectBody && statelessCopy(options.rejectBody);
      const readBody = Boolean(pattern ?? rejectPattern);
      const headers = { ...baseHeaders, ...options.headers };
      const startedAt = Date.now();
      const started = performance.now();
      const at = new Date(startedAt).toISOString();
      let settled = false;
      let request: http.ClientRequest | undefined;

      const finish = (ok: boolean, detail: string | ((durationMs: number) => string), status?: number) => {
        if (settled) return;
        settled = true;
        cleanUp();
        request?.destroy();
        const durationMs = Math.round(performance.now() - started);
        const line = typeof detail === 'string' ? detail : detail(durationMs);
        resolve({ ok, url, ...(status === undefined ? {} : { status }), durationMs, detail: line, at });
      };
      // Runs at most once and never after finish: cleanUp removes the listener.
      const onAbort = () => {
        settled = true;
        cleanUp();
        request?.destroy();
        reject(signal?.reason);
      };
      // One timer for connect + headers + body, as the input `health-check-timeout` promises.
      const timer = setTimeout(() => finish(false, `timed out after ${describeWait(health.timeoutMs)}`), health.timeoutMs);
      const cleanUp = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };

      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });

      let target: URL;
      try {
        target = new URL(url);
      } catch {
        finish(false, 'invalid URL');
        return;
      }
      const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
      if (!transport) {
        finish(false, `unsupported protocol ${target.protocol} (use http or https)`);
        return;
      }

      try {
        // agent: false → a fresh connection per probe (see the note at the top), and no redirects
        // are followed because node:http never follows them.
        request = transport.request(target, { method: 'GET', headers, agent: false });
      } catch (error) {
        // e.g. a header value with a newline: Node's message names the header, not its value.
        finish(false, describeNetworkError(error));
        return;
      }
      request.on('error', (error) => finish(false, describeNetworkError(error)));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (!statusOk(status)) {
          const location = response.headers.location;
          const redirect = status >= 300 && status < 400 && location ? ` (redirect to ${location} not followed)` : '';
          finish(false, `status ${status}, expected ${expected}${redirect}`, status);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const judge = () => {
          if (readBody) {
            const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
            if (rejectPattern?.test(body)) {
              finish(false, options.rejectReason ?? 'body matched what a healthy answer must not contain', status);
              return;
            }
            if (pattern && !pattern.test(body)) {
              // The pattern may hold a secret (the verification route's token): name it only when it is the user's.
              finish(false, options.expect ? 'body did not carry the expected answer' : `body did not match ${pattern.toString()}`, status);
              return;
            }
          }
          const reason = response.statusMessage ? ` ${response.statusMessage}` : '';
          finish(true, (ms) => `${status}${reason} in ${ms} ms`, status);
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) judge();
        });
        response.on('end', judge);
        response.on('error', (error) => finish(false, describeNetworkError(error), status));
      });
      request.end();
    });
}

// Steady user traffic for the sandbox: open-loop (requests leave on schedule whether or not earlier ones have
// answered, so a stalled backend shows up as failures and latency instead of silently slowing the generator),
// over a bounded keep-alive pool, loopback only. Hand-written on node:http because the measurements (per-request
// records, headers and body fields the sandbox adds) are the point and no installed package offers them.
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import { CookieJar } from './cookie-jar.js';
import { ClientResolvers, isLoopbackAddress, namedTarget, type DnsLoadOptions } from './dns-clients.js';
import { LoadRecorder, type LoadBucket, type LoadStats, type RequestOutcome } from './load-stats.js';

export type { LoadBucket, LoadFailure, LoadStats } from './load-stats.js';
export type { DnsLoadOptions } from './dns-clients.js';

export interface LoadOptions {
  /** http:// URL on 127.0.0.0/8, [::1] or localhost; with `dns`, any http:// URL whose name the DNS server answers. */
  url: string;
  ratePerSecond: number;
  /** Per request, from issue to the end of the body; counts as a failure. Default 2000. */
  timeoutMs?: number;
  maxRequests?: number;
  /** Hard stop: the generator stops issuing by itself after this long, whatever the caller does. */
  maxDurationMs: number;
  /** Keep-alive pool bound. Default 32. */
  maxSockets?: number;
  /** Extra request headers, e.g. `host` to exercise a listener rule's host-header condition. */
  headers?: Record<string, string>;
  /**
   * Simulated users, each with its own cookie jar (so an ALB's AWSALBTG binding sticks to it), issuing the
   * requests in turn; requests are recorded with their client's index, 0..clients-1. Without it every
   * request is anonymous and no cookie is kept.
   */
  clients?: number;
  /**
   * Resolve the URL's name through this DNS server (dns-clients.ts): each client (`clients`, else one) caches its
   * answer for the TTL and sends to the address it holds, with the name in Host; requests record that `address`.
   * An answer that is not loopback, or a failed lookup, fails the request without connecting anywhere.
   */
  dns?: DnsLoadOptions;
}

export interface LoadRun {
  /** Epoch ms of the first request. */
  startedAt: number;
  /** Live stats over everything finished so far. */
  stats(): LoadStats;
  /**
   * Stats over the requests issued in [fromMs, toMs), epoch ms (e.g. Date.now() at phase boundaries); with
   * `client`, over that client's requests only.
   */
  window(fromMs: number, toMs?: number, client?: number): LoadStats;
  /** Per `bucketMs` (default 1000) from `fromMs`: requests, failures, and who served them (LoadRecorder.series). */
  series(bucketMs?: number, fromMs?: number, toMs?: number): LoadBucket[];
  /** With `dns`: lookups each client has made. */
  dnsLookups(): number[];
  /** Stops issuing, waits for requests in flight (each bounded by timeoutMs), closes the pool. */
  stop(): Promise<LoadStats>;
  /** Settles with the final stats once the generator has stopped, by itself or through stop(). */
  done: Promise<LoadStats>;
}

/** A URL this workplace's rule forbids: the generator only ever talks to this machine. */
export class NotLoopback extends Error {
  override name = 'NotLoopback';
  constructor(readonly url: string) {
    super(`load generator refuses ${url}: only http:// URLs on loopback (127.0.0.0/8, [::1], localhost) are allowed`);
  }
}

const BODY_LIMIT_BYTES = 64 * 1024;
// Idle pooled sockets are closed well before a Node server's 5 s keep-alive timeout, so a request is never
// written onto a socket the server is closing at that moment (which would count as a false failure).
const IDLE_SOCKET_MS = 1000;

export function startLoad(options: LoadOptions): LoadRun {
  const target = options.dns ? { ...namedTarget(options.url), address: undefined } : loopbackTarget(options.url);
  if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
    throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
  }
  if (!(options.maxDurationMs > 0)) throw new RangeError(`maxDurationMs must be positive, got ${options.maxDurationMs}`);
  if (options.clients !== undefined && !(Number.isInteger(options.clients) && options.clients > 0)) {
    throw new RangeError(`clients must be a positive integer, got ${options.clients}`);
  }
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxRequests = options.maxRequests ?? Infinity;
  const intervalMs = 1000 / options.ratePerSecond;
  const maxSockets = options.maxSockets ?? 32;
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: IDLE_SOCKET_MS });
  const headers: Record<string, string> = { host: target.host, ...lowerCaseKeys(options.headers ?? {}) };
  const jars = Array.from({ length: options.clients ?? 0 }, () => new CookieJar());
  const resolvers = options.dns && 'name' in target ? new ClientResolvers(target.name, options.clients ?? 1, options.dns) : undefined;

  const recorder = new LoadRecorder();
  const startedAt = Date.now();
  const t0 = performance.now();
  let issued = 0;
  let inFlight = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let drained: () => void = () => undefined;
  const allDrained = new Promise<void>((resolve) => {
    drained = resolve;
  });
  let resolveDone: (stats: LoadStats) => void = () => undefined;
  const done = new Promise<LoadStats>((resolve) => {
    resolveDone = resolve;
  });

  const finish = (): Promise<LoadStats> => {
    if (!stopping) {
      stopping = true;
      clearTimeout(timer);
      if (inFlight === 0) drained();
      void allDrained.then(() => {
        resolvers?.close();
        agent.destroy();
        resolveDone(recorder.stats(0));
      });
    }
    return done;
  };

  const fire = (sequence: number): void => {
    const client = jars.length > 0 ? sequence % jars.length : undefined;
    const jar = client === undefined ? undefined : jars[client];
    const at = Date.now();
    const begin = performance.now();
    inFlight += 1;
    let settled = false;
    let req: ClientRequest | undefined;
    let address: string | undefined;
    const deadline = setTimeout(() => {
      settle({ ok: false, error: `timeout after ${timeoutMs} ms` });
      req?.destroy();
    }, timeoutMs);
    const settle = (outcome: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      recorder.record({ at, latencyMs: performance.now() - begin, ...(client !== undefined ? { client } : {}), ...(address !== undefined ? { address } : {}), ...outcome });
      inFlight -= 1;
      if (stopping && inFlight === 0) drained();
    };
    const send = (host: string): void => {
      const cookie = [headers.cookie, jar?.header()].filter((c) => c !== undefined).join('; ');
      req = request(
        { agent, host, port: target.port, path: target.path, method: 'GET', headers: cookie ? { ...headers, cookie } : headers },
        (res) => {
          // Kept as soon as the headers arrive, before the request counts as finished, so a client whose
          // request is recorded has its cookies for the next one.
          jar?.store(res.headers['set-cookie']);
          readResponse(res, settle);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, error: error.code ?? error.message }));
      req.end();
    };
    if (!resolvers) return send(target.address ?? '127.0.0.1');
    resolvers.address(client ?? 0).then(
      (resolved) => {
        address = resolved;
        if (settled) return;
        if (isLoopbackAddress(resolved)) send(resolved);
        else settle({ ok: false, error: `DNS answered ${resolved}, not loopback: not connecting` });
      },
      (error: NodeJS.ErrnoException) => settle({ ok: false, error: `DNS ${error.code ?? error.message}` }),
    );
  };

  const tick = (): void => {
    if (stopping) return;
    const elapsed = performance.now() - t0;
    if (elapsed >= options.maxDurationMs) {
      void finish();
      return;
    }
    // Everything due by now leaves now: after a stall the schedule catches up instead of drifting.
    const due = Math.min(Math.floor(elapsed / intervalMs) + 1, maxRequests);
    while (issued < due) {
      fire(issued);
      issued += 1;
    }
    if (issued >= maxRequests) {
      void finish();
      return;
    }
    const next = Math.min(issued * intervalMs, options.maxDurationMs);
    timer = setTimeout(tick, Math.max(0, next - (performance.now() - t0)));
  };
  tick();

  return {
    startedAt,
    stats: () => recorder.stats(inFlight),
    window: (fromMs, toMs = Infinity, client) => recorder.stats(inFlight, fromMs, toMs, client),
    series: (bucketMs, fromMs, toMs) => recorder.series(bucketMs, fromMs, toMs),
    dnsLookups: () => resolvers?.lookups() ?? [],
    stop: finish,
    done,
  };
}

/** What a request's answer (or lack of one) adds to its record. */
type Answer = Omit<RequestOutcome, 'at' | 'latencyMs' | 'client'>;

/** Reads the body (bounded) and classifies the response: 5xx fails, anything else answered counts as served. */
function readResponse(res: IncomingMessage, settle: (outcome: Answer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    if (size < BODY_LIMIT_BYTES) chunks.push(chunk);
    size += chunk.length;
  });
  // A connection dropped mid-body is a failed request even though a status line arrived.
  res.on('aborted', () => settle({ ok: false, status: res.statusCode, error: 'response aborted' }));
  res.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, status: res.statusCode, error: error.code ?? error.message }));
  res.on('end', () => {
    const status = res.statusCode ?? 0;
    const targetGroup = header(res, 'x-sandbox-target-group');
    const version = bodyVersion(Buffer.concat(chunks).toString('utf8')) ?? header(res, 'x-sandbox-version');
    settle({
      ok: status < 500,
      status,
      ...(status >= 500 ? { error: `HTTP ${status}` } : {}),
      ...(targetGroup !== undefined ? { targetGroup } : {}),
      ...(version !== undefined ? { version } : {}),
    });
  });
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bodyVersion(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const version = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).version : undefined;
    return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
  } catch {
    return undefined;
  }
}

/** Where to connect; throws NotLoopback for anything that could leave this machine. */
export function loopbackTarget(url: string): { address: string; port: number; path: string; host: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NotLoopback(url);
  }
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '') throw new NotLoopback(url);
  const name = parsed.hostname;
  let address: string;
  if (isIPv4(name) && name.startsWith('127.')) address = name;
  else if (name === '[::1]') address = '::1';
  // Connect to the loopback address ourselves rather than trust a resolver with the name.
  else if (name === 'localhost') address = '127.0.0.1';
  else throw new NotLoopback(url);
  return { address, port: parsed.port === '' ? 80 : Number(parsed.port), path: `${parsed.pathname}${parsed.search}`, host: parsed.host };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

// A fake of GitHub's REST API for deployments and deployment statuses on loopback, so the action's GitHub records
// can be tested end to end through the real `@actions/github`: point GITHUB_API_URL at it (env()). Every call needs
// a token (`token T` or `Bearer T`); a token can be limited to reading. Faults per operation (error answers,
// latency, hangs), a log of every request and an event per request. Where GitHub's docs are silent it makes the
// choices sandbox/README.md lists.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GitHubError, mergeConflict, notAccessible, notFound, problemsParsingJson, requiresAuthentication, validationFailed } from './errors.js';
import { GitHubFaults, type GitHubFaultSpec } from './faults.js';
import { GitHubModel, type CommitState, type Deployment, type DeploymentStatus, type ModelOptions } from './model.js';
import { matchRoute, type Reply, type Route } from './routes.js';

export type { CommitState, Deployment, DeploymentState, DeploymentStatus } from './model.js';
export { MAIN_SHA } from './model.js';
export type { GitHubFaultKind, GitHubFaultSpec, GitHubFaultStatus } from './faults.js';

export type GitHubFakeOptions = ModelOptions;

/** What a token may do with deployments: `write` (the default for any token), `read` (writes get 403), `none` (all 403). */
export type TokenPermission = 'write' | 'read' | 'none';

export interface GitHubRequest {
  method: string;
  /** The path without the query, e.g. `/repos/sandbox/app/deployments/3/statuses`. */
  path: string;
  query: Record<string, string>;
  /** Octokit's name of the route (`createDeploymentStatus`); absent when no route matched (404). */
  operation?: string;
  /** The parsed JSON body; the text when it is not JSON; undefined when empty. */
  body: unknown;
  /** As received, with the token in `authorization` replaced by `***`. */
  headers: Record<string, string>;
  /** Epoch ms when the request arrived. */
  at: number;
  durationMs: number;
  /** HTTP status sent; 0 when no reply was sent (`hang`, or the fake stopped during a latency). */
  status: number;
  /** The injected fault that shaped this response, if any. */
  fault?: GitHubFaultSpec['kind'];
  /** Only for `hang`: the reply the call would have had (it ran). */
  lostReply?: { status: number };
}

export interface GitHubFake {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `GITHUB_API_URL` for a process using `@actions/github` (read once, when it is imported). */
  env(): { GITHUB_API_URL: string };
  /** Copies in creation order (the API lists newest first); of one repository (`owner/repo`) when given. */
  deployments(repo?: string): Deployment[];
  /** Copies in creation order (the API lists newest first). */
  statuses(deploymentId: number): DeploymentStatus[];
  requests(filter?: { operation?: string; since?: number }): GitHubRequest[];
  clearRequests(): void;
  /**
   * Resolves with the first request logged from now on (or, with `since`, from then on) that matches: an operation
   * name or a predicate. Logged once the reply is sent, or once a hang begins. Rejects after `timeoutMs` (10 s).
   */
  waitForRequest(match?: string | ((r: GitHubRequest) => boolean), o?: { since?: number; timeoutMs?: number }): Promise<GitHubRequest>;
  /** `request` (GitHubRequest), for every request logged. */
  events: EventEmitter;
  /** A branch or tag name (`refs/heads/…` and `refs/tags/…` also find it) now resolves to `sha`. */
  setRef(name: string, sha: string): void;
  /** The branch is behind the default branch: creating a deployment of it with `auto_merge` (the default) gets 202. */
  setBehind(ref: string, behind?: boolean): void;
  /** Sets states of commit statuses (contexts) on a SHA (or the SHA a ref resolves to), for the `required_contexts` check. */
  setCommitStatuses(shaOrRef: string, contexts: Record<string, CommitState>): void;
  setTokenPermission(token: string, permission: TokenPermission): void;
  injectFault(spec: GitHubFaultSpec): string;
  /** The next `times` (1) calls of `operation` (`*`: any) hang: see GitHubFaultSpec. */
  hang(operation?: string, times?: number): string;
  removeFault(id: string): void;
  clearFaults(): void;
  faults(): GitHubFaultSpec[];
  /** Forgets deployments, refs and states set, token permissions, faults and requests; ids keep increasing. */
  reset(): void;
  /** Closes the server and every connection, held (hung) ones included. */
  stop(): Promise<void>;
}

interface Fake {
  model: GitHubModel;
  faults: GitHubFaults;
  permissions: Map<string, TokenPermission>;
  record(entry: GitHubRequest): void;
  url: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const DEFAULT_WAIT_MS = 10_000;

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const events = new EventEmitter();
  let log: GitHubRequest[] = [];
  const fake: Fake = {
    model: new GitHubModel(url, options),
    faults: new GitHubFaults(),
    permissions: new Map(),
    url,
    record(entry) {
      log.push(entry);
      events.emit('request', entry);
    },
  };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(fake, req, res, Buffer.concat(chunks).toString('utf8')));
  });

  const list = (filter: { operation?: string; since?: number } = {}) =>
    log.filter((r) => (filter.operation === undefined || r.operation === filter.operation) && (filter.since === undefined || r.at >= filter.since));
  return {
    url,
    env: () => ({ GITHUB_API_URL: url }),
    deployments: (repo) => fake.model.deployments(repo),
    statuses: (id) => fake.model.statuses(id),
    requests: list,
    clearRequests: () => {
      log = [];
    },
    waitForRequest(match, o = {}) {
      const matches = typeof match === 'function' ? match : (r: GitHubRequest) => match === undefined || r.operation === match;
      const earlier = o.since === undefined ? undefined : list({ since: o.since }).find(matches);
      return earlier ? Promise.resolve(earlier) : nextRequest(events, matches, o.timeoutMs ?? DEFAULT_WAIT_MS);
    },
    events,
    setRef: (name, sha) => fake.model.setRef(name, sha),
    setBehind: (ref, behind = true) => fake.model.setBehind(ref, behind),
    setCommitStatuses: (shaOrRef, contexts) => fake.model.setCommitStates(shaOrRef, contexts),
    setTokenPermission: (token, permission) => fake.permissions.set(token, permission),
    injectFault: (spec) => fake.faults.add(spec),
    hang: (operation = '*', times = 1) => fake.faults.add({ kind: 'hang', operation, times }),
    removeFault: (id) => fake.faults.remove(id),
    clearFaults: () => fake.faults.clear(),
    faults: () => fake.faults.list(),
    reset() {
      fake.model.reset();
      fake.faults.clear();
      fake.permissions.clear();
      log = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function nextRequest(events: EventEmitter, matches: (r: GitHubRequest) => boolean, timeoutMs: number): Promise<GitHubRequest> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off('request', onRequest);
      reject(new Error(`no matching request reached the GitHub fake within ${timeoutMs} ms`));
    }, timeoutMs);
    const onRequest = (r: GitHubRequest) => {
      if (!matches(r)) return;
      clearTimeout(timer);
      events.off('request', onRequest);
      resolve(r);
    };
    events.on('request', onRequest);
  });
}

async function handle(fake: Fake, req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? '/', fake.url);
  const method = req.method ?? 'GET';
  const matched = matchRoute(method, url.pathname);
  const entry = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    ...(matched ? { operation: matched.route.operation } : {}),
    body: parseLoosely(raw),
    headers: redactedHeaders(req.headers),
    at: started,
  };
  const token = tokenOf(req.headers.authorization);
  if (token === undefined || !matched) {
    const reply = errorReply(token === undefined ? requiresAuthentication() : notFound());
    fake.record({ ...entry, durationMs: Date.now() - started, status: send(res, reply) ? reply.status : 0 });
    return;
  }

  const faults = fake.faults.take(matched.route);
  const latency = faults.filter((f) => f.kind === 'latency').reduce((sum, f) => sum + (f.latencyMs ?? 0), 0);
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  const failure = faults.find((f) => f.kind !== 'latency');
  const fault = failure?.kind ?? (latency > 0 ? 'latency' : undefined);
  const reply =
    failure?.kind === 'error'
      ? errorReply(injectedError(fake, matched.route, failure.status ?? 500, raw))
      : run(fake, matched.route, { params: matched.params, query: url.searchParams, body: raw, self: `${fake.url}${url.pathname}` }, token);
  if (failure?.kind === 'hang') {
    // Logged now, not when the connection ends: a test must see that the call took effect while the client waits.
    fake.record({ ...entry, durationMs: Date.now() - started, status: 0, fault, lostReply: { status: reply.status } });
    holdSilently(req.socket);
    return;
  }
  const status = send(res, reply) ? reply.status : 0;
  fake.record({ ...entry, durationMs: Date.now() - started, status, ...(fault ? { fault } : {}) });
}

function run(fake: Fake, route: Route, call: { params: Record<string, string>; query: URLSearchParams; body: string; self: string }, token: string): Reply {
  try {
    const permission = fake.permissions.get(token) ?? 'write';
    if (permission === 'none' || (permission === 'read' && route.write)) throw notAccessible(route.docs);
    return route.run(fake.model, { ...call, body: parseJson(call.body, route.docs) });
  } catch (e) {
    if (e instanceof GitHubError) return errorReply(e);
    // Anything else is a bug of the fake: a 500 that names it.
    return { status: 500, body: { message: `GitHub fake bug: ${e instanceof Error ? e.stack : String(e)}`, status: '500' } };
  }
}

/** GitHub's body for an injected status. */
function injectedError(fake: Fake, route: Route, status: number, raw: string): GitHubError {
  switch (status) {
    case 403:
      return notAccessible(route.docs);
    case 409: {
      const ref = (parseLoosely(raw) as { ref?: unknown } | undefined)?.ref;
      return route.operation === 'createDeployment' && typeof ref === 'string'
        ? mergeConflict(fake.model.defaultBranch, ref)
        : new GitHubError(409, 'Conflict', route.docs);
    }
    case 422:
      return validationFailed(route.docs, []);
    default:
      return new GitHubError(status, 'Server Error', route.docs);
  }
}

const errorReply = (e: GitHubError): Reply => ({ status: e.status, body: e.body });

/** False when the connection is gone: the fake stopped while this call waited out a latency. */
function send(res: http.ServerResponse, reply: Reply): boolean {
  if (res.destroyed || res.socket?.destroyed !== false) return false;
  res.writeHead(reply.status, { 'content-type': JSON_TYPE, ...reply.headers });
  res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  return true;
}

/** The token of `authorization: token T` or `Bearer T` (what octokit sends); undefined when there is none. */
function tokenOf(header: string | undefined): string | undefined {
  return /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

function redactedHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = name === 'authorization' ? String(value).replace(/^(\S+)\s+.*$/, '$1 ***') : [value].flat().join(', ');
  }
  return out;
}

function parseJson(raw: string, docs: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw problemsParsingJson(docs);
  }
}

function parseLoosely(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * A hang: nothing is sent until the client gives up; stop() ends held connections with the rest
 * (closeAllConnections). Unref'd, a held connection alone does not keep the process alive.
 */
function holdSilently(socket: Socket): void {
  if (!socket.destroyed) socket.unref();
}

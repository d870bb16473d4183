// The ALB data plane: one real HTTP reverse proxy per listener. Every request is routed on its own
// (keep-alive connections are not pinned), so a listener change applies to the next request while
// requests already sent to a target run to completion. A forward with target-group stickiness binds
// each client to a group through the AWSALBTG cookie (stickiness.ts). Every request that gets an answer is
// measured for CloudWatch (cloudwatch/metrics.ts) when it ends; health checks do not pass through here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AlbMetrics, AlbOutcome } from '../cloudwatch/metrics.js';
import type { ElbModel, Target, TargetHealthEvent } from './model.js';
import { targetKey } from './model.js';
import { actionsFor, pickTarget, terminalAction } from './routing.js';
import { bindingCookies, chooseTargetGroup } from './stickiness.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export class DataPlane {
  private readonly servers = new Map<string, http.Server>();
  private readonly agents = new Map<string, http.Agent>();

  constructor(
    private readonly model: ElbModel,
    private readonly metrics?: AlbMetrics,
    private readonly targetTimeoutMs = 30_000,
  ) {
    // A target that leaves its group takes its pooled connections with it.
    model.events.on('targetHealth', (e: TargetHealthEvent) => {
      if (e.target.state !== 'removed') return;
      const key = targetKey(e.target);
      this.agents.get(key)?.destroy();
      this.agents.delete(key);
    });
  }

  /** Starts the listener's proxy on a loopback address (default 127.0.0.1); resolves to its port. */
  async open(listenerArn: string, port = 0, host = '127.0.0.1'): Promise<number> {
    const server = http.createServer((req, res) => this.handle(listenerArn, req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.servers.set(listenerArn, server);
    return (server.address() as AddressInfo).port;
  }

  /** Stops one listener's proxy (e.g. a bind that has to be retried on another port). */
  async closeListener(listenerArn: string): Promise<void> {
    const server = this.servers.get(listenerArn);
    this.servers.delete(listenerArn);
    if (server) await new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
  }

  async close(): Promise<void> {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    await Promise.all(
      [...this.servers.values()].map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    this.servers.clear();
  }

  private handle(listenerArn: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const listener = this.model.listener(listenerArn);
    const measure: Measure = { arrivedAt: Date.now() };
    // Recorded when the request ends, in the period it arrived in; a client that leaves before any answer is not counted.
    if (listener) res.once('close', () => this.record(listener.loadBalancerArn, measure));
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const action = listener
      ? terminalAction(
          actionsFor(listener, {
            host: req.headers.host ?? '',
            path: url.pathname,
            method: req.method ?? 'GET',
            headers: req.headers,
            query: url.searchParams,
          }),
        )
      : undefined;
    if (!action) return albError(res, 503, measure);
    if (action.Type === 'fixed-response') {
      const cfg = action.FixedResponseConfig as { StatusCode: string; ContentType?: string; MessageBody?: string };
      measure.outcome = { kind: 'elb', status: Number(cfg.StatusCode), action: 'fixed-response' };
      res.writeHead(Number(cfg.StatusCode), { 'content-type': cfg.ContentType ?? 'text/plain' });
      res.end(cfg.MessageBody ?? '');
      return;
    }
    if (action.Type === 'redirect') {
      const cfg = action.RedirectConfig as { StatusCode: string; Host: string; Path: string; Query: string };
      const host = cfg.Host.replace('#{host}', req.headers.host ?? '');
      const path = cfg.Path.replace('/#{path}', url.pathname);
      const status = cfg.StatusCode === 'HTTP_301' ? 301 : 302;
      measure.outcome = { kind: 'elb', status, action: 'redirect' };
      res.writeHead(status, { location: `http://${host}${path}${url.search}` });
      res.end();
      return;
    }
    const choice = chooseTargetGroup(action, req.headers.cookie);
    const tg = choice.targetGroupArn ? this.model.targetGroup(choice.targetGroupArn) : undefined;
    const target = tg ? pickTarget(tg) : undefined;
    // A bound group with nothing to send to is a 503, not a reason to move the client elsewhere; the
    // answer carries no cookie because no group served it.
    if (!tg || !target) return albError(res, 503, measure);
    const cookies = choice.binding ? bindingCookies(choice.binding) : [];
    measure.targetGroupArn = tg.arn;
    this.forward(req, res, { tgName: tg.name, target, cookies, measure }, true);
  }

  private record(loadBalancerArn: string, m: Measure): void {
    if (!this.metrics || !m.outcome) return;
    this.metrics.record({
      loadBalancer: loadBalancerArn.slice(loadBalancerArn.indexOf('loadbalancer/') + 'loadbalancer/'.length),
      targetGroup: m.targetGroupArn?.slice(m.targetGroupArn.lastIndexOf(':') + 1),
      arrivedAt: m.arrivedAt,
      outcome: m.outcome,
    });
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, route: Route, mayRetry: boolean): void {
    const { tgName, target, cookies, measure } = route;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.includes(k)) headers[k] = v;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
    headers['x-amzn-trace-id'] = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    target.inFlight += 1;
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        target.inFlight -= 1;
      }
    };
    // TargetResponseTime: from the request leaving the ALB (this attempt) to the target's response headers.
    const sentAt = performance.now();
    const upstream = http.request(
      { host: target.id, port: target.port, method: req.method, path: req.url, headers, agent: this.agentFor(target) },
      (up) => {
        measure.outcome = { kind: 'target', status: up.statusCode ?? 502, responseTimeS: (performance.now() - sentAt) / 1000 };
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.includes(k)) out[k] = v;
        if (cookies.length > 0) out['set-cookie'] = [...(up.headers['set-cookie'] ?? []), ...cookies];
        out['x-sandbox-target-group'] = tgName;
        out['x-sandbox-target'] = `${target.id}:${target.port}`;
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
        up.on('end', finish);
        up.on('error', () => {
          finish();
          res.destroy();
        });
      },
    );
    upstream.setTimeout(this.targetTimeoutMs, () => {
      finish();
      upstream.destroy();
      if (!res.headersSent) albError(res, 504, measure, cookies);
    });
    upstream.on('error', () => {
      finish();
      // A pooled connection the target closed just as we reused it: retry once on a new one,
      // as Node's documentation recommends for idempotent requests.
      if (mayRetry && upstream.reusedSocket && !res.headersSent && isIdempotent(req.method)) {
        this.forward(req, res, route, false);
        return;
      }
      if (!res.headersSent) albError(res, 502, measure, cookies);
      else res.destroy();
    });
    // On a retry the request body has already been read: GET-like requests have none.
    if (req.readableEnded) upstream.end();
    else req.pipe(upstream);
  }

  private agentFor(target: Target): http.Agent {
    const key = targetKey(target);
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

/** Where the forward sends one request, and the stickiness cookies its response carries. */
interface Route {
  tgName: string;
  target: Target;
  cookies: string[];
  measure: Measure;
}

/** What the ALB's CloudWatch metrics need to know about one request. */
interface Measure {
  arrivedAt: number;
  /** Set when a target was chosen: the request counts for its group. */
  targetGroupArn?: string;
  /** Set once the client has an answer (headers sent). */
  outcome?: AlbOutcome;
}

const isIdempotent = (method: string | undefined): boolean => ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method ?? 'GET');

/** `cookies`: a 502/504 still comes from the group the forward chose, so the binding stands. */
function albError(res: http.ServerResponse, status: 502 | 503 | 504, measure: Measure, cookies: string[] = []): void {
  measure.outcome = status === 502 ? { kind: 'connection-error' } : status === 504 ? { kind: 'timeout' } : { kind: 'elb', status };
  const text = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status];
  res.writeHead(status, { 'content-type': 'text/html', server: 'awselb/2.0', ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}) });
  res.end(`<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`);
}

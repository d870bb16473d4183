// The AWS endpoint: one HTTP server on loopback speaking each service's wire protocol, chosen as AWS
// chooses it: `X-Amz-Target` for JSON services (ECS, SSM: JSON 1.1; CloudWatch: JSON 1.0 in
// query-compatible mode), a form body with `Action` and `Version=2015-12-01` for ELBv2 (Query/XML), the method and a
// path under `/2013-04-01/` for Route 53 (REST-XML).
// Faults are applied around the operation (before it runs, or to its reply); every call is logged.
// Signatures are not checked.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AwsError } from '../core/aws-error.js';
import type { FaultInjector, FaultSpec } from '../core/faults.js';
import { requestId } from '../core/ids.js';
import type { RequestLog, ServiceName } from '../core/request-log.js';
import { jsonBody, jsonErrorBody, jsonErrorHeaders } from '../protocol/json.js';
import { parseQueryBody, queryError, queryResponse, type QueryObject } from '../protocol/query.js';
import { matchRoute, parseXml, restXmlError, restXmlResponse } from '../protocol/rest-xml.js';
import { ROUTE53_LIST_ITEMS, ROUTE53_PATH_PREFIX, ROUTE53_ROUTES, ROUTE53_XMLNS } from '../route53/api.js';

type Operations = Record<string, (input: never) => unknown>;

export interface EndpointDeps {
  log: RequestLog;
  faults: FaultInjector;
  operations: Record<ServiceName, Operations>;
  /** Handles `/_sandbox/...`; returns the JSON to send. */
  control(method: string, path: string, query: URLSearchParams, body: unknown): Promise<unknown>;
}

const JSON_TARGETS: Record<string, { service: ServiceName; version: '1.0' | '1.1' }> = {
  AmazonEC2ContainerServiceV20141113: { service: 'ecs', version: '1.1' },
  AmazonSSM: { service: 'ssm', version: '1.1' },
  GraniteServiceVersion20100801: { service: 'cloudwatch', version: '1.0' },
};
const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

interface Call {
  service: ServiceName;
  operation: string;
  input: unknown;
  respond(status: number, result: unknown): void;
  fail(error: AwsError): void;
}

export async function startEndpoint(deps: EndpointDeps, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(deps, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(deps: EndpointDeps, req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  if (url.pathname.startsWith('/_sandbox')) return handleControl(deps, req, res, url, body);
  const call = url.pathname.startsWith(ROUTE53_PATH_PREFIX) ? decodeRoute53(req, res, url, body) : decode(req, res, body);
  if (!call) return;
  const started = Date.now();
  const faults = deps.faults.take(call.service, call.operation);
  const latency = faults.filter((f) => f.kind === 'latency').reduce((s, f) => s + (f.latencyMs ?? 0), 0);
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  const failure = faults.find((f) => f.kind !== 'latency');
  const entry = { service: call.service, operation: call.operation, at: started, fault: failure?.kind ?? (latency ? 'latency' : undefined) };
  if (failure?.kind === 'drop') {
    deps.log.record({ ...entry, durationMs: Date.now() - started, status: 0 });
    req.socket.destroy();
    return;
  }
  const error = failure?.kind === 'throttle' || failure?.kind === 'error' ? injectedError(call.service, failure) : undefined;
  const outcome = error ? { error } : run(deps, call);
  const reply = { status: outcome.error?.status ?? 200, ...(outcome.error ? { errorCode: outcome.error.code } : {}) };
  if (failure?.kind === 'drop-reply' || failure?.kind === 'hang') {
    // Logged now, not when the connection ends: a hang may last until the sandbox stops, and a test must
    // be able to see that the call took effect while the client is still waiting.
    deps.log.record({ ...entry, durationMs: Date.now() - started, status: 0, lostReply: reply });
    if (failure.kind === 'drop-reply') req.socket.destroy();
    else holdSilently(req.socket, failure.latencyMs);
    return;
  }
  if (outcome.error) call.fail(outcome.error);
  else call.respond(200, outcome.result);
  deps.log.record({ ...entry, durationMs: Date.now() - started, ...reply });
}

function injectedError(service: ServiceName, fault: FaultSpec): AwsError {
  if (fault.kind === 'throttle') {
    const code = service === 'elbv2' || service === 'cloudwatch' || service === 'route53' ? 'Throttling' : 'ThrottlingException';
    return new AwsError(code, 'Rate exceeded', 400);
  }
  return fault.status === 503
    ? new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503)
    : new AwsError('InternalFailure', 'We encountered an internal error. Please try again.', 500);
}

function run(deps: EndpointDeps, call: Call): { result?: unknown; error?: AwsError } {
  const op = deps.operations[call.service][call.operation];
  try {
    if (!op) throw unknownOperation(call.service, call.operation);
    return { result: (op as (i: unknown) => unknown)(call.input) };
  } catch (e) {
    // Anything but an AwsError is a sandbox bug: surface it as a 500 that names it.
    return { error: e instanceof AwsError ? e : new AwsError('InternalFailure', `sandbox bug: ${e instanceof Error ? e.stack : String(e)}`, 500) };
  }
}

/**
 * A `hang`: the connection stays open with nothing sent until the client gives up, or until `ms` when given.
 * close() ends held connections with the rest (closeAllConnections), so stopping the sandbox never waits
 * for one; unref'd, a held connection alone does not keep the process alive.
 */
function holdSilently(socket: Socket, ms: number | undefined): void {
  if (socket.destroyed) return;
  socket.unref();
  if (ms === undefined) return;
  const timer = setTimeout(() => socket.destroy(), ms).unref();
  socket.once('close', () => clearTimeout(timer));
}

function unknownOperation(service: ServiceName, operation: string): AwsError {
  return service === 'elbv2'
    ? new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`)
    : new AwsError('UnknownOperationException', `The sandbox does not implement ${operation}.`);
}

function decode(req: http.IncomingMessage, res: http.ServerResponse, body: string): Call | undefined {
  const reqId = requestId();
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix = '', operation = ''] = target.split('.');
    const spec = JSON_TARGETS[prefix];
    if (!spec) {
      sendJson(res, 400, reqId, '1.1', JSON.stringify({ __type: 'UnknownOperationException', message: `unknown target ${target}` }));
      return undefined;
    }
    let input: unknown;
    try {
      input = JSON.parse(body || '{}');
    } catch {
      sendJson(res, 400, reqId, spec.version, JSON.stringify({ __type: 'SerializationException', message: 'malformed JSON body' }));
      return undefined;
    }
    const queryCompatible = spec.service === 'cloudwatch';
    return {
      service: spec.service,
      operation,
      input,
      respond: (status, result) => sendJson(res, status, reqId, spec.version, jsonBody(result)),
      fail: (e) => sendJson(res, e.status, reqId, spec.version, jsonErrorBody(e), jsonErrorHeaders(e, queryCompatible)),
    };
  }
  const params: QueryObject = parseQueryBody(body);
  const action = params.Action;
  if (typeof action !== 'string' || params.Version !== '2015-12-01') {
    const e = new AwsError('InvalidAction', 'Could not find operation: expected an X-Amz-Target header or an ELBv2 Action with Version=2015-12-01');
    sendXml(res, 400, reqId, queryError(e, reqId));
    return undefined;
  }
  return {
    service: 'elbv2',
    operation: action,
    input: params,
    respond: (status, result) => sendXml(res, status, reqId, queryResponse(action, ELB_XMLNS, result as Record<string, unknown>, reqId)),
    fail: (e) => sendXml(res, e.status, reqId, queryError(e, reqId)),
  };
}

/** Route 53: the route names the operation; its input is the path labels, the query and the XML body. */
function decodeRoute53(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string): Call | undefined {
  const reqId = requestId();
  const fail = (e: AwsError) => sendXml(res, e.status, reqId, restXmlError(e, reqId, ROUTE53_XMLNS));
  const route = matchRoute(ROUTE53_ROUTES, req.method ?? 'GET', url.pathname);
  if (!route) {
    fail(new AwsError('UnknownOperationException', `The sandbox does not implement ${req.method} ${url.pathname}.`, 404));
    return undefined;
  }
  let document;
  try {
    document = body.trim() === '' ? undefined : parseXml(body);
  } catch (e) {
    fail(new AwsError('InvalidInput', `Invalid XML ; ${e instanceof Error ? e.message : String(e)}`));
    return undefined;
  }
  return {
    service: 'route53',
    operation: route.operation,
    input: { labels: route.labels, query: url.searchParams, body: document },
    respond: (status, result) => sendXml(res, status, reqId, restXmlResponse(route.operation, ROUTE53_XMLNS, result as Record<string, unknown>, ROUTE53_LIST_ITEMS)),
    fail,
  };
}

function sendJson(res: http.ServerResponse, status: number, reqId: string, version: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': reqId, ...extra });
  res.end(body);
}

function sendXml(res: http.ServerResponse, status: number, reqId: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': reqId });
  res.end(body);
}

async function handleControl(deps: EndpointDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string): Promise<void> {
  try {
    const parsed: unknown = body ? JSON.parse(body) : undefined;
    const out = await deps.control(req.method ?? 'GET', url.pathname.slice('/_sandbox'.length), url.searchParams, parsed);
    res.writeHead(out === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out ?? { error: `no control route ${req.method} ${url.pathname}` }));
  } catch (e) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
  }
}

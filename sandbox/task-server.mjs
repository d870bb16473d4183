// One ECS task of the sandbox: a plain HTTP server on loopback, spawned by the ECS simulator with
// `node sandbox/task-server.mjs` (no build step). It reports its port to the parent over IPC.
//
// SANDBOX_BEHAVIOUR (from the task definition's container environment; can change at runtime over IPC):
//   healthy                      every path answers 200
//   unhealthy                    the health-check path answers 500, other paths 200
//   slow:<ms>                    every response is delayed by <ms>
//   degrade-after:<s>            healthy, then 500 on every path <s> seconds after start
//   degrade-after-traffic:<s>    healthy, then 500 on every path <s> seconds after the first user request
//   fail-rate:<percent>          that share of requests that are not health checks answers 500, deterministically:
//                                counted, and spread evenly (5 → every 20th: the 20th, 40th, ...); health checks 200
//   crash                        exits with code 1 at start
// SANDBOX_VERSION and SANDBOX_COLOUR are echoed in every response so traffic can be attributed.
// SANDBOX_HEALTH_PATH is the target group's health-check path (default /health).
import http from 'node:http';

const startedAt = Date.now();
const version = process.env.SANDBOX_VERSION ?? 'unknown';
const colour = process.env.SANDBOX_COLOUR ?? 'unknown';
const healthPath = process.env.SANDBOX_HEALTH_PATH ?? '/health';
let behaviour = process.env.SANDBOX_BEHAVIOUR ?? 'healthy';
let firstTrafficAt;
// Requests that were not health checks, for fail-rate.
let userRequests = 0;

if (behaviour === 'crash') {
  console.error('task-server: crashing on start as told (SANDBOX_BEHAVIOUR=crash)');
  process.exit(1);
}

const [kind, arg] = [() => behaviour.split(':')[0], () => Number(behaviour.split(':')[1] ?? 0)];

/** fail-rate: the n-th request fails when it pushes floor(n × rate) up by one, so failures are evenly spaced. */
function failsByRate(n) {
  // n × percent is exact for whole (and most fractional) percents, so the division rounds right.
  const failuresBy = (k) => Math.floor((k * arg()) / 100);
  return failuresBy(n) > failuresBy(n - 1);
}

function degraded(now) {
  if (kind() === 'degrade-after') return now - startedAt >= arg() * 1000;
  if (kind() === 'degrade-after-traffic') return firstTrafficAt !== undefined && now - firstTrafficAt >= arg() * 1000;
  return false;
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://task').pathname;
  const isHealthCheck = path === healthPath;
  const now = Date.now();
  if (!isHealthCheck && firstTrafficAt === undefined) firstTrafficAt = now;
  if (!isHealthCheck) userRequests += 1;
  let status = 200;
  if (degraded(now)) status = 500;
  if (kind() === 'fail-rate' && !isHealthCheck && failsByRate(userRequests)) status = 500;
  if (kind() === 'unhealthy' && isHealthCheck) status = 500;
  const delay = kind() === 'slow' ? arg() : 0;
  const body = JSON.stringify({ version, colour, behaviour, status, path, pid: process.pid, uptimeMs: now - startedAt });
  req.resume();
  const send = () => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-sandbox-version': version });
    res.end(body);
  };
  if (delay > 0) setTimeout(send, delay);
  else send();
});
// Longer than the proxy's idle pooling, so the proxy is the side that closes idle connections.
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));

process.on('message', (m) => {
  if (m && typeof m.behaviour === 'string') behaviour = m.behaviour;
});
// ECS stops a task with SIGTERM: finish what is in flight, then exit.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
});
// The parent going away (sandbox killed) must not leave orphans.
process.on('disconnect', () => process.exit(0));

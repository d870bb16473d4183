// (j) The routes by which the idle colour is checked, without a test listener, compared in one run: the
// weight-0 attachment to the production forward (verify-route: forward, what the action did before the
// verification rule), and the verification rule (verify-route: header) with target health alone and with the
// production address as health-check-url (proven, then probed with the header). Healthy deploys under user
// traffic; what each costs in AWS requests, in time, and in failed user requests.
import type { RequestLogEntry } from '../sandbox/index.js';
import { startSandbox } from '../sandbox/index.js';
import { runDeploy } from '../sandbox/demo/deploy.js';
import { pairInputs, type DeployTimings } from '../sandbox/demo/inputs.js';
import { startLoad } from '../sandbox/harness/load.js';
import { median } from './stats.js';

export interface RouteFigures {
  /** Per route: median AWS requests per deploy, by operation. */
  requests: Record<string, Record<string, number>>;
  /** Per route: main's wall time per deploy, ms. */
  mainMs: Record<string, number[]>;
  /** Per route: failed user requests over all its deploys, and their total. */
  failed: Record<string, { failed: number; total: number }>;
}

export async function measureRoutes(timings: DeployTimings, repeats: number, progress: (text: string) => void): Promise<RouteFigures> {
  const sandbox = await startSandbox({ healthCheckIntervalMs: 250, healthCheckTimeoutMs: 200, deregistrationDelayMs: 500 });
  const figures: RouteFigures = { requests: {}, mainMs: {}, failed: {} };
  const counted = new Map<string, Record<string, number>[]>();
  try {
    const sc = await sandbox.createBlueGreen({ name: 'bench-route', desiredCount: 2, healthCheckGracePeriodSeconds: 120 });
    const routes: Record<string, Record<string, string>> = {
      'forward (weight 0), target health': { 'verify-route': 'forward' },
      'header rule, target health': { 'verify-route': 'header' },
      'header rule, production address probed': { 'verify-route': 'header', 'health-check-url': `${sc.prodUrl}/health` },
    };
    const load = startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: 50, maxDurationMs: 600_000 });
    let version = 2;
    try {
      for (let i = 0; i < repeats; i += 1) {
        for (const [route, extra] of Object.entries(routes)) {
          const arn = sc.registerTaskDefinition({ version: `v${version++}` });
          progress(`route ${route}: deploy ${i + 1}/${repeats}`);
          const timed = await runDeploy(sandbox, { ...pairInputs(sc, arn, { ...timings, bakeTime: '2s' }), ...extra });
          if (timed.run.outputs.status !== 'succeeded') throw new Error(`route ${route}: the deploy ended ${timed.run.outputs.status ?? '(no status)'}`);
          await sandbox.waitFor(() => load.stats().inFlight === 0, { timeoutMs: 5_000, what: 'user requests in flight to finish' });
          const traffic = load.window(timed.startedAt, timed.endedAt);
          const counts = countByOperation(sandbox.requests({ since: timed.startedAt }).filter((r) => r.at <= timed.endedAt));
          counted.set(route, [...(counted.get(route) ?? []), counts]);
          (figures.mainMs[route] ??= []).push(timed.run.main.durationMs);
          const f = (figures.failed[route] ??= { failed: 0, total: 0 });
          f.failed += traffic.failed;
          f.total += traffic.total;
        }
      }
    } finally {
      await load.stop();
    }
  } finally {
    await sandbox.stop();
  }
  for (const [route, runs] of counted) {
    const ops = [...new Set(runs.flatMap((c) => Object.keys(c)))];
    figures.requests[route] = Object.fromEntries(ops.map((op) => [op, median(runs.map((c) => c[op] ?? 0))]));
  }
  return figures;
}

function countByOperation(requests: RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  return counts;
}

// `npm run bench`: measures the built action (dist/) on this machine and reports medians over repeated runs made
// in this one invocation, so every ratio compares figures taken under the same load. It reports; it asserts
// nothing. Writes bench/results.json and prints a markdown table.
//
// (a) cold start of dist/main to its first AWS request, against a bare `node -e` HTTP request;
// (b) bundle sizes; (c) passed verification → listener changed; (d) time to restore a degrading deploy against
// unhealthy-threshold × interval + one API round trip; (e) failed requests at 200 req/s during a healthy deploy
// of ≥ 10 000 requests; (f) AWS requests per deploy by operation; (g) time beyond what AWS and the inputs made
// the action wait; (h) engine: ecs, a PAUSE reached → the action's ContinueServiceDeployment (CONTINUE after a
// passed gate, ROLLBACK after a failed one); (i) engine: ecs, the action's first failing probe during a canary
// step → its StopServiceDeployment; (j) without a test listener, the weight-0 forward against the verification
// rule: AWS requests, time and failed user requests per healthy deploy; (k) real-user analysis (ALB metrics):
// first failing minute → rollback; (l) the AWS requests analysis adds to a healthy deploy (bench/analysis.ts). With BENCH_BASELINE_REF=<git ref>, (a) also times that revision's committed
// dist/main, alternating with this one: a before/after of the cold start under the same load.
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, arch, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/index.js';
import { repositoryRoot } from '../sandbox/demo/deploy.js';
import { DEMO_TIMINGS, type DeployTimings } from '../sandbox/demo/inputs.js';
import { startLoad } from '../sandbox/harness/load.js';
import { apiRoundTripsMs } from './api-round-trip.js';
import { bundleSize } from './bundle-size.js';
import { measureColdStart } from './cold-start.js';
import { buildSdkFloor } from './sdk-floor.js';
import { durationMs } from '../sandbox/demo/duration.js';
import { requestsByOperation, switchLatencyMs, timeBreakdown, timeToRestoreMs, type TimeBreakdown } from './figures.js';
import { observeDeploy, type ObservedDeploy } from './observed-deploy.js';
import { measureBuiltIn } from './builtin.js';
import { measureRoutes } from './routes.js';
import { ANALYSIS_SETTINGS, analysisFigures, measureAnalysis } from './analysis.js';
import { figure, markdownTable, requestTable, single, type Figure, type RequestTable } from './report.js';
import { median, preciseNow, summarise } from './stats.js';

const SETTINGS = {
  coldStartRuns: 25,
  apiRoundTrips: 20,
  /** Healthy + degrading deploy pairs, for the switch and restore medians. */
  repeats: 5,
  ratePerSecond: 200,
  shortBake: '2s',
  /** Long enough that the long deploy's run sees ≥ 10 000 requests at 200 req/s. */
  longBake: '52s',
  /**
   * When each degrading deploy's tasks start failing after their first user request: spread evenly over one probe
   * interval (500 ms), so the restore median is not locked to one phase of the probe schedule (a failure that
   * begins just before a probe is caught up to one interval sooner than one that begins just after).
   */
  degradeAfterS: [2.05, 2.15, 2.25, 2.35, 2.45],
  timings: DEMO_TIMINGS,
  /** The sandbox's own ALB health checks (the target groups'), not the action's probes. */
  sandboxHealthCheckIntervalMs: 250,
  /** Keeps ECS from replacing degraded tasks before the action reacts, as a real service's grace period would. */
  healthCheckGracePeriodSeconds: 120,
  /** Healthy deploys per verification route in (j). */
  routeRepeats: 3,
};

/** The committed dist/ and action.yml of another revision, in a temporary directory: a before/after in one run. */
async function checkoutBuild(root: string, ref: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-baseline-'));
  execFileSync('bash', ['-c', `git -C "$0" archive "$1" action.yml dist | tar -x -C "$2"`, root, ref, dir]);
  return dir;
}

const began = preciseNow();
const progress = (text: string) => console.log(`[bench +${((preciseNow() - began) / 1000).toFixed(0).padStart(3)}s] ${text}`);

async function main(): Promise<void> {
  const root = repositoryRoot();
  const loadAtStart = loadavg();
  const figures: Record<string, Figure> = {};

  progress('bundle sizes');
  const bundles = { main: await bundleSize(join(root, 'dist', 'main')), post: await bundleSize(join(root, 'dist', 'post')) };
  for (const [step, b] of Object.entries(bundles)) {
    const kib = (n: number) => Number((n / 1024).toFixed(1));
    figures[`bundle.${step}.entry`] = single(`(b) dist/${step}/index.js`, 'KiB', kib(b.entryBytes), `${kib(b.entryGzipBytes)} KiB gzipped`);
    figures[`bundle.${step}.total`] = single(`(b) dist/${step} all JS`, 'KiB', kib(b.totalJsBytes), `${b.jsFiles} files (entry + lazily loaded chunks)`);
  }

  progress(`cold start: ${SETTINGS.coldStartRuns} runs each of dist/main, the node -e floor and the SDK floor, alternating`);
  const baselineRef = process.env.BENCH_BASELINE_REF;
  const baselineDir = baselineRef ? await checkoutBuild(root, baselineRef) : undefined;
  const cold = await measureColdStart(root, SETTINGS.coldStartRuns, await buildSdkFloor(root), baselineDir);
  if (baselineRef && cold.baselineMs.length > 0) {
    figures['coldStart.baseline'] = figure(`(a) cold start of dist/main at ${baselineRef} (BENCH_BASELINE_REF), alternating`, 'ms', summarise(cold.baselineMs));
    figures['coldStart.baselineRatio'] = single(`(a) cold start ÷ cold start at ${baselineRef} (medians, same run)`, '×', Number((median(cold.actionMs) / median(cold.baselineMs)).toFixed(2)));
  }
  const coldAction = summarise(cold.actionMs);
  const coldFloor = summarise(cold.floorMs);
  figures['coldStart.action'] = figure('(a) cold start: spawn dist/main → first AWS request', 'ms', coldAction, `first request: ${cold.firstRequest}`);
  figures['coldStart.floor'] = figure('(a) floor: spawn `node -e` one HTTP GET → request', 'ms', coldFloor);
  figures['coldStart.ratio'] = single('(a) cold start ÷ floor (medians, same run)', '×', Number((median(cold.actionMs) / median(cold.floorMs)).toFixed(2)));
  figures['coldStart.sdk'] = figure('(a) SDK floor: spawn a bundle sending one SSM request → request', 'ms', summarise(cold.sdkMs), 'bench/sdk-floor-entry.mjs, bundled as dist/ is');
  figures['coldStart.sdkRatio'] = single('(a) cold start ÷ SDK floor (medians, same run)', '×', Number((median(cold.actionMs) / median(cold.sdkMs)).toFixed(2)));
  figures['coldStart.beyondFloor'] = single('(a) cold start − floor (medians)', 'ms', Number((median(cold.actionMs) - median(cold.floorMs)).toFixed(1)));

  progress('sandbox');
  const sandbox = await startSandbox({ healthCheckIntervalMs: SETTINGS.sandboxHealthCheckIntervalMs, healthCheckTimeoutMs: 200, deregistrationDelayMs: 500 });
  const healthy: ObservedDeploy[] = [];
  const rolledBack: ObservedDeploy[] = [];
  let long: ObservedDeploy | undefined;
  let rtt: number[] = [];
  try {
    const sc = await sandbox.createBlueGreen({ name: 'bench', desiredCount: 2, withTestListener: true, healthCheckGracePeriodSeconds: SETTINGS.healthCheckGracePeriodSeconds });
    rtt = await apiRoundTripsMs(sandbox.endpoint, sc.listenerArn, SETTINGS.apiRoundTrips);
    const load = startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: SETTINGS.ratePerSecond, maxDurationMs: 280_000, maxSockets: 64 });
    try {
      let version = 2;
      const deploy = async (behaviour: string, bakeTime: string, timings: DeployTimings = SETTINGS.timings) => {
        const label = `v${version} (${behaviour}, bake ${bakeTime})`;
        const arn = sc.registerTaskDefinition({ version: `v${version}`, behaviour });
        version += 1;
        progress(`deploy ${label}`);
        const o = await observeDeploy(sandbox, sc, arn, { ...timings, bakeTime }, load);
        progress(
          `  ${o.timed.run.outputs.status ?? '(no status)'} in ${((o.timed.endedAt - o.timed.startedAt) / 1000).toFixed(1)} s; ` +
            `${o.traffic.failed}/${o.traffic.total} user requests failed`,
        );
        return o;
      };
      for (let i = 0; i < SETTINGS.repeats; i += 1) {
        healthy.push(await deploy('healthy', SETTINGS.shortBake));
        rolledBack.push(await deploy(`degrade-after-traffic:${SETTINGS.degradeAfterS[i % SETTINGS.degradeAfterS.length] ?? 2}`, '20s'));
      }
      long = await deploy('healthy', SETTINGS.longBake);
    } finally {
      await load.stop();
    }
  } finally {
    await sandbox.stop();
  }

  progress('engine: ecs');
  const builtIn = await measureBuiltIn(SETTINGS.timings, SETTINGS.repeats, progress);

  progress('verification routes without a test listener');
  const routes = await measureRoutes(SETTINGS.timings, SETTINGS.routeRepeats, progress);
  for (const [route, ms] of Object.entries(routes.mainMs)) {
    const slug = route.replace(/\W+/g, '-');
    figures[`route.${slug}.main`] = figure(`(j) healthy deploy, ${route}: main's wall time`, 'ms', summarise(ms), `bake 2s; ${routes.failed[route]?.failed ?? 0}/${routes.failed[route]?.total ?? 0} user requests failed`);
  }

  progress('real-user analysis (ALB metrics)');
  const analysis = await measureAnalysis(SETTINGS.timings, progress);
  const analysed = analysisFigures(analysis, SETTINGS.timings);

  const { timings } = SETTINGS;
  const defined = <T>(values: (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);
  const switches = defined([...healthy, ...rolledBack, long].map((o) => (o ? switchLatencyMs(o) : undefined)));
  figures.switch = figure('(c) passed verification → production listener changed', 'ms', summarise(switches), 'last `pass N/N` log line → sandbox applies ModifyListener');

  const restores = defined(rolledBack.map(timeToRestoreMs));
  const rttMedian = median(rtt);
  const limit = timings.unhealthyThreshold * durationMs(timings.interval) + rttMedian;
  figures['api.roundTrip'] = figure('one API round trip (DescribeListeners, fresh connection)', 'ms', summarise(rtt, 2));
  figures.restore = figure(
    '(d) time to restore: first failed user request → listener restored',
    'ms',
    summarise(restores),
    `degrade-after-traffic:${SETTINGS.degradeAfterS.join('/')} s, unhealthy-threshold ${timings.unhealthyThreshold}, interval ${timings.interval}`,
  );
  figures['restore.limit'] = single('(d) limit: unhealthy-threshold × interval + one round trip', 'ms', Number(limit.toFixed(1)));
  figures['restore.ratio'] = single('(d) time to restore ÷ limit (medians)', '×', Number((median(restores) / limit).toFixed(2)));
  figures['rollback.failedRequests'] = figure(
    'user requests failed per rolled-back deploy',
    'requests',
    summarise(rolledBack.map((o) => o.traffic.failed), 0),
    `at ${SETTINGS.ratePerSecond} req/s: what users saw of the broken version before the restore`,
  );

  if (long) {
    const t = long.traffic;
    figures['load.failed'] = single(
      `(e) failed requests, healthy deploy at ${SETTINGS.ratePerSecond} req/s`,
      'requests',
      t.failed,
      `of ${t.total} over ${((long.timed.endedAt - long.timed.startedAt) / 1000).toFixed(1)} s; latency p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms, max ${t.latencyMs.max} ms; served by ${Object.entries(t.byVersion ?? {}).map(([v, n]) => `${v} ${n}`).join(', ')}`,
    );
  }
  const healthyFailed = healthy.reduce((s, o) => s + o.traffic.failed, 0);
  const healthyTotal = healthy.reduce((s, o) => s + o.traffic.total, 0);
  figures['load.failedShort'] = single(`failed requests, ${healthy.length} short healthy deploys together`, 'requests', healthyFailed, `of ${healthyTotal}`);

  const breakdowns = defined([...healthy, long].map((o) => (o ? timeBreakdown(o) : undefined)));
  const part = (key: keyof TimeBreakdown) => summarise(breakdowns.map((b) => b[key]));
  figures['time.beyond'] = figure(
    '(g) time beyond what AWS and the inputs made us wait',
    'ms',
    part('beyondMs'),
    'main wall time − (UpdateService → rollout COMPLETED in the sandbox) − ((healthy-threshold − 1) × interval + bake)',
  );
  figures['time.startup'] = figure('(g) of which: spawn → first AWS request (in the deploy)', 'ms', part('startupMs'));
  figures['time.noticeLag'] = figure('(g) of which: rollout COMPLETED → action notices', 'ms', part('noticeLagMs'), `poll interval min(5 s, health-check-interval ${timings.interval})`);
  figures['time.awsRollout'] = figure('(g) AWS wait: UpdateService → rollout COMPLETED (sandbox)', 'ms', part('awsRolloutMs'));

  figures['ecs.pauseToContinue'] = figure('(h) engine: ecs, PAUSE reached → ContinueServiceDeployment(CONTINUE)', 'ms', summarise(builtIn.pauseToContinueMs), `includes the gate: ${timings.healthyThreshold} passes of the test rule ${timings.interval} apart, target health, alarms`);
  figures['ecs.pauseToRollback'] = figure('(h) engine: ecs, PAUSE reached → ContinueServiceDeployment(ROLLBACK)', 'ms', summarise(builtIn.pauseToRollbackMs), 'the gate passed its probes, then the smoke test failed (one curl through the test rule)');
  figures['ecs.pauseToNotice'] = figure('(h) of which: PAUSE reached → the action notices it', 'ms', summarise(builtIn.pauseToNoticeMs), `polled every min(2 s, health-check-interval ${timings.interval})`);
  figures['ecs.failureToStop'] = figure('(i) engine: ecs, first failing probe → StopServiceDeployment(ROLLBACK)', 'ms', summarise(builtIn.failureToStopMs), `canary 50%, unhealthy-threshold ${timings.unhealthyThreshold} × interval ${timings.interval}`);

  const medianCounts = (deploys: ObservedDeploy[]): Record<string, number> => {
    const counts = deploys.map(requestsByOperation);
    const ops = [...new Set(counts.flatMap((c) => Object.keys(c)))];
    return Object.fromEntries(ops.map((op) => [op, median(counts.map((c) => c[op] ?? 0))]));
  };
  Object.assign(figures, analysed.figures);
  const requests: RequestTable = {
    [`healthy, bake ${SETTINGS.shortBake} (n=${healthy.length})`]: medianCounts(healthy),
    [`rolled back (n=${rolledBack.length})`]: medianCounts(rolledBack),
    ...(long ? { [`healthy, bake ${SETTINGS.longBake} (n=1)`]: medianCounts([long]) } : {}),
    ...Object.fromEntries(Object.entries(routes.requests).map(([route, counts]) => [`no test listener: ${route} (n=${SETTINGS.routeRepeats})`, counts])),
    ...analysed.requests,
  };

  const results = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${platform()} ${arch()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      loadAverageAtStart: loadAtStart.map((n) => Number(n.toFixed(2))),
      loadAverageAtEnd: loadavg().map((n) => Number(n.toFixed(2))),
    },
    benchDurationS: Number(((preciseNow() - began) / 1000).toFixed(1)),
    settings: { ...SETTINGS, analysis: ANALYSIS_SETTINGS },
    figures,
    requestsPerDeploy: requests,
    raw: {
      coldStartActionMs: cold.actionMs.map(round1),
      coldStartFloorMs: cold.floorMs.map(round1),
      ...(cold.baselineMs.length > 0 ? { coldStartBaselineMs: cold.baselineMs.map(round1) } : {}),
      switchMs: switches.map(round1),
      restoreMs: restores.map(round1),
      ecs: builtIn,
      routes,
      analysis,
      timeBreakdowns: breakdowns.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, round1(v)]))),
    },
  };
  await writeFile(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  console.log('');
  console.log(
    `## Benchmark: ${results.date}, Node ${results.machine.node}, ${results.machine.cpus} CPUs (${results.machine.cpuModel}), ` +
      `load average ${results.machine.loadAverageAtStart[0]} → ${results.machine.loadAverageAtEnd[0]}, ${results.benchDurationS} s`,
  );
  console.log('');
  console.log(markdownTable(figures));
  console.log('');
  console.log(requestTable(requests));
  console.log('');
  console.log('Written to bench/results.json.');
}

const round1 = (n: number) => Number(n.toFixed(1));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench: FAILED:', error);
    process.exit(1);
  },
);

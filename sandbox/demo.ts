// `npm run demo`: the whole blue-green story on this machine, with the built action (dist/) run as the GitHub
// runner runs it. v1 is live on blue; under steady user traffic a healthy v2 is deployed (traffic moves to green,
// no request fails), then a broken v3 that starts failing once it gets users (the action rolls it back), then a v4
// that passes its health checks but fails the team's smoke test (traffic never moves), then a v5 that passes every
// probe but fails some real requests (the ALB's per-target-group metrics stop it at its canary). Every deploy is recorded
// as a GitHub deployment in the sandbox's GitHub fake. Then engine: ecs on a service ECS deploys blue/green
// itself (sandbox/demo/builtin.ts): a healthy v2 through its PAUSE hook, and a bad v3 stopped at that pause. Prints the phases as they happen, each run's job summary,
// failed requests and the deployment records, and exits 0 only when every deploy did what the action promises.
// The last line is the one-sentence result.
import { startSandbox, type BlueGreenScenario, type Sandbox } from './index.js';
import { storyLine } from './demo/action-log.js';
import { runDeploy, type TimedRun } from './demo/deploy.js';
import { durationMs } from './demo/duration.js';
import { DEMO_TIMINGS, deployInputs } from './demo/inputs.js';
import { liveColour, recordedColour, watchListener, type ListenerWatch } from './demo/listener-watch.js';
import { startLoad, type LoadRun, type LoadStats } from './harness/load.js';
import { builtInDemo } from './demo/builtin.js';

const REQUESTS_PER_SECOND = 100;
/**
 * v3 answers 500 on every path this long after its first user request. Not a multiple of the probe interval, so
 * the failure does not begin exactly on a probe (which would show the best case, not a typical one).
 */
const DEGRADE_AFTER_S = 3.25;
/** Whatever happens, the demo ends: it must never leave a terminal (or CI) hanging. */
const DEMO_LIMIT_MS = 240_000;

const demoStart = Date.now();
const stamp = (at = Date.now()) => `+${((at - demoStart) / 1000).toFixed(1).padStart(5)}s`;
const say = (text: string, at?: number) => console.log(`${stamp(at)} ${text}`);

interface Check {
  what: string;
  ok: boolean;
}

interface DeployReport {
  label: string;
  timed: TimedRun;
  traffic: LoadStats;
}

async function main(): Promise<number> {
  say('Starting the sandbox (AWS endpoint, ECS simulator, ALB) on 127.0.0.1');
  // An ECS "minute" (the built-in engine's bake and hook timeouts) lasts a second here.
  const sandbox = await startSandbox({ healthCheckIntervalMs: 250, healthCheckTimeoutMs: 200, deregistrationDelayMs: 500, minuteMs: 1_000 });
  let load: LoadRun | undefined;
  let watch: ListenerWatch | undefined;
  try {
    // The grace period keeps ECS from replacing v3's failing tasks within the demo, as a real service's would for
    // its first minute: otherwise the sandbox's fast health checks let ECS churn them into a flapping half-outage
    // faster than the action's detection window (see the bench notes).
    const sc = await sandbox.createBlueGreen({ name: 'shop', desiredCount: 2, withTestListener: true, healthCheckGracePeriodSeconds: 60 });
    say(`v1 is live on blue: ${sc.services.blue.name} runs 2 tasks, production listener ${sc.prodUrl} → blue 100 / green 0`);
    watch = watchListener(sandbox, sc, (c) => say(`  [alb] production listener now forwards blue ${c.blue} / green ${c.green}`, c.at));
    load = startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: REQUESTS_PER_SECOND, maxDurationMs: DEMO_LIMIT_MS });
    say(`Users: ${REQUESTS_PER_SECOND} requests/s through the production listener, until the end of the demo`);
    const stopFailureTicker = reportFailuresAsTheyHappen(load);
    try {
      await sandbox.waitFor(() => (load?.stats().total ?? 0) >= REQUESTS_PER_SECOND, { timeoutMs: 10_000, what: 'one second of user traffic' });

      const healthy = await deploy(sandbox, sc, load, 'v2 (healthy)', sc.registerTaskDefinition({ version: 'v2', behaviour: 'healthy' }), DEMO_TIMINGS.bakeTime);
      const healthyChecks = [
        { what: 'v2: the action reports succeeded', ok: healthy.timed.run.outputs.status === 'succeeded' },
        { what: 'v2: no user request failed during the deploy', ok: healthy.traffic.failed === 0 && healthy.traffic.total > 0 },
        { what: 'v2: green is live on the listener', ok: liveColour(sandbox, sc) === 'green' },
        { what: `v2: ${sc.parameterName} = green`, ok: recordedColour(sandbox, sc) === 'green' },
      ];

      const broken = await deploy(
        sandbox,
        sc,
        load,
        `v3 (broken: fails ${DEGRADE_AFTER_S} s after its first user request)`,
        sc.registerTaskDefinition({ version: 'v3', behaviour: `degrade-after-traffic:${DEGRADE_AFTER_S}` }),
        '20s',
      );
      // v3 went to the idle colour (blue); rolling back puts traffic back on green, which v2 serves.
      const brokenChecks = [
        { what: 'v3: the action reports rolled-back', ok: broken.timed.run.outputs.status === 'rolled-back' && broken.timed.run.outputs['rolled-back'] === 'true' },
        { what: 'v3: the step failed, as a rollback must', ok: broken.timed.run.main.outcome === 'failure' },
        { what: 'v3: green (v2) is live again on the listener', ok: liveColour(sandbox, sc) === 'green' },
        { what: `v3: ${sc.parameterName} = green`, ok: recordedColour(sandbox, sc) === 'green' },
      ];
      const restore = timeToRestore(watch, load, broken.timed);
      brokenChecks.push({ what: 'v3: the listener was switched to v3 and then restored', ok: restore !== undefined });

      // Healthy by its health checks, broken for users: only a test of what users do catches it, before they do.
      const stoppedBefore = watch.changes.length;
      const smoked = await deploy(sandbox, sc, load, 'v4 (passes its health checks, fails every real request)', sc.registerTaskDefinition({ version: 'v4', behaviour: 'degrade-after-traffic:0' }), DEMO_TIMINGS.bakeTime, {
        'smoke-test-command': SMOKE_TEST,
      });
      const smokeChecks = [
        { what: 'v4: the action reports failed, not rolled back (traffic never moved)', ok: smoked.timed.run.outputs.status === 'failed' && smoked.timed.run.outputs['rolled-back'] === 'false' },
        { what: 'v4: the smoke test stopped it before the switch: the production listener never changed', ok: watch.changes.length === stoppedBefore },
        { what: 'v4: no user request failed or reached v4', ok: smoked.traffic.failed === 0 && (smoked.traffic.byVersion?.v4 ?? 0) === 0 },
        { what: 'v4: green (v2) is still live', ok: liveColour(sandbox, sc) === 'green' },
      ];
      // Healthy by every probe, bad for some users: only what the ALB measured for real users shows it.
      const judged = await deploy(sandbox, sc, load, 'v5 (passes every probe, fails 1 in 10 real requests)', sc.registerTaskDefinition({ version: 'v5', behaviour: 'fail-rate:10' }), '4s', {
        'traffic-shift': 'canary 20% 4s',
        'post-switch-health-check-url': `${sc.prodUrl}/health`,
        'analysis-max-error-rate': '1%',
        'analysis-min-requests': '10',
      });
      const judgedWeights = watch.changes.filter((c) => c.at >= judged.timed.startedAt).map((c) => c.blue);
      const analysisChecks = [
        { what: 'v5: the action reports rolled-back by the real-user analysis', ok: judged.timed.run.outputs.status === 'rolled-back' && (judged.timed.run.outputs['rollback-reason'] ?? '').startsWith('real-user analysis failed during the 20% step') },
        { what: 'v5: never past its 20% canary: the listener went to 20% and back', ok: judgedWeights.join(',') === '20,0' },
        { what: "v5: the job summary compares both colours' minutes in a table and a chart", ok: judged.timed.run.summary.includes('### Real-user analysis (ALB metrics)') && judged.timed.run.summary.includes('xychart-beta') },
      ];
      const records = printDeploymentRecords(sandbox);
      const recordChecks = [
        { what: 'GitHub: v2 success, v3 failure (rolled back), v4 failure (smoke test), v5 failure (analysis)', ok: records.join(' ') === 'in_progress→success in_progress→failure in_progress→failure in_progress→failure' },
      ];

      stopFailureTicker();
      await load.stop();
      const builtIn = await builtInDemo(sandbox, say);
      const checks: Check[] = [...healthyChecks, ...brokenChecks, ...smokeChecks, ...analysisChecks, ...recordChecks, ...builtIn.checks];
      console.log('');
      console.log('## Result');
      for (const r of [healthy, broken, smoked, judged]) {
        const versions = Object.entries(r.traffic.byVersion ?? {}).map(([v, n]) => `${v} ${n}`).join(', ');
        console.log(
          `- ${r.label}: ${r.timed.run.outputs.status ?? '(no status)'} in ${((r.timed.endedAt - r.timed.startedAt) / 1000).toFixed(1)} s; ` +
            `${r.traffic.failed}/${r.traffic.total} requests failed (served by: ${versions}); p99 latency ${r.traffic.latencyMs.p99} ms`,
        );
      }
      for (const line of builtIn.results) console.log(line);
      if (restore) {
        console.log(
          `- v3 started failing users at ${stamp(restore.degradedAt)} (${restore.source}); the listener was back on green at ${stamp(restore.restoredAt)}: ` +
            `${((restore.restoredAt - restore.degradedAt) / 1000).toFixed(1)} s, against a limit of ${((DEMO_TIMINGS.unhealthyThreshold * durationMs(DEMO_TIMINGS.interval)) / 1000).toFixed(1)} s ` +
            `(unhealthy-threshold ${DEMO_TIMINGS.unhealthyThreshold} × health-check-interval ${DEMO_TIMINGS.interval}) + one API round trip`,
        );
      }
      for (const c of checks) console.log(`  ${c.ok ? '✓' : '✗'} ${c.what}`);
      const allOk = checks.every((c) => c.ok);
      if (!allOk) console.log('demo: FAILED: something did not behave as promised (✗ above)');
      console.log(
        `demo: healthy deploy ${healthy.traffic.failed}/${healthy.traffic.total} requests failed; broken deploy rolled back in ${
          restore ? ((restore.restoredAt - restore.degradedAt) / 1000).toFixed(1) : 'n/a'
        } s; smoke test stopped v4 with ${smoked.traffic.failed}/${smoked.traffic.total} requests failed; real-user analysis stopped v5 at its 20% canary (${judged.traffic.failed}/${judged.traffic.total} requests failed); engine ecs stopped a bad v3 at its test-traffic pause`,
      );
      return allOk ? 0 : 1;
    } finally {
      stopFailureTicker();
    }
  } finally {
    watch?.stop();
    await load?.stop();
    await sandbox.stop();
  }
}

async function deploy(
  sandbox: Sandbox,
  sc: BlueGreenScenario,
  load: LoadRun,
  label: string,
  taskDefinitionArn: string,
  bakeTime: string,
  extra: Record<string, string> = {},
): Promise<DeployReport> {
  console.log('');
  say(`Deploying ${label} with the built action (dist/main, then dist/post)`);
  const inputs = { ...deployInputs(sc, taskDefinitionArn, { ...DEMO_TIMINGS, bakeTime }), 'github-deployment': 'true', environment: 'production', 'environment-url': `${sc.prodUrl}/`, ...extra };
  const timed = await runDeploy(sandbox, inputs, (step, line) => {
    const story = storyLine(step, line);
    if (story !== undefined) say(story);
  });
  // Once nothing is in flight, every request issued during the run has answered (or timed out).
  await sandbox.waitFor(() => load.stats().inFlight === 0, { timeoutMs: 5_000, what: 'requests in flight to finish' });
  const traffic = load.window(timed.startedAt, timed.endedAt);
  const { outputs } = timed.run;
  say(
    `Done: outputs status=${outputs.status ?? ''} live-color=${outputs['live-color'] ?? ''} previous-color=${outputs['previous-color'] ?? ''}, job ${timed.run.conclusion}; ` +
      `${traffic.failed}/${traffic.total} user requests failed during this run`,
  );
  console.log(`\n----- job summary (${label}) -----\n${timed.run.summary.trim()}\n----- end of job summary -----`);
  return { label, timed, traffic };
}

/** The team's smoke test: a real request through the URL the action gives it (the test listener, on the idle colour). */
const SMOKE_TEST = 'curl --fail --silent --show-error --max-time 5 "${BLUE_GREEN_TARGET_URL%/health}/checkout"';

/** The sandbox's GitHub fake as GitHub's Environments page would list it; returns each record's status sequence. */
function printDeploymentRecords(sandbox: Sandbox): string[] {
  console.log('\n----- GitHub deployment records (environment: production) -----');
  const sequences = sandbox.github.deployments().map((d) => {
    const statuses = sandbox.github.statuses(d.id);
    const td = (d.payload as { taskDefinitionArn?: string }).taskDefinitionArn?.split('/').pop() ?? '?';
    const last = statuses.at(-1);
    console.log(`#${d.id} ${d.task} ${td} → ${(d.payload as { colour?: string }).colour ?? '?'}: ${statuses.map((s) => s.state).join(' → ')}${last?.description ? ` ("${last.description}")` : ''}`);
    return statuses.map((s) => s.state).join('→');
  });
  console.log('----- end of GitHub deployment records -----');
  return sequences;
}

/** From v3's first failed user request (its degradation, as users saw it) to the listener back on green. */
function timeToRestore(
  watch: ListenerWatch,
  load: LoadRun,
  timed: TimedRun,
): { degradedAt: number; restoredAt: number; source: string } | undefined {
  const switched = watch.firstAllTo('blue', timed.startedAt);
  if (!switched) return undefined;
  const restored = watch.firstAllTo('green', switched.at);
  if (!restored) return undefined;
  const failures = load.window(switched.at, restored.at).failures.map((f) => Date.parse(f.at));
  if (failures.length > 0) return { degradedAt: Math.min(...failures), restoredAt: restored.at, source: 'first failed user request' };
  // No user saw the failure (it can happen when detection wins the race): count from when v3 was due to degrade.
  return { degradedAt: switched.at + DEGRADE_AFTER_S * 1000, restoredAt: restored.at, source: `switch + ${DEGRADE_AFTER_S} s` };
}

/** One line per second in which user requests failed, so the rollback's effect shows as it happens. */
function reportFailuresAsTheyHappen(load: LoadRun): () => void {
  let seen = 0;
  const timer = setInterval(() => {
    const stats = load.stats();
    if (stats.failed > seen) {
      const last = stats.failures[stats.failures.length - 1];
      say(`  [users] ${stats.failed - seen} request(s) failed in the last second (${last?.status ? `HTTP ${last.status}` : (last?.error ?? 'error')})`);
      seen = stats.failed;
    }
  }, 1000);
  return () => clearInterval(timer);
}

const watchdog = setTimeout(() => {
  console.error(`demo: gave up after ${DEMO_LIMIT_MS / 1000} s`);
  process.exit(1);
}, DEMO_LIMIT_MS + 20_000);
watchdog.unref();
process.once('SIGINT', () => {
  console.error('demo: interrupted');
  process.exit(130);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('demo: FAILED:', error);
    process.exit(1);
  },
);

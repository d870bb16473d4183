// (k), (l) Real-user analysis (analysis-max-error-rate) in the bench, on a pair of its own in a sandbox whose
// CloudWatch minute lasts ANALYSIS_SETTINGS.minuteMs, with users through the production listener:
// (k) a release failing 5% of users' requests (health checks pass), canary 10%, no health-check-url: from the end
// of the first whole minute after the 10% shift (the first failing minute) to the action's rollback call;
// (l) the same healthy deploy (canary + bake) with and without analysis: AWS requests by operation, judged minutes.
import { startSandbox, type BlueGreenScenario, type RequestLogEntry, type Sandbox } from '../sandbox/index.js';
import { runDeploy, type TimedRun } from '../sandbox/demo/deploy.js';
import { durationMs } from '../sandbox/demo/duration.js';
import { pairInputs, type DeployTimings } from '../sandbox/demo/inputs.js';
import { liveColour, watchListener, type ListenerChange } from '../sandbox/demo/listener-watch.js';
import { startLoad, type LoadRun } from '../sandbox/harness/load.js';
import { figure, single, type Figure, type RequestTable } from './report.js';
import { median, preciseNow, summarise } from './stats.js';

/**
 * src/analysis/config.ts's PUBLICATION_MINUTES: a minute is judged once it ended this many minutes ago. Restated,
 * not imported, so the bench runs dist/ without compiling the action's sources (as sandbox/demo/duration.ts).
 */
const PUBLICATION_MINUTES = 2;

export const ANALYSIS_SETTINGS = {
  /** One CloudWatch minute, for the sandbox and (BLUE_GREEN_SANDBOX_MINUTE_MS) the action. */
  minuteMs: 1_000,
  /**
   * Users through the production listener. One task per colour, so fail-rate:5 (every 20th request of a task fails)
   * fails every minute in which the canary's task gets ≥ 20 requests: at 10% of 400 req/s it gets ~40 a minute
   * (binomial, sd ~6), comfortably above analysis-min-requests 20.
   */
  ratePerSecond: 400,
  desiredCount: 1,
  minRequests: 20,
  maxErrorRate: '1%',
  /** The action's default analysis-failure-limit, restated for the expected value. */
  failureLimit: 2,
  /** (k): a step long enough that the rollback comes from the watch's tick, not from the window's end. */
  detectTrafficShift: 'canary 10% 5s',
  detectBehaviour: 'fail-rate:5',
  /** (l): the shortest windows analysis accepts, failure-limit + 1 = 3 minutes each. */
  healthyTrafficShift: 'canary 10% 3s',
  healthyBake: '3s',
  detectRepeats: 5,
  /** Healthy deploys with analysis, and as many without, alternating. */
  healthyRepeats: 3,
};

export interface AnalysisRun {
  kind: 'detect' | 'with analysis' | 'without analysis';
  status: string;
  mainMs: number;
  requests: Record<string, number>;
  /** Minutes the action logged a verdict for. */
  judgedMinutes: number;
  /** (k): the shift to the canary weight, the end of the first whole minute after it, the rollback call (epoch ms). */
  detect?: { shiftAt: number; firstMinuteEndAt: number; rollbackAt: number; ms: number };
  failedRequests: number;
  userRequests: number;
}

export interface AnalysisFigures {
  runs: AnalysisRun[];
  /** Wall time of (k) and (l) together, sandbox start to stop. */
  wallMs: number;
}

const countByOperation = (requests: RequestLogEntry[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  return counts;
};

/**
 * The production listener's ModifyListener calls (request log: when each arrived) with the forward each one set
 * (the sandbox's listenerModified, in the same order: only ModifyListener changes the listener).
 */
function listenerCalls(requests: RequestLogEntry[], changes: ListenerChange[]): { at: number; blue: number; green: number }[] | undefined {
  const calls = requests.filter((r) => r.operation === 'ModifyListener' && r.status === 200);
  if (calls.length !== changes.length) return undefined;
  return calls.map((c, i) => ({ at: c.at, blue: changes[i]?.blue ?? 0, green: changes[i]?.green ?? 0 }));
}

async function observe(sandbox: Sandbox, sc: BlueGreenScenario, load: LoadRun, kind: AnalysisRun['kind'], inputs: Record<string, string>): Promise<AnalysisRun> {
  const before = liveColour(sandbox, sc);
  if (before === 'split') throw new Error('the production listener is split between the colours: the previous deploy left it unsettled');
  const fresh = before === 'blue' ? 'green' : 'blue';
  const watch = watchListener(sandbox, sc);
  const lines: string[] = [];
  let timed: TimedRun;
  try {
    timed = await runDeploy(sandbox, inputs, (step, line) => {
      if (step === 'main') lines.push(line);
    });
  } finally {
    watch.stop();
  }
  await sandbox.waitFor(() => load.stats().inFlight === 0, { timeoutMs: 5_000, what: 'user requests in flight to finish' });
  const requests = sandbox.requests({ since: timed.startedAt }).filter((r) => r.at <= timed.endedAt);
  const traffic = load.window(timed.startedAt, timed.endedAt);
  const run: AnalysisRun = {
    kind,
    status: timed.run.outputs.status ?? '(none)',
    mainMs: timed.run.main.durationMs,
    requests: countByOperation(requests),
    judgedMinutes: lines.filter((l) => /^Analysis \d\d:\d\d:\d\dZ: /.test(l)).length,
    failedRequests: traffic.failed,
    userRequests: traffic.total,
  };
  if (kind !== 'detect') return run;
  const calls = listenerCalls(requests, watch.changes);
  const shift = calls?.find((c) => c[fresh] > 0 && c[before] > 0);
  const rollback = shift && calls?.find((c) => c.at > shift.at && c[fresh] === 0);
  const byAnalysis = /real-user analysis failed/.test(timed.run.outputs['rollback-reason'] ?? '');
  if (!shift || !rollback || run.status !== 'rolled-back' || !byAnalysis) return run;
  const m = ANALYSIS_SETTINGS.minuteMs;
  const firstMinuteEndAt = Math.ceil(shift.at / m) * m + m;
  return { ...run, detect: { shiftAt: shift.at, firstMinuteEndAt, rollbackAt: rollback.at, ms: rollback.at - firstMinuteEndAt } };
}

/** (k) then (l), on one pair under one load. */
export async function measureAnalysis(timings: DeployTimings, progress: (text: string) => void): Promise<AnalysisFigures> {
  const s = ANALYSIS_SETTINGS;
  const began = preciseNow();
  const sandbox = await startSandbox({ healthCheckIntervalMs: 250, healthCheckTimeoutMs: 200, deregistrationDelayMs: 300, minuteMs: s.minuteMs });
  const runs: AnalysisRun[] = [];
  try {
    const sc = await sandbox.createBlueGreen({ name: 'bench-analysis', desiredCount: s.desiredCount, healthCheckGracePeriodSeconds: 120 });
    const load = startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: s.ratePerSecond, maxDurationMs: 300_000, maxSockets: 64 });
    const analysis = { 'analysis-max-error-rate': s.maxErrorRate, 'analysis-min-requests': String(s.minRequests), 'analysis-failure-limit': String(s.failureLimit) };
    let version = 2;
    const deploy = async (kind: AnalysisRun['kind'], behaviour: string, extra: Record<string, string>, bakeTime: string) => {
      const arn = sc.registerTaskDefinition({ version: `v${version++}`, behaviour });
      const r = await observe(sandbox, sc, load, kind, { ...pairInputs(sc, arn, { ...timings, bakeTime }), ...extra });
      progress(`  ${kind}: ${r.status} in ${(r.mainMs / 1000).toFixed(1)} s, ${r.judgedMinutes} minute(s) judged${r.detect ? `, rollback ${r.detect.ms.toFixed(0)} ms after the first failing minute ended` : ''}`);
      runs.push(r);
    };
    try {
      for (let i = 0; i < s.detectRepeats; i += 1) {
        progress(`analysis (k): ${s.detectBehaviour} release, ${s.detectTrafficShift}, ${i + 1}/${s.detectRepeats}`);
        await deploy('detect', s.detectBehaviour, { 'traffic-shift': s.detectTrafficShift, ...analysis }, s.healthyBake);
      }
      for (let i = 0; i < s.healthyRepeats; i += 1) {
        progress(`analysis (l): healthy release, ${s.healthyTrafficShift}, bake ${s.healthyBake}, with and without analysis, ${i + 1}/${s.healthyRepeats}`);
        await deploy('with analysis', 'healthy', { 'traffic-shift': s.healthyTrafficShift, ...analysis }, s.healthyBake);
        await deploy('without analysis', 'healthy', { 'traffic-shift': s.healthyTrafficShift }, s.healthyBake);
      }
    } finally {
      await load.stop();
    }
  } finally {
    await sandbox.stop();
  }
  return { runs, wallMs: preciseNow() - began };
}

const medianCounts = (runs: AnalysisRun[]): Record<string, number> => {
  const ops = [...new Set(runs.flatMap((r) => Object.keys(r.requests)))];
  return Object.fromEntries(ops.map((op) => [op, median(runs.map((r) => r.requests[op] ?? 0))]));
};

/** The report's figures and request-table columns for (k) and (l). */
export function analysisFigures(a: AnalysisFigures, timings: DeployTimings): { figures: Record<string, Figure>; requests: RequestTable } {
  const s = ANALYSIS_SETTINGS;
  const m = s.minuteMs;
  const tick = durationMs(timings.interval);
  const detects = a.runs.filter((r) => r.kind === 'detect');
  const detectMs = detects.flatMap((r) => (r.detect ? [r.detect.ms] : []));
  const lower = (s.failureLimit - 1 + PUBLICATION_MINUTES) * m;
  const withA = a.runs.filter((r) => r.kind === 'with analysis' && r.status === 'succeeded');
  const withoutA = a.runs.filter((r) => r.kind === 'without analysis' && r.status === 'succeeded');
  const withCounts = medianCounts(withA);
  const withoutCounts = medianCounts(withoutA);
  const ops = [...new Set([...Object.keys(withCounts), ...Object.keys(withoutCounts)])].sort();
  const diff = ops.map((op) => [op, (withCounts[op] ?? 0) - (withoutCounts[op] ?? 0)] as const).filter(([, d]) => d !== 0);
  const total = diff.reduce((n, [, d]) => n + d, 0);
  const longerMs = median(withA.map((r) => r.mainMs)) - median(withoutA.map((r) => r.mainMs));
  const metricCalls = diff.find(([op]) => op === 'GetMetricData')?.[1] ?? 0;
  const perMinute = withA.filter((r) => r.judgedMinutes > 0).map((r) => (r.requests.GetMetricData ?? 0) / r.judgedMinutes);
  const load = `${s.ratePerSecond} req/s, ${s.desiredCount} task per colour, 1 minute = ${m} ms`;
  const figures: Record<string, Figure> = {
    'analysis.detect': figure(
      '(k) analysis: end of the first failing minute → rollback ModifyListener',
      'ms',
      summarise(detectMs),
      `${s.detectBehaviour}, ${s.detectTrafficShift}, analysis-max-error-rate ${s.maxErrorRate}, no health-check-url; ${load}; ${detects.map((r) => r.status).join(', ')}`,
    ),
    'analysis.detectMinutes': figure('(k) the same, in sandbox minutes', 'minutes', summarise(detectMs.map((ms) => ms / m), 2)),
    'analysis.detectExpected': single(
      '(k) expected: (failure-limit − 1) + publication minutes, + up to one watch tick',
      'ms',
      lower,
      `${s.failureLimit - 1} + ${PUBLICATION_MINUTES} minutes = ${lower} ms, up to ${lower + tick} ms (tick: health-check-interval ${timings.interval})`,
    ),
    'analysis.detectBeyond': single('(k) median − expected lower bound', 'ms', Number((median(detectMs) - lower).toFixed(1)), `of which up to ${tick} ms is the watch's tick`),
    'analysis.detectFailedRequests': figure('(k) user requests failed per deploy stopped by analysis', 'requests', summarise(detects.map((r) => r.failedRequests), 0), `of ${median(detects.map((r) => r.userRequests))} (median) per run`),
    'analysis.extraRequests': single(
      '(l) extra AWS requests per healthy deploy with analysis (medians, with − without)',
      'requests',
      total,
      `${diff.map(([op, d]) => `${op} ${d > 0 ? '+' : ''}${d}`).join(', ') || 'none'}; ${s.healthyTrafficShift} + bake ${s.healthyBake}; n=${withA.length}/${withoutA.length}`,
    ),
    'analysis.extraGetMetricData': single('(l) of which GetMetricData', 'requests', metricCalls, `minutes judged per deploy: ${median(withA.map((r) => r.judgedMinutes))} (median)`),
    'analysis.extraOther': single(
      '(l) of which the watch\'s own checks, over the longer windows',
      'requests',
      total - metricCalls,
      `each window lasts until its last minute is judged: main +${longerMs.toFixed(0)} ms (medians) ≈ ${(longerMs / tick).toFixed(1)} more ticks of ${timings.interval}, each a DescribeServices + DescribeTargetHealth`,
    ),
    'analysis.judgedMinutes': figure('(l) minutes judged per healthy deploy with analysis', 'minutes', summarise(withA.map((r) => r.judgedMinutes), 0)),
    'analysis.getMetricDataPerMinute': figure('(l) GetMetricData calls per judged minute', 'calls', summarise(perMinute, 2)),
    'analysis.mainWith': figure('(l) healthy deploy with analysis: main wall time', 'ms', summarise(withA.map((r) => r.mainMs)), 'each window lasts until its last minute is judged (publication wait)'),
    'analysis.mainWithout': figure('(l) healthy deploy without analysis: main wall time', 'ms', summarise(withoutA.map((r) => r.mainMs))),
    'analysis.wall': single('(k) + (l) wall time in the bench', 's', Number((a.wallMs / 1000).toFixed(1)), `${detects.length} + ${withA.length + withoutA.length} deploys, sandbox start and stop included`),
  };
  return {
    figures,
    requests: {
      [`healthy canary + bake, analysis (n=${withA.length})`]: withCounts,
      [`healthy canary + bake, no analysis (n=${withoutA.length})`]: withoutCounts,
    },
  };
}

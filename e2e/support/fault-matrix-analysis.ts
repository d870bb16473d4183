// The fault matrix's real-user analysis cells: GetMetricData (the analysis' one read) × the first-call faults,
// a first read failing on every SDK attempt (the analysis' own retry, at the next tick), a 5xx outage through
// main, and datapoints that are never published. These cells deploy with the analysis on,
// 1-second CloudWatch minutes and users, and add to the matrix's questions: did a run that could not read its
// minutes roll back saying so, and did a run that succeeded judge every minute it passed on data it read.
import { startSandbox, type FaultSpec, type Sandbox } from '../../sandbox/index.js';
import type { ActionRun } from '../../sandbox/harness/runner.js';
import { SANDBOX_TIMINGS } from './fixture.js';

/**
 * One CloudWatch minute on every lane (it changes only the metrics and ECS's built-in deployments: the matrix
 * uses the pair engine). Each analysis window must hold analysis-failure-limit + 1 = 3 of them.
 */
export const MINUTE_MS = 1000;
export const startMatrixSandbox = (): Promise<Sandbox> => startSandbox({ ...SANDBOX_TIMINGS, minuteMs: MINUTE_MS });

/** Users' rate: the 25 % step's 1-second minutes get ~10 requests on green, several times analysis-min-requests. */
export const ANALYSIS_USERS_PER_SECOND = 40;

/** The analysis on, with windows of 3 minutes: the step's wait and the bake. */
export const ANALYSIS_INPUTS: Readonly<Record<string, string>> = {
  'analysis-max-error-rate': '1%',
  'analysis-min-requests': '3',
  'traffic-shift': 'canary 25% 3s',
  'bake-time': '3s',
};

/**
 * The SDK's attempts per call (standard retries, AWS_MAX_ATTEMPTS unset): a first-call fault is retried by the SDK
 * and never reaches the analysis; failing all of them fails the analysis' first read, which it reads again later.
 */
const SDK_ATTEMPTS = 3;
export const FIRST_READ_FAULT: FaultSpec = { kind: 'error', status: 503, operation: 'GetMetricData', times: SDK_ATTEMPTS };

/** A publication delay that withholds every datapoint for the length of a cell. */
const WITHHELD_MS = 3_600_000;

/** Withholds every ALB datapoint from GetMetricData; returns what restores the sandbox's delay. */
export function withholdDatapoints(sandbox: Sandbox): () => void {
  const before = sandbox.metrics.publicationDelayMs;
  sandbox.metrics.setPublicationDelay(WITHHELD_MS);
  return () => sandbox.metrics.setPublicationDelay(before);
}

export type AnalysisCase = 'first call' | 'first read' | 'persistent' | 'missing datapoints';

/** What each case must end with: a failed read or a missing minute is never a healthy one. */
const EXPECTED_CAUSE: Partial<Record<AnalysisCase, string>> = {
  persistent: 'could not read the ALB metrics',
  'missing datapoints': 'not enough data to judge (no datapoint for either colour',
};

const SECTION = '### Real-user analysis (ALB metrics)';

/** The analysis table's rows in the job summary (empty without the section). */
export function analysisRows(summary: string): string[] {
  const at = summary.indexOf(SECTION);
  if (at < 0) return [];
  const rest = summary.slice(at + SECTION.length);
  const end = rest.search(/\n#{1,3} /);
  return (end < 0 ? rest : rest.slice(0, end))
    .split('\n')
    // A row starts with its minute: `12:04`, or `12:04:05` for the sandbox's compressed minutes.
    .filter((line) => /^\| \d\d:\d\d(:\d\d)? \|/.test(line));
}

/**
 * Main's log cut at each analysis window's start (a step's wait, the bake), so a failed read can be matched with
 * the window it left unread. The parts before the first window are dropped.
 */
function windows(log: string): string[] {
  const starts = /(watching for \S+ before the next step|Bake \w+ for \S+)/;
  const parts: string[] = [];
  for (const line of log.split('\n')) {
    if (starts.test(line)) parts.push('');
    if (parts.length > 0) parts[parts.length - 1] += `${line}\n`;
  }
  return parts;
}

/**
 * The analysis cell's own promises, as sentences; `calls` is every GetMetricData call the sandbox logged
 * during the run.
 */
export function analysisViolations(which: AnalysisCase, run: ActionRun, live: string, calls: { fault?: string }[]): string[] {
  const violations: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) violations.push(what);
  };
  const status = run.outputs.status ?? '(unset)';
  const reason = run.outputs['rollback-reason'] ?? '';
  expect(calls.length > 0, 'the analysis never called GetMetricData: the cell tested nothing');
  if (which === 'first call' || which === 'first read') expect(calls.some((c) => c.fault !== undefined), 'the fault never reached a GetMetricData call: the cell tested nothing');
  if (which === 'first read') expect(run.main.stdout.includes('Could not read the ALB metrics'), 'the first read did not fail (the log never says "Could not read the ALB metrics"): the cell tested nothing');

  const cause = EXPECTED_CAUSE[which];
  if (cause !== undefined) {
    expect(status === 'rolled-back', `GetMetricData could not give the analysis its minutes, yet the run ended ${status}, not rolled-back`);
    expect(reason.includes(cause), `the rollback reason does not name the cause ("${cause}"): ${reason || '(none)'}`);
    expect(live === 'blue', `the analysis failed, yet traffic is on ${live}, not blue`);
  } else {
    expect(status === 'succeeded' || status === 'rolled-back', `a ${which} fault of GetMetricData ended the run ${status}, neither succeeded (read retried) nor rolled-back`);
  }
  if (status !== 'succeeded') return violations;

  // A success must rest on minutes the analysis read and judged.
  const rows = analysisRows(run.summary);
  const passes = rows.filter((r) => r.endsWith('| ✅ pass |')).length;
  expect(run.summary.includes(SECTION), `the run succeeded with the analysis on, yet the job summary has no "${SECTION}" section`);
  expect(passes >= 2, `the run succeeded, yet the summary's analysis table has ${passes} minute(s) with ✅ pass (at least 2 needed: one window's analysis-failure-limit)`);
  const missing = rows.filter((r) => r.includes('no RequestCount datapoint'));
  expect(missing.length === 0, `the run succeeded, yet the summary judged ${missing.length} minute(s) on a missing datapoint: ${missing.join(' ')}`);
  const log = run.main.stdout;
  expect(!log.includes('analysis-inconclusive: pass lets it through'), 'the run succeeded, yet its log says a window passed on inconclusive minutes');
  // A failed read leaves its minutes unjudged: the window it happened in must read again, and judge, before it ends.
  windows(log).forEach((part, index) => {
    const lastFailure = part.lastIndexOf('Could not read the ALB metrics');
    if (lastFailure < 0) return;
    expect(/\nAnalysis \d\d:\d\d:\d\d/.test(part.slice(lastFailure)), `the run succeeded, yet analysis window ${index + 1} ended on a failed read with no minute judged after it: a window passed on unread minutes`);
  });
  return violations;
}

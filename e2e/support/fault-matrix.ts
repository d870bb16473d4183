// The fault matrix: every AWS operation the action calls × {throttling, 5xx, a hang past the client's
// timeout, a dropped reply} at its first call; the rollback's own writes under the same four; faults
// that persist through every retry of main; SIGINT, or SIGKILL followed by post, at every phase
// boundary; the verification rule's own calls and boundaries, on a pair without a test listener; and the
// real-user analysis' GetMetricData (fault-matrix-analysis.ts). Each cell runs the built action against a pair of its own and ends with the same questions:
// is the forward sending 100 % to one colour whose targets are healthy, does the record match it, is
// the lock gone, do the outputs and the exit status tell the truth, did a failed run annotate an error,
// did post exit 0, is no verification rule left on the listener.
import type { BlueGreenScenario, FaultSpec, RequestLogEntry, Sandbox } from '../../sandbox/index.js';
import { runAction, type ActionRun } from '../../sandbox/harness/runner.js';
import { ACTION_DIR, createScenario, inputsFor, retire } from './fixture.js';
import { ANALYSIS_INPUTS, ANALYSIS_USERS_PER_SECOND, analysisViolations, FIRST_READ_FAULT, withholdDatapoints, type AnalysisCase } from './fault-matrix-analysis.js';
import { bakeUnderway, colourOf, healthyTargets, liveColour, lockName, nextEvent, parameterValue, verificationRules } from './observe.js';
import { explain, startUsers, STEP_TIMEOUT_MS } from './run-under-load.js';

/** Every operation the action calls (DescribeAlarms with cloudwatch-alarms, the rule ones with listener-rule-arn, GetMetricData with analysis). */
export const OPERATIONS = [
  'GetParameter',
  'PutParameter',
  'DeleteParameter',
  'DescribeListeners',
  'DescribeRules',
  'ModifyListener',
  'ModifyRule',
  'DescribeTargetHealth',
  'DescribeServices',
  'DescribeTaskDefinition',
  'RegisterTaskDefinition',
  'UpdateService',
  'DescribeAlarms',
  'GetMetricData',
] as const;

/** `hang` and `drop`: the call reached AWS and took effect, then its reply was lost. */
export const FAULTS = {
  throttle: { kind: 'throttle' },
  '5xx': { kind: 'error', status: 503 },
  hang: { kind: 'hang' },
  drop: { kind: 'drop-reply' },
} as const satisfies Record<string, Omit<FaultSpec, 'operation'>>;
export type FaultName = keyof typeof FAULTS;

export const BOUNDARIES = ['lock', 'discover', 'deploy', 'verify', 'shift 25%', 'shift 100%', 'bake', 'finalize'] as const;
export type Boundary = (typeof BOUNDARIES)[number];

/**
 * The verification rule's calls (verify-route: header, no test listener): its creation, its switch from the
 * token answer to the forward to green (the first ModifyRule of such a run), and its deletion after the switch.
 */
export const ROUTE_OPERATIONS = ['CreateRule', 'ModifyRule', 'DeleteRule'] as const;
export const ROUTE_BOUNDARIES = ['rule created', 'rule forwards', 'rule deleted'] as const;
export type RouteBoundary = (typeof ROUTE_BOUNDARIES)[number];

export type Cell =
  | { group: 'first call'; operation: string; fault: FaultName }
  | { group: 'rollback'; operation: 'ModifyRule' | 'PutParameter' | 'DeleteParameter'; fault: FaultName }
  | { group: 'persistent'; operation: string; during: 'deploy' | 'rollback' }
  | { group: 'first read'; operation: 'GetMetricData' }
  | { group: 'missing datapoints'; operation: 'GetMetricData' }
  | { group: 'SIGINT' | 'SIGKILL'; at: Boundary }
  | { group: 'route'; operation: (typeof ROUTE_OPERATIONS)[number]; fault: FaultName }
  | { group: 'route SIGINT' | 'route SIGKILL'; at: RouteBoundary };

export const cellName = (c: Cell): string =>
  c.group === 'first call' || c.group === 'rollback' || c.group === 'route'
    ? `${c.operation} × ${c.fault} @ ${c.group}`
    : c.group === 'persistent'
      ? `${c.operation} × 5xx persisting @ ${c.during}`
      : c.group === 'missing datapoints'
        ? `${c.operation} × missing datapoints`
        : c.group === 'first read'
          ? `${c.operation} × 5xx on every SDK attempt @ first read`
          : `${c.group} @ ${c.at}`;

const usesRoute = (c: Cell): boolean => c.group === 'route' || c.group === 'route SIGINT' || c.group === 'route SIGKILL';
/** The real-user analysis' cells: deployed with the analysis on, and judged on what it read. */
const analysisCase = (c: Cell): AnalysisCase | undefined =>
  c.group === 'missing datapoints' || c.group === 'first read' || ((c.group === 'first call' || c.group === 'persistent') && c.operation === 'GetMetricData') ? c.group : undefined;

export function allCells(): Cell[] {
  const faults = Object.keys(FAULTS) as FaultName[];
  return [
    ...OPERATIONS.flatMap((operation) => faults.map((fault) => ({ group: 'first call' as const, operation, fault }))),
    ...(['ModifyRule', 'PutParameter', 'DeleteParameter'] as const).flatMap((operation) => faults.map((fault) => ({ group: 'rollback' as const, operation, fault }))),
    ...['PutParameter', 'DescribeServices', 'DescribeTargetHealth', 'ModifyRule', 'DeleteParameter', 'GetMetricData'].map((operation) => ({ group: 'persistent' as const, operation, during: 'deploy' as const })),
    { group: 'persistent', operation: 'ModifyRule', during: 'rollback' },
    { group: 'first read', operation: 'GetMetricData' },
    { group: 'missing datapoints', operation: 'GetMetricData' },
    ...BOUNDARIES.flatMap((at) => [{ group: 'SIGINT' as const, at }, { group: 'SIGKILL' as const, at }]),
    ...ROUTE_OPERATIONS.flatMap((operation) => faults.map((fault) => ({ group: 'route' as const, operation, fault }))),
    ...ROUTE_BOUNDARIES.flatMap((at) => [{ group: 'route SIGINT' as const, at }, { group: 'route SIGKILL' as const, at }]),
  ];
}

export interface CellResult {
  name: string;
  status: string;
  conclusion: string;
  live: string;
  record: string;
  lock: string;
  post: string;
  wallMs: number;
  /** Broken promises; empty when the cell passed. */
  violations: string[];
  /** The run's outputs, annotations and log tails when a promise broke: a CI log must say why. */
  explanation?: string;
}

const ALARM = 'fault-matrix-ok';

/** Cells that need a rollback: the new colour degrades once users reach it. */
const degrades = (c: Cell): boolean => c.group === 'rollback' || (c.group === 'persistent' && c.during === 'rollback');

export async function runCell(sandbox: Sandbox, cell: Cell, name: string): Promise<CellResult> {
  sandbox.setAlarm(ALARM, 'OK');
  // The route's cells have no test listener: the idle colour is checked through the verification rule, with
  // the production address as the health URL (proven to reach the rule first).
  const sc = await createScenario(sandbox, name, { withRule: true, healthCheckGracePeriodSeconds: 60, ...(usesRoute(cell) ? { withTestListener: false } : {}) });
  const v2 = sc.registerTaskDefinition({ version: 'v2', behaviour: degrades(cell) ? 'degrade-after-traffic:1' : 'healthy' });
  const inputs = inputsFor(sc, {
    ...(usesRoute(cell) ? { 'health-check-url': `${sc.prodUrl}/health` } : {}),
    'task-definition': v2,
    'container-name': sc.containerName,
    image: `sandbox/${sc.taskDefinitionFamily}:v2-rendered`,
    'listener-rule-arn': sc.ruleArn ?? '',
    'cloudwatch-alarms': ALARM,
    'traffic-shift': 'canary 25% 500ms',
    'bake-time': degrades(cell) ? '6s' : '1s',
    // Four cells run at once, in the jest worker that also serves their load balancers: two probes lost to a
    // stalled event loop must not roll back a healthy release (a degrading one fails every probe, in 2 s).
    'unhealthy-threshold': '4',
    ...(analysisCase(cell) ? ANALYSIS_INPUTS : {}),
  });
  // A few users, so a degrading release meets traffic; they also show the switch really serves. The analysis
  // needs enough of them that every minute has requests to judge.
  const users = degrades(cell) ? startUsers(`${sc.prodUrl}/`, 10) : analysisCase(cell) ? startUsers(`${sc.prodUrl}/`, ANALYSIS_USERS_PER_SECOND) : undefined;
  const disarm = arm(sandbox, sc, cell);
  const started = Date.now();
  let run: ActionRun;
  try {
    run = await runAction({
      actionDir: ACTION_DIR,
      inputs,
      env: sandbox.env(),
      timeoutMs: STEP_TIMEOUT_MS,
      // A persisting fault is an outage during main: it ends before post runs.
      betweenSteps: () => sandbox.clearFaults(),
      ...(cell.group === 'SIGINT' || cell.group === 'SIGKILL' ? { cancelAfterMs: () => boundary(sandbox, sc, cell.at), killMain: cell.group === 'SIGKILL' } : {}),
      ...(cell.group === 'route SIGINT' || cell.group === 'route SIGKILL' ? { cancelAfterMs: () => routeBoundary(sandbox, sc, cell.at), killMain: cell.group === 'route SIGKILL' } : {}),
    });
  } finally {
    disarm();
    sandbox.clearFaults();
    await users?.stop();
  }
  const result = judge(sandbox, sc, cell, run, name, Date.now() - started, started);
  retire(sandbox, sc);
  return result;
}

/** Injects the cell's fault at the right call; returns what undoes the arming. */
function arm(sandbox: Sandbox, sc: BlueGreenScenario, cell: Cell): () => void {
  if (cell.group === 'first call' || cell.group === 'route') {
    sandbox.injectFault({ ...FAULTS[cell.fault], operation: cell.operation, times: 1 });
    return () => undefined;
  }
  if (cell.group === 'persistent' && cell.during === 'deploy') {
    sandbox.injectFault({ kind: 'error', status: 503, operation: cell.operation });
    return () => undefined;
  }
  if (cell.group === 'missing datapoints') return withholdDatapoints(sandbox);
  if (cell.group === 'first read') {
    sandbox.injectFault(FIRST_READ_FAULT);
    return () => undefined;
  }
  if (cell.group === 'rollback' || cell.group === 'persistent') {
    // Armed once all traffic is on green: the next call of the operation is the rollback's own.
    const spec: FaultSpec =
      cell.group === 'rollback' ? { ...FAULTS[cell.fault], operation: cell.operation, times: 1 } : { kind: 'error', status: 503, operation: cell.operation };
    const onGreen = (e: { name?: string; value?: string }) => {
      if (e.name !== sc.parameterName || e.value !== 'green') return;
      sandbox.events.off('parameterChanged', onGreen);
      sandbox.injectFault(spec);
    };
    sandbox.events.on('parameterChanged', onGreen);
    return () => sandbox.events.off('parameterChanged', onGreen);
  }
  return () => undefined;
}

/** Resolves when main has just passed the boundary. */
function boundary(sandbox: Sandbox, sc: BlueGreenScenario, at: Boundary): Promise<void> {
  const within = 60_000;
  const request = (operation: string) => nextEvent<RequestLogEntry>(sandbox, 'request', (e) => e.operation === operation && e.status === 200, within, operation);
  const rule = (green: number) =>
    nextEvent<{ ruleArn: string }>(sandbox, 'ruleModified', (e) => e.ruleArn === sc.ruleArn && (sandbox.forwardWeights(sc.ruleArn)[sc.targetGroups.green] ?? 0) === green, within, `green at ${green}%`);
  const steps: Record<Boundary, () => Promise<unknown>> = {
    lock: () => nextEvent<{ name: string; value?: string }>(sandbox, 'parameterChanged', (e) => e.name === lockName(sc) && e.value !== undefined, within, 'the lock'),
    discover: () => request('GetParameter'),
    deploy: () => request('UpdateService'),
    verify: () => nextEvent<{ service: string; rolloutState: string }>(sandbox, 'deployment', (e) => e.service === sc.services.green.name && e.rolloutState === 'COMPLETED', within, "green's rollout"),
    'shift 25%': () => rule(25),
    'shift 100%': () => rule(100),
    bake: () => bakeUnderway(sandbox, sc, 'green', within),
    finalize: () =>
      nextEvent<{ listenerArn: string }>(sandbox, 'listenerModified', (e) => e.listenerArn === sc.testListenerArn && colourOf(sc, sandbox.forwardWeights(e.listenerArn)) === 'blue', within, 'finalize'),
  };
  return steps[at]().then(() => undefined);
}

/** Resolves when main has just passed a boundary of the verification rule's life. */
function routeBoundary(sandbox: Sandbox, sc: BlueGreenScenario, at: RouteBoundary): Promise<void> {
  const within = 60_000;
  const request = (operation: string) => nextEvent<RequestLogEntry>(sandbox, 'request', (e) => e.operation === operation && e.status === 200, within, operation);
  const forwards = () =>
    nextEvent<{ ruleArn: string }>(sandbox, 'ruleModified', (e) => verificationRules(sandbox, sc).some((r) => r.arn === e.ruleArn) && colourOf(sc, sandbox.forwardWeights(e.ruleArn)) === 'green', within, 'the rule forwarding to green');
  const steps: Record<RouteBoundary, () => Promise<unknown>> = { 'rule created': () => request('CreateRule'), 'rule forwards': forwards, 'rule deleted': () => request('DeleteRule') };
  return steps[at]().then(() => undefined);
}

function judge(sandbox: Sandbox, sc: BlueGreenScenario, cell: Cell, run: ActionRun, name: string, wallMs: number, since: number): CellResult {
  const violations: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) violations.push(what);
  };
  const live = liveColour(sandbox, sc);
  const record = parameterValue(sandbox, sc.parameterName) ?? '(none)';
  const lock = parameterValue(sandbox, lockName(sc)) === undefined ? 'gone' : 'LEFT';
  const out = run.outputs;
  const postAnnotations = run.annotations.filter((a) => a.step === 'post' && a.level === 'error');
  const postMoved = postAnnotations.some((a) => a.title === 'Post step restored traffic');

  expect(live === 'blue' || live === 'green', `the forward is not on one colour: ${live}`);
  if (live === 'blue' || live === 'green') expect(healthyTargets(sandbox, sc, live) > 0, `${live} has no healthy targets`);
  expect(record === live, `record ${record} ≠ forward ${live}`);
  expect(lock === 'gone', 'the lock was left');
  const rules = verificationRules(sandbox, sc).map((r) => r.arn);
  expect(rules.length === 0, `verification rule left: ${rules.join(', ')}`);
  expect(run.post === undefined || run.post.outcome === 'success', `post exited ${run.post?.exitCode ?? '?'}`);

  const killed = cell.group === 'SIGKILL' || cell.group === 'route SIGKILL';
  const signalled = killed || cell.group === 'SIGINT' || cell.group === 'route SIGINT';
  // The runner signals main only while it runs: a main that ended first tested no cancellation.
  if (signalled) expect(run.main.signalsSent.length > 0, `main ended (status ${out.status ?? '(unset)'}) before the moment it was to be signalled`);
  if (!killed) {
    expect(!postAnnotations.some((a) => a.title?.startsWith('Main did not finish')), `post says main did not finish: ${postAnnotations.map((a) => a.title).join('; ')}`);
    const status = out.status ?? '';
    // Main's outputs are what main saw, read back, when it ended; post may move traffic after that.
    if (!postMoved) expect(out['live-color'] === live, `live-color ${out['live-color'] ?? '(unset)'} ≠ forward ${live}`);
    if (status === 'succeeded') expect(live === 'green' && out['rolled-back'] === 'false', 'succeeded but not live on green');
    if (status === 'rolled-back') expect(out['live-color'] === 'blue' && out['rolled-back'] === 'true', 'rolled-back but not back on blue');
    if (status === 'failed') expect(out['rolled-back'] === 'false' || out['live-color'] === 'blue', 'failed, rolled-back true, yet not on blue');
    const expectedConclusion = cell.group === 'SIGINT' || cell.group === 'route SIGINT' ? 'cancelled' : status === 'succeeded' ? 'success' : 'failure';
    expect(run.conclusion === expectedConclusion, `conclusion ${run.conclusion} for status ${status}`);
  }
  if (run.conclusion === 'failure') expect(run.annotations.some((a) => a.level === 'error'), 'a failed run without an error annotation');
  // A cancelled job whose deploy had already finished is not a failed deploy, but it must say what happened.
  if (run.conclusion === 'cancelled') expect(run.annotations.some((a) => a.level === 'error' || a.level === 'warning'), 'a cancelled run without an annotation');
  const analysed = analysisCase(cell);
  if (analysed) violations.push(...analysisViolations(analysed, run, live, sandbox.requests({ operation: 'GetMetricData', since })));

  return {
    name,
    status: killed ? '(killed)' : (out.status ?? '(unset)'),
    conclusion: run.conclusion,
    live: String(live),
    record,
    lock,
    post: postAnnotations.map((a) => a.title).join('; ') || (run.post ? 'nothing to do' : '(skipped)'),
    wallMs,
    violations,
    ...(violations.length > 0 ? { explanation: explain(run) } : {}),
  };
}

/** The table printed at the end of the run. */
export function renderTable(rows: (CellResult & { cell: string })[]): string {
  const header = ['#', 'cell', 'status', 'job', 'forward', 'record', 'lock', 'post', 's', 'ok'];
  const lines = rows.map((r, i) => [String(i + 1), r.cell, r.status, r.conclusion, r.live, r.record, r.lock, r.post, (r.wallMs / 1000).toFixed(1), r.violations.length === 0 ? 'ok' : `FAIL: ${r.violations.join('; ')}`]);
  const widths = header.map((h, col) => Math.max(h.length, ...lines.map((l) => (l[col] ?? '').length)));
  const format = (cells: string[]) => `| ${cells.map((c, col) => c.padEnd(widths[col] ?? 0)).join(' | ')} |`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

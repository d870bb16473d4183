// Real-user analysis in the pair's flow: the ALB's per-target-group minutes judged at each step's wait and
// in the bake, only once published; failing minutes in a row roll back; quiet or unreadable minutes are
// never a pass.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { renderSummaryMarkdown } = await import('../src/report/summary.js');
const { TG } = await import('../__fixtures__/fake-aws.js');
const { T0, harness, settle } = await import('../__fixtures__/flow.js');
import type { AnalysisConfig } from '../src/analysis/config.js';
import type { PublishedMinute } from '../__fixtures__/fake-aws.js';
import type { Config } from '../src/types.js';

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const MINUTE = 60_000;
const ANALYSIS: AnalysisConfig = { maxErrorRate: 1, minRequests: 50, failureLimit: 2, inconclusive: 'fail', count4xx: false, minuteMs: MINUTE };

/** `switchedAt`: when all users were on green (the record written), Infinity before. */
type Traffic = (colour: 'blue' | 'green', start: number, switchedAt: number) => PublishedMinute | undefined;

async function run(traffic: Traffic, config: Partial<Config> = {}, analysis: Partial<AnalysisConfig> = {}) {
  const h = await harness({ config: { analysis: { ...ANALYSIS, ...analysis }, bakeTimeMs: 3 * MINUTE, ...config } });
  let shiftedAt: number | undefined;
  let switchedAt = Infinity;
  h.aws.published = (arn, start) => traffic(arn === TG.green ? 'green' : 'blue', start, switchedAt);
  h.state.onSave = (key, value) => {
    if (key === 'phase' && value === 'shifting') shiftedAt = Date.now();
    if (key === 'phase' && value === 'baking') switchedAt = Date.now();
  };
  const result = await settle(deploy(h.config, h.deps), 1_000);
  return { h, result, shiftedAt: shiftedAt ?? NaN };
}

const healthyMinute = (requests = 600): PublishedMinute => ({ requests, p99Seconds: 0.04 });

describe('real-user analysis, pair engine', () => {
  it('rolls back at the canary step when the new colour fails 5% of real requests, naming the minutes and both colours', async () => {
    const { h, result, shiftedAt } = await run(
      (colour) => (colour === 'green' ? { requests: 200, target5xx: 10, p99Seconds: 0.05 } : healthyMinute(1800)),
      { trafficShift: { kind: 'canary', percent: 10, waitMs: 5 * MINUTE } },
    );
    expect(result.outcome.status).toBe('rolled-back');
    expect(h.aws.liveColour()).toBe('blue');
    const reason = result.outcome.rollbackReason ?? '';
    expect(reason).toContain('real-user analysis failed during the 10% step');
    // What a GitHub deployment record keeps (140 characters) names the metric, the values, the bound and the minutes.
    expect(`Rolled back to blue: ${reason}`.slice(0, 140)).toMatch(/^Rolled back to blue: real-user analysis failed during the 10% step: green error rate 5% > 1% at \d\d:\d\d, \d\d:\d\d UTC/);
    expect(reason).toMatch(/green failed 2 minute\(s\) in a row \(analysis-failure-limit 2\)/);
    expect(reason).toContain('error rate 5% (10/200) > analysis-max-error-rate 1%');
    expect(reason).toContain('(blue: 0% of 1800, p99 40 ms)');
    // The second whole minute after the shift is judged once published: its end + 2 minutes (+ one tick).
    const firstWhole = Math.ceil(shiftedAt / MINUTE) * MINUTE;
    const rollback = h.aws.callsOf('elb.writeActions').at(-1)!.at;
    expect(rollback).toBeGreaterThanOrEqual(firstWhole + 2 * MINUTE + 2 * MINUTE);
    expect(rollback).toBeLessThanOrEqual(firstWhole + 4 * MINUTE + h.config.health.intervalMs + 1_000);
    // Never judged before publication: every read ends at least 2 minutes before it was made.
    for (const call of h.aws.callsOf('metrics.read')) expect(call.args[2] as number).toBeLessThanOrEqual(call.at - 2 * MINUTE);
  });

  it('lets a healthy release through and ends the bake only after its last whole minute was judged', async () => {
    const { h, result } = await run((colour, start, switchedAt) => (colour === 'green' ? healthyMinute(900) : start < switchedAt - MINUTE ? healthyMinute(900) : undefined));
    expect(result.outcome.status).toBe('succeeded');
    const reads = h.aws.callsOf('metrics.read');
    const lastRead = reads.at(-1)!;
    const bakeEnd = h.deps.timeline.records().find((r) => r.phase.startsWith('Bake'))!;
    expect(Date.parse(bakeEnd.startedAt) + bakeEnd.durationMs).toBeGreaterThanOrEqual(lastRead.at);
    // One call per evaluation, each only when a new minute was published: far fewer than the watch's ticks.
    expect(reads.length).toBeLessThanOrEqual(4);
    const summary = renderSummaryMarkdown({ title: 't', mode: 'deploy', outcome: result.outcome, timeline: [], targetGroups: TG, trafficSteps: [], notes: [], analysis: result.notes.analysis?.report() });
    expect(summary).toContain('### Real-user analysis (ALB metrics)');
    expect(summary).toMatch(/\| \d\d:\d\d \| 900 \| 0% \| 40 ms \| 0 \| – \| – \| 0 \| ✅ pass \|/);
    expect(summary).toContain('xychart-beta');
    expect(summary).toContain('ELB-generated 5xx of the whole load balancer (no target group of their own, so never counted as green\'s): 0 a minute before the shift, 0 a minute since.');
    expect(summary).toContain('"metrics"');
  });

  it('fails a too-quiet bake as "not enough traffic to judge" by default, and passes it with analysis-inconclusive: pass', async () => {
    const quiet = await run(() => ({ requests: 10, p99Seconds: 0.04 }));
    expect(quiet.result.outcome.status).toBe('rolled-back');
    expect(quiet.result.outcome.rollbackReason).toContain('not enough traffic to judge: 0 of');
    expect(quiet.result.outcome.rollbackReason).toContain('green had 10 request(s), fewer than analysis-min-requests 50');

    jest.useFakeTimers({ now: T0 });
    const allowed = await run(() => ({ requests: 10, p99Seconds: 0.04 }), {}, { inconclusive: 'pass' });
    expect(allowed.result.outcome.status).toBe('succeeded');
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining('analysis-inconclusive: pass lets it through'));
  });

  it('rolls back in the bake when p99 triples against the previous colour before the shift', async () => {
    // Blue serves nobody once all users are on green: the bake compares with blue's minutes before the shift.
    const { result } = await run((colour, start, switchedAt) => (colour === 'blue' ? (start < switchedAt - MINUTE ? healthyMinute() : undefined) : { requests: 600, p99Seconds: 0.3 }), {}, { maxErrorRate: undefined, maxP99: { kind: 'relative', factor: 1.5 } });
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('during the bake time');
    expect(result.outcome.rollbackReason).toContain("p99 300 ms > analysis-max-p99 1.5× the previous colour's minutes before the shift 40 ms");
  });

  it('never passes on metrics it could not read, even with analysis-inconclusive: pass; a throttle that clears is retried', async () => {
    const failing = await harness({ config: { analysis: { ...ANALYSIS, inconclusive: 'pass' }, bakeTimeMs: 3 * MINUTE } });
    failing.aws.published = () => healthyMinute();
    failing.aws.faults.push((op) => (op === 'metrics.read' ? Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }) : undefined));
    const result = await settle(deploy(failing.config, failing.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toMatch(/could not read the ALB metrics of .*Rate exceeded.*a minute not read is not a healthy minute/);
    expect(failing.aws.liveColour()).toBe('blue');
    // One annotation for the outage, every retry in the log.
    expect(core.messages(core.warning).filter((m) => m.includes('Could not read the ALB metrics'))).toHaveLength(1);
    expect(core.messages(core.info).filter((m) => m.includes('Could not read the ALB metrics')).length).toBeGreaterThan(3);

    jest.useFakeTimers({ now: T0 });
    const flaky = await harness({ config: { analysis: ANALYSIS, bakeTimeMs: 3 * MINUTE } });
    flaky.aws.published = () => healthyMinute();
    let throttles = 2;
    flaky.aws.faults.push((op) => (op === 'metrics.read' && throttles-- > 0 ? new Error('Rate exceeded') : undefined));
    expect((await settle(deploy(flaky.config, flaky.deps), 1_000)).outcome.status).toBe('succeeded');
  });

  it('says "not enough data" when neither colour has a datapoint (CloudWatch had not published them), not "not enough traffic"', async () => {
    const { result } = await run(() => undefined);
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain('not enough data to judge (no datapoint for either colour in 2 minute(s): not published yet, or no user at all): 0 of 2');
  });

  it('compares with the previous colour in the same minute while both serve users (analysis-max-error-increase)', async () => {
    const { result } = await run(
      (colour) => (colour === 'green' ? { requests: 100, target5xx: 3, p99Seconds: 0.04 } : { requests: 900, target5xx: 18, p99Seconds: 0.04 }),
      { trafficShift: { kind: 'canary', percent: 10, waitMs: 3 * MINUTE } },
      { maxErrorRate: undefined, maxErrorIncrease: 0.5 },
    );
    // 3% against blue's 2% in the same minutes: 1 point above, more than 0.5.
    expect(result.outcome.status).toBe('rolled-back');
    expect(result.outcome.rollbackReason).toContain("error rate 3% is 1% points above the previous colour's same minute 2% > analysis-max-error-increase 0.5%");
  });
});

describe('real-user analysis, engine: ecs', () => {
  it("refuses ECS step bakes shorter than analysis-failure-limit + 1 minutes, naming the service's setting", async () => {
    const { analysisWindowProblems } = await import('../src/engines/ecs/analysis.js');
    const { makeConfig } = await import('../__fixtures__/config.js');
    type Service = Parameters<typeof analysisWindowProblems>[1];
    const canary = (bakeTimeInMinutes: number) => ({ strategy: 'CANARY', canary: { percent: 10, bakeTimeInMinutes } }) as unknown as Service;
    const withAnalysis = makeConfig({ analysis: ANALYSIS });
    expect(analysisWindowProblems(withAnalysis, canary(2))).toEqual([expect.stringContaining('its canaryConfiguration.canaryBakeTimeInMinutes is 2: with analysis-failure-limit 2 the real-user analysis needs steps of at least 3 minutes')]);
    expect(analysisWindowProblems(withAnalysis, canary(3))).toEqual([]);
    expect(analysisWindowProblems(makeConfig(), canary(1))).toEqual([]);
    const linear = { strategy: 'LINEAR', linear: { stepPercent: 10, stepBakeTimeInMinutes: 1 } } as unknown as Service;
    expect(analysisWindowProblems(withAnalysis, linear)[0]).toContain('linearConfiguration.stepBakeTimeInMinutes is 1');
  });
});

describe('real-user analysis, engine: ecs flow', () => {
  const CANARY = async () => {
    const { BLUE_GREEN_SCRIPT } = await import('../__fixtures__/fake-builtin.js');
    return [
      ...BLUE_GREEN_SCRIPT.slice(0, 5),
      { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', pause: true },
      { stage: 'PRODUCTION_TRAFFIC_SHIFT', productionWeight: 10 },
      { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', pause: true, productionWeight: 10 },
      ...BLUE_GREEN_SCRIPT.slice(6),
    ];
  };

  it("judges the canary step's minutes at the next PRE_PRODUCTION_TRAFFIC_SHIFT pause and answers it ROLLBACK when they fail", async () => {
    const { builtInHarness } = await import('../__fixtures__/builtin-harness.js');
    const { builtInDeploy } = await import('../src/engines/ecs/deploy.js');
    const h = await builtInHarness({ script: await CANARY(), config: { analysis: ANALYSIS, bakeTimeMs: 3 * MINUTE } });
    // The new revision starts in the alternate group (green here): 5% of its requests fail.
    h.aws.published = (arn) => (arn === TG.green ? { requests: 200, target5xx: 10, p99Seconds: 0.05 } : healthyMinute(1800));
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('rolled-back');
    expect(h.ecs.calls).toContain('resume ROLLBACK at PRE_PRODUCTION_TRAFFIC_SHIFT');
    expect(result.outcome.rollbackReason).toMatch(/real-user analysis failed during the step at 10%: new revision error rate 5% > 1% at .* — new revision failed 2 minute\(s\) in a row/);
    expect(result.outcome.rollbackReason).toContain('(previous revision: 0% of 1800, p99 40 ms)');
  });

  it('lets a healthy canary through, its step held at the pause until its minutes were judged', async () => {
    const { builtInHarness } = await import('../__fixtures__/builtin-harness.js');
    const { builtInDeploy } = await import('../src/engines/ecs/deploy.js');
    const h = await builtInHarness({ script: await CANARY(), config: { analysis: ANALYSIS, bakeTimeMs: 3 * MINUTE } });
    h.aws.published = () => healthyMinute();
    const result = await settle(builtInDeploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('succeeded');
    expect(h.ecs.calls.filter((c) => c.startsWith('resume'))).toEqual(['resume CONTINUE at POST_TEST_TRAFFIC_SHIFT', 'resume CONTINUE at PRE_PRODUCTION_TRAFFIC_SHIFT', 'resume CONTINUE at PRE_PRODUCTION_TRAFFIC_SHIFT']);
    // ECS ended the step at once here: the pause held it for failure-limit + 1 minutes, and two of them were judged.
    expect(result.notes.analysis?.report().minutes.filter((m) => m.verdict === 'pass').length).toBeGreaterThanOrEqual(2);
  });
});

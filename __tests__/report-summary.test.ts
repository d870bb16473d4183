import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const info = jest.fn();
const warning = jest.fn();
// A stand-in for core.summary: the chainable calls writeSummary makes.
interface SummaryStub {
  addRaw: (text: string, addEOL?: boolean) => SummaryStub;
  write: () => Promise<SummaryStub>;
  emptyBuffer: () => SummaryStub;
}
const addRaw = jest.fn((_text: string, _addEOL?: boolean): SummaryStub => summary);
const write = jest.fn(async (): Promise<SummaryStub> => summary);
const emptyBuffer = jest.fn((): SummaryStub => summary);
const summary: SummaryStub = { addRaw, write, emptyBuffer };
jest.unstable_mockModule('@actions/core', () => ({ info, warning, summary }));
const { renderSummaryMarkdown, targetGroupName, writeSummary } = await import('../src/report/summary.js');
type Report = import('../src/report/summary.js').Report;

const TG = {
  blue: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/0123456789abcdef',
  green: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/fedcba9876543210',
};
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42';

const deployReport = (over: Partial<Report> = {}): Report => ({
  title: 'Blue-green deploy of web',
  mode: 'deploy',
  outcome: {
    status: 'succeeded',
    liveColour: 'green',
    previousColour: 'blue',
    taskDefinitionArn: TASK,
    rolledBack: false,
    switchedAt: '2026-11-01T12:06:00.000Z',
  },
  timeline: [
    { phase: 'discover', startedAt: '2026-11-01T12:00:00.000Z', durationMs: 850, result: 'ok' },
    { phase: 'deploy idle', startedAt: '2026-11-01T12:00:01.000Z', durationMs: 154_000, result: 'ok' },
    { phase: 'shift', startedAt: '2026-11-01T12:03:00.000Z', durationMs: 180_000, result: 'ok' },
  ],
  targetGroups: TG,
  listenerBefore: 'forward: web-blue 100%',
  listenerAfter: 'forward: web-green 100%',
  trafficSteps: [
    { at: '2026-11-01T12:03:00.000Z', split: { blue: 90, green: 10 }, note: 'canary' },
    { at: '2026-11-01T12:06:00.000Z', split: { blue: 0, green: 100 } },
  ],
  notes: [],
  ...over,
});

/** The ```mermaid block's lines, without the fences. */
function mermaidBlock(markdown: string): string[] {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!match?.[1]) throw new Error('no mermaid block');
  return match[1].split('\n');
}

/**
 * A structural check of the flowchart we emit: the header, balanced subgraphs, quoted labels
 * without stray quotes, and every edge between declared nodes or subgraphs.
 */
function expectValidFlowchart(lines: string[]): void {
  expect(lines[0]).toBe('flowchart LR');
  const declared = new Set<string>();
  let depth = 0;
  const label = '"[^"]*"';
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^subgraph (\\w+)\\[${label}\\]$`).exec(line))) {
      declared.add(m[1]!);
      depth += 1;
    } else if (line === 'end') {
      depth -= 1;
      expect(depth).toBeGreaterThanOrEqual(0);
    } else if (line === 'direction LR') {
      expect(depth).toBe(1);
    } else if ((m = new RegExp(`^(\\w+)(?:\\(\\[${label}\\]\\)|\\[${label}\\])$`).exec(line))) {
      declared.add(m[1]!);
    } else if ((m = new RegExp(`^(\\w+) (?:-->|-\\.->)(?:\\|${label}\\|)? (\\w+)$`).exec(line))) {
      expect(declared.has(m[1]!)).toBe(true);
      expect(declared.has(m[2]!)).toBe(true);
    } else {
      throw new Error(`unexpected mermaid line: ${line}`);
    }
  }
  expect(depth).toBe(0);
}

beforeEach(() => {
  jest.clearAllMocks();
});

describe('renderSummaryMarkdown', () => {
  it('tells a successful deploy: heading, outcome, timeline rows', () => {
    const md = renderSummaryMarkdown(deployReport());
    expect(md.startsWith('## ✅ Blue-green deploy of web: succeeded\n')).toBe(true);
    expect(md).toContain(`**green** is live (was **blue**), running \`${TASK}\`. Traffic switched at 2026-11-01T12:06:00.000Z.`);
    expect(md).toContain('| Phase | Start | Duration | Result | Detail |');
    expect(md).toContain('| discover | 12:00:00Z | 850 ms | ok |  |');
    expect(md).toContain('| deploy idle | 12:00:01Z | 2m 34s | ok |  |');
    expect(md).toContain('| shift | 12:03:00Z | 3m 00s | ok |  |');
  });

  it('shows the listener before and after, the target groups and every traffic step', () => {
    const md = renderSummaryMarkdown(deployReport());
    expect(md).toContain('**Listener before:** forward: web-blue 100%');
    expect(md).toContain('**Listener after:** forward: web-green 100%');
    expect(md).toContain(`**Target groups:** blue \`${TG.blue}\` · green \`${TG.green}\``);
    expect(md).toContain('| 12:03:00Z | 90% | 10% | canary |');
    expect(md).toContain('| 12:06:00Z | 0% | 100% |  |');
  });

  it('draws the traffic move as a valid mermaid flowchart, before and after', () => {
    const lines = mermaidBlock(renderSummaryMarkdown(deployReport()));
    expectValidFlowchart(lines);
    expect(lines).toContain('  subgraph s0["Before"]');
    expect(lines).toContain('  subgraph s1["After · 12:06:00Z"]');
    expect(lines).toContain('    s0_blue["blue<br/>web-blue"]');
    expect(lines).toContain('    s0_listener -->|"100%"| s0_blue');
    expect(lines).toContain('    s0_listener -.->|"0%"| s0_green');
    expect(lines).toContain('    s1_listener -.->|"0%"| s1_blue');
    expect(lines).toContain('    s1_listener -->|"100%"| s1_green');
    expect(lines).toContain('  s0 --> s1');
  });

  it('names the failed release (task definition and images) after a rollback or a failed deploy', () => {
    const release = { description: 'task-definition.json with web=shop:42 (new revision)', images: ['web=shop:42', 'envoy=envoy:1.30'], taskDefinitionArn: TASK };
    const rolledBack = renderSummaryMarkdown(deployReport({ outcome: { status: 'rolled-back', liveColour: 'blue', rolledBack: true }, release }));
    expect(rolledBack).toContain(`**Failed release:** \`${TASK}\` (\`web=shop:42\`, \`envoy=envoy:1.30\`).`);
    const failed = renderSummaryMarkdown(deployReport({ outcome: { status: 'failed', liveColour: 'blue', rolledBack: false }, release: { description: 'task-definition.json (new revision)', images: ['web=shop:43'] } }));
    expect(failed).toContain('**Failed release:** task-definition.json (new revision) (`web=shop:43`).');
    expect(renderSummaryMarkdown(deployReport({ outcome: { status: 'succeeded', liveColour: 'green', rolledBack: false }, release }))).not.toContain('Failed release');
  });

  it('tells a rollback: why, where traffic is, how far the new colour got, and ECS events', () => {
    const md = renderSummaryMarkdown(
      deployReport({
        outcome: {
          status: 'rolled-back',
          liveColour: 'blue',
          previousColour: 'blue',
          taskDefinitionArn: TASK,
          rolledBack: true,
          rollbackReason: 'health check http://green/health failed 3 times in a row:\nstatus 503\nstatus 503',
        },
        trafficSteps: [
          { at: '2026-11-01T12:03:00.000Z', split: { blue: 90, green: 10 }, note: 'canary' },
          { at: '2026-11-01T12:04:10.000Z', split: { blue: 100, green: 0 }, note: 'rollback' },
        ],
        notes: ['The state parameter recorded green; the listener said blue.'],
        events: ['2026-11-01T12:02:00Z (service web-green) has started 2 tasks.', 'line with ``` fence'],
      }),
    );
    expect(md.startsWith('## ⏪ Blue-green deploy of web: rolled back\n')).toBe(true);
    expect(md).toContain(
      'The deploy was rolled back: traffic is back on **blue**. **Reason:** health check http://green/health failed 3 times in a row: status 503 status 503',
    );
    const lines = mermaidBlock(md);
    expectValidFlowchart(lines);
    expect(lines).toContain('  subgraph s1["Furthest · 12:03:00Z"]');
    expect(lines).toContain('    s1_listener -->|"10%"| s1_green');
    expect(lines).toContain('  subgraph s2["After · 12:04:10Z"]');
    expect(md).toContain('### Notes\n\n- ⚠️ The state parameter recorded green; the listener said blue.');
    expect(md).toContain('<details>\n<summary>ECS service events (2, newest first)</summary>\n\n```text\n2026-11-01T12:02:00Z (service web-green) has started 2 tasks.');
    expect(md).toContain("line with ''' fence\n```\n\n</details>");
  });

  it('tells a failure with an unknown live colour', () => {
    const md = renderSummaryMarkdown(
      deployReport({ outcome: { status: 'failed', rolledBack: false, rollbackReason: 'RollbackFailed: ModifyListener timed out' }, trafficSteps: [] }),
    );
    expect(md.startsWith('## ❌ Blue-green deploy of web: failed\n')).toBe(true);
    expect(md).toContain('The deploy failed; the live colour is unknown. **Reason:** RollbackFailed: ModifyListener timed out');
    expect(md).not.toContain('```mermaid');
  });

  it('tells a failure while the old colour still serves', () => {
    const md = renderSummaryMarkdown(deployReport({ outcome: { status: 'failed', liveColour: 'blue', rolledBack: false } }));
    expect(md).toContain('The deploy failed; **blue** is live.');
  });

  it('tells a dry run with its plan and nothing changed', () => {
    const md = renderSummaryMarkdown(
      deployReport({
        outcome: { status: 'no-op', liveColour: 'blue', rolledBack: false },
        timeline: [],
        listenerBefore: undefined,
        listenerAfter: undefined,
        trafficSteps: [],
        plan: ['Register task definition from task-def.json', 'Update service web-green | scale to 2'],
      }),
    );
    expect(md.startsWith('## 📝 Blue-green deploy of web: dry run\n')).toBe(true);
    expect(md).toContain('Dry run: nothing was changed. **blue** is live.');
    expect(md).toContain('### Plan (dry run, nothing changed)\n\n1. Register task definition from task-def.json\n2. Update service web-green | scale to 2');
    expect(md).not.toContain('### Timeline');
    expect(md).not.toContain('### Traffic');
  });

  it('tells a no-op deploy and a requested rollback', () => {
    const noop = renderSummaryMarkdown(deployReport({ outcome: { status: 'no-op', liveColour: 'green', rolledBack: false, taskDefinitionArn: TASK } }));
    expect(noop.startsWith('## ⏸️ Blue-green deploy of web: no change\n')).toBe(true);
    expect(noop).toContain(`Nothing to do: **green** is live, running \`${TASK}\`.`);
    expect(renderSummaryMarkdown(deployReport({ outcome: { status: 'no-op', rolledBack: false } }))).toContain('Nothing to do.');

    const rollback = renderSummaryMarkdown(
      deployReport({
        mode: 'rollback',
        outcome: { status: 'succeeded', liveColour: 'blue', previousColour: 'green', rolledBack: true, switchedAt: '2026-11-01T13:00:00.000Z' },
      }),
    );
    expect(rollback).toContain('Rolled back on request: **blue** is live again (was **green**). Traffic switched at 2026-11-01T13:00:00.000Z.');
    expect(renderSummaryMarkdown(deployReport({ mode: 'rollback', outcome: { status: 'succeeded', rolledBack: true } }))).toContain(
      'Rolled back on request: the other colour is live again.',
    );
    expect(renderSummaryMarkdown(deployReport({ outcome: { status: 'succeeded', rolledBack: false } }))).toContain('The new colour is live.');
    expect(renderSummaryMarkdown(deployReport({ outcome: { status: 'rolled-back', rolledBack: true } }))).toContain(
      'traffic is back on the previous colour.',
    );
  });

  it('shows both services in status mode', () => {
    const md = renderSummaryMarkdown({
      title: 'Blue-green status of web',
      mode: 'status',
      outcome: { status: 'no-op', liveColour: 'blue', taskDefinitionArn: TASK, rolledBack: false },
      timeline: [],
      targetGroups: TG,
      listenerAfter: 'forward: web-blue 100%',
      trafficSteps: [],
      notes: [],
      services: [
        { colour: 'blue', service: 'web-blue', taskDefinitionArn: TASK, images: ['repo/web:1.4.2', 'repo/sidecar:3'], desired: 2, running: 2 },
        { colour: 'green', service: 'web-green', taskDefinitionArn: `${TASK.slice(0, -2)}41`, images: ['repo/web:1.4.1'], desired: 0, running: 0 },
      ],
    });
    expect(md.startsWith('## ℹ️ Blue-green status of web\n')).toBe(true);
    expect(md).toContain(`**blue** is live, running \`${TASK}\`; **green** is idle.`);
    expect(md).toContain('| Colour | Service | Task definition | Images | Desired | Running |');
    expect(md).toContain(`| blue (live) | web-blue | \`${TASK}\` | \`repo/web:1.4.2\`<br>\`repo/sidecar:3\` | 2 | 2 |`);
    expect(md).toContain('| green | web-green |');
    expect(md).toContain('**Listener after:** forward: web-blue 100%');
    expect(md).not.toContain('```mermaid');
  });

  it('says so when status mode cannot tell the live colour', () => {
    const md = renderSummaryMarkdown({ ...deployReport(), mode: 'status', outcome: { status: 'no-op', rolledBack: false, rollbackReason: 'listener split 50/50' } });
    expect(md).toContain('The live colour could not be determined. **Reason:** listener split 50/50');
  });

  it('uses the given split before the first step, and draws steps alone when nothing is known before', () => {
    const given = mermaidBlock(renderSummaryMarkdown(deployReport({ trafficBefore: { blue: 20, green: 80 } })));
    expectValidFlowchart(given);
    expect(given).toContain('    s0_listener -->|"20%"| s0_blue');

    const unknown = mermaidBlock(renderSummaryMarkdown(deployReport({ outcome: { status: 'succeeded', rolledBack: false } })));
    expectValidFlowchart(unknown);
    expect(unknown.filter((l) => l.trim().startsWith('subgraph'))).toEqual(['  subgraph s0["After · 12:06:00Z"]']);
  });

  it('escapes table cells and text so a detail cannot break the table or hide in a tag', () => {
    const md = renderSummaryMarkdown(
      deployReport({
        timeline: [{ phase: 'verify idle', startedAt: '2026-11-01T12:00:00.000Z', durationMs: 61_000, result: 'failed', detail: 'body did not match /a|b/ <script>\nx' }],
        notes: ['drift: <b>bold</b> & more'],
      }),
    );
    expect(md).toContain('| verify idle | 12:00:00Z | 1m 01s | failed | body did not match /a\\|b/ &lt;script&gt; x |');
    expect(md).toContain('- ⚠️ drift: &lt;b&gt;bold&lt;/b&gt; &amp; more');
  });

  it('lists the commands that ran, and the last lines of one that failed, escaped', () => {
    const md = renderSummaryMarkdown(
      deployReport({
        commands: [
          { input: 'pre-deploy-command', result: 'passed', exitCode: 0, durationMs: 4_000, lastLines: ['ok'] },
          { input: 'smoke-test-command', result: 'failed', exitCode: 1, durationMs: 61_000, lastLines: ['1 failed', '<b>checkout</b> ```'] },
        ],
      }),
    );
    expect(md).toContain('### Commands');
    expect(md).toContain('| `pre-deploy-command` | ✅ passed | 0 | 4 s |');
    expect(md).toMatch(/\| `smoke-test-command` \| ❌ failed \| 1 \| 1m 01s \|/);
    expect(md).toContain('`smoke-test-command`: last 2 line(s) of output');
    expect(md).toContain("&lt;b&gt;checkout&lt;/b&gt; '''");
    expect(md).not.toContain('\nok\n');
  });

  it('says what a prepare did: the idle colour prepared with its task definition, the live one still serving', () => {
    const md = renderSummaryMarkdown(
      deployReport({ mode: 'prepare', title: 'Blue-green prepare of web', outcome: { status: 'succeeded', liveColour: 'blue', previousColour: 'blue', targetColour: 'green', taskDefinitionArn: TASK, rolledBack: false } }),
    );
    expect(md).toContain(`**green** is prepared, running \`${TASK}\` and passed its checks; **blue** still serves all traffic. Switch with \`mode: promote\` and \`expected-task-definition-arn: ${TASK}\`.`);
    const failed = renderSummaryMarkdown(deployReport({ mode: 'promote', outcome: { status: 'failed', liveColour: 'blue', previousColour: 'blue', rolledBack: false } }));
    expect(failed).toContain('The promote failed; **blue** is live.');
    const afterSwitch = renderSummaryMarkdown(
      deployReport({ outcome: { status: 'failed', liveColour: 'green', previousColour: 'blue', targetColour: 'green', taskDefinitionArn: TASK, rolledBack: false } }),
    );
    expect(afterSwitch).toContain(`**green** is live (was **blue**), running \`${TASK}\`: the release passed its bake, but the deploy failed after the switch`);
    expect(afterSwitch).not.toContain('Failed release');
  });

  it('shortens target group ARNs to their names in the diagram', () => {
    expect(targetGroupName(TG.green)).toBe('web-green');
    expect(targetGroupName('my-tg')).toBe('my-tg');
  });
});

describe('writeSummary', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY;
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
  });

  it('appends the rendered markdown to the job summary', async () => {
    process.env.GITHUB_STEP_SUMMARY = '/tmp/summary.md';
    const report = deployReport();
    await writeSummary(report);
    expect(addRaw).toHaveBeenCalledWith(renderSummaryMarkdown(report), true);
    expect(write).toHaveBeenCalledTimes(1);
    expect(info).not.toHaveBeenCalled();
  });

  it('logs the summary when there is no summary file (local runs)', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    const report = deployReport();
    await writeSummary(report);
    expect(info).toHaveBeenCalledWith(renderSummaryMarkdown(report));
    expect(addRaw).not.toHaveBeenCalled();
  });

  it('never throws: a failed write becomes a warning and the log keeps the story', async () => {
    process.env.GITHUB_STEP_SUMMARY = '/nonexistent/summary.md';
    write.mockRejectedValueOnce(new Error('Unable to access summary file'));
    await expect(writeSummary(deployReport())).resolves.toBeUndefined();
    expect(warning).toHaveBeenCalledWith('Could not write the job summary: Unable to access summary file');
    expect(emptyBuffer).toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith(expect.stringContaining('## ✅ Blue-green deploy of web: succeeded'));
  });
});

describe('engine: ecs', () => {
  const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/NCWGC2ZR-taawPAYrIaU5';
  const builtIn = (outcome: Partial<Report['outcome']>, over: Partial<Report> = {}): Report =>
    deployReport({
      title: 'Blue-green deploy of web (ECS built-in blue/green)',
      outcome: { status: 'succeeded', taskDefinitionArn: TASK, rolledBack: false, serviceDeploymentArn: ARN, ...outcome },
      trafficSteps: [],
      ...over,
    });

  it('says what ECS reports, with the service deployment, and never a colour', () => {
    const ok = renderSummaryMarkdown(builtIn({ switchedAt: '2026-11-01T12:06:00.000Z' }));
    expect(ok).toContain(`ECS finished the deployment SUCCESSFUL: the service runs \`${TASK}\`. Production traffic reached it at 2026-11-01T12:06:00.000Z. Service deployment \`${ARN}\`.`);
    const back = renderSummaryMarkdown(builtIn({ status: 'rolled-back', rolledBack: true, rollbackReason: 'smoke-test-command exited with code 1 (at POST_TEST_TRAFFIC_SHIFT)' }, { release: { description: TASK, images: ['app=web:43'], taskDefinitionArn: TASK } }));
    expect(back).toContain('ECS rolled the deployment back: the previous revision serves production. **Reason:** smoke-test-command exited with code 1 (at POST_TEST_TRAFFIC_SHIFT) **Failed release:**');
    for (const text of [ok, back]) expect(text).not.toMatch(/\*\*(blue|green)\*\*|colour/);
    expect(renderSummaryMarkdown(builtIn({ status: 'succeeded', rolledBack: true }, { mode: 'rollback' }))).toContain('Rolled back on request: ECS reports the rollback finished; the service runs');
    expect(renderSummaryMarkdown(builtIn({ status: 'failed' }))).toContain('The deploy failed (see the annotation).');
    expect(renderSummaryMarkdown(builtIn({ status: 'no-op' }, { mode: 'status' }))).toContain(`The service runs \`${TASK}\`. Service deployment`);
  });
});

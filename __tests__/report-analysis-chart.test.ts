// The analysis section of the job summary: the per-minute table and the mermaid xychart-beta charts GitHub
// draws from it. The structure is asserted here, and every generated chart goes through mermaid's own parser
// (the version GitHub uses, pinned in devDependencies), run in Node on happy-dom, so CI catches a syntax
// break. Whether the charts also draw legibly takes a browser: `npm run check:charts` writes the fixtures
// below to scripts/fixtures/ (UPDATE_CHART_FIXTURES=1) and renders them in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisReport } from '../src/analysis/analysis.js';
import type { AnalysisConfig } from '../src/analysis/config.js';
import { judgeMinute, type JudgedMinute, type Reference } from '../src/analysis/judge.js';
import { consoleSource, type ColourMinute, type MinuteFigures, type Subject } from '../src/analysis/query.js';
import { analysisSection, chart } from '../src/report/analysis-summary.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-01T12:04:00.000Z');
const CONFIG: AnalysisConfig = {
  maxErrorRate: 1,
  maxP99: { kind: 'relative', factor: 1.5 },
  minRequests: 50,
  failureLimit: 2,
  inconclusive: 'fail',
  count4xx: false,
  minuteMs: MINUTE,
};
const GREEN: Subject = { label: 'green', loadBalancer: 'app/web/50dc6c495c0c9188', targetGroup: 'targetgroup/web-green/fedcba9876543210' };
const BLUE: Subject = { label: 'blue', loadBalancer: 'app/web/50dc6c495c0c9188', targetGroup: 'targetgroup/web-blue/0123456789abcdef' };

const c = (requests: number, errors: number, p99Ms?: number): ColourMinute => ({ requests, errors, ...(p99Ms !== undefined ? { p99Ms } : {}) });
const judge = (figures: Omit<MinuteFigures, 'start'>[], baseline?: Omit<Reference, 'from'>): JudgedMinute[] =>
  figures.map((f, i) => judgeMinute(CONFIG, { start: T0 + i * MINUTE, ...f }, baseline, GREEN.label));
const report = (minutes: JudgedMinute[], failure?: string): AnalysisReport => ({
  fresh: GREEN.label,
  previous: BLUE.label,
  criteria: CONFIG,
  minutes,
  consoleSource: consoleSource(CONFIG, 'eu-west-1', GREEN, BLUE, T0 - 5 * MINUTE, T0 + (minutes.length + 1) * MINUTE),
  ...(failure ? { failure } : {}),
});

/** A canary that goes wrong at 50%: a quiet first minute, two good ones, then errors and slow responses. */
const CANARY = judge([
  { fresh: c(12, 0, 170), previous: c(1188, 1, 180) },
  { fresh: c(120, 0, 190), previous: c(1080, 1, 175) },
  { fresh: c(118, 1, 185), previous: c(1090, 0, 182) },
  { fresh: c(600, 3, 240), previous: c(610, 1, 178), elb5xx: 0 },
  { fresh: c(605, 31, 410), previous: c(598, 1, 181), elb5xx: 2 },
  { fresh: c(590, 30, 395.4), previous: c(602, 1, 179) },
]);
const CANARY_FAILURE = `Real-user analysis: green failed 2 minute(s) in a row (analysis-failure-limit 2): 12:08:00Z ${CANARY[4]?.reasons.join(', ')}; 12:09:00Z ${CANARY[5]?.reasons.join(', ')}`;
/** A 45-minute bake after an all-at-once switch: blue serves nothing, green is judged against the baseline. */
const BAKE = judge(
  Array.from({ length: 45 }, (_, i) => ({ fresh: c(1150 + ((i * 37) % 90), i % 7 === 3 ? 2 : 0, 160 + ((i * 13) % 40) + (i === 30 ? 95.5 : 0)) })),
  { rate: 0.08, p99Ms: 175 },
);

const FIXTURES: Record<string, string[]> = {
  'analysis-summary': analysisSection(report(CANARY, CANARY_FAILURE)),
  'analysis-summary-bake': analysisSection(report(BAKE)),
  'analysis-summary-one-minute': analysisSection(report(CANARY.slice(1, 2))),
};

/** The mermaid blocks of a summary, each as its lines without the fences. */
function mermaidBlocks(lines: string[]): string[][] {
  const blocks: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```mermaid') continue;
    const end = lines.indexOf('```', i + 1);
    expect(end).toBeGreaterThan(i);
    blocks.push(lines.slice(i + 1, end));
    i = end;
  }
  return blocks;
}

/** The parts of an xychart-beta block the summary writes, read back. */
function readChart(block: string[]) {
  const get = (re: RegExp) => block.map((l) => re.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const numbers = (list: string) => list.split(',').map((v) => v.trim());
  const [yAxis] = get(/^ {2}y-axis "([^"]*)" (\S+) --> (\S+)$/);
  return {
    type: block.find((l) => !l.startsWith(' ') && l !== '---' && l !== 'config:'),
    palette: get(/^ {6}plotColorPalette: "(.*)"$/)[0]?.[1]?.split(', ') ?? [],
    title: get(/^ {2}title "([^"]*)"$/)[0]?.[1],
    xLabels: get(/^ {2}x-axis \[(.*)\]$/)[0]?.[1]?.split(', ') ?? [],
    xRange: get(/^ {2}x-axis "([^"]*)" 0 --> (\d+)$/)[0]?.slice(1),
    yMin: yAxis?.[2],
    yMax: yAxis?.[3],
    names: get(/^ {2}line "([^"]*)" \[(.*)\]$/).map((m) => m[1]),
    lines: get(/^ {2}line "[^"]*" \[(.*)\]$/).map((m) => numbers(m[1] ?? '')),
  };
}

/** A table row's cells, split at the pipes markdown sees (not at `\|`). */
const cells = (row: string) => row.replace(/^\| | \|$/g, '').split(/ (?<!\\)\| /);

describe('analysis section of the job summary', () => {
  const lines = FIXTURES['analysis-summary'] ?? [];
  const table = lines.filter((l) => l.startsWith('| '));

  it('shows each minute in the table, a failing one with its reason', () => {
    expect(table).toHaveLength(1 + CANARY.length);
    const failing = table.find((r) => r.startsWith('| 12:08 |')) ?? '';
    expect(cells(failing)).toHaveLength(9);
    // `>` as &gt;: the reason is HTML-escaped, and GitHub shows it as `>`.
    expect(failing).toContain('❌ fail: error rate 5.12% (31/605) &gt; analysis-max-error-rate 1%');
    expect(failing).toContain("p99 410 ms &gt; analysis-max-p99 1.5× the previous colour's same minute 181 ms");
    expect(table.find((r) => r.startsWith('| 12:04 |'))).toContain('➖ inconclusive: green had 12 request(s), fewer than analysis-min-requests 50');
    expect(table.find((r) => r.startsWith('| 12:05 |'))).toMatch(/\| ✅ pass \|$/);
    expect(lines).toContain(`**${CANARY_FAILURE.replace(/>/g, '&gt;')}**`);
  });

  it('escapes a | in a reason so the row keeps its columns', () => {
    const [minute] = judge([{ fresh: c(100, 9, 200), previous: c(100, 0, 150) }]);
    const odd = { ...(minute as JudgedMinute), reasons: ['upstream said a|b <x> & y'] };
    const row = analysisSection(report([odd])).find((l) => l.startsWith('| 12:04 |')) ?? '';
    expect(row).toContain('❌ fail: upstream said a\\|b &lt;x&gt; &amp; y');
    expect(cells(row)).toHaveLength(9);
  });

  it('draws two charts, one x label per minute and two named series as long, in each colour\'s own hue', () => {
    const charts = mermaidBlocks(lines).map(readChart);
    expect(charts.map((ch) => ch.title)).toEqual(['Error rate per minute (%)', 'p99 response time per minute (ms)']);
    for (const ch of charts) {
      expect(ch.type).toBe('xychart-beta');
      expect(ch.xLabels).toEqual(['"12:04"', '"12:05"', '"12:06"', '"12:07"', '"12:08"', '"12:09"']);
      expect(ch.lines).toHaveLength(2);
      for (const series of ch.lines) expect(series).toHaveLength(CANARY.length);
    }
    // Named lines give a legend; the palette draws green green and blue blue in both of GitHub's themes.
    for (const ch of charts) {
      expect(ch.names).toEqual(['green (new)', 'blue (previous)']);
      expect(ch.palette).toEqual(['#2da44e', '#218bff']);
    }
    expect(charts[0]?.lines[0]).toEqual(['0', '0', '0.85', '0.5', '5.12', '5.08']);
    expect(charts[1]?.lines[1]).toEqual(['180', '175', '182', '178', '181', '179']);
  });

  it('writes plain numbers and a y-axis from 0 to above the largest value', () => {
    for (const [name, summary] of Object.entries(FIXTURES)) {
      for (const ch of mermaidBlocks(summary).map(readChart)) {
        const values = ch.lines.flat();
        for (const v of [...values, ch.yMin, ch.yMax]) expect(`${name}: ${v}`).toMatch(/: -?\d+(\.\d+)?$/);
        expect(ch.yMin).toBe('0');
        expect(Number(ch.yMax)).toBeGreaterThan(Math.max(...values.map(Number)));
      }
    }
  });

  it('draws a minute a colour did not serve at 0, and a tiny or huge figure as a plain number', () => {
    const minutes = judge([{ fresh: c(200, 0, 0.004) }, { fresh: c(200, 0, 123_456_789.987), previous: c(0, 0) }]);
    const ch = readChart(chart('p99', 'ms', minutes, (m) => m?.p99Ms, { fresh: 'green', previous: 'blue' }).slice(1, -1));
    // Blue has no p99 in any minute (it served nothing timed): no line that would read like a measured 0 ms.
    expect(ch.lines).toEqual([['0', '123456789.99']]);
    expect(Number(ch.yMax)).toBeGreaterThan(123456789.99);
    expect(chart('rate', '%', minutes, () => undefined)).toEqual([]);
  });

  it('numbers the minutes on a long run instead of labels that would collide, and draws no chart of a single minute', () => {
    const long = mermaidBlocks(FIXTURES['analysis-summary-bake'] ?? []).map(readChart);
    expect(long[0]?.xRange).toEqual(['minutes after 12:04 UTC', '44']);
    expect(long[0]?.lines.map((l) => l.length)).toEqual([45]);
    expect(mermaidBlocks(FIXTURES['analysis-summary-one-minute'] ?? [])).toEqual([]);
  });

  it('has no chart without minutes, and nothing without a report', () => {
    const empty = analysisSection(report([]));
    expect(empty.join('\n')).not.toContain('```mermaid');
    expect(empty).toContain('No minute was published yet when the run ended.');
    // Minutes CloudWatch would not give are not minutes that were never published.
    expect(analysisSection(report([], 'could not read the ALB metrics of 12:04:00Z'))).toContain('No minute could be judged.');
    expect(analysisSection(undefined)).toEqual([]);
  });
});

describe('mermaid parses the generated charts', () => {
  // mermaid runs DOMPurify on titles and labels, which needs a DOM: happy-dom's, set up before mermaid loads.
  let mermaid: { parse: (text: string) => Promise<unknown>; version?: () => string };
  let close: () => Promise<void>;
  beforeAll(async () => {
    const { Window } = await import('happy-dom');
    const window = new Window();
    Object.assign(globalThis, { window, document: window.document });
    mermaid = (await import('mermaid')).default as typeof mermaid;
    close = () => window.happyDOM.close();
  }, 60_000);
  afterAll(async () => close?.());

  it('runs the version pinned in package.json (the one GitHub renders with)', () => {
    const pinned = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.mermaid;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = (JSON.parse(readFileSync(join(process.cwd(), 'node_modules/mermaid/package.json'), 'utf8')) as { version: string }).version;
    expect(installed).toBe(pinned);
  });

  it.each(Object.keys(FIXTURES))('%s', async (name) => {
    const blocks = mermaidBlocks(FIXTURES[name] ?? []);
    expect(blocks.length).toBe(name.endsWith('one-minute') ? 0 : 2);
    for (const block of blocks) await expect(mermaid.parse(block.join('\n'))).resolves.toMatchObject({ diagramType: 'xychart' });
  });

  it('rejects a broken chart (the check can fail)', async () => {
    const block = mermaidBlocks(FIXTURES['analysis-summary'] ?? [])[0] ?? [];
    await expect(mermaid.parse(block.join('\n').replace(/\[0, /, '[NaN, '))).rejects.toThrow(/Parse error/);
    await expect(mermaid.parse(block.join('\n').replace('"12:05"', '"12"05"'))).rejects.toThrow(/Parse error/);
  });
});

// `npm run check:charts` renders these in headless Chromium (scripts/check-mermaid.mjs).
if (process.env.UPDATE_CHART_FIXTURES === '1') {
  const dir = join(process.cwd(), 'scripts', 'fixtures');
  mkdirSync(dir, { recursive: true });
  for (const [name, summary] of Object.entries(FIXTURES)) writeFileSync(join(dir, `${name}.md`), `${summary.join('\n')}\n`);
}

// The job summary's analysis section: each judged minute, new colour against previous, as a table and as
// charts (mermaid xychart-beta, which GitHub renders), and the query to paste into the CloudWatch console.
import type { AnalysisReport } from '../analysis/analysis.js';
import { describeCriteria } from '../analysis/config.js';
import { ms, pct, type JudgedMinute } from '../analysis/judge.js';
import { minuteLabel, type ColourMinute } from '../analysis/query.js';
import { oneLine } from './format.js';

const VERDICT: Record<JudgedMinute['verdict'], string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '➖ inconclusive' };
const rateOf = (c: ColourMinute | undefined) => (c && c.requests > 0 ? (100 * c.errors) / c.requests : undefined);
const round1 = (n: number) => String(Math.round(n * 10) / 10);
const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');

function row(m: JudgedMinute): string {
  const cells = [
    minuteLabel(m.start),
    String(m.fresh?.requests ?? 0),
    rateOf(m.fresh) === undefined ? '–' : pct(rateOf(m.fresh) as number),
    m.fresh?.p99Ms === undefined ? '–' : ms(m.fresh.p99Ms),
    String(m.previous?.requests ?? 0),
    rateOf(m.previous) === undefined ? '–' : pct(rateOf(m.previous) as number),
    m.previous?.p99Ms === undefined ? '–' : ms(m.previous.p99Ms),
    String(m.elb5xx ?? 0),
    `${VERDICT[m.verdict]}${m.verdict === 'pass' ? '' : `: ${escape(oneLine(m.reasons.join('; ')))}`}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Line colours readable on GitHub's light and dark backgrounds (3:1 at least): a colour's own hue when it has one. */
const HUE: Record<string, string> = { blue: '#218bff', green: '#2da44e' };
const lineColour = (label: string, fresh: boolean) => HUE[label] ?? (fresh ? '#bf3989' : '#6e7781');
/** More minute labels than this collide in the summary's width: a numeric axis (minutes after the first) instead. */
const MAX_MINUTE_LABELS = 16;

/**
 * A line chart of one figure per minute, a named line (mermaid draws the legend) per colour that has the
 * figure in some minute; a minute a colour has no figure for is drawn at 0. Checked in headless Chromium with
 * the mermaid GitHub uses (npm run check:charts): without the palette the default theme draws the first line
 * almost white, and the dark theme swaps blue and green; a single point draws nothing, so no chart for it.
 */
export function chart(title: string, axis: string, minutes: JudgedMinute[], figure: (c: ColourMinute | undefined) => number | undefined, labels = { fresh: 'new', previous: 'previous' }): string[] {
  if (minutes.length < 2) return [];
  const round = (v: number | undefined) => Math.round((v ?? 0) * 100) / 100;
  const series = [
    { name: `${labels.fresh} (new)`, colour: lineColour(labels.fresh, true), values: minutes.map((m) => figure(m.fresh)) },
    { name: `${labels.previous} (previous)`, colour: lineColour(labels.previous, false), values: minutes.map((m) => figure(m.previous)) },
  ].filter((line) => line.values.some((v) => v !== undefined));
  if (series.length === 0) return [];
  const top = Math.max(1, ...series.flatMap((line) => line.values.map(round)));
  const first = minuteLabel(minutes[0]?.start ?? 0);
  const xAxis = minutes.length > MAX_MINUTE_LABELS ? `"minutes after ${first} UTC" 0 --> ${minutes.length - 1}` : `[${minutes.map((m) => `"${minuteLabel(m.start)}"`).join(', ')}]`;
  return [
    '```mermaid',
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${series.map((line) => line.colour).join(', ')}"`,
    '---',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis ${xAxis}`,
    `  y-axis "${axis}" 0 --> ${Math.ceil(top * 1.2)}`,
    ...series.map((line) => `  line "${line.name}" [${line.values.map(round).join(', ')}]`),
    '```',
  ];
}

export function analysisSection(report: AnalysisReport | undefined): string[] {
  if (!report) return [];
  const { fresh, previous, minutes } = report;
  const judged = minutes.filter((m) => m.verdict !== 'inconclusive').length;
  const lines = [
    '### Real-user analysis (ALB metrics)',
    '',
    `${describeCriteria(report.criteria).join('; ')}; a minute needs ${report.criteria.minRequests} requests on ${fresh}; ${report.criteria.failureLimit} failing minute(s) in a row roll back. ${minutes.length} minute(s) read, ${judged} with a verdict.`,
    '',
  ];
  if (report.failure) lines.push(`**${escape(oneLine(report.failure))}**`, '');
  const elb = report.elb5xxPerMinute;
  if (elb) lines.push(`ELB-generated 5xx of the whole load balancer (no target group of their own, so never counted as ${fresh}'s): ${round1(elb.before)} a minute before the shift, ${round1(elb.since)} a minute since.`, '');
  if (minutes.length === 0) return [...lines, report.failure ? 'No minute could be judged.' : 'No minute was published yet when the run ended.', ''];
  lines.push(
    `| minute (UTC) | ${fresh} requests | ${fresh} errors | ${fresh} p99 | ${previous} requests | ${previous} errors | ${previous} p99 | ELB 5xx (whole load balancer) | verdict |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...minutes.map(row),
    '',
    ...chart('Error rate per minute (%)', '%', minutes, rateOf, { fresh, previous }),
    '',
    ...chart('p99 response time per minute (ms)', 'ms', minutes, (c) => c?.p99Ms, { fresh, previous }),
    '',
    '<details>',
    '<summary>The same figures in the CloudWatch console (Metrics → Graphed metrics → Source: paste)</summary>',
    '',
    '```json',
    report.consoleSource,
    '```',
    '',
    '</details>',
    '',
  );
  return lines;
}

// The job summary: the whole story of one run on the run's page. Rendering is a pure function
// (tests assert on its text); writing goes through core.summary, or the log when there is no
// summary file (local runs, the sandbox demo).
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import { otherColour, type Colour, type Mode, type TrafficSplit } from '../types.js';
import type { AnalysisReport } from '../analysis/analysis.js';
import { analysisSection } from './analysis-summary.js';
import { formatDuration, oneLine, timeOfDay } from './format.js';
import type { DeployStatus, Outcome } from './outcome.js';
import type { PhaseRecord } from './timeline.js';
import { renderTrafficDiagram } from './traffic-diagram.js';

export { targetGroupName } from './format.js';
export { renderTrafficDiagram } from './traffic-diagram.js';

export interface TrafficStep {
  /** ISO time the listener was changed. */
  at: string;
  split: TrafficSplit;
  note?: string;
}

export interface ServiceStatus {
  colour: Colour;
  service: string;
  taskDefinitionArn: string;
  images: string[];
  desired: number;
  running: number;
}

export interface Report {
  /** e.g. `Blue-green deploy of my-service`. */
  title: string;
  mode: Mode;
  outcome: Outcome;
  timeline: PhaseRecord[];
  targetGroups: Record<Colour, string>;
  /** One-line description of the listener's forward action before and after. */
  listenerBefore?: string;
  listenerAfter?: string;
  /** The split before the first step; when absent, the previous colour at 100% is assumed. */
  trafficBefore?: TrafficSplit;
  /** Every change of the listener in order, the rollback's restore included. */
  trafficSteps: TrafficStep[];
  /** Warnings, drift and lock takeovers. */
  notes: string[];
  /** Dry run: what would be done. */
  plan?: string[];
  /** Status mode: both services. */
  services?: ServiceStatus[];
  /** ECS events on a failed rollout, newest first. */
  events?: string[];
  /** The release this run deployed: named in the summary when it failed or was rolled back. */
  release?: { description: string; images: string[]; taskDefinitionArn?: string };
  /** The team's commands that ran, in order. */
  commands?: CommandRecord[];
  /** The real-user analysis: each judged minute, both colours. */
  analysis?: AnalysisReport | undefined;
}

export interface CommandRecord {
  /** The input that holds it, e.g. `smoke-test-command`. */
  input: string;
  result: 'passed' | 'failed' | 'timed out' | 'cancelled';
  exitCode: number;
  durationMs: number;
  /** The last output lines, shown for a command that did not pass. */
  lastLines: string[];
}

const STATUS_EMOJI: Record<DeployStatus, string> = {
  succeeded: '✅',
  'rolled-back': '⏪',
  failed: '❌',
  'no-op': '⏸️',
};

/** Markdown text: HTML-significant characters escaped so a reason cannot hide itself in a tag. */
const text = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** One table cell: escaped, on one line, pipes escaped. */
const cell = (value: string) => text(oneLine(value)).replace(/\|/g, '\\|');
const code = (value: string) => `\`${value.replace(/`/g, "'")}\``;
const bold = (colour: Colour) => `**${colour}**`;


function heading(report: Report): string {
  const { status } = report.outcome;
  if (report.mode === 'status') return `## ℹ️ ${text(report.title)}`;
  if (status === 'no-op' && report.plan) return `## 📝 ${text(report.title)}: dry run`;
  const label = status === 'no-op' ? 'no change' : status.replace('-', ' ');
  return `## ${STATUS_EMOJI[status]} ${text(report.title)}: ${label}`;
}

function outcomeParagraph(report: Report): string {
  const o = report.outcome;
  const live = o.liveColour;
  const runs = o.taskDefinitionArn ? `, running ${code(o.taskDefinitionArn)}` : '';
  const reason = o.rollbackReason ? ` **Reason:** ${text(oneLine(o.rollbackReason))}` : '';
  const switched = o.switchedAt ? ` Traffic switched at ${o.switchedAt}.` : '';
  const was = o.previousColour && o.previousColour !== live ? ` (was ${bold(o.previousColour)})` : '';

  if (o.serviceDeploymentArn) return builtInParagraph(report);
  if (report.mode === 'status') {
    if (!live) return `The live colour could not be determined.${reason}`;
    return `${bold(live)} is live${runs}; ${bold(otherColour(live))} is idle.`;
  }
  const failedRelease = report.release ? ` **Failed release:** ${releaseLine(report.release)}.` : '';
  switch (o.status) {
    case 'succeeded':
      if (report.mode === 'prepare') {
        const prepared = o.targetColour ? bold(o.targetColour) : 'The idle colour';
        return `${prepared} is prepared${runs} and passed its checks; ${live ? bold(live) : 'the live colour'} still serves all traffic. Switch with \`mode: promote\`${o.taskDefinitionArn ? ` and \`expected-task-definition-arn: ${o.taskDefinitionArn}\`` : ''}.`;
      }
      if (report.mode === 'rollback') return `Rolled back on request: ${live ? bold(live) : 'the other colour'} is live again${was}${runs}.${switched}`;
      return `${live ? bold(live) : 'The new colour'} is live${was}${runs}.${switched}`;
    case 'rolled-back':
      return `The deploy was rolled back: traffic is back on ${live ? bold(live) : 'the previous colour'}.${reason}${failedRelease}`;
    case 'failed': {
      const what = { deploy: 'deploy', prepare: 'prepare', promote: 'promote', rollback: 'rollback', status: 'status' }[report.mode];
      // The new colour went live and baked; what failed came after (post-deploy-command): the release stands.
      if (o.targetColour && live === o.targetColour && o.previousColour && o.previousColour !== live) {
        return `${bold(live)} is live${was}${runs}: the release passed its bake, but the ${what} failed after the switch (see the annotation).${switched}`;
      }
      const release = report.mode === 'deploy' || report.mode === 'prepare' || report.mode === 'promote' ? failedRelease : '';
      return `The ${what} failed; ${live ? `${bold(live)} is live` : 'the live colour is unknown'}.${reason}${release}`;
    }
    case 'no-op':
      if (report.plan) return `Dry run: nothing was changed.${live ? ` ${bold(live)} is live${runs}.` : ''}`;
      return `Nothing to do${live ? `: ${bold(live)} is live${runs}` : ''}.${reason}`;
  }
}

/** engine: ecs has no colours: the paragraph says what ECS reports of the service deployment (read back). */
function builtInParagraph(report: Report): string {
  const o = report.outcome;
  const deployment = ` Service deployment ${code(o.serviceDeploymentArn ?? '')}.`;
  const runs = o.taskDefinitionArn ? ` runs ${code(o.taskDefinitionArn)}` : '';
  const reason = o.rollbackReason ? ` **Reason:** ${text(oneLine(o.rollbackReason))}` : '';
  const failedRelease = report.release && report.mode !== 'rollback' ? ` **Failed release:** ${releaseLine(report.release)}.` : '';
  switch (o.status) {
    case 'succeeded':
      if (report.mode === 'rollback') return `Rolled back on request: ECS reports the rollback finished${runs ? `; the service${runs}` : ''}.${deployment}`;
      return `ECS finished the deployment SUCCESSFUL: the service${runs}.${o.switchedAt ? ` Production traffic reached it at ${o.switchedAt}.` : ''}${deployment}`;
    case 'rolled-back':
      return `ECS rolled the deployment back: the previous revision serves production.${reason}${failedRelease}${deployment}`;
    case 'failed':
      return `The ${report.mode} failed (see the annotation).${reason}${failedRelease}${deployment}`;
    case 'no-op':
      return `${report.plan ? 'Dry run: nothing was changed. ' : ''}The service${runs || ' runs an unknown task definition'}.${deployment}`;
  }
}

/** `arn:…:task-definition/shop:7` (app=shop:7) — or the plan's description when nothing was registered yet. */
function releaseLine(release: NonNullable<Report['release']>): string {
  const images = release.images.length > 0 ? ` (${release.images.map(code).join(', ')})` : '';
  return `${release.taskDefinitionArn ? code(release.taskDefinitionArn) : text(oneLine(release.description))}${images}`;
}

function timelineTable(records: PhaseRecord[]): string[] {
  if (records.length === 0) return [];
  return [
    '### Timeline',
    '',
    '| Phase | Start | Duration | Result | Detail |',
    '|---|---|---|---|---|',
    ...records.map(
      (r) =>
        `| ${cell(r.phase)} | ${timeOfDay(r.startedAt)} | ${formatDuration(r.durationMs)} | ${cell(r.result)} | ${cell(r.detail ?? '')} |`,
    ),
    '',
  ];
}

function trafficSection(report: Report): string[] {
  const { listenerBefore, listenerAfter, trafficSteps } = report;
  const diagram = renderTrafficDiagram(report);
  if (!listenerBefore && !listenerAfter && trafficSteps.length === 0) return [];
  const lines = ['### Traffic', ''];
  if (listenerBefore) lines.push(`**Listener before:** ${text(oneLine(listenerBefore))}  `);
  if (listenerAfter) lines.push(`**Listener after:** ${text(oneLine(listenerAfter))}  `);
  lines.push(
    `**Target groups:** blue ${code(report.targetGroups.blue)} · green ${code(report.targetGroups.green)}`,
    '',
  );
  if (diagram.length > 0) lines.push(...diagram, '');
  if (trafficSteps.length > 0) {
    lines.push(
      '| Time | blue | green | Note |',
      '|---|---|---|---|',
      ...trafficSteps.map((s) => `| ${timeOfDay(s.at)} | ${s.split.blue}% | ${s.split.green}% | ${cell(s.note ?? '')} |`),
      '',
    );
  }
  return lines;
}

function listSection(titleText: string, items: string[] | undefined, marker: (i: number) => string): string[] {
  if (!items || items.length === 0) return [];
  return [`### ${titleText}`, '', ...items.map((item, i) => `${marker(i)} ${text(oneLine(item))}`), ''];
}

function servicesTable(report: Report): string[] {
  const services = report.services;
  if (!services || services.length === 0) return [];
  const live = report.outcome.liveColour;
  return [
    '### Services',
    '',
    '| Colour | Service | Task definition | Images | Desired | Running |',
    '|---|---|---|---|---|---|',
    ...services.map(
      (s) =>
        `| ${s.colour}${s.colour === live ? ' (live)' : ''} | ${cell(s.service)} | ${code(s.taskDefinitionArn)} | ` +
        `${s.images.map(code).join('<br>')} | ${s.desired} | ${s.running} |`,
    ),
    '',
  ];
}

function commandsSection(commands: CommandRecord[] | undefined): string[] {
  if (!commands || commands.length === 0) return [];
  const lines = [
    '### Commands',
    '',
    '| Command | Result | Exit code | Took |',
    '|---|---|---|---|',
    ...commands.map((c) => `| ${code(c.input)} | ${c.result === 'passed' ? '✅' : '❌'} ${c.result} | ${c.exitCode} | ${formatDuration(c.durationMs)} |`),
    '',
  ];
  for (const c of commands) {
    if (c.result === 'passed' || c.lastLines.length === 0) continue;
    lines.push(
      '<details open>',
      `<summary>${code(c.input)}: last ${c.lastLines.length} line(s) of output</summary>`,
      '',
      '```text',
      ...c.lastLines.map((l) => text(l).replace(/```/g, "'''")),
      '```',
      '',
      '</details>',
      '',
    );
  }
  return lines;
}

function eventsBlock(events: string[] | undefined): string[] {
  if (!events || events.length === 0) return [];
  return [
    '<details>',
    `<summary>ECS service events (${events.length}, newest first)</summary>`,
    '',
    '```text',
    ...events.map((e) => oneLine(e).replace(/```/g, "'''")),
    '```',
    '',
    '</details>',
    '',
  ];
}

/** The summary as markdown; pure, so tests and the local log see exactly what GitHub renders. */
export function renderSummaryMarkdown(report: Report): string {
  const lines = [
    heading(report),
    '',
    outcomeParagraph(report),
    '',
    ...timelineTable(report.timeline),
    ...trafficSection(report),
    ...analysisSection(report.analysis),
    ...commandsSection(report.commands),
    ...listSection('Notes', report.notes, () => '- ⚠️'),
    ...listSection('Plan (dry run, nothing changed)', report.plan, (i) => `${i + 1}.`),
    ...servicesTable(report),
    ...eventsBlock(report.events),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Appends the summary to the job summary; without GITHUB_STEP_SUMMARY (local runs) logs it instead. Never throws. */
export async function writeSummary(report: Report): Promise<void> {
  const markdown = renderSummaryMarkdown(report);
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(markdown);
    return;
  }
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (error) {
    // A summary that cannot be written must not turn a deploy red: keep the story in the log.
    core.summary.emptyBuffer();
    core.warning(`Could not write the job summary: ${errorMessage(error)}`);
    core.info(markdown);
  }
}

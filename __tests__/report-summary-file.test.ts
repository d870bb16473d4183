// writeSummary against the real @actions/core: the markdown lands in GITHUB_STEP_SUMMARY unchanged.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderSummaryMarkdown, writeSummary, type Report } from '../src/report/summary.js';

const report: Report = {
  title: 'Blue-green deploy of web',
  mode: 'deploy',
  outcome: { status: 'succeeded', liveColour: 'green', previousColour: 'blue', rolledBack: false },
  timeline: [{ phase: 'discover', startedAt: '2026-11-01T12:00:00.000Z', durationMs: 850, result: 'ok' }],
  targetGroups: { blue: 'tg-blue', green: 'tg-green' },
  trafficSteps: [{ at: '2026-11-01T12:01:00.000Z', split: { blue: 0, green: 100 } }],
  notes: [],
};

describe('writeSummary with the real toolkit', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY;
  let dir = '';
  afterAll(async () => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('appends the markdown to the step summary file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'summary-'));
    const file = path.join(dir, 'step_summary.md');
    await writeFile(file, 'earlier step\n');
    process.env.GITHUB_STEP_SUMMARY = file;
    await writeSummary(report);
    expect(await readFile(file, 'utf8')).toBe(`earlier step\n${renderSummaryMarkdown(report)}\n`);
  });
});

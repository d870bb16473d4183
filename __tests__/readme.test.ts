// The README is the first thing a user reads: its input and output tables must name exactly what
// action.yml declares, with the same defaults, and its development commands must exist.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const readme = readFileSync('README.md', 'utf8');
const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

/** The rows of the markdown table that follows `heading`: first cell → last cell. */
function table(heading: string): Map<string, string> {
  const section = readme.slice(readme.indexOf(heading));
  const rows = new Map<string, string>();
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    const cells = /^\| `([a-z0-9-]+)` \|(.*)\|$/.exec(line);
    if (cells?.[1]) rows.set(cells[1], (cells[2] ?? '').split('|').at(-1)?.trim() ?? '');
  }
  return rows;
}

describe('README', () => {
  it('lists every input of action.yml, with its default or as required', () => {
    const inputs = table('### Inputs');
    expect([...inputs.keys()].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      const shown = inputs.get(name);
      if (spec.required) expect(shown).toBe('**required**');
      else if (spec.default !== undefined && spec.default !== '') expect(shown).toBe(`\`${spec.default}\``);
    }
  });

  it('lists every output of action.yml', () => {
    expect([...table('### Outputs').keys()].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('gives the two commands a newcomer runs, and only npm scripts that exist', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
    for (const [, script] of readme.matchAll(/npm run ([a-z:]+)/g)) expect(Object.keys(pkg.scripts)).toContain(script);
  });
});

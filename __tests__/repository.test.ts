// The files a published action's repository is expected to have, and that what they state agrees with the
// code: the licence package.json names, one Node version (.node-version, engines, action.yml's runtime and
// the workflows that set Node up), Dependabot for both ecosystems, dist/ marked as generated.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(path, 'utf8');
const yaml = (path: string) => parse(read(path)) as Record<string, unknown>;

describe('repository files', () => {
  it('has the licence package.json names, a security policy, contribution guide, code owners and a changelog', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    for (const file of ['SECURITY.md', 'CONTRIBUTING.md', '.github/CODEOWNERS']) expect(existsSync(file)).toBe(true);
    expect(read('CHANGELOG.md')).toContain('## [Unreleased]');
  });

  it('states the Node version once: .node-version matches action.yml\'s runtime, engines and the workflows', () => {
    const version = read('.node-version').trim();
    const action = yaml('action.yml') as { runs: { using: string } };
    expect(action.runs.using).toBe(`node${version}`);
    expect((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node).toBe(`>=${version}`);
    for (const workflow of ['.github/workflows/ci.yml', '.github/workflows/release.yml']) {
      const text = read(workflow);
      expect(text).toContain('node-version-file: .node-version');
      expect(text).not.toMatch(/node-version: \d/);
    }
  });

  it('has Dependabot for npm and GitHub Actions, grouped', () => {
    const config = yaml('.github/dependabot.yml') as { updates: { 'package-ecosystem': string; groups?: object }[] };
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const u of config.updates) expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0);
  });

  it('marks dist/ as generated', () => {
    expect(read('.gitattributes')).toMatch(/^dist\/\*\* linguist-generated=true/m);
  });
});

// The built action's size limits: every optional feature (commands, the migration task, GitHub records) loads
// its code from a chunk of its own, so the entry every run parses stays small. Sizes as committed in dist/.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MB = 1024 * 1024;
const dir = join(process.cwd(), 'dist', 'main');
const js = readdirSync(dir).filter((f) => f.endsWith('.js'));

describe('dist/main', () => {
  it('keeps its entry under 1.5 MB and all its code under 3 MB', () => {
    expect(statSync(join(dir, 'index.js')).size).toBeLessThanOrEqual(1.5 * MB);
    expect(js.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)).toBeLessThanOrEqual(3 * MB);
  });

  // (@actions/exec is in the entry anyway: @actions/core imports it for its platform details.)
  it('leaves @actions/github (octokit, undici) out of the entry: it loads only for github-deployment', () => {
    const entry = readFileSync(join(dir, 'index.js'), 'utf8');
    expect(entry).not.toContain('octokit-core.js');
    expect(js.some((f) => f !== 'index.js' && readFileSync(join(dir, f), 'utf8').includes('octokit-core.js'))).toBe(true);
  });
});

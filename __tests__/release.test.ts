// The release process, dry-run on a scratch branch of a scratch repository: scripts/release.sh makes the
// release commit, the immutable vX.Y.Z tag and the moving vX tag, pushes them when told, and refuses —
// changing nothing — whatever would make a release wrong.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(process.cwd(), 'scripts', 'release.sh');
const root = mkdtempSync(join(tmpdir(), 'release-test-'));
const repo = join(root, 'repo');
const remote = join(root, 'remote.git');
const BRANCH = 'release-dry-run';

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const release = (...args: string[]) => spawnSync('bash', [SCRIPT, ...args, '--branch', BRANCH], { cwd: repo, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: '' } });
const tagTarget = (tag: string, where = repo) => execFileSync('git', ['rev-parse', `${tag}^{commit}`], { cwd: where, encoding: 'utf8' }).trim();
const changelog = (entry: string) => {
  const text = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8').replace('## [Unreleased]\n', `## [Unreleased]\n\n### Fixed\n- ${entry}\n`);
  writeFileSync(join(repo, 'CHANGELOG.md'), text);
  git('commit', '-qam', `Changelog: ${entry}`);
};

beforeAll(() => {
  execFileSync('git', ['init', '-q', '--bare', remote]);
  execFileSync('git', ['init', '-q', '-b', BRANCH, repo]);
  git('config', 'user.email', 'release@example.com');
  git('config', 'user.name', 'Release Test');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'tag.gpgsign', 'false');
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }, null, 2) + '\n');
  writeFileSync(join(repo, 'CHANGELOG.md'), readFileSync(join(process.cwd(), 'CHANGELOG.md'), 'utf8'));
  git('add', '.');
  git('commit', '-qm', 'Initial');
  git('remote', 'add', 'origin', remote);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('scripts/release.sh', () => {
  it('cuts the first release at the version package.json carries: commit, v1.0.0 and v1 on it, CHANGELOG dated', () => {
    const notes = join(root, 'notes.md');
    const run = release('1.0.0', '--notes-out', notes);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(git('log', '-1', '--format=%s')).toBe('Release v1.0.0');
    const head = git('rev-parse', 'HEAD');
    expect(tagTarget('v1.0.0')).toBe(head);
    expect(tagTarget('v1')).toBe(head);
    expect(git('cat-file', '-t', 'v1.0.0')).toBe('tag'); // annotated
    expect(readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')).toMatch(/## \[Unreleased\]\n\n## \[1\.0\.0\] - \d{4}-\d\d-\d\d\n\n### Added/);
    expect(readFileSync(notes, 'utf8')).toMatch(/^### Added\n- Blue-green deploys/);
    expect(run.stdout).toContain('nothing pushed');
  });

  it('refuses, changing nothing, when Unreleased is empty, the tag exists, the version goes back, or the tree is dirty', () => {
    const head = git('rev-parse', 'HEAD');
    expect(release('patch').stderr).toContain("nothing under '## [Unreleased]'");
    changelog('a fix');
    const afterEntry = git('rev-parse', 'HEAD');
    expect(release('1.0.0').stderr).toContain('does not move forward from v1.0.0 (already released)');
    expect(release('0.9.0').stderr).toContain('does not move forward');
    writeFileSync(join(repo, 'stray.txt'), 'x');
    expect(release('patch').stderr).toContain('uncommitted changes');
    rmSync(join(repo, 'stray.txt'));
    expect(spawnSync('bash', [SCRIPT, 'patch'], { cwd: repo, encoding: 'utf8' }).stderr).toContain(`not the release branch 'main'`);
    expect(git('rev-parse', 'HEAD')).toBe(afterEntry);
    expect(tagTarget('v1')).toBe(head);
  });

  it('a minor release moves v1 forward; v1.0.0 stays where it was; --push publishes the branch and both tags', () => {
    const first = tagTarget('v1.0.0');
    const run = release('minor', '--push');
    expect(run.status).toBe(0);
    const head = git('rev-parse', 'HEAD');
    expect(tagTarget('v1.1.0')).toBe(head);
    expect(tagTarget('v1')).toBe(head);
    expect(tagTarget('v1.0.0')).toBe(first);
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('1.1.0');
    expect(tagTarget('v1.1.0', remote)).toBe(head);
    expect(tagTarget('v1', remote)).toBe(head);
    expect(execFileSync('git', ['rev-parse', BRANCH], { cwd: remote, encoding: 'utf8' }).trim()).toBe(head);
  });

  it('a major release starts v2 and leaves v1 on the last 1.x', () => {
    const v1 = tagTarget('v1');
    changelog('a breaking change');
    expect(release('major', '--push').status).toBe(0);
    expect(tagTarget('v2.0.0')).toBe(git('rev-parse', 'HEAD'));
    expect(tagTarget('v2', remote)).toBe(git('rev-parse', 'HEAD'));
    expect(tagTarget('v1')).toBe(v1);
    expect(tagTarget('v1', remote)).toBe(v1);
  });
});

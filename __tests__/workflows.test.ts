// scripts/validate-workflows.js, run as CI runs it (a child process), on the repository itself and on
// small fixture repositories that each break one rule.
import { describe, expect, it, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..');
const script = path.join(repoRoot, 'scripts', 'validate-workflows.js');
const fixtures: string[] = [];

afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

function validate(root: string): { status: number | null; output: string } {
  // Run from the repository so the validators resolve from its node_modules.
  const result = spawnSync(process.execPath, [script, root], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const ACTION = `name: fixture
description: fixture action
branding:
  icon: refresh-cw
  color: blue
inputs:
  cluster:
    description: cluster
    required: true
  bake-time:
    description: bake
    required: false
    default: 5m
outputs:
  status:
    description: status
runs:
  using: node24
  main: dist/main/index.js
  post: dist/post/index.js
  post-if: always()
`;

const REUSABLE = `on:
  workflow_call:
    inputs:
      cluster:
        description: cluster
        type: string
        required: true
      bake-time:
        description: bake
        type: string
        default: 5m
    outputs:
      status:
        description: status
        value: \${{ jobs.deploy.outputs.status }}
jobs:
  deploy:
    runs-on: ubuntu-latest
    concurrency:
      group: deploy-\${{ inputs.cluster }}
      cancel-in-progress: false
      queue: max
    outputs:
      status: \${{ steps.run.outputs.status }}
    steps:
      - uses: actions/checkout@v6
        with:
          repository: \${{ job.workflow_repository }}
          ref: \${{ job.workflow_sha }}
          path: .action
      - id: run
        uses: ./.action
        with:
          cluster: \${{ inputs.cluster }}
          bake-time: \${{ inputs.bake-time }}
`;

/** A fixture repository: a valid action and reusable workflow, with `edits` applied to the files. */
function fixture(edits: { action?: string; workflow?: string; extra?: Record<string, string> } = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'validate-workflows-'));
  fixtures.push(root);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'ecs-blue-green-action' }),
    'action.yml': edits.action ?? ACTION,
    'dist/main/index.js': '',
    'dist/post/index.js': '',
    '.github/workflows/deploy.yml': edits.workflow ?? REUSABLE,
    ...edits.extra,
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

describe('validate-workflows', () => {
  it('passes the repository: action.yml and every workflow in .github/workflows', () => {
    const { status, output } = validate(repoRoot);
    expect(output).toContain('no problems');
    expect(status).toBe(0);
  });

  it('accepts node24, concurrency.queue and job.workflow_* that the validators do not know yet', () => {
    const { status, output } = validate(fixture());
    expect(output).toContain('action.yml and 1 workflow file(s): no problems');
    expect(status).toBe(0);
  });

  it('accepts environment.deployment (true, false or an expression) and reports any other value', () => {
    const withDeployment = (value: string) => REUSABLE.replace('    runs-on: ubuntu-latest\n', `    runs-on: ubuntu-latest\n    environment:\n      name: production\n      deployment: ${value}\n`);
    for (const value of ['false', '${{ inputs.dry-run }}']) {
      const { status, output } = validate(fixture({ workflow: withDeployment(value) }));
      expect([value, output]).toEqual([value, expect.stringContaining('no problems')]);
      expect(status).toBe(0);
    }
    const { status, output } = validate(fixture({ workflow: withDeployment('maybe') }));
    expect(status).toBe(1);
    expect(output).toContain("deployment must be true, false or an expression, not 'maybe'");
  });

  it('reports what the reusable workflow passes to, or reads from, the action that action.yml does not declare', () => {
    const workflow = REUSABLE.replace('          bake-time: ${{ inputs.bake-time }}', '          bake-tme: 1m').replace(
      'steps.run.outputs.status',
      'steps.run.outputs.state',
    );
    const { status, output } = validate(fixture({ workflow }));
    expect(status).toBe(1);
    expect(output).toMatch(/deploy\.yml:\d+:\d+: \[action-inputs\] input 'bake-tme' is not declared in action\.yml/);
    expect(output).toContain("[action-outputs] output 'state' of step 'run' is not declared in action.yml");
  });

  it('reports a required action input that is not passed, and defaults that differ from action.yml', () => {
    const workflow = REUSABLE.replace('          cluster: ${{ inputs.cluster }}\n', '').replace('        default: 5m', '        default: 10m');
    const { status, output } = validate(fixture({ workflow }));
    expect(status).toBe(1);
    expect(output).toContain("required action input 'cluster' is not passed");
    expect(output).toContain("workflow input 'bake-time' defaults to '10m' but action.yml's 'bake-time' defaults to '5m'");
  });

  it('reports an optional workflow input without a default that would replace the action default with an empty string', () => {
    const workflow = REUSABLE.replace('        type: string\n        default: 5m', '        type: string\n        required: false');
    const { output } = validate(fixture({ workflow }));
    expect(output).toContain("workflow input 'bake-time' has no default: an omitted value would pass '' instead of action.yml's default '5m'");
  });

  it('reports the runtime, a missing bundle, a missing post-if and undocumented inputs in action.yml', () => {
    const action = ACTION.replace('using: node24', 'using: node20')
      .replace('  post-if: always()\n', '')
      .replace('dist/post/index.js', 'dist/cleanup/index.js')
      .replace('    description: bake\n', '');
    const { status, output } = validate(fixture({ action }));
    expect(status).toBe(1);
    expect(output).toContain("runs.using is 'node20', expected 'node24'");
    expect(output).toContain('runs.post names dist/cleanup/index.js, which does not exist');
    expect(output).toContain('runs.post-if is not set');
    expect(output).toContain("input 'bake-time' has no description");
  });

  it('reports schema errors in action.yml through @action-validator/core', () => {
    const action = ACTION.replace('  post-if: always()\n', '  post-if: always()\n  entrypoint: x\n');
    const { status, output } = validate(fixture({ action }));
    expect(status).toBe(1);
    expect(output).toMatch(/action\.yml:\d+:\d+: \[schema\].*Additional property 'entrypoint' is not allowed/);
  });

  it('reports actionlint findings with file:line:col, unpinned actions and a bad queue value', () => {
    const workflow = REUSABLE.replace('queue: max', 'queue: all')
      .replace('actions/checkout@v6', 'actions/checkout@main')
      .replace('group: deploy-${{ inputs.cluster }}', 'group: deploy-${{ inputs.clustr }}');
    const { status, output } = validate(fixture({ workflow }));
    expect(status).toBe(1);
    expect(output).toMatch(/deploy\.yml:20:\d+: \[actionlint expression\] property "clustr" is not defined/);
    expect(output).toContain("'actions/checkout@main' is not pinned to a major tag (@vN) or a commit SHA");
    expect(output).toContain("queue must be 'single' or 'max', not 'all'");
  });

  it('reports an action at an older major than scripts/current-majors.json, and an action the table does not know', () => {
    const workflow = REUSABLE.replace('      - uses: actions/checkout@v6\n', '      - uses: actions/checkout@v5\n      - uses: someone/unknown-action@v1\n      - uses: actions/checkout@v6\n');
    const { status, output } = validate(fixture({ workflow }));
    expect(status).toBe(1);
    expect(output).toContain("'actions/checkout@v5' is not the current major (v6, scripts/current-majors.json)");
    expect(output).toContain("'someone/unknown-action' is not in scripts/current-majors.json");
  });

  it('requires workflow_call and workflow_dispatch to declare the same inputs, which share one context', () => {
    const workflow = REUSABLE.replace('on:\n', 'on:\n  workflow_dispatch:\n    inputs:\n      cluster:\n        description: cluster\n        type: string\n');
    const { status, output } = validate(fixture({ workflow }));
    expect(status).toBe(1);
    expect(output).toContain('workflow_call and workflow_dispatch declare different inputs (only call: bake-time; only dispatch: -)');
  });

  it('reports an action input the workflow neither passes nor leaves out with a reason, and an output it does not expose', () => {
    const action = ACTION.replace('outputs:\n', '  engine:\n    description: engine\n    required: false\n    default: pair\noutputs:\n').replace(
      'outputs:\n  status:\n    description: status\n',
      'outputs:\n  status:\n    description: status\n  service-deployment-arn:\n    description: arn\n',
    );
    const { status, output } = validate(fixture({ action }));
    expect(status).toBe(1);
    expect(output).toContain("action input 'engine' is neither passed to the action nor listed with a reason in COVERAGE");
    expect(output).toContain("action output 'service-deployment-arn' is not an output of the workflow, nor listed with a reason in COVERAGE");
  });

  it('reports a required workflow input that only the action uses while action.yml makes it optional (an engine may refuse it)', () => {
    const action = ACTION.replace('    description: cluster\n    required: true\n', '    description: cluster\n    required: false\n');
    const { status, output } = validate(fixture({ action }));
    expect(status).toBe(1);
    expect(output).toContain("input 'cluster' is required but only the action uses it, and action.yml makes it optional");
    // Used by another step too (here the concurrency group is not a step; a credentials step is): allowed.
    const workflow = REUSABLE.replace('      - id: run\n', '      - run: echo "$CLUSTER"\n        env:\n          CLUSTER: ${{ inputs.cluster }}\n      - id: run\n');
    expect(validate(fixture({ action, workflow })).output).toContain('no problems');
  });

  it('reports malformed YAML without crashing the validators', () => {
    const workflow = REUSABLE.replace('        description: bake', '        description: a `Name: value` line');
    const { status, output } = validate(fixture({ workflow }));
    expect(status).toBe(1);
    expect(output).toMatch(/deploy\.yml:\d+:\d+: \[yaml\]/);
    expect(output).toContain('1 problem(s)');
  });
});

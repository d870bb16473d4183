// End-to-end: a task definition file in YAML (as the official ECS deploy action accepts), read by the built
// action from the workspace, with the image rendered in, registered and deployed under load.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Sandbox } from '../sandbox/index.js';
import { runAction } from '../sandbox/harness/runner.js';
import { ACTION_DIR, createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectRun } from './support/metrics.js';
import { STEP_TIMEOUT_MS, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;
const workspace = mkdtempSync(join(tmpdir(), 'e2e-td-files-'));

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  await sandbox.stop();
  rmSync(workspace, { recursive: true, force: true });
});

describe('task definition files', () => {
  it('deploys a YAML task definition from the workspace, the image rendered into its container', async () => {
    const sc = await createScenario(sandbox, 'e2e-yaml');
    // What the repository would hold: v2's definition as YAML (behaviour and version in its environment).
    const registered = sandbox.world.ecs.taskDefinition(sc.registerTaskDefinition({ version: 'v2' }));
    writeFileSync(join(workspace, 'task-definition.yaml'), `# deploy/task-definition.yaml\n${stringify(registered?.input)}`);
    const before = sandbox.world.ecs.taskDefinitions.length;

    const run = await runAction({
      actionDir: ACTION_DIR,
      workspace,
      inputs: inputsFor(sc, { 'task-definition': 'task-definition.yaml', 'container-name': sc.containerName, image: 'registry.example.com/shop:v2' }),
      env: sandbox.env(),
      timeoutMs: STEP_TIMEOUT_MS,
    });

    expectRun(run, { conclusion: 'success', status: 'succeeded' });
    const newest = sandbox.world.ecs.taskDefinitions.slice(before);
    expect(newest).toHaveLength(1);
    const containers = newest[0]?.input.containerDefinitions as { name: string; image: string }[];
    expect(containers.find((c) => c.name === sc.containerName)?.image).toBe('registry.example.com/shop:v2');
    expect(run.outputs['task-definition-arn']).toBe(newest[0]?.arn);
    const answer = (await (await fetch(`${sc.prodUrl}/`)).json()) as { version: string };
    expect(answer.version).toBe('v2');
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

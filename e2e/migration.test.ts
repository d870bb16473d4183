// End-to-end: pre-deploy-task-command, run by the built action against the sandbox under load. The one-off task
// runs the NEW task definition (its environment says so) before the idle service is updated; a migration that
// fails stops the deploy with nothing else changed and no user request failed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Sandbox } from '../sandbox/index.js';
import { createScenario, inputsFor, retire, startE2eSandbox } from './support/fixture.js';
import { expectNoFailedRequests, expectRun, printFigures, recordFigures } from './support/metrics.js';
import { lockName, parameterValue } from './support/observe.js';
import { annotations, runUnderLoad, stopAllLoads, TEST_TIMEOUT_MS } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  printFigures('migration.test.ts');
  await stopAllLoads();
  await sandbox.stop();
});

/** The standalone tasks the action started in this scenario's cluster. */
const migrationTasks = (cluster: string) => sandbox.world.ecs.tasks.filter((t) => t.standalone && t.clusterName === cluster);

describe('pre-deploy-task-command', () => {
  it('runs the new task definition once, placed like the idle service, before the idle service is updated', async () => {
    const sc = await createScenario(sandbox, 'e2e-migrate');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const since = Date.now();

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'pre-deploy-task-command': 'echo "migrating the schema for $SANDBOX_VERSION"; exit 0' }) });
    recordFigures({ scenario: 'deploy with a migration task', wallMs: r.run.durationMs, requests: r.load.total, failed: r.load.failed });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    const [task, ...more] = migrationTasks(sc.clusterName);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ taskDefinitionArn: v2, lastStatus: 'STOPPED', exitCode: 0, stopCode: 'EssentialContainerExited' });
    expect(task?.standalone?.startedBy).toBe('ecs-blue-green-action');
    expect(sandbox.taskOutput(task?.arn ?? '')).toEqual(['migrating the schema for v2']);
    // RunTask (with the service's network configuration) came before the idle service's update.
    const calls = sandbox.requests({ service: 'ecs', since }).map((c) => c.operation);
    expect(calls.indexOf('RunTask')).toBeGreaterThan(-1);
    expect(calls.indexOf('RunTask')).toBeLessThan(calls.indexOf('UpdateService'));
    expectNoFailedRequests(r.load);
    expect(r.run.main.stdout).toMatch(/::group::Run pre-deploy-task-command/);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('starts the task with pre-deploy-task-tags, pre-deploy-task-environment and enable-ecs-managed-tags, and reports it as pre-deploy-task-arn', async () => {
    const sc = await createScenario(sandbox, 'e2e-migrate-tags');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });

    const r = await runUnderLoad(sandbox, sc, {
      inputs: inputsFor(sc, {
        'task-definition': v2,
        'pre-deploy-task-command': 'echo "migrating to $MIGRATION_TARGET"; exit 0',
        'pre-deploy-task-tags': '[{"key": "team", "value": "payments"}]',
        'pre-deploy-task-environment': 'MIGRATION_TARGET=schema-7',
        'pre-deploy-task-started-by': 'release-7',
        'enable-ecs-managed-tags': 'true',
      }),
    });

    expectRun(r.run, { conclusion: 'success', status: 'succeeded' });
    const [task, ...more] = migrationTasks(sc.clusterName);
    expect(more).toEqual([]);
    // Read back from the sandbox: what RunTask was given, and what the process saw.
    expect(task?.standalone).toMatchObject({ startedBy: 'release-7', enableECSManagedTags: true, tags: [{ key: 'team', value: 'payments' }, { key: 'aws:ecs:clusterName', value: sc.clusterName }] });
    expect(task?.standalone?.overrides).toMatchObject({ containerOverrides: [{ environment: [{ name: 'MIGRATION_TARGET', value: 'schema-7' }] }] });
    expect(sandbox.taskOutput(task?.arn ?? '')).toEqual(['migrating to schema-7']);
    expect(r.run.outputs['pre-deploy-task-arn']).toBe(task?.arn);
    // The environment's value is not logged.
    expect(r.run.main.stdout).toContain('MIGRATION_TARGET');
    expect(r.run.main.stdout).not.toMatch(/MIGRATION_TARGET=schema-7/);
    expectNoFailedRequests(r.load);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);

  it('a failing migration stops the deploy: the idle service keeps its version, users see nothing, the step says why', async () => {
    const sc = await createScenario(sandbox, 'e2e-migrate-fail');
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const since = Date.now();

    const r = await runUnderLoad(sandbox, sc, { inputs: inputsFor(sc, { 'task-definition': v2, 'pre-deploy-task-command': '["sh", "-c", "echo relation users already exists >&2; exit 3"]' }) });

    expectRun(r.run, { conclusion: 'failure', status: 'failed' });
    expect(r.run.outputs).toMatchObject({ 'live-color': 'blue', 'rolled-back': 'false' });
    expect(sandbox.requests({ service: 'ecs', operation: 'UpdateService', since })).toEqual([]);
    const [task] = migrationTasks(sc.clusterName);
    const [error] = annotations(r.run, 'error');
    expect(error?.message).toContain(`task ${task?.arn ?? '?'} exited with code 3; EssentialContainerExited: Essential container in task exited. Nothing else was changed`);
    expect(sandbox.taskOutput(task?.arn ?? '')).toEqual(['relation users already exists']);
    expect(r.run.outputs['pre-deploy-task-arn']).toBe(task?.arn);
    expect(r.recorder.listenerChanges).toEqual([]);
    expect(parameterValue(sandbox, sc.parameterName)).toBe('blue');
    expect(parameterValue(sandbox, lockName(sc))).toBeUndefined();
    expectNoFailedRequests(r.load);
    retire(sandbox, sc);
  }, TEST_TIMEOUT_MS);
});

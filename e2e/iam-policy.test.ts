// The README's least-privilege policy against what the built action really calls: deploys that use every
// feature that needs an AWS permission (a listener rule, alarms, a migration task, scale-down of the previous
// colour), a manual rollback and a status run, against the sandbox, with every request recorded. Each call
// must be granted by the policy (else a real deploy fails with AccessDenied half-way), and each action the
// policy grants must be used by some run (else the policy asks for more than the action needs).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CreateRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clientsFor } from '../sandbox/tests/clients.js';
import type { Sandbox } from '../sandbox/index.js';
import { startSandbox } from '../sandbox/index.js';
import { createScenario, FAST_INPUTS, inputsFor, retire, SANDBOX_TIMINGS } from './support/fixture.js';
import { expectRun } from './support/metrics.js';
import { runPlain } from './support/run-under-load.js';

let sandbox: Sandbox;

beforeAll(async () => {
  // A one-second CloudWatch minute: the real-user analysis (cloudwatch:GetMetricData) fits in a 3-second bake.
  sandbox = await startSandbox({ ...SANDBOX_TIMINGS, minuteMs: 1_000 });
});
afterAll(async () => {
  await sandbox.stop();
});

const IAM_PREFIX: Record<string, string> = { elbv2: 'elasticloadbalancing', ecs: 'ecs', ssm: 'ssm', cloudwatch: 'cloudwatch' };

/** Every API action the README's deploy policy, its read-only status policy and the engine: ecs policy grant. */
function readmeActions(): { deploy: Set<string>; status: Set<string>; builtIn: Set<string> } {
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '{}') as { Statement?: { Action: string | string[] }[] });
  const actions = (doc: { Statement?: { Action: string | string[] }[] } | undefined) => new Set((doc?.Statement ?? []).flatMap((s) => [s.Action].flat()));
  const deploy = blocks.find((b) => JSON.stringify(b).includes('"EcsDeploy"'));
  const status = blocks.find((b) => JSON.stringify(b).includes('"ReadPair"'));
  const builtIn = blocks.find((b) => JSON.stringify(b).includes('"EcsServiceDeployments"'));
  return { deploy: actions(deploy), status: actions(status), builtIn: actions(builtIn) };
}

/** A verification rule of this pair that a killed run left behind (the next deploy and status read its tags). */
async function leftoverRule(sc: Awaited<ReturnType<typeof createScenario>>, priority: number): Promise<void> {
  await clientsFor(sandbox).elb.send(
    new CreateRuleCommand({
      ListenerArn: sc.listenerArn,
      Priority: priority,
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Verify', Values: [`killed-${priority}`] } }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'left' } }],
      Tags: [
        { Key: 'ecs-blue-green-action:pair', Value: sc.parameterName },
        { Key: 'ecs-blue-green-action:run', Value: `killed-${priority}` },
        { Key: 'ecs-blue-green-action:expires', Value: '2026-01-01T00:00:00.000Z' },
      ],
    }),
  );
}

describe('the README\'s IAM policy', () => {
  it('grants every call the action makes, and nothing it never calls', async () => {
    sandbox.setAlarm('e2e-iam-5xx', 'OK');
    // Stickiness: the record's history is read. No test listener is used: the verification rule checks the
    // idle colour through the production address (a host name, so the load balancer's DNS name is compared).
    const sc = await createScenario(sandbox, 'e2e-iam', { withRule: true, stickinessSeconds: 60 });
    const route = { 'verify-route': 'header', 'health-check-url': `${sc.prodUrl.replace('127.0.0.1', 'localhost')}/health` };
    await leftoverRule(sc, 3);
    const since = Date.now();
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    const deployed = await runPlain(sandbox, inputsFor(sc, {
      ...route,
      'task-definition': v2,
      // Rendering an image registers a new revision (ecs:RegisterTaskDefinition).
      'container-name': sc.containerName,
      image: 'registry.example.com/web:v2',
      'listener-rule-arn': sc.ruleArn ?? '',
      'cloudwatch-alarms': 'e2e-iam-5xx',
      'pre-deploy-task-command': 'exit 0',
      'scale-down-previous': 'true',
      // No users here: the analysis reads the metrics and lets the quiet minutes through.
      'analysis-max-error-rate': '1%',
      'analysis-inconclusive': 'pass',
    }));
    expectRun(deployed, { conclusion: 'success', status: 'succeeded' });
    // A second deploy back to blue (scaled down by the first, so it is scaled up), then a manual rollback to it.
    const v3 = sc.registerTaskDefinition({ version: 'v3' });
    expectRun(await runPlain(sandbox, inputsFor(sc, { ...route, 'task-definition': v3, 'listener-rule-arn': sc.ruleArn ?? '' })), { conclusion: 'success', status: 'succeeded' });
    expectRun(await runPlain(sandbox, inputsFor(sc, { ...route, mode: 'rollback', 'listener-rule-arn': sc.ruleArn ?? '' })), { conclusion: 'success', status: 'succeeded' });
    await leftoverRule(sc, 4);
    const statusSince = Date.now();
    expectRun(await runPlain(sandbox, inputsFor(sc, { mode: 'status', 'listener-rule-arn': sc.ruleArn ?? '' })), { conclusion: 'success', status: 'no-op' });

    const called = (from: number, to = Infinity) => new Set(sandbox.requests({ since: from }).filter((r) => r.at < to).map((r) => `${IAM_PREFIX[r.service]}:${r.operation}`));
    const { deploy, status } = readmeActions();
    const all = called(since);
    expect([...all].filter((a) => !deploy.has(a)).sort()).toEqual([]);
    // Granted but not called here: iam:PassRole is no API call (ECS checks it when a task definition names
    // roles), elasticloadbalancing:AddTags neither (ELBv2 checks it when CreateRule carries Tags), and
    // ecs:StopTask stops a migration task only when it overruns wait-timeout or the job is cancelled
    // (flow-migration.test.ts and run-task-fidelity.test.ts cover that call).
    expect([...deploy].filter((a) => !all.has(a) && !['iam:PassRole', 'elasticloadbalancing:AddTags', 'ecs:StopTask'].includes(a)).sort()).toEqual([]);
    const statusCalls = called(statusSince);
    expect([...statusCalls].filter((a) => !status.has(a)).sort()).toEqual([]);
    expect([...status].filter((a) => !statusCalls.has(a)).sort()).toEqual([]);
    retire(sandbox, sc);
  }, 120_000);

  it('engine: ecs: its own policy grants every call, and nothing it never calls; status needs only three reads', async () => {
    sandbox.setAlarm('e2e-iam-ecs-5xx', 'OK');
    const sc = await sandbox.createNativeService({ name: 'e2e-iam-ecs', desiredCount: 2, bakeTimeInMinutes: 0, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
    const inputs = (extra: Record<string, string>) => ({
      ...FAST_INPUTS,
      engine: 'ecs',
      cluster: sc.clusterName,
      service: sc.serviceName,
      'health-check-url': `${sc.testUrl ?? ''}/health`,
      'state-parameter': '/e2e-iam-ecs/live-task-definition',
      'cloudwatch-alarms': 'e2e-iam-ecs-5xx',
      ...extra,
    });
    const since = Date.now();
    // Rendering an image registers a new revision; a smoke test that fails answers the pause with ROLLBACK.
    const v2 = sc.registerTaskDefinition({ version: 'v2' });
    // The bake at POST_PRODUCTION_TRAFFIC_SHIFT reads the ALB's metrics (no users here: the quiet minutes pass).
    const analysis = { 'analysis-max-error-rate': '1%', 'analysis-inconclusive': 'pass' };
    expectRun(await runPlain(sandbox, inputs({ 'task-definition': v2, 'container-name': sc.containerName, image: 'registry.example.com/web:v2', ...analysis })), { conclusion: 'success', status: 'succeeded' });
    expectRun(await runPlain(sandbox, inputs({ 'task-definition': sc.registerTaskDefinition({ version: 'v3' }), 'smoke-test-command': 'exit 1' })), { conclusion: 'failure', status: 'rolled-back' });
    // After a finished deployment, mode: rollback deploys the previous revision's task definition again.
    expectRun(await runPlain(sandbox, inputs({ mode: 'rollback' })), { conclusion: 'success', status: 'succeeded' });
    const statusSince = Date.now();
    expectRun(await runPlain(sandbox, inputs({ mode: 'status', 'state-parameter': '', 'cloudwatch-alarms': '' })), { conclusion: 'success', status: 'no-op' });

    const called = (from: number) => new Set(sandbox.requests({ since: from }).map((r) => `${IAM_PREFIX[r.service]}:${r.operation}`));
    const { builtIn } = readmeActions();
    const all = called(since);
    expect([...all].filter((a) => !builtIn.has(a)).sort()).toEqual([]);
    // Not called here: iam:PassRole (no API call) and ecs:StopServiceDeployment, which stops a deployment
    // between pauses (e2e/builtin-engine.test.ts: the canary that degrades) or after a cancellation.
    expect([...builtIn].filter((a) => !all.has(a) && a !== 'iam:PassRole' && a !== 'ecs:StopServiceDeployment').sort()).toEqual([]);
    expect([...called(statusSince)].sort()).toEqual(['ecs:DescribeServiceDeployments', 'ecs:DescribeServices', 'ecs:ListServiceDeployments']);
  }, 120_000);

  it('engine: traffic: its own policy grants every call, and nothing it never calls', async () => {
    // The README's engine: traffic block, found by its first Sid; IAM_README names another copy of the README
    // (one holding a block that is not pasted yet).
    type Statement = { Sid: string; Action: string | string[] };
    const readme = readFileSync(process.env.IAM_README ?? 'README.md', 'utf8');
    const block = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"TrafficEngineReadTargets"'));
    expect(block).toBeDefined();
    const statements = (JSON.parse(block ?? '{}') as { Statement: Statement[] }).Statement;
    const actionsOf = (list: Statement[]) => list.flatMap((s) => [s.Action].flat());
    const granted = new Set(actionsOf(statements));
    expect([...granted].filter((a) => a.startsWith('ecs:') || a === 'iam:PassRole')).toEqual([]);

    sandbox.setAlarm('e2e-iam-traffic-5xx', 'OK');
    const pair = await sandbox.createTargetPair({ name: 'e2e-iam-traffic', withTestListener: true });
    const { elb } = clientsFor(sandbox);
    // Set up before `since`: the production forward is a rule (ModifyRule) with target-group stickiness (the
    // record's history is read), beside a verification rule a killed run left (its tags are read).
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: pair.listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
        Actions: [{
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: pair.targetGroups.blue, Weight: 100 }, { TargetGroupArn: pair.targetGroups.green, Weight: 0 }],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
          },
        }],
      }),
    );
    const left = (priority: number) =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: pair.listenerArn,
          Priority: priority,
          Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Verify', Values: [`killed-${priority}`] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'left' } }],
          Tags: [
            { Key: 'ecs-blue-green-action:pair', Value: pair.parameterName },
            { Key: 'ecs-blue-green-action:run', Value: `killed-${priority}` },
            { Key: 'ecs-blue-green-action:expires', Value: '2026-01-01T00:00:00.000Z' },
          ],
        }),
      );
    await left(3);
    // What the Auto Scaling group's instance refresh would do: green filled with v2, registered.
    await pair.replaceTargets('green', { count: 2, version: 'v2' });
    const inputs = (extra: Record<string, string>) => ({
      ...FAST_INPUTS,
      engine: 'traffic',
      'blue-target-group-arn': pair.targetGroups.blue,
      'green-target-group-arn': pair.targetGroups.green,
      'listener-arn': pair.listenerArn,
      'listener-rule-arn': rule.Rules?.[0]?.RuleArn ?? '',
      'test-listener-arn': pair.testListenerArn ?? '',
      'state-parameter': pair.parameterName,
      ...extra,
    });
    // The verification rule checks the idle group through the production address (a host name, so the load
    // balancer's DNS name is compared); the test listener is still pointed, for people to look at.
    const route = { 'verify-route': 'header', 'health-check-url': `${pair.prodUrl.replace('127.0.0.1', 'localhost')}/health` };
    const since = Date.now();
    const analysis = { 'analysis-max-error-rate': '1%', 'analysis-inconclusive': 'pass' };
    expectRun(await runPlain(sandbox, inputs({ ...route, ...analysis, 'cloudwatch-alarms': 'e2e-iam-traffic-5xx' })), { conclusion: 'success', status: 'succeeded' });
    expectRun(await runPlain(sandbox, inputs({ ...route, mode: 'rollback', 'cloudwatch-alarms': 'e2e-iam-traffic-5xx' })), { conclusion: 'success', status: 'succeeded' });
    await left(4);
    const statusSince = Date.now();
    expectRun(await runPlain(sandbox, inputs({ mode: 'status' })), { conclusion: 'success', status: 'no-op' });

    const called = (from: number) => new Set(sandbox.requests({ since: from }).map((r) => `${IAM_PREFIX[r.service]}:${r.operation}`));
    const all = called(since);
    expect([...all].filter((a) => !granted.has(a)).sort()).toEqual([]);
    // Granted but no API call: ELBv2 checks elasticloadbalancing:AddTags when CreateRule carries Tags.
    expect([...granted].filter((a) => !all.has(a) && a !== 'elasticloadbalancing:AddTags').sort()).toEqual([]);
    expect(sandbox.requests({ service: 'ecs', since })).toEqual([]);
    // mode: status only reads: the Describe calls of TrafficEngineReadTargets and ssm:GetParameter.
    const reads = new Set([...actionsOf(statements.filter((s) => s.Sid === 'TrafficEngineReadTargets')), 'ssm:GetParameter']);
    expect([...called(statusSince)].filter((a) => !reads.has(a)).sort()).toEqual([]);
  }, 120_000);
});

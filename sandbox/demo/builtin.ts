// The demo's engine: ecs part: one service deployed by the sandbox's ECS built-in blue/green (an ECS "minute" is
// a second here), the built action as its gatekeeper, under user traffic. A healthy v2 goes live through the
// POST_TEST_TRAFFIC_SHIFT pause; a v3 whose health path passes but whose real requests fail is stopped at that
// pause by the team's smoke test, and ECS rolls it back before any user reaches it.
import type { NativeScenario, Sandbox, ServiceDeploymentEvent } from '../index.js';
import { startLoad, type LoadStats } from '../harness/load.js';
import { storyLine } from './action-log.js';
import { runDeploy, type TimedRun } from './deploy.js';
import { builtInInputs, DEMO_TIMINGS } from './inputs.js';

export interface DemoCheck {
  what: string;
  ok: boolean;
}

export interface BuiltInDemo {
  checks: DemoCheck[];
  results: string[];
}

const REQUESTS_PER_SECOND = 50;
/** A real request through the URL the action gives it: the test listener rule, which reaches only the new revision. */
const SMOKE_TEST = 'curl --fail --silent --show-error --max-time 5 "${BLUE_GREEN_TARGET_URL%/health}/checkout"';

export async function builtInDemo(sandbox: Sandbox, say: (text: string, at?: number) => void): Promise<BuiltInDemo> {
  console.log('');
  say("Engine ecs: one service, shop-ecs, deployed by ECS's built-in blue/green with a PAUSE hook at POST_TEST_TRAFFIC_SHIFT");
  const sc = await sandbox.createNativeService({ name: 'shop-ecs', desiredCount: 2, bakeTimeInMinutes: 2, pauseHooks: [{ stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 30 }] });
  const load = startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: REQUESTS_PER_SECOND, maxDurationMs: 90_000 });
  const onDeployment = (e: ServiceDeploymentEvent) => {
    if (e.service !== sc.serviceName) return;
    if (e.hookStatus) say(`  [ecs] ${e.lifecycleStage ?? ''} PAUSE hook ${e.hookStatus}`, e.at);
    else if (['SUCCESSFUL', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL'].includes(e.status)) say(`  [ecs] service deployment ${e.status}`, e.at);
  };
  sandbox.events.on('serviceDeployment', onDeployment);
  try {
    await sandbox.waitFor(() => load.stats().total >= REQUESTS_PER_SECOND, { timeoutMs: 10_000, what: 'one second of user traffic' });
    const healthy = await deploy(sandbox, sc, load, 'v2 (healthy)', sc.registerTaskDefinition({ version: 'v2' }), say);
    const weightsAfterV2 = weights(sandbox, sc);
    const broken = await deploy(sandbox, sc, load, 'v3 (passes its health checks, fails every real request)', sc.registerTaskDefinition({ version: 'v3', behaviour: 'degrade-after-traffic:0' }), say, { 'smoke-test-command': SMOKE_TEST });
    const checks: DemoCheck[] = [
      { what: 'ecs v2: the action reports succeeded; ECS finished the deployment SUCCESSFUL', ok: healthy.run.run.outputs.status === 'succeeded' && lastStatus(sandbox, sc) !== undefined },
      { what: 'ecs v2: no user request failed, users reach v2', ok: healthy.traffic.failed === 0 && (healthy.traffic.byVersion?.v2 ?? 0) > 0 },
      { what: 'ecs v3: stopped at POST_TEST_TRAFFIC_SHIFT, rolled back by ECS (ROLLBACK_SUCCESSFUL, read back)', ok: broken.run.run.outputs.status === 'rolled-back' && lastStatus(sandbox, sc) === 'ROLLBACK_SUCCESSFUL' },
      { what: 'ecs v3: no user request failed or reached v3', ok: broken.traffic.failed === 0 && (broken.traffic.byVersion?.v3 ?? 0) === 0 },
      { what: 'ecs v3: the production rule still sends everything to v2', ok: JSON.stringify(weights(sandbox, sc)) === JSON.stringify(weightsAfterV2) },
    ];
    const results = [healthy, broken].map((r) => {
      const versions = Object.entries(r.traffic.byVersion ?? {}).map(([v, n]) => `${v} ${n}`).join(', ');
      return `- ecs ${r.label}: ${r.run.run.outputs.status ?? '(no status)'} in ${((r.run.endedAt - r.run.startedAt) / 1000).toFixed(1)} s; ${r.traffic.failed}/${r.traffic.total} requests failed (served by: ${versions})`;
    });
    return { checks, results };
  } finally {
    sandbox.events.off('serviceDeployment', onDeployment);
    await load.stop();
  }
}

async function deploy(
  sandbox: Sandbox,
  sc: NativeScenario,
  load: ReturnType<typeof startLoad>,
  label: string,
  taskDefinitionArn: string,
  say: (text: string, at?: number) => void,
  extra: Record<string, string> = {},
): Promise<{ label: string; run: TimedRun; traffic: LoadStats }> {
  console.log('');
  say(`Deploying ${label} with engine: ecs`);
  const inputs = builtInInputs(sc, taskDefinitionArn, DEMO_TIMINGS, extra);
  const run = await runDeploy(sandbox, inputs, (step, line) => {
    const story = storyLine(step, line);
    if (story !== undefined) say(story);
  });
  await sandbox.waitFor(() => load.stats().inFlight === 0, { timeoutMs: 5_000, what: 'requests in flight to finish' });
  const traffic = load.window(run.startedAt, run.endedAt);
  say(`Done: status=${run.run.outputs.status ?? ''} service-deployment-arn=${run.run.outputs['service-deployment-arn'] ?? ''}; ${traffic.failed}/${traffic.total} user requests failed during this run`);
  console.log(`\n----- job summary (ecs ${label}) -----\n${run.run.summary.trim()}\n----- end of job summary -----`);
  return { label, run, traffic };
}

const lastStatus = (sandbox: Sandbox, sc: NativeScenario): string | undefined => sandbox.serviceDeployments(sc.serviceName)[0]?.status;
const weights = (sandbox: Sandbox, sc: NativeScenario) => sandbox.forwardWeights(sc.productionRuleArn);

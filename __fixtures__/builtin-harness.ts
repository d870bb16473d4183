// The engine: ecs flow tests' harness: FakeAws whose UpdateService starts a service deployment in an
// in-memory ECS (fake-builtin.ts), as ECS does for a built-in blue/green service, and a config for it.
import { FakeAws, RULE, TG, forwardTo, taskDefArn } from './fake-aws.js';
import { FakeDeployments, type ScriptStep } from './fake-builtin.js';
import { harness } from './flow.js';

export const TEST_URL = 'https://test.shop.example.com/health';
export const PROD_URL = 'https://shop.example.com/health';

/** One in-memory AWS with a built-in blue/green service, and a harness per run against it (the runs share AWS, not state). */
export function builtInWorld(o: { script?: ScriptStep[]; postSwitchUrl?: string } = {}) {
  const aws = new FakeAws({ rule: true });
  aws.actions.set(RULE, [forwardTo(TG.blue)]);
  // The release: revision 2 (the service runs revision 1; ECS starts no deployment for the same one).
  aws.taskDefinitions.set(taskDefArn(2), { taskDefinitionArn: taskDefArn(2), family: 'shop', revision: 2, status: 'ACTIVE', containerDefinitions: [{ name: 'app', image: 'shop:2' }] });
  const ecs = new FakeDeployments();
  if (o.script) ecs.script = o.script;
  aws.deployments = ecs;
  // UpdateService starts a service deployment, as ECS does for a built-in blue/green service.
  const update = aws.ecs.updateService.bind(aws.ecs);
  aws.ecs.updateService = async (cluster, service, change) => {
    const id = await update(cluster, service, change);
    if (change.taskDefinitionArn) ecs.start(change.taskDefinitionArn);
    return id;
  };
  const health = { url: TEST_URL, ...(o.postSwitchUrl ? { postSwitchUrl: o.postSwitchUrl } : {}), headers: {}, expectedStatus: [{ min: 200, max: 200 }], intervalMs: 1_000, timeoutMs: 500, healthyThreshold: 2, unhealthyThreshold: 2 };
  const run = (config: Record<string, unknown>) =>
    harness({
      aws,
      config: {
        engine: 'ecs',
        service: 'shop-blue',
        cluster: 'shop',
        stateParameter: '',
        lock: false,
        containerName: undefined,
        image: undefined,
        taskDefinition: { kind: 'reference', value: taskDefArn(2) },
        health,
        bakeTimeMs: 5_000,
        waitTimeoutMs: 60_000,
        ...config,
      },
    });
  return { aws, ecs, run };
}

/** One run with the production URL watched once users reach the new revision. */
export async function builtInHarness(o: { script?: ScriptStep[]; config?: Record<string, unknown> } = {}) {
  const w = builtInWorld({ ...(o.script ? { script: o.script } : {}), postSwitchUrl: PROD_URL });
  return { ...(await w.run(o.config ?? {})), ecs: w.ecs };
}

// The blue-green setup the action deploys to: one cluster, a service and a target group per colour,
// an ALB whose production listener (default action or one rule) forwards to blue, an optional test
// listener forwarding to green, and the SSM parameter recording `blue` as live.
import type { World } from './core/world.js';
import type { Colour } from '../src/types.js';
import { ssmOperations } from './ssm/api.js';
import {
  createCluster,
  createListener,
  createLoadBalancer,
  createRule,
  createService,
  createTargetGroup,
  fixedResponse,
  forwardTo,
  registerTaskDefinition,
  type TargetGroupOptions,
} from './resources.js';
import { waitFor } from './wait.js';

export interface BlueGreenOptions {
  /** Prefix of every resource name; letters, digits and hyphens, at most 26 characters. */
  name: string;
  /** SANDBOX_BEHAVIOUR of version 1 (blue's tasks). Default `healthy`. */
  taskBehaviour?: string;
  /** Tasks per colour. Default 2. */
  desiredCount?: number;
  healthCheckPath?: string;
  /** A second listener forwarding to the idle colour (green). */
  withTestListener?: boolean;
  /**
   * Put the blue/green forward in a listener rule (priority 10, path `/*`) instead of the default
   * action; the default action becomes a 404 fixed response and an unrelated rule (priority 5,
   * path `/other/*`, fixed 200 "other") shares the listener.
   */
  withRule?: boolean;
  /**
   * Target-group stickiness (AWSALBTG) for this many seconds on the production forward (the default
   * action, or the rule with `withRule`); the test listener stays without. Off when not given.
   */
  stickinessSeconds?: number;
  /** Target group health-check and deregistration settings for both colours. */
  targetGroup?: Omit<TargetGroupOptions, 'name' | 'healthCheckPath'>;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  healthCheckGracePeriodSeconds?: number;
  /** Both services' deployment configuration; ECS's defaults (200 / 100) when not given. */
  maximumPercent?: number;
  minimumHealthyPercent?: number;
  /** How long to wait for blue to be healthy. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface BlueGreenScenario {
  name: string;
  region: string;
  clusterName: string;
  clusterArn: string;
  services: Record<Colour, { name: string; arn: string }>;
  targetGroups: Record<Colour, string>;
  loadBalancerArn: string;
  listenerArn: string;
  /** Present with `withTestListener`. */
  testListenerArn?: string;
  /** Present with `withRule`: the rule that forwards to the colours. */
  ruleArn?: string;
  /** Present with `withRule`: the unrelated rule that must stay untouched. */
  otherRuleArn?: string;
  /** http://127.0.0.1:PORT of the production listener's proxy. */
  prodUrl: string;
  testUrl?: string;
  parameterName: string;
  taskDefinitionFamily: string;
  /** Revision 1, which blue runs. */
  taskDefinitionArn: string;
  containerName: string;
  /** Registers the next revision of the family with this behaviour and version; returns its ARN. */
  registerTaskDefinition(opts: { behaviour?: string; version?: string }): string;
}

/** What the HTTP control API returns: the scenario without its function. */
export type BlueGreenScenarioJson = Omit<BlueGreenScenario, 'registerTaskDefinition'>;

export async function createBlueGreen(world: World, o: BlueGreenOptions): Promise<BlueGreenScenario> {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,25}$/.test(o.name)) {
    throw new Error(`scenario name ${JSON.stringify(o.name)} is invalid: letters, digits and hyphens, at most 26 characters`);
  }
  const sticky = o.stickinessSeconds;
  if (sticky !== undefined && !(Number.isInteger(sticky) && sticky >= 1 && sticky <= 604800)) {
    throw new Error(`stickinessSeconds ${sticky} is invalid: ELBv2 takes whole seconds from 1 to 604800`);
  }
  const desiredCount = o.desiredCount ?? 2;
  const containerName = 'app';
  const cluster = createCluster(world, o.name);
  const tgs = {
    blue: createTargetGroup(world, { ...o.targetGroup, name: `${o.name}-blue`, healthCheckPath: o.healthCheckPath }),
    green: createTargetGroup(world, { ...o.targetGroup, name: `${o.name}-green`, healthCheckPath: o.healthCheckPath }),
  };
  const lb = createLoadBalancer(world, `${o.name}-alb`);
  const toBlue = forwardTo([[tgs.blue.arn, 100], [tgs.green.arn, 0]], sticky);
  const prod = await createListener(world, lb, [o.withRule ? fixedResponse(404, 'no route') : toBlue]);
  let ruleArn: string | undefined;
  let otherRuleArn: string | undefined;
  if (o.withRule) {
    otherRuleArn = createRule(world, prod, 5, [{ Field: 'path-pattern', Values: ['/other/*'] }], [fixedResponse(200, 'other')]).arn;
    ruleArn = createRule(world, prod, 10, [{ Field: 'path-pattern', Values: ['/*'] }], [toBlue]).arn;
  }
  const test = o.withTestListener
    ? await createListener(world, lb, [forwardTo([[tgs.green.arn, 100], [tgs.blue.arn, 0]])])
    : undefined;

  const family = o.name;
  const v1 = registerTaskDefinition(world, { family, behaviour: o.taskBehaviour ?? 'healthy', version: 'v1', containerName });
  const service = (colour: Colour, count: number) =>
    createService(world, {
      cluster,
      name: `${o.name}-${colour}`,
      taskDefinitionArn: v1,
      desiredCount: count,
      targetGroupArn: tgs[colour].arn,
      containerName,
      circuitBreaker: o.circuitBreaker,
      healthCheckGracePeriodSeconds: o.healthCheckGracePeriodSeconds,
      maximumPercent: o.maximumPercent,
      minimumHealthyPercent: o.minimumHealthyPercent,
    });
  const blue = service('blue', desiredCount);
  const green = service('green', 0);

  const parameterName = `/${o.name}/live-color`;
  const putParameter = ssmOperations(world.ssm, world.account).PutParameter;
  if (!putParameter) throw new Error('the SSM operations lack PutParameter');
  putParameter({ Name: parameterName, Value: 'blue', Type: 'String', Overwrite: true });

  await waitFor(
    () => blue.deployments[0]?.rolloutState === 'COMPLETED' && tgs.blue.targets.filter((t) => t.state === 'healthy').length === desiredCount,
    { timeoutMs: o.readyTimeoutMs ?? 30_000, what: `blue's ${desiredCount} targets healthy in ${tgs.blue.name}` },
  );

  return {
    name: o.name,
    region: world.account.region,
    clusterName: cluster.name,
    clusterArn: cluster.arn,
    services: { blue: { name: blue.name, arn: blue.arn }, green: { name: green.name, arn: green.arn } },
    targetGroups: { blue: tgs.blue.arn, green: tgs.green.arn },
    loadBalancerArn: lb.arn,
    listenerArn: prod.arn,
    testListenerArn: test?.arn,
    ruleArn,
    otherRuleArn,
    prodUrl: `http://127.0.0.1:${prod.port}`,
    testUrl: test ? `http://127.0.0.1:${test.port}` : undefined,
    parameterName,
    taskDefinitionFamily: family,
    taskDefinitionArn: v1,
    containerName,
    registerTaskDefinition: (opts) => registerTaskDefinition(world, { family, containerName, ...opts }),
  };
}

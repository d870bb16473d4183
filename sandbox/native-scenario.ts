// The setup ECS's built-in blue/green deploys: ONE service whose load balancer has an alternate target
// group and the listener rules ECS rewrites (advancedConfiguration), a strategy and PAUSE hooks.
// Target groups `<name>-a` (primary: v1's tasks) and `<name>-b` (alternate); a production listener whose
// rule (priority 10, `/*`) forwards a 100 / b 0 behind a 404 default action, and a test listener on its
// own port whose rule forwards b 100 / a 0. Tasks answer with `colour` = their group's suffix (a, b).
import type { World } from './core/world.js';
import type { LifecycleHook, NativeConfiguration } from './ecs/native-model.js';
import type { ServiceDeploymentRecord } from './ecs/native-model.js';
import { forwardTargets, type ActionShape } from './elb/model.js';
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

export interface NativeServiceOptions {
  /** Prefix of every resource name; letters, digits and hyphens, at most 26 characters. */
  name: string;
  /** Default BLUE_GREEN; ROLLING leaves the service to the rolling scheduler. */
  strategy?: 'BLUE_GREEN' | 'CANARY' | 'LINEAR' | 'ROLLING';
  /** Default 2. */
  desiredCount?: number;
  /** ECS minutes (see SandboxOptions.minuteMs). Default 1. */
  bakeTimeInMinutes?: number;
  canary?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  linear?: { stepPercent: number; stepBakeTimeInMinutes: number };
  /** One PAUSE hook per entry. Default one at POST_TEST_TRAFFIC_SHIFT (ECS's timeout defaults: 1440 min, ROLLBACK). */
  pauseHooks?: { stages: string[]; timeoutInMinutes?: number; action?: 'CONTINUE' | 'ROLLBACK' }[];
  /** A test listener and rule (advancedConfiguration.testListenerRule). Default true. */
  withTestRule?: boolean;
  /** Adds this action to the production rule's forward, a configuration ECS cannot shift (the deployment rolls back). */
  productionRuleExtraAction?: 'authenticate-oidc' | 'fixed-response';
  /** SANDBOX_BEHAVIOUR of v1. Default `healthy`. */
  taskBehaviour?: string;
  healthCheckPath?: string;
  targetGroup?: Omit<TargetGroupOptions, 'name' | 'healthCheckPath'>;
  healthCheckGracePeriodSeconds?: number;
  /** How long to wait for v1 to be healthy. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface NativeScenario {
  name: string;
  clusterName: string;
  clusterArn: string;
  serviceName: string;
  serviceArn: string;
  /** The groups as created: `primary` (`<name>-a`, v1's) and `alternate` (`<name>-b`); ECS swaps their roles per deployment. */
  targetGroups: { primary: string; alternate: string };
  loadBalancerArn: string;
  listenerArn: string;
  productionRuleArn: string;
  testListenerArn?: string;
  testRuleArn?: string;
  prodUrl: string;
  testUrl?: string;
  taskDefinitionFamily: string;
  /** Revision 1 (v1). */
  taskDefinitionArn: string;
  containerName: string;
  registerTaskDefinition(opts: { behaviour?: string; version?: string }): string;
}

export type NativeScenarioJson = Omit<NativeScenario, 'registerTaskDefinition'>;

/** A service deployment as `sandbox.serviceDeployments()` returns it (a copy). */
export type ServiceDeploymentView = Omit<ServiceDeploymentRecord, 'configuration' | 'allHooks'> & { hooks: ServiceDeploymentRecord['allHooks'] };

export async function createNativeService(world: World, o: NativeServiceOptions): Promise<NativeScenario> {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,25}$/.test(o.name)) {
    throw new Error(`scenario name ${JSON.stringify(o.name)} is invalid: letters, digits and hyphens, at most 26 characters`);
  }
  const desiredCount = o.desiredCount ?? 2;
  const containerName = 'app';
  const cluster = createCluster(world, o.name);
  const tg = (suffix: string) => createTargetGroup(world, { ...o.targetGroup, name: `${o.name}-${suffix}`, healthCheckPath: o.healthCheckPath });
  const [a, b] = [tg('a'), tg('b')];
  const lb = createLoadBalancer(world, `${o.name}-alb`);
  const prod = await createListener(world, lb, [fixedResponse(404, 'no route')]);
  const anyPath = [{ Field: 'path-pattern', Values: ['/*'] }];
  const productionRule = createRule(world, prod, 10, anyPath, [forwardTo([[a.arn, 100], [b.arn, 0]])]);
  if (o.productionRuleExtraAction) productionRule.actions = withExtraAction(productionRule.actions, o.productionRuleExtraAction);
  const test = o.withTestRule === false ? undefined : await createListener(world, lb, [fixedResponse(404, 'no route')]);
  const testRule = test ? createRule(world, test, 10, anyPath, [forwardTo([[b.arn, 100], [a.arn, 0]])]) : undefined;

  const family = o.name;
  const v1 = registerTaskDefinition(world, { family, behaviour: o.taskBehaviour ?? 'healthy', version: 'v1', containerName });
  const service = createService(world, {
    cluster,
    name: o.name,
    taskDefinitionArn: v1,
    desiredCount,
    targetGroupArn: a.arn,
    containerName,
    healthCheckGracePeriodSeconds: o.healthCheckGracePeriodSeconds,
    advancedConfiguration: {
      alternateTargetGroupArn: b.arn,
      productionListenerRule: productionRule.arn,
      ...(testRule ? { testListenerRule: testRule.arn } : {}),
      roleArn: `arn:aws:iam::${world.account.accountId}:role/ecsInfrastructureRole`,
    },
  });
  service.deploymentController = { type: 'ECS' };
  service.native = nativeConfiguration(o);

  await waitFor(
    () => service.deployments[0]?.rolloutState === 'COMPLETED' && a.targets.filter((t) => t.state === 'healthy').length === desiredCount,
    { timeoutMs: o.readyTimeoutMs ?? 30_000, what: `v1's ${desiredCount} targets healthy in ${a.name}` },
  );
  world.native.adopt(service);

  return {
    name: o.name,
    clusterName: cluster.name,
    clusterArn: cluster.arn,
    serviceName: service.name,
    serviceArn: service.arn,
    targetGroups: { primary: a.arn, alternate: b.arn },
    loadBalancerArn: lb.arn,
    listenerArn: prod.arn,
    productionRuleArn: productionRule.arn,
    ...(test && testRule ? { testListenerArn: test.arn, testRuleArn: testRule.arn, testUrl: `http://127.0.0.1:${test.port}` } : {}),
    prodUrl: `http://127.0.0.1:${prod.port}`,
    taskDefinitionFamily: family,
    taskDefinitionArn: v1,
    containerName,
    registerTaskDefinition: (opts) => registerTaskDefinition(world, { family, containerName, ...opts }),
  };
}

function nativeConfiguration(o: NativeServiceOptions): NativeConfiguration {
  const strategy = o.strategy ?? 'BLUE_GREEN';
  const lifecycleHooks: LifecycleHook[] = (o.pauseHooks ?? [{ stages: ['POST_TEST_TRAFFIC_SHIFT'] }]).map((h) => ({
    targetType: 'PAUSE',
    lifecycleStages: [...h.stages],
    ...(h.timeoutInMinutes !== undefined || h.action !== undefined
      ? { timeoutConfiguration: { ...(h.timeoutInMinutes === undefined ? {} : { timeoutInMinutes: h.timeoutInMinutes }), ...(h.action ? { action: h.action } : {}) } }
      : {}),
  }));
  return {
    strategy,
    bakeTimeInMinutes: o.bakeTimeInMinutes ?? 1,
    ...(strategy === 'CANARY' ? { canaryConfiguration: o.canary ?? { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } } : {}),
    ...(strategy === 'LINEAR' ? { linearConfiguration: o.linear ?? { stepPercent: 10, stepBakeTimeInMinutes: 6 } } : {}),
    lifecycleHooks,
  };
}

/**
 * The production rule with a second action ECS refuses to shift. ELBv2 itself accepts authenticate-*
 * before a forward; forward next to fixed-response is not a rule ELBv2 would store (one terminal
 * action only), so that one is built directly, past the API's validation, to exercise ECS's check.
 */
function withExtraAction(actions: ActionShape[], extra: 'authenticate-oidc' | 'fixed-response'): ActionShape[] {
  const forward = actions.find((x) => forwardTargets([x]).length > 0);
  if (!forward) return actions;
  if (extra === 'authenticate-oidc') {
    const auth: ActionShape = {
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: { Issuer: 'https://idp.example.com', AuthorizationEndpoint: 'https://idp.example.com/auth', TokenEndpoint: 'https://idp.example.com/token', UserInfoEndpoint: 'https://idp.example.com/userinfo', ClientId: 'sandbox' },
    };
    return [auth, { ...forward, Order: 2 }];
  }
  return [{ ...forward, Order: 1 }, { Type: 'fixed-response', Order: 2, FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'maintenance' } }];
}

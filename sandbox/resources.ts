// Creating resources the action does not create itself (clusters, target groups, load balancers,
// listeners, rules, services), through the same models and validation the API uses.
import { arns } from './core/ids.js';
import type { World } from './core/world.js';
import { ecsOperations } from './ecs/api.js';
import { DEFAULT_DEPLOYMENT_CONFIGURATION } from './ecs/capacity.js';
import type { Cluster, Service } from './ecs/model.js';
import type { AdvancedConfiguration } from './ecs/native-model.js';
import { normaliseActions } from './elb/actions.js';
import { normaliseConditions } from './elb/conditions.js';
import type { ActionShape, Listener, LoadBalancer, Rule, TargetGroup } from './elb/model.js';
import type { QueryObject, QueryValue } from './protocol/query.js';

export function createCluster(world: World, name: string): Cluster {
  const existing = world.ecs.cluster(name);
  if (existing) return existing;
  const cluster = { name, arn: arns.cluster(world.account, name) };
  world.ecs.clusters.push(cluster);
  return cluster;
}

export interface TargetGroupOptions {
  name: string;
  healthCheckPath?: string;
  healthCheckIntervalMs?: number;
  healthCheckTimeoutMs?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  matcher?: string;
  deregistrationDelayMs?: number;
}

export function createTargetGroup(world: World, o: TargetGroupOptions): TargetGroup {
  if (!/^[a-zA-Z0-9-]{1,32}$/.test(o.name) || o.name.startsWith('-') || o.name.endsWith('-')) {
    throw new Error(`target group name ${JSON.stringify(o.name)} is invalid: up to 32 alphanumerics or hyphens, not starting or ending with a hyphen`);
  }
  const d = world.targetGroupDefaults;
  const tg: TargetGroup = {
    arn: arns.targetGroup(world.account, o.name),
    name: o.name,
    port: 80,
    healthCheck: {
      path: o.healthCheckPath ?? '/health',
      intervalMs: o.healthCheckIntervalMs ?? d.healthCheckIntervalMs,
      timeoutMs: o.healthCheckTimeoutMs ?? d.healthCheckTimeoutMs,
      healthyThreshold: o.healthyThreshold ?? d.healthyThreshold,
      unhealthyThreshold: o.unhealthyThreshold ?? d.unhealthyThreshold,
      matcher: o.matcher ?? '200',
    },
    deregistrationDelayMs: o.deregistrationDelayMs ?? d.deregistrationDelayMs,
    targets: [],
  };
  world.elb.targetGroups.push(tg);
  return tg;
}

/**
 * `ownAddress`: the load balancer gets a loopback address of its own (127.0.1.N, ElbModel.nextLoopbackAddress) that
 * its listeners bind and its DNS name resolves to, so DNS answers can tell load balancers apart; otherwise it
 * shares 127.0.0.1 as every load balancer did before.
 */
export function createLoadBalancer(world: World, name: string, o: { ownAddress?: boolean } = {}): LoadBalancer {
  const arn = arns.loadBalancer(world.account, name);
  const lb: LoadBalancer = { arn, name, dnsName: `${name}-${arn.slice(-8)}.${world.account.region}.elb.amazonaws.com`, createdAt: new Date() };
  if (o.ownAddress) lb.address = world.elb.nextLoopbackAddress();
  world.elb.loadBalancers.push(lb);
  return lb;
}

/**
 * A forward action, as a Query-shaped request so it goes through the API's validation; with
 * `stickinessSeconds`, target-group stickiness enabled for that duration.
 */
export function forwardTo(weights: [string, number][], stickinessSeconds?: number): QueryValue {
  const config: QueryObject = { TargetGroups: weights.map(([arn, w]) => ({ TargetGroupArn: arn, Weight: String(w) })) };
  if (stickinessSeconds !== undefined) {
    config.TargetGroupStickinessConfig = { Enabled: 'true', DurationSeconds: String(stickinessSeconds) };
  }
  return { Type: 'forward', ForwardConfig: config };
}

export function fixedResponse(status: number, body: string): QueryValue {
  return { Type: 'fixed-response', FixedResponseConfig: { StatusCode: String(status), ContentType: 'text/plain', MessageBody: body } };
}

/**
 * Creates the listener and starts its proxy on the load balancer's address (127.0.0.1 unless it has its own); the
 * listener's Port is the proxy's real port.
 */
export async function createListener(world: World, lb: LoadBalancer, defaultActions: QueryValue[], port = 0): Promise<Listener> {
  const arn = arns.listener(world.account, lb.arn);
  const listener: Listener = {
    arn,
    loadBalancerArn: lb.arn,
    port: 0,
    protocol: 'HTTP',
    defaultActions: normaliseActions(world.elb, defaultActions, 'defaultActions'),
    defaultRuleArn: arns.rule(arn),
    rules: [],
  };
  world.elb.listeners.push(listener);
  try {
    listener.port = await world.dataPlane.open(arn, port, lb.address ?? '127.0.0.1');
  } catch (error) {
    world.elb.listeners.splice(world.elb.listeners.indexOf(listener), 1);
    throw error;
  }
  return listener;
}

/**
 * One listener per load balancer, all on the same port (each on its load balancer's own address), as a name
 * resolving to either load balancer is reached on one port: the first binds a free port, the others that port;
 * when one of them finds it taken, all are closed and another port is tried.
 */
export async function createListenersOnSharedPort(world: World, specs: { lb: LoadBalancer; defaultActions: QueryValue[] }[]): Promise<Listener[]> {
  const addresses = specs.map((s) => s.lb.address ?? '127.0.0.1');
  if (new Set(addresses).size !== addresses.length) throw new Error(`listeners sharing a port need distinct addresses, got ${addresses.join(', ')}`);
  for (let attempt = 1; ; attempt += 1) {
    const made: Listener[] = [];
    try {
      for (const s of specs) made.push(await createListener(world, s.lb, s.defaultActions, made[0]?.port ?? 0));
      return made;
    } catch (error) {
      for (const l of made) {
        await world.dataPlane.closeListener(l.arn);
        world.elb.listeners.splice(world.elb.listeners.indexOf(l), 1);
      }
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw error;
    }
  }
}

export function createRule(world: World, listener: Listener, priority: number, conditions: QueryValue[], actions: QueryValue[]): Rule {
  if (listener.rules.some((r) => r.priority === String(priority))) throw new Error(`priority ${priority} is already in use`);
  const rule: Rule = {
    arn: arns.rule(listener.arn),
    listenerArn: listener.arn,
    priority: String(priority),
    conditions: normaliseConditions(conditions),
    actions: normaliseActions(world.elb, actions, 'actions') as ActionShape[],
  };
  listener.rules.push(rule);
  return rule;
}

export interface TaskDefinitionOptions {
  family: string;
  behaviour?: string;
  version?: string;
  containerName?: string;
  image?: string;
}

export function registerTaskDefinition(world: World, o: TaskDefinitionOptions): string {
  const register = ecsOperations(world.ecs, world.scheduler, world.account).RegisterTaskDefinition;
  if (!register) throw new Error('the ECS operations lack RegisterTaskDefinition');
  const out = register({
    family: o.family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: o.containerName ?? 'app',
        image: o.image ?? `sandbox/${o.family}:${o.version ?? 'v1'}`,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'SANDBOX_BEHAVIOUR', value: o.behaviour ?? 'healthy' },
          { name: 'SANDBOX_VERSION', value: o.version ?? 'v1' },
        ],
      },
    ],
  }) as { taskDefinition: { taskDefinitionArn: string } };
  return out.taskDefinition.taskDefinitionArn;
}

export interface ServiceOptions {
  cluster: Cluster;
  name: string;
  taskDefinitionArn: string;
  desiredCount: number;
  targetGroupArn?: string;
  containerName?: string;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  healthCheckGracePeriodSeconds?: number;
  /** Deployment configuration; ECS's defaults (200 / 100) when not given. */
  maximumPercent?: number;
  minimumHealthyPercent?: number;
  /** Built-in blue/green: the alternate target group and listener rules of the load balancer. */
  advancedConfiguration?: AdvancedConfiguration;
}

export function createService(world: World, o: ServiceOptions): Service {
  const service: Service = {
    arn: arns.service(world.account, o.cluster.name, o.name),
    name: o.name,
    clusterName: o.cluster.name,
    clusterArn: o.cluster.arn,
    status: 'ACTIVE',
    desiredCount: o.desiredCount,
    taskDefinitionArn: o.taskDefinitionArn,
    loadBalancers: o.targetGroupArn
      ? [{ targetGroupArn: o.targetGroupArn, containerName: o.containerName ?? 'app', containerPort: 8080, ...(o.advancedConfiguration ? { advancedConfiguration: o.advancedConfiguration } : {}) }]
      : [],
    deployments: [],
    events: [],
    createdAt: new Date(),
    circuitBreaker: o.circuitBreaker ?? { enable: true, rollback: false },
    healthCheckGracePeriodSeconds: o.healthCheckGracePeriodSeconds ?? 0,
    maximumPercent: o.maximumPercent ?? DEFAULT_DEPLOYMENT_CONFIGURATION.maximumPercent,
    minimumHealthyPercent: o.minimumHealthyPercent ?? DEFAULT_DEPLOYMENT_CONFIGURATION.minimumHealthyPercent,
  };
  world.ecs.services.push(service);
  world.scheduler.newDeployment(service, o.taskDefinitionArn);
  world.scheduler.reconcile(service);
  return service;
}

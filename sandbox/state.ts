// A JSON-safe dump of everything the sandbox holds, for debugging and the control API.
import type { World } from './core/world.js';

export interface SandboxState {
  loadBalancers: unknown[];
  listeners: unknown[];
  targetGroups: unknown[];
  clusters: unknown[];
  services: unknown[];
  tasks: unknown[];
  taskDefinitions: unknown[];
  serviceDeployments: unknown[];
  serviceRevisions: unknown[];
  parameters: unknown[];
  /** Every kept version of each parameter, oldest first. */
  parameterHistory: Record<string, unknown[]>;
  /** ELBv2 tags by resource ARN. */
  elbTags: Record<string, unknown[]>;
  alarms: unknown[];
}

export function snapshotState(world: World): SandboxState {
  return JSON.parse(
    JSON.stringify({
      loadBalancers: world.elb.loadBalancers,
      listeners: world.elb.listeners,
      targetGroups: world.elb.targetGroups,
      clusters: world.ecs.clusters,
      services: world.ecs.services,
      tasks: world.ecs.tasks,
      taskDefinitions: world.ecs.taskDefinitions.map((td) => ({ arn: td.arn, family: td.family, revision: td.revision, status: td.status })),
      serviceDeployments: world.ecs.serviceDeployments,
      serviceRevisions: world.ecs.serviceRevisions,
      parameters: [...world.ssm.parameters.values()],
      parameterHistory: Object.fromEntries(world.ssm.history),
      elbTags: Object.fromEntries(world.elb.tags),
      alarms: [...world.alarms.alarms.values()],
    }),
  ) as SandboxState;
}

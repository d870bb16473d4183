// EcsPort over the ECS client: describe a service and its rollouts, read and register task
// definitions, and start a rollout. Waiting for the rollout is the flow's job (it polls
// describeService with the injected clock, so it runs under fake timers and against the sandbox).
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Deployment,
  ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { errorMessage } from '../errors.js';
import { AwsResourceNotFound, isAwsError, rethrowNotFound, tagOperations } from './aws-error.js';
import type { ClientConfig } from './client-config.js';
import type { EcsPort, ServiceDeployment, ServiceInfo } from './ports.js';

/** How many service events we keep: enough to explain a failed rollout in the summary. */
export const MAX_SERVICE_EVENTS = 10;

const CHECK_SERVICE = "Check the 'cluster', 'blue-service' and 'green-service' inputs and the region.";
const SERVICE_ERRORS = ['ClusterNotFoundException', 'ServiceNotFoundException', 'ServiceNotActiveException'];

export function createEcsPort(client: ECSClient): EcsPort {
  return {
    async describeService(cluster: string, service: string): Promise<ServiceInfo> {
      const id = `${cluster}/${service}`;
      const described = serviceLabel(cluster, service);
      const out = await client
        .send(new DescribeServicesCommand({ cluster, services: [service] }))
        .catch((e: unknown) => rethrowNotFound(e, SERVICE_ERRORS, 'ECS service', id, CHECK_SERVICE, described));
      const failure = out.failures?.[0];
      const found = out.services?.[0];
      if (failure || !found) {
        const reason = failure ? `${failure.reason ?? 'unknown reason'}${failure.detail ? `: ${failure.detail}` : ''}` : 'not returned';
        throw new AwsResourceNotFound('ECS service', id, `The ECS service ${described} was not found (${reason}). ${CHECK_SERVICE}`);
      }
      if (found.status === 'INACTIVE') {
        throw new AwsResourceNotFound('ECS service', id, `The ECS service ${described} is INACTIVE (deleted). ${CHECK_SERVICE}`);
      }
      return toServiceInfo(found);
    },

    async describeTaskDefinition(reference: string): Promise<TaskDefinition> {
      const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference })).catch((e: unknown) => {
        // ECS answers a missing family or revision with a generic ClientException.
        if (isAwsError(e, 'ClientException')) {
          throw new AwsResourceNotFound('task definition', reference, `The task definition '${reference}' could not be described (${errorMessage(e)}). Check the 'task-definition' input and the region.`, { cause: e });
        }
        throw e;
      });
      if (!out.taskDefinition) throw new AwsResourceNotFound('task definition', reference, `ECS returned no task definition for '${reference}'.`);
      return out.taskDefinition;
    },

    async registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<string> {
      const out = await client.send(new RegisterTaskDefinitionCommand(input));
      const arn = out.taskDefinition?.taskDefinitionArn;
      if (!arn) throw new Error(`ECS registered task definition family '${input.family}' but returned no ARN.`);
      return arn;
    },

    async updateService(cluster: string, service: string, change: { taskDefinitionArn?: string; desiredCount?: number }): Promise<string> {
      const id = `${cluster}/${service}`;
      const described = serviceLabel(cluster, service);
      const out = await client
        .send(
          new UpdateServiceCommand({
            cluster,
            service,
            ...(change.taskDefinitionArn !== undefined && { taskDefinition: change.taskDefinitionArn }),
            ...(change.desiredCount !== undefined && { desiredCount: change.desiredCount }),
          }),
        )
        .catch((e: unknown) => rethrowNotFound(e, SERVICE_ERRORS, 'ECS service', id, CHECK_SERVICE, described));
      const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY');
      if (!primary?.id) throw new Error(`UpdateService on ${described} returned no PRIMARY deployment, so the rollout cannot be followed.`);
      return primary.id;
    },
  };
}

const serviceLabel = (cluster: string, service: string): string => `'${service}' in cluster '${cluster}'`;

function toDeployment(d: Deployment): ServiceDeployment {
  return {
    id: d.id ?? '',
    status: d.status ?? 'UNKNOWN',
    taskDefinitionArn: d.taskDefinition ?? '',
    ...(d.rolloutState !== undefined && { rolloutState: d.rolloutState }),
    ...(d.rolloutStateReason !== undefined && { rolloutStateReason: d.rolloutStateReason }),
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
  };
}

function toServiceInfo(s: Service): ServiceInfo {
  const events = [...(s.events ?? [])]
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    .slice(0, MAX_SERVICE_EVENTS)
    .map((e) => `${e.createdAt?.toISOString() ?? 'unknown time'} ${e.message ?? ''}`.trimEnd());
  return {
    serviceArn: s.serviceArn ?? '',
    serviceName: s.serviceName ?? '',
    status: s.status ?? 'UNKNOWN',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    taskDefinitionArn: s.taskDefinition ?? '',
    targetGroupArns: (s.loadBalancers ?? []).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : [])),
    deployments: (s.deployments ?? []).map(toDeployment),
    events,
  };
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): EcsPort => createEcsPort(tagOperations(new ECSClient(config), 'ecs'));

// EcsPort over the ECS client: describe a service and its rollouts, read and register task
// definitions, and start a rollout. Waiting for the rollout is the flow's job (it polls
// describeService with the injected clock, so it runs under fake timers and against the sandbox).
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type Deployment,
  ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type ServiceManagedEBSVolumeConfiguration,
  type TaskDefinition,
  type TaskManagedEBSVolumeConfiguration,
} from '@aws-sdk/client-ecs';
import { errorMessage } from '../errors.js';
import { AwsResourceNotFound, isAwsError, rethrowNotFound, tagOperations } from './aws-error.js';
import type { ClientConfig } from './client-config.js';
import type { EcsPort, RunTaskRequest, ServiceChange, ServiceDeployment, ServiceInfo, TaskState } from './ports.js';

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

    async updateService(cluster: string, service: string, change: ServiceChange): Promise<string> {
      const id = `${cluster}/${service}`;
      const described = serviceLabel(cluster, service);
      const out = await client
        .send(
          new UpdateServiceCommand({
            cluster,
            service,
            ...(change.taskDefinitionArn !== undefined && { taskDefinition: change.taskDefinitionArn }),
            ...(change.desiredCount !== undefined && { desiredCount: change.desiredCount }),
            ...(change.forceNewDeployment && { forceNewDeployment: true }),
            ...(change.enableECSManagedTags !== undefined && { enableECSManagedTags: change.enableECSManagedTags }),
            ...(change.propagateTags !== undefined && { propagateTags: change.propagateTags }),
            ...(change.volume && { volumeConfigurations: [{ name: change.volume.name, managedEBSVolume: change.volume.managedEBSVolume as unknown as ServiceManagedEBSVolumeConfiguration }] }),
          }),
        )
        .catch((e: unknown) => rethrowNotFound(e, SERVICE_ERRORS, 'ECS service', id, CHECK_SERVICE, described));
      const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY');
      if (!primary?.id) throw new Error(`UpdateService on ${described} returned no PRIMARY deployment, so the rollout cannot be followed.`);
      return primary.id;
    },

    async runTask(request: RunTaskRequest): Promise<string> {
      const { placement } = request;
      const out = await client.send(
        new RunTaskCommand({
          cluster: request.cluster,
          taskDefinition: request.taskDefinitionArn,
          count: 1,
          startedBy: request.startedBy,
          ...(request.tags?.length ? { tags: request.tags } : {}),
          ...(request.enableECSManagedTags !== undefined ? { enableECSManagedTags: request.enableECSManagedTags } : {}),
          ...(request.propagateTags ? { propagateTags: request.propagateTags } : {}),
          ...(request.volume ? { volumeConfigurations: [{ name: request.volume.name, managedEBSVolume: request.volume.managedEBSVolume as unknown as TaskManagedEBSVolumeConfiguration }] } : {}),
          // A service with a capacity provider strategy has no launch type, and RunTask takes one or the other.
          ...(placement.capacityProviderStrategy?.length ? { capacityProviderStrategy: placement.capacityProviderStrategy } : placement.launchType ? { launchType: placement.launchType } : {}),
          ...(placement.networkConfiguration ? { networkConfiguration: placement.networkConfiguration } : {}),
          ...(placement.platformVersion ? { platformVersion: placement.platformVersion } : {}),
          overrides: { containerOverrides: [{ name: request.containerName, command: request.command, ...(request.environment?.length ? { environment: request.environment } : {}) }] },
        }),
      );
      const arn = out.tasks?.[0]?.taskArn;
      if (!arn) {
        const failures = (out.failures ?? []).map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`).join('; ');
        throw new Error(`ECS started no task of ${request.taskDefinitionArn}: ${failures || 'no task and no failure returned'}.`);
      }
      return arn;
    },

    async describeTask(cluster: string, taskArn: string): Promise<TaskState> {
      const out = await client.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      const task = out.tasks?.[0];
      if (!task) throw new Error(`ECS does not describe task ${taskArn} (${out.failures?.[0]?.reason ?? 'not returned'}).`);
      return {
        taskArn: task.taskArn ?? taskArn,
        lastStatus: task.lastStatus ?? 'UNKNOWN',
        ...(task.stopCode ? { stopCode: task.stopCode } : {}),
        ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
        containers: (task.containers ?? []).map((c) => ({
          name: c.name ?? '?',
          ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
          ...(c.reason ? { reason: c.reason } : {}),
          ...(c.lastStatus ? { lastStatus: c.lastStatus } : {}),
        })),
      };
    },

    async stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
      await client.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
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
    ...(s.deploymentController?.type ? { controller: s.deploymentController.type } : {}),
    placement: {
      ...(s.launchType ? { launchType: s.launchType } : {}),
      ...(s.capacityProviderStrategy?.length ? { capacityProviderStrategy: s.capacityProviderStrategy } : {}),
      ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
      ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
    },
  };
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): EcsPort => createEcsPort(tagOperations(new ECSClient(config), 'ecs'));

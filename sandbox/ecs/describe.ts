// ECS resources in the shapes DescribeServices, DescribeTasks and DescribeTaskDefinition return.
import type { Cluster, EcsModel, Service, Task, TaskDefinitionRecord } from './model.js';
import { nativeServiceMembers } from './native-describe.js';

const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-0sandboxa'], securityGroups: ['sg-0sandbox'], assignPublicIp: 'DISABLED' } };

export function describeService(model: EcsModel, s: Service): Record<string, unknown> {
  const tasks = model.tasks.filter((t) => t.serviceName === s.name && t.clusterArn === s.clusterArn);
  const count = (deploymentId: string | undefined, statuses: string[]) =>
    tasks.filter((t) => (deploymentId === undefined || t.deploymentId === deploymentId) && statuses.includes(t.lastStatus)).length;
  const native = nativeServiceMembers(model, s);
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.clusterArn,
    loadBalancers: s.loadBalancers.map((lb) => structuredClone(lb)),
    serviceRegistries: [],
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: count(undefined, ['RUNNING']),
    pendingCount: count(undefined, ['PROVISIONING', 'PENDING']),
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: s.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { ...s.circuitBreaker },
      maximumPercent: s.maximumPercent,
      minimumHealthyPercent: s.minimumHealthyPercent,
      ...native?.deploymentConfiguration,
    },
    deployments: s.deployments.map((d) => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinitionArn,
      desiredCount: d.desiredCount,
      pendingCount: count(d.id, ['PROVISIONING', 'PENDING']),
      runningCount: count(d.id, ['RUNNING']),
      failedTasks: d.failedTasks,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      networkConfiguration: NETWORK,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      ...(d.status === 'PRIMARY' && s.volumeConfigurations ? { volumeConfigurations: structuredClone(s.volumeConfigurations) } : {}),
    })),
    roleArn: `${s.clusterArn.split(':cluster/')[0]}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`.replace(':ecs:', ':iam:'),
    events: s.events.map((e) => ({ ...e })),
    createdAt: s.createdAt,
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: NETWORK,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { ...(s.deploymentController ?? { type: 'ECS' }) },
    ...native?.rest,
    createdBy: s.clusterArn.replace(/:ecs:([^:]+):(\d+):.*/, ':iam::$2:role/sandbox'),
    enableECSManagedTags: s.enableECSManagedTags ?? false,
    propagateTags: s.propagateTags ?? 'NONE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'DISABLED',
  };
}

export function describeTaskDefinition(td: TaskDefinitionRecord): Record<string, unknown> {
  const input = td.input;
  const compat = (input.requiresCompatibilities as string[] | undefined) ?? [];
  return {
    taskDefinitionArn: td.arn,
    containerDefinitions: structuredClone(input.containerDefinitions),
    family: td.family,
    taskRoleArn: input.taskRoleArn,
    executionRoleArn: input.executionRoleArn,
    networkMode: input.networkMode ?? 'awsvpc',
    revision: td.revision,
    volumes: input.volumes ?? [],
    status: td.status,
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    placementConstraints: input.placementConstraints ?? [],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: compat,
    cpu: input.cpu,
    memory: input.memory,
    runtimePlatform: input.runtimePlatform,
    registeredAt: td.registeredAt,
    registeredBy: td.arn.replace(/:ecs:([^:]+):(\d+):.*/, ':iam::$2:role/sandbox'),
  };
}

/** With `include: ['TAGS']` (DescribeTasks), the task's tags too. */
export function describeTask(t: Task, include: unknown = []): Record<string, unknown> {
  const attachmentId = t.id.slice(0, 8) + '-0000-4000-8000-' + t.id.slice(8, 20);
  return {
    ...(Array.isArray(include) && include.includes('TAGS') ? { tags: structuredClone(t.standalone?.tags ?? []) } : {}),
    taskArn: t.arn,
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.taskDefinitionArn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    healthStatus: 'UNKNOWN',
    group: t.standalone ? t.standalone.group : `service:${t.serviceName}`,
    ...(t.standalone ? (t.standalone.startedBy !== undefined ? { startedBy: t.standalone.startedBy } : {}) : { startedBy: t.deploymentId }),
    launchType: t.standalone?.launchType ?? 'FARGATE',
    ...(t.standalone ? { overrides: t.standalone.overrides } : {}),
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    availabilityZone: 'sandbox-1a',
    connectivity: t.port ? 'CONNECTED' : undefined,
    cpu: '256',
    memory: '512',
    version: t.lastStatus === 'RUNNING' ? 3 : 1,
    createdAt: t.createdAt,
    startedAt: t.startedAt,
    stoppingAt: t.stoppingAt,
    stoppedAt: t.stoppedAt,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    attachments: [
      {
        id: attachmentId,
        type: 'ElasticNetworkInterface',
        status: t.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
        details: [{ name: 'privateIPv4Address', value: '127.0.0.1' }],
      },
    ],
    containers: [
      {
        containerArn: t.arn.replace(':task/', ':container/'),
        taskArn: t.arn,
        name: t.containerName,
        image: t.image,
        lastStatus: t.lastStatus === 'DEACTIVATING' ? 'RUNNING' : t.lastStatus,
        exitCode: t.exitCode,
        reason: t.containerReason ?? (t.stopCode === 'EssentialContainerExited' && !t.standalone ? `Essential container exited with code ${t.exitCode ?? 1}` : undefined),
        networkBindings: t.port ? [{ bindIP: '127.0.0.1', containerPort: t.port, hostPort: t.port, protocol: 'tcp' }] : [],
        networkInterfaces: [{ attachmentId, privateIpv4Address: '127.0.0.1' }],
        healthStatus: 'UNKNOWN',
        cpu: '0',
      },
    ],
  };
}

export const clusterOf = (model: EcsModel, name: string | undefined): Cluster | undefined => model.cluster(name);

// Built-in blue/green records in the shapes the API returns: ServiceDeployment, ServiceDeploymentBrief,
// ServiceRevision, and the members DescribeServices adds for such a service.
import type { EcsModel, Service } from './model.js';
import { DEFAULT_HOOK_TIMEOUT } from './native-config.js';
import type { HookDetail, LifecycleHook, NativeConfiguration, ServiceDeploymentRecord, ServiceRevision } from './native-model.js';

const taskCounts = (model: EcsModel, deploymentId: string) => {
  const tasks = model.tasks.filter((t) => t.deploymentId === deploymentId && !t.standalone);
  return {
    runningTaskCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
  };
};

/** A hook as DescribeServices returns it: the timeout as given, ECS's defaults when absent. */
function describeHook(h: LifecycleHook): Record<string, unknown> {
  return { ...structuredClone(h), timeoutConfiguration: { ...DEFAULT_HOOK_TIMEOUT, ...h.timeoutConfiguration } };
}

function strategyMembers(c: NativeConfiguration): Record<string, unknown> {
  return {
    strategy: c.strategy,
    ...(c.bakeTimeInMinutes === undefined ? {} : { bakeTimeInMinutes: c.bakeTimeInMinutes }),
    ...(c.canaryConfiguration ? { canaryConfiguration: { ...c.canaryConfiguration } } : {}),
    ...(c.linearConfiguration ? { linearConfiguration: { ...c.linearConfiguration } } : {}),
    lifecycleHooks: c.lifecycleHooks.map(describeHook),
  };
}

/** What DescribeServices adds for a service with built-in deployments configured. */
export function nativeServiceMembers(model: EcsModel, s: Service): { deploymentConfiguration: Record<string, unknown>; rest: Record<string, unknown> } | undefined {
  if (!s.native) return undefined;
  const revisions = s.deployments.flatMap((d) => {
    const rev = model.serviceRevisions.find((r) => r.deploymentId === d.id);
    return rev ? [{ arn: rev.arn, requestedTaskCount: d.status === 'PRIMARY' ? s.desiredCount : d.desiredCount, ...taskCounts(model, d.id) }] : [];
  });
  return {
    deploymentConfiguration: strategyMembers(s.native),
    rest: {
      ...(s.native.currentServiceDeployment ? { currentServiceDeployment: s.native.currentServiceDeployment } : {}),
      currentServiceRevisions: revisions,
    },
  };
}

function revisionSummary(model: EcsModel, arn: string, requestedTaskCount: number, production: number, test: number): Record<string, unknown> {
  const rev = model.serviceRevisions.find((r) => r.arn === arn);
  return {
    arn,
    requestedTaskCount,
    ...(rev ? taskCounts(model, rev.deploymentId) : { runningTaskCount: 0, pendingTaskCount: 0 }),
    requestedProductionTrafficWeight: production,
    requestedTestTrafficWeight: test,
  };
}

const describeHookDetail = (h: HookDetail): Record<string, unknown> => ({
  hookId: h.hookId,
  targetType: h.targetType,
  ...(h.targetArn ? { targetArn: h.targetArn } : {}),
  status: h.status,
  expiresAt: h.expiresAt,
  timeoutAction: h.timeoutAction,
});

export function describeServiceDeployment(model: EcsModel, d: ServiceDeploymentRecord, desiredCount: number): Record<string, unknown> {
  const c = d.configuration;
  const live = !['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED'].includes(d.status);
  const targetCount = d.status === 'ROLLBACK_SUCCESSFUL' ? 0 : desiredCount;
  const sourceCount = d.status === 'SUCCESSFUL' ? 0 : desiredCount;
  const breaker = c.circuitBreaker.enable ? (live ? 'MONITORING' : 'MONITORING_COMPLETE') : 'DISABLED';
  return {
    serviceDeploymentArn: d.arn,
    serviceArn: d.serviceArn,
    clusterArn: d.clusterArn,
    createdAt: d.createdAt,
    ...(d.startedAt ? { startedAt: d.startedAt } : {}),
    ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
    ...(d.stoppedAt ? { stoppedAt: d.stoppedAt } : {}),
    updatedAt: d.updatedAt,
    sourceServiceRevisions: d.sourceRevisionArns.map((arn) => revisionSummary(model, arn, sourceCount, 100 - d.productionWeight, 100 - d.testWeight)),
    targetServiceRevision: revisionSummary(model, d.targetRevisionArn, targetCount, d.productionWeight, d.testWeight),
    status: d.status,
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage ? { lifecycleStage: d.lifecycleStage } : {}),
    lifecycleHookDetails: d.hooks.map(describeHookDetail),
    deploymentConfiguration: {
      deploymentCircuitBreaker: { ...c.circuitBreaker },
      maximumPercent: c.maximumPercent,
      minimumHealthyPercent: c.minimumHealthyPercent,
      ...strategyMembers(c),
    },
    ...(d.rollback ? { rollback: { ...d.rollback } } : {}),
    deploymentCircuitBreaker: { status: breaker, failureCount: d.failedTasks, threshold: d.failureThreshold },
    alarms: { status: 'DISABLED' },
  };
}

export const serviceDeploymentBrief = (d: ServiceDeploymentRecord): Record<string, unknown> => ({
  serviceDeploymentArn: d.arn,
  serviceArn: d.serviceArn,
  clusterArn: d.clusterArn,
  ...(d.startedAt ? { startedAt: d.startedAt } : {}),
  createdAt: d.createdAt,
  ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
  targetServiceRevisionArn: d.targetRevisionArn,
  status: d.status,
  ...(d.statusReason ? { statusReason: d.statusReason } : {}),
});

export function describeServiceRevision(model: EcsModel, r: ServiceRevision): Record<string, unknown> {
  const td = model.taskDefinition(r.taskDefinitionArn);
  return {
    serviceRevisionArn: r.arn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    taskDefinition: r.taskDefinitionArn,
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    loadBalancers: structuredClone(r.loadBalancers),
    serviceRegistries: [],
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0sandboxa'], securityGroups: ['sg-0sandbox'], assignPublicIp: 'DISABLED' } },
    containerImages: ((td?.input.containerDefinitions as { name?: string; image?: string }[] | undefined) ?? []).map((c) => ({ containerName: c.name, image: c.image, imageDigest: 'sha256:' + '0'.repeat(64) })),
    guardDutyEnabled: false,
    createdAt: r.createdAt,
    resolvedConfiguration: {
      loadBalancers: [{ targetGroupArn: r.targetGroupArn, ...(r.productionListenerRule ? { productionListenerRule: r.productionListenerRule } : {}) }],
    },
  };
}

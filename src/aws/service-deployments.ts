// ServiceDeploymentsPort over the ECS client: the API of ECS's built-in blue/green (engine: ecs) —
// a service's deployment configuration, its service deployments and their lifecycle hooks, and the two
// calls that decide one (ContinueServiceDeployment, StopServiceDeployment). A module of its own, loaded
// only when engine: ecs calls it, so the pair engine's bundle path stays as it was.
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ServiceDeploymentStatus,
  type ServiceRevisionSummary,
} from '@aws-sdk/client-ecs';
import { AwsResourceNotFound, rethrowNotFound, tagOperations } from './aws-error.js';
import type { ClientConfig } from './client-config.js';
import type { BuiltInService, RevisionState, ServiceDeploymentsPort, ServiceDeploymentState, ServiceDeploymentSummary } from './ports.js';

const CHECK_SERVICE = "Check the 'cluster' and 'service' inputs and the region.";
const SERVICE_ERRORS = ['ClusterNotFoundException', 'ServiceNotFoundException', 'ServiceNotActiveException'];
/** ECS's defaults for a hook without timeoutConfiguration (DeploymentLifecycleHookTimeoutConfiguration). */
const DEFAULT_HOOK_TIMEOUT_MINUTES = 1440;
const DEFAULT_HOOK_TIMEOUT_ACTION = 'ROLLBACK';

const ms = (d: Date | undefined): number | undefined => (d ? d.getTime() : undefined);

function revision(r: ServiceRevisionSummary): RevisionState {
  return {
    arn: r.arn ?? '',
    ...(r.requestedTaskCount !== undefined ? { requestedTaskCount: r.requestedTaskCount } : {}),
    ...(r.runningTaskCount !== undefined ? { runningTaskCount: r.runningTaskCount } : {}),
    ...(r.requestedProductionTrafficWeight !== undefined ? { productionWeight: r.requestedProductionTrafficWeight } : {}),
    ...(r.requestedTestTrafficWeight !== undefined ? { testWeight: r.requestedTestTrafficWeight } : {}),
  };
}

export function createServiceDeploymentsPort(client: ECSClient): ServiceDeploymentsPort {
  return {
    async describeService(cluster, service): Promise<BuiltInService> {
      const id = `${cluster}/${service}`;
      const out = await client
        .send(new DescribeServicesCommand({ cluster, services: [service] }))
        .catch((e: unknown) => rethrowNotFound(e, SERVICE_ERRORS, 'ECS service', id, CHECK_SERVICE, `'${service}' in cluster '${cluster}'`));
      const s = out.services?.[0];
      if (!s || s.status === 'INACTIVE') {
        throw new AwsResourceNotFound('ECS service', id, `The ECS service '${service}' in cluster '${cluster}' was not found${s ? ' (it is INACTIVE: deleted)' : ` (${out.failures?.[0]?.reason ?? 'not returned'})`}. ${CHECK_SERVICE}`);
      }
      const config = s.deploymentConfiguration ?? {};
      return {
        serviceArn: s.serviceArn ?? '',
        serviceName: s.serviceName ?? service,
        status: s.status ?? 'UNKNOWN',
        controller: s.deploymentController?.type ?? 'ECS',
        strategy: config.strategy ?? 'ROLLING',
        ...(config.bakeTimeInMinutes !== undefined ? { bakeTimeInMinutes: config.bakeTimeInMinutes } : {}),
        ...(config.canaryConfiguration ? { canary: { percent: config.canaryConfiguration.canaryPercent ?? 5, bakeTimeInMinutes: config.canaryConfiguration.canaryBakeTimeInMinutes ?? 10 } } : {}),
        ...(config.linearConfiguration ? { linear: { stepPercent: config.linearConfiguration.stepPercent ?? 10, stepBakeTimeInMinutes: config.linearConfiguration.stepBakeTimeInMinutes ?? 6 } } : {}),
        hooks: (config.lifecycleHooks ?? []).map((h) => ({
          targetType: h.targetType ?? 'AWS_LAMBDA',
          stages: [...(h.lifecycleStages ?? [])],
          timeoutInMinutes: h.timeoutConfiguration?.timeoutInMinutes ?? DEFAULT_HOOK_TIMEOUT_MINUTES,
          timeoutAction: h.timeoutConfiguration?.action ?? DEFAULT_HOOK_TIMEOUT_ACTION,
        })),
        loadBalancers: (s.loadBalancers ?? []).map((lb) => ({
          targetGroupArn: lb.targetGroupArn ?? '',
          ...(lb.advancedConfiguration?.alternateTargetGroupArn ? { alternateTargetGroupArn: lb.advancedConfiguration.alternateTargetGroupArn } : {}),
          ...(lb.advancedConfiguration?.productionListenerRule ? { productionListenerRule: lb.advancedConfiguration.productionListenerRule } : {}),
          ...(lb.advancedConfiguration?.testListenerRule ? { testListenerRule: lb.advancedConfiguration.testListenerRule } : {}),
        })),
        taskDefinitionArn: s.taskDefinition ?? '',
        desiredCount: s.desiredCount ?? 0,
        runningCount: s.runningCount ?? 0,
      };
    },

    async list(cluster, service, filter = {}): Promise<ServiceDeploymentSummary[]> {
      const found: ServiceDeploymentSummary[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(
          new ListServiceDeploymentsCommand({
            cluster,
            service,
            ...(filter.statuses ? { status: filter.statuses as ServiceDeploymentStatus[] } : {}),
            ...(filter.createdAfter !== undefined ? { createdAt: { after: new Date(filter.createdAfter) } } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        for (const d of out.serviceDeployments ?? []) {
          found.push({
            arn: d.serviceDeploymentArn ?? '',
            status: d.status ?? 'UNKNOWN',
            ...(d.createdAt ? { createdAt: d.createdAt.getTime() } : {}),
            ...(d.targetServiceRevisionArn ? { targetRevisionArn: d.targetServiceRevisionArn } : {}),
          });
        }
        nextToken = out.nextToken;
      } while (nextToken);
      // AWS does not document the order: newest first, by creation time.
      return found.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    },

    async describe(arn): Promise<ServiceDeploymentState> {
      const out = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
      const d = out.serviceDeployments?.[0];
      if (!d) throw new AwsResourceNotFound('service deployment', arn, `ECS does not describe service deployment ${arn} (${out.failures?.[0]?.reason ?? 'not returned'}).`);
      const finishedAt = ms(d.finishedAt) ?? ms(d.stoppedAt);
      const createdAt = ms(d.createdAt);
      return {
        arn: d.serviceDeploymentArn ?? arn,
        status: d.status ?? 'UNKNOWN',
        ...(d.statusReason ? { statusReason: d.statusReason } : {}),
        ...(d.lifecycleStage ? { lifecycleStage: d.lifecycleStage } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
        ...(finishedAt !== undefined ? { finishedAt } : {}),
        ...(d.targetServiceRevision ? { target: revision(d.targetServiceRevision) } : {}),
        sources: (d.sourceServiceRevisions ?? []).map(revision),
        hooks: (d.lifecycleHookDetails ?? []).map((h) => ({
          hookId: h.hookId ?? '',
          targetType: h.targetType ?? '',
          status: h.status ?? '',
          ...(h.expiresAt ? { expiresAt: h.expiresAt.getTime() } : {}),
          ...(h.timeoutAction ? { timeoutAction: h.timeoutAction } : {}),
        })),
        ...(d.rollback ? { rollback: { ...(d.rollback.reason ? { reason: d.rollback.reason } : {}), ...(d.rollback.startedAt ? { startedAt: d.rollback.startedAt.getTime() } : {}) } } : {}),
      };
    },

    async resume(arn, hookId, action): Promise<void> {
      await client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action }));
    },

    async rollBack(arn): Promise<void> {
      await client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    },

    async revisionTaskDefinition(revisionArn): Promise<string> {
      const out = await client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn] }));
      const td = out.serviceRevisions?.[0]?.taskDefinition;
      if (!td) throw new AwsResourceNotFound('service revision', revisionArn, `ECS does not describe service revision ${revisionArn} (${out.failures?.[0]?.reason ?? 'not returned'}).`);
      return td;
    },
  };
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): ServiceDeploymentsPort => createServiceDeploymentsPort(tagOperations(new ECSClient(config), 'ecs'));

// New service revisions and service deployment records, as ECS creates them for a built-in deployment
// (and for the service's creation, which the sandbox records after the fact).
import type { Account } from '../core/ids.js';
import type { Deployment, EcsModel, Service } from './model.js';
import { nativeArns, type DeploymentStatus, type NativeConfiguration, type ServiceDeploymentRecord, type ServiceRevision } from './native-model.js';

export function newRevision(ecs: EcsModel, account: Account, service: Service, deployment: Deployment, targetGroupArn: string): ServiceRevision {
  const revision: ServiceRevision = {
    arn: nativeArns.serviceRevision(account, service.clusterName, service.name, deployment.id),
    serviceArn: service.arn,
    clusterArn: service.clusterArn,
    taskDefinitionArn: deployment.taskDefinitionArn,
    deploymentId: deployment.id,
    loadBalancers: structuredClone(service.loadBalancers),
    targetGroupArn,
    ...(service.loadBalancers[0]?.advancedConfiguration ? { productionListenerRule: service.loadBalancers[0].advancedConfiguration.productionListenerRule } : {}),
    createdAt: new Date(),
  };
  ecs.serviceRevisions.push(revision);
  return revision;
}

export function newServiceDeployment(ecs: EcsModel, account: Account, service: Service, target: ServiceRevision, sources: string[], status: DeploymentStatus, failureThreshold: number): ServiceDeploymentRecord {
  const native = service.native as NativeConfiguration;
  const now = new Date();
  const record: ServiceDeploymentRecord = {
    arn: nativeArns.serviceDeployment(account, service.clusterName, service.name),
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    createdAt: now,
    updatedAt: now,
    status,
    sourceRevisionArns: sources,
    targetRevisionArn: target.arn,
    hooks: [],
    allHooks: [],
    configuration: {
      ...structuredClone(native),
      maximumPercent: service.maximumPercent,
      minimumHealthyPercent: service.minimumHealthyPercent,
      circuitBreaker: { ...service.circuitBreaker },
    },
    productionWeight: 0,
    testWeight: 0,
    failedTasks: 0,
    failureThreshold: failureThreshold,
  };
  ecs.serviceDeployments.push(record);
  return record;
}

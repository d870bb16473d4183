// ECS control-plane state: clusters, task definitions, services with their deployments and events, tasks.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AdvancedConfiguration, NativeConfiguration, ServiceDeploymentRecord, ServiceRevision } from './native-model.js';

export interface TaskDefinitionRecord {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  registeredAt: Date;
  /** The RegisterTaskDefinition input as given (containerDefinitions, cpu, memory, ...). */
  input: Record<string, unknown>;
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinitionArn: string;
  desiredCount: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface ServiceLoadBalancer {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
  /** Built-in blue/green: the alternate target group and the listener rules ECS rewrites. */
  advancedConfiguration?: AdvancedConfiguration;
}

export interface Service {
  arn: string;
  name: string;
  clusterName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinitionArn: string;
  loadBalancers: ServiceLoadBalancer[];
  deployments: Deployment[];
  /** Newest first, as ECS returns them. */
  events: ServiceEvent[];
  createdAt: Date;
  circuitBreaker: { enable: boolean; rollback: boolean };
  healthCheckGracePeriodSeconds: number;
  /** Upper limit on RUNNING + PENDING tasks, in percent of the desired count (rounded down). ECS's default: 200. */
  maximumPercent: number;
  /** Lower limit on healthy tasks, in percent of the desired count (rounded up). ECS's default: 100. */
  minimumHealthyPercent: number;
  /** Absent means ECS (the default controller). */
  deploymentController?: { type: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL' };
  /** UpdateService's tagging settings (DescribeServices: false and NONE until set). */
  enableECSManagedTags?: boolean;
  propagateTags?: string;
  /** UpdateService's volumeConfigurations, shown on the PRIMARY deployment. */
  volumeConfigurations?: { name: string; managedEBSVolume: Record<string, unknown> }[];
  /** Built-in deployments (native.ts); absent for a service the rolling scheduler alone deploys. */
  native?: NativeConfiguration & {
    /** The `ecs-svc/<N>` deployment whose tasks serve production from loadBalancers[0].targetGroupArn. */
    productionDeploymentId?: string;
    currentServiceDeployment?: string;
  };
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED';

export interface Task {
  arn: string;
  id: string;
  clusterArn: string;
  clusterName: string;
  serviceName: string;
  deploymentId: string;
  taskDefinitionArn: string;
  containerName: string;
  image: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  stoppedReason?: string;
  stopCode?: string;
  exitCode?: number;
  /** Loopback port the task's server listens on, once it has started. */
  port?: number;
  /** Target groups the task is registered in. */
  registeredIn: string[];
  /** Set once the task failed its target group's health checks: the scheduler is replacing it. */
  failedHealthChecksIn?: string;
  /** The task started to replace this one; this one stops once that one is healthy. */
  replacementArn?: string;
  /** Why the container did not run (e.g. CannotStartContainerError), shown as the container's `reason`. */
  containerReason?: string;
  /** Set for a task started by RunTask (standalone.ts) rather than by a service. */
  standalone?: {
    startedBy?: string;
    group: string;
    launchType: string;
    overrides: unknown;
    output: string[];
    /** What DescribeTasks with include TAGS returns: its own, propagated and ECS-managed tags. */
    tags?: { key: string; value: string }[];
    enableECSManagedTags?: boolean;
    propagateTags?: string;
    volumeConfigurations?: { name: string; managedEBSVolume: Record<string, unknown> }[];
  };
}

export interface Cluster {
  arn: string;
  name: string;
}

export class EcsModel extends EventEmitter {
  readonly clusters: Cluster[] = [];
  readonly taskDefinitions: TaskDefinitionRecord[] = [];
  readonly services: Service[] = [];
  readonly tasks: Task[] = [];
  /** Built-in blue/green records (native-model.ts), oldest first. */
  readonly serviceDeployments: ServiceDeploymentRecord[] = [];
  readonly serviceRevisions: ServiceRevision[] = [];

  cluster(nameOrArn: string | undefined): Cluster | undefined {
    const key = nameOrArn ?? 'default';
    return this.clusters.find((c) => c.name === key || c.arn === key);
  }

  service(cluster: Cluster, nameOrArn: string): Service | undefined {
    return this.services.find((s) => s.clusterArn === cluster.arn && (s.name === nameOrArn || s.arn === nameOrArn));
  }

  /** `family`, `family:revision` or a full ARN; a bare family means its latest ACTIVE revision. */
  taskDefinition(reference: string): TaskDefinitionRecord | undefined {
    const byArn = this.taskDefinitions.find((td) => td.arn === reference);
    if (byArn) return byArn;
    const [family, revision] = reference.split(':');
    const ofFamily = this.taskDefinitions.filter((td) => td.family === family);
    if (revision !== undefined) return ofFamily.find((td) => String(td.revision) === revision);
    return ofFamily.filter((td) => td.status === 'ACTIVE').sort((a, b) => b.revision - a.revision)[0];
  }

  addEvent(service: Service, message: string): void {
    service.events.unshift({ id: randomUUID(), createdAt: new Date(), message: `(service ${service.name}) ${message}` });
    service.events.length = Math.min(service.events.length, 100);
    this.emit('serviceEvent', { service: service.name, message: service.events[0]?.message });
  }
}

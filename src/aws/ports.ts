// What the flow needs from AWS, one port per service. The adapters beside this file implement them
// over the SDK v3 clients; the flow's tests implement them in memory. Keeping the flow behind these
// ports is what lets it be tested with fake timers and run unchanged against the sandbox.
import type { Action, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RegisterTaskDefinitionCommandInput, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import type { TrafficTarget } from '../types.js';

export interface ServiceDeployment {
  id: string;
  /** PRIMARY, ACTIVE, INACTIVE */
  status: string;
  taskDefinitionArn: string;
  /** IN_PROGRESS, COMPLETED, FAILED (absent on services without the rolling-update controller) */
  rolloutState?: string;
  rolloutStateReason?: string;
  desiredCount: number;
  runningCount: number;
  failedTasks: number;
}

export interface ServiceInfo {
  serviceArn: string;
  serviceName: string;
  /** ACTIVE, DRAINING, INACTIVE */
  status: string;
  desiredCount: number;
  runningCount: number;
  taskDefinitionArn: string;
  /** The target groups the service registers its tasks in (`loadBalancers[].targetGroupArn`). */
  targetGroupArns: string[];
  deployments: ServiceDeployment[];
  /** Newest first, as ECS returns them: `<ISO time> <message>`. */
  events: string[];
  /** Where and how the service runs its tasks: a one-off task of it (RunTask) runs the same way. */
  placement?: TaskPlacement;
}

/** The parts of a service that RunTask needs to run a task where the service runs its own. */
export type TaskPlacement = Pick<Service, 'launchType' | 'capacityProviderStrategy' | 'networkConfiguration' | 'platformVersion'>;

/** A standalone task as DescribeTasks shows it. */
export interface TaskState {
  taskArn: string;
  /** PROVISIONING … RUNNING … STOPPED */
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: { name: string; exitCode?: number; reason?: string; lastStatus?: string }[];
}

/** A one-off run of a task definition with one container's command overridden. */
export interface RunTaskRequest {
  cluster: string;
  taskDefinitionArn: string;
  placement: TaskPlacement;
  containerName: string;
  command: string[];
  /** Shown in the console and ListTasks' `startedBy` filter. */
  startedBy: string;
}

export interface EcsPort {
  /** Throws when the service does not exist (or is INACTIVE), naming cluster and service. */
  describeService(cluster: string, service: string): Promise<ServiceInfo>;
  /** `reference` is an ARN or `family[:revision]`. */
  describeTaskDefinition(reference: string): Promise<TaskDefinition>;
  /** Returns the new revision's ARN. */
  registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<string>;
  /** Starts a rollout; returns the new PRIMARY deployment's id. `desiredCount` only when given. */
  updateService(cluster: string, service: string, change: { taskDefinitionArn?: string; desiredCount?: number }): Promise<string>;
  /** Starts one task; throws with ECS's reason when it places none (`failures`). Returns its ARN. */
  runTask(request: RunTaskRequest): Promise<string>;
  describeTask(cluster: string, taskArn: string): Promise<TaskState>;
  stopTask(cluster: string, taskArn: string, reason: string): Promise<void>;
}

export interface TargetHealth {
  id: string;
  port?: number;
  /** initial, healthy, unhealthy, unused, draining, unavailable */
  state: TargetHealthStateEnum | string;
  reason?: string;
  description?: string;
}

export interface ElbPort {
  /** The listener's default actions or the rule's actions, exactly as AWS returned them. */
  readActions(target: TrafficTarget): Promise<Action[]>;
  /** Replaces the listener's default actions (ModifyListener) or the rule's actions (ModifyRule). */
  writeActions(target: TrafficTarget, actions: Action[]): Promise<void>;
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealth[]>;
  /** Throws a clear error when the listener does not exist. Used to validate before changing anything. */
  assertListenerExists(listenerArn: string): Promise<void>;
}

export interface ParameterValue {
  value: string;
  version: number;
  /** When the value was last written (ISO), as SSM reports it. */
  lastModified?: string;
}

export interface SsmPort {
  /** undefined when the parameter does not exist. */
  get(name: string): Promise<ParameterValue | undefined>;
  /** Overwrites (or creates) a String parameter. */
  put(name: string, value: string, description?: string): Promise<void>;
  /** Creates without overwrite. Returns false when the parameter already exists. */
  putIfAbsent(name: string, value: string, description?: string): Promise<boolean>;
  /** Deletes; a missing parameter is not an error. */
  delete(name: string): Promise<void>;
}

export interface AlarmState {
  name: string;
  /** OK, ALARM, INSUFFICIENT_DATA */
  state: string;
  reason?: string;
  updatedAt?: string;
}

export interface AlarmPort {
  /** Every named alarm's state; an alarm that does not exist is an error naming it. */
  describe(names: string[]): Promise<AlarmState[]>;
}

/** What restoring the listener and the record needs: all the post step uses. */
export type RestorePorts = Pick<AwsPorts, 'elb' | 'ssm'>;

export interface AwsPorts {
  ecs: EcsPort;
  elb: ElbPort;
  ssm: SsmPort;
  alarms: AlarmPort;
}

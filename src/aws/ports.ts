// What the flow needs from AWS, one port per service. The adapters beside this file implement them
// over the SDK v3 clients; the flow's tests implement them in memory. Keeping the flow behind these
// ports is what lets it be tested with fake timers and run unchanged against the sandbox.
import type { Action, RuleCondition, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { MetricsPort } from './metrics-port.js';
import type { RegisterTaskDefinitionCommandInput, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsTag, ManagedVolume, ServiceSettings, TrafficTarget } from '../types.js';

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
  /** `deploymentController.type`: ECS (also when absent), CODE_DEPLOY or EXTERNAL. */
  controller?: string;
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
  tags?: EcsTag[];
  /** Added to the container override's environment. */
  environment?: { name: string; value: string }[];
  enableECSManagedTags?: boolean;
  /** RunTask refuses SERVICE. */
  propagateTags?: 'TASK_DEFINITION' | 'NONE';
  volume?: ManagedVolume;
}

/** What one UpdateService changes; every field only when given. */
export interface ServiceChange extends ServiceSettings {
  taskDefinitionArn?: string;
  desiredCount?: number;
  /** New tasks of an unchanged task definition. */
  forceNewDeployment?: boolean;
}

export interface EcsPort {
  /** Throws when the service does not exist (or is INACTIVE), naming cluster and service. */
  describeService(cluster: string, service: string): Promise<ServiceInfo>;
  /** `reference` is an ARN or `family[:revision]`. */
  describeTaskDefinition(reference: string): Promise<TaskDefinition>;
  /** Returns the new revision's ARN. */
  registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<string>;
  /** Starts a rollout; returns the new PRIMARY deployment's id. */
  updateService(cluster: string, service: string, change: ServiceChange): Promise<string>;
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

/** One rule of a listener, as DescribeRules returns it. */
export interface ListenerRule {
  arn: string;
  /** `1`..`50000`, or `default`. */
  priority: string;
  isDefault: boolean;
  conditions: RuleCondition[];
  actions: Action[];
}

/** A rule to create: CreateRule's input. */
export interface NewRule {
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
  tags: Record<string, string>;
}

/** Where a listener answers: its port and protocol, and its load balancer's DNS name. */
export interface ListenerAddress {
  port?: number;
  protocol?: string;
  loadBalancerArn: string;
  dnsName?: string;
}

export interface ElbPort {
  /** The listener's default actions or the rule's actions, exactly as AWS returned them. */
  readActions(target: TrafficTarget): Promise<Action[]>;
  /** Replaces the listener's default actions (ModifyListener) or the rule's actions (ModifyRule). */
  writeActions(target: TrafficTarget, actions: Action[]): Promise<void>;
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealth[]>;
  /** Throws a clear error when the listener does not exist. Used to validate before changing anything. */
  assertListenerExists(listenerArn: string): Promise<void>;
  /** Every rule of the listener, the default one included, in priority order (DescribeRules, all pages). */
  listenerRules(listenerArn: string): Promise<ListenerRule[]>;
  /** CreateRule; returns the new rule's ARN. Throws RulePriorityTaken / RuleQuotaReached for those refusals. */
  createRule(rule: NewRule): Promise<string>;
  /** DeleteRule; false when the rule did not exist (already deleted). */
  deleteRule(ruleArn: string): Promise<boolean>;
  /** DescribeTags of rules (up to 20 per call, batched here); a rule that no longer exists is left out. */
  ruleTags(ruleArns: string[]): Promise<Record<string, Record<string, string>>>;
  /** DescribeListeners + DescribeLoadBalancers: where the listener answers. */
  listenerAddress(listenerArn: string): Promise<ListenerAddress>;
}

export interface ParameterValue {
  value: string;
  version: number;
  /** When the value was last written (ISO), as SSM reports it. */
  lastModified?: string;
}

/** One version of a parameter, as GetParameterHistory returns it. */
export interface ParameterVersion {
  version: number;
  value: string;
  /** ISO time the version was written. */
  modifiedAt: string;
  description?: string;
}

export interface SsmPort {
  /** undefined when the parameter does not exist. */
  get(name: string): Promise<ParameterValue | undefined>;
  /** Every version SSM keeps (the last 100), oldest first (GetParameterHistory, all pages); undefined when the parameter does not exist. */
  history(name: string): Promise<ParameterVersion[] | undefined>;
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

/** A PAUSE (or Lambda) lifecycle hook of a service using ECS's built-in blue/green (engine: ecs). */
export interface LifecycleHook {
  /** PAUSE or AWS_LAMBDA */
  targetType: string;
  stages: string[];
  /** ECS's default when unset: 1440 (24 h). */
  timeoutInMinutes: number;
  /** CONTINUE or ROLLBACK; ECS's default when unset: ROLLBACK. */
  timeoutAction: string;
}

/** One `loadBalancers[]` entry with its `advancedConfiguration` (the two target groups and the listener rules ECS rewrites). */
export interface BuiltInLoadBalancer {
  /** The primary group: the revision serving production now. */
  targetGroupArn: string;
  /** Where ECS starts the new revision. */
  alternateTargetGroupArn?: string;
  productionListenerRule?: string;
  testListenerRule?: string;
}

/** A service as engine: ecs needs to see it: how ECS is configured to deploy it. */
export interface BuiltInService {
  serviceArn: string;
  serviceName: string;
  status: string;
  /** ECS, CODE_DEPLOY or EXTERNAL */
  controller: string;
  /** ROLLING, BLUE_GREEN, CANARY or LINEAR */
  strategy: string;
  bakeTimeInMinutes?: number;
  canary?: { percent: number; bakeTimeInMinutes: number };
  linear?: { stepPercent: number; stepBakeTimeInMinutes: number };
  hooks: LifecycleHook[];
  loadBalancers: BuiltInLoadBalancer[];
  taskDefinitionArn: string;
  desiredCount: number;
  runningCount: number;
}

/** A revision's part of a service deployment, as ECS reports it (weights are requested percentages, 0-100). */
export interface RevisionState {
  arn: string;
  requestedTaskCount?: number;
  runningTaskCount?: number;
  productionWeight?: number;
  testWeight?: number;
}

export interface HookState {
  hookId: string;
  targetType: string;
  /** PAUSE: AWAITING_ACTION, SUCCEEDED, FAILED, TIMED_OUT */
  status: string;
  expiresAt?: number;
  timeoutAction?: string;
}

/** One service deployment (DescribeServiceDeployments), times as epoch ms. */
export interface ServiceDeploymentState {
  arn: string;
  /** PENDING, IN_PROGRESS, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED */
  status: string;
  statusReason?: string;
  /** Opaque: AWS reports stages its own enum lacks (PRE_PRODUCTION_TRAFFIC_SHIFT). */
  lifecycleStage?: string;
  createdAt?: number;
  finishedAt?: number;
  target?: RevisionState;
  sources: RevisionState[];
  hooks: HookState[];
  rollback?: { reason?: string; startedAt?: number };
}

export interface ServiceDeploymentSummary {
  arn: string;
  status: string;
  createdAt?: number;
  targetRevisionArn?: string;
}

/** ECS's service deployments API (engine: ecs): follow, continue, roll back. */
export interface ServiceDeploymentsPort {
  /** Throws when the service does not exist (or is INACTIVE), naming cluster and service. */
  describeService(cluster: string, service: string): Promise<BuiltInService>;
  /** Newest first. `createdAfter` is epoch ms. */
  list(cluster: string, service: string, filter?: { statuses?: string[]; createdAfter?: number }): Promise<ServiceDeploymentSummary[]>;
  /** Throws AwsResourceNotFound when ECS does not know it. */
  describe(arn: string): Promise<ServiceDeploymentState>;
  /** ContinueServiceDeployment: CONTINUE lets the deployment go on past the PAUSE hook, ROLLBACK rolls it back. */
  resume(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void>;
  /** StopServiceDeployment with ROLLBACK (never ABORT: that would leave traffic where it is). */
  rollBack(arn: string): Promise<void>;
  /** The task definition a service revision runs. */
  revisionTaskDefinition(revisionArn: string): Promise<string>;
}

/** What restoring the listener and the record needs: all the post step uses. */
export type RestorePorts = Pick<AwsPorts, 'elb' | 'ssm'>;

export interface AwsPorts {
  ecs: EcsPort;
  deployments: ServiceDeploymentsPort; // engine: ecs only; loaded on its first call
  elb: ElbPort;
  ssm: SsmPort;
  alarms: AlarmPort;
  metrics: MetricsPort; // CloudWatch metrics for the real-user analysis
}

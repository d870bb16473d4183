// ECS's built-in blue/green (BLUE_GREEN, CANARY, LINEAR) on one service: the configuration a service
// carries, and the records ECS keeps per deployment (service deployments) and per task-definition
// rollout (service revisions). Shapes and names follow the SDK (ServiceDeployment, ServiceRevision,
// DeploymentLifecycleHook); see /work/shared/reference/ecs-native-blue-green.md.
import { randomBytes } from 'node:crypto';
import type { Account } from '../core/ids.js';

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'CANARY' | 'LINEAR';

/** In walking order; RECONCILE_SERVICE only when the previous deployment had not finished. */
export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Where a PAUSE hook may sit (reference 2.3): not SCALE_UP, the two shifts, BAKE_TIME or CLEAN_UP. */
export const PAUSE_STAGES: readonly string[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];
/** Where a Lambda hook may sit: the eight hookable stages. */
export const HOOK_STAGES: readonly string[] = [...PAUSE_STAGES, 'TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];

export type DeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';
export const TERMINAL_STATUSES: readonly DeploymentStatus[] = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

export interface LifecycleHook {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages: string[];
  hookDetails?: unknown;
  /** As given; absent means ECS's defaults (1440 minutes, ROLLBACK). */
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'CONTINUE' | 'ROLLBACK' };
}

export interface AdvancedConfiguration {
  alternateTargetGroupArn: string;
  productionListenerRule: string;
  testListenerRule?: string;
  roleArn: string;
}

export interface NativeConfiguration {
  strategy: DeploymentStrategy;
  bakeTimeInMinutes?: number;
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
  lifecycleHooks: LifecycleHook[];
}

export interface HookDetail {
  hookId: string;
  targetType: 'PAUSE' | 'AWS_LAMBDA';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  expiresAt: Date;
  timeoutAction: 'CONTINUE' | 'ROLLBACK';
  /** Not in the API shape (the stage is the deployment's at that moment); kept for the sandbox's own views. */
  stage: string;
}

export interface ServiceRevision {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  /** The `ecs-svc/<N>` id of the service's `deployments[]` entry and of its tasks' startedBy; N ends the ARN. */
  deploymentId: string;
  /** The load balancers of the service when the revision was made (with advancedConfiguration). */
  loadBalancers: unknown[];
  /** The target group this revision's tasks are registered in. */
  targetGroupArn: string;
  productionListenerRule?: string;
  createdAt: Date;
}

export interface ServiceDeploymentRecord {
  arn: string;
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  createdAt: Date;
  startedAt?: Date;
  updatedAt: Date;
  finishedAt?: Date;
  stoppedAt?: Date;
  status: DeploymentStatus;
  statusReason?: string;
  lifecycleStage?: string;
  sourceRevisionArns: string[];
  targetRevisionArn: string;
  /** Hooks of the current stage (incl. finished ones until the stage changes): what the API lists. */
  hooks: HookDetail[];
  /** Every hook this deployment created, to tell a completed hookId from an unknown one. */
  allHooks: HookDetail[];
  /** Snapshot taken when the deployment was created. */
  configuration: NativeConfiguration & { maximumPercent: number; minimumHealthyPercent: number; circuitBreaker: { enable: boolean; rollback: boolean } };
  rollback?: { reason: string; startedAt: Date; serviceRevisionArn: string };
  /** Percent of production / test traffic the target revision is asked to get. */
  productionWeight: number;
  testWeight: number;
  failedTasks: number;
  failureThreshold: number;
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export function urlSafeId(length: number): string {
  return [...randomBytes(length)].map((b) => URL_SAFE[b % 64]).join('');
}

export const nativeArns = {
  serviceDeployment: (a: Account, cluster: string, service: string) =>
    `arn:aws:ecs:${a.region}:${a.accountId}:service-deployment/${cluster}/${service}/${urlSafeId(22)}`,
  /** The revision number is the digits of the `ecs-svc/<N>` deployment id it goes with. */
  serviceRevision: (a: Account, cluster: string, service: string, deploymentId: string) =>
    `arn:aws:ecs:${a.region}:${a.accountId}:service-revision/${cluster}/${service}/${deploymentId.replace('ecs-svc/', '')}`,
};

export const pauseHookId = (): string => `ecs-pause-${urlSafeId(43)}`;

/** The sandbox event `serviceDeployment`: a status, stage, hook or production-weight change of a service deployment. */
export interface ServiceDeploymentEvent {
  arn: string;
  service: string;
  status: string;
  lifecycleStage?: string;
  hookId?: string;
  hookStatus?: string;
  /** Epoch ms. */
  at: number;
}

// Everything one sandbox holds, passed to the pieces that need more than their own model.
import type { AlarmModel } from '../cloudwatch/api.js';
import type { EcsModel } from '../ecs/model.js';
import type { NativeDeployments } from '../ecs/native.js';
import type { Scheduler } from '../ecs/scheduler.js';
import type { ElbModel } from '../elb/model.js';
import type { DataPlane } from '../elb/proxy.js';
import type { SsmModel } from '../ssm/model.js';
import type { Account } from './ids.js';

export interface TargetGroupDefaults {
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  deregistrationDelayMs: number;
}

export interface World {
  account: Account;
  elb: ElbModel;
  ecs: EcsModel;
  ssm: SsmModel;
  alarms: AlarmModel;
  scheduler: Scheduler;
  /** ECS's built-in blue/green deployments (ecs/native.ts). */
  native: NativeDeployments;
  dataPlane: DataPlane;
  targetGroupDefaults: TargetGroupDefaults;
}

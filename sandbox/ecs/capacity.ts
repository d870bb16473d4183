// A service's deployment configuration as task counts, as ECS applies it to rollouts and to the
// replacement of unhealthy tasks: maximumPercent bounds RUNNING + PENDING tasks (rounded down),
// minimumHealthyPercent is the healthy floor (rounded up).
import type { Service } from './model.js';

export interface TaskLimits {
  /** Most tasks the service may have RUNNING or PENDING at once. */
  maxTasks: number;
  /** Fewest healthy tasks the scheduler keeps while it replaces others. */
  minHealthy: number;
}

export function taskLimits(service: Service): TaskLimits {
  return {
    maxTasks: Math.floor((service.desiredCount * service.maximumPercent) / 100),
    minHealthy: Math.ceil((service.desiredCount * service.minimumHealthyPercent) / 100),
  };
}

/** ECS's defaults for a REPLICA service with the rolling-update (ECS) deployment controller. */
export const DEFAULT_DEPLOYMENT_CONFIGURATION = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;

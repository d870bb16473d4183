// The inputs engine: ecs takes: cluster and one service whose own configuration names its target groups and
// listener rules; no colours of the action's, and state-parameter only for the lock.
import type { EngineInputs } from '../engine.js';

export const ecsInputs: EngineInputs = {
  label: 'ecs',
  summary: "ecs (one service using ECS's built-in blue/green)",
  ecs: 'one-service',
  colours: false,
  deploys: true,
  notWith: "no value with engine: ecs: the service's own loadBalancers[].advancedConfiguration names its two target groups and listener rules, and ECS moves the weights (give cluster and service instead)",
};

// The inputs engine: pair takes: cluster and two services, their target groups behind the listener inputs, a task definition.
import type { EngineInputs } from '../engine.js';

export const pairInputs: EngineInputs = {
  label: 'pair (the default)',
  summary: 'pair (two ECS services)',
  ecs: 'two-services',
  colours: true,
  deploys: true,
  notWith: 'no value with engine: pair (the default): it deploys to blue-service and green-service; `service` is for engine: ecs',
};

// The inputs engine: traffic takes: target groups behind the listener inputs, and nothing of ECS (something else fills the groups).
import type { EngineInputs } from '../engine.js';

export const trafficInputs: EngineInputs = {
  label: 'traffic',
  summary: 'traffic (two target groups filled by something else)',
  ecs: 'none',
  colours: true,
  deploys: false,
  notWith: 'no value with engine: traffic: the target groups are filled by something else, so there is no ECS service, task definition or image for the action to touch',
};

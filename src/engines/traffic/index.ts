// engine: traffic: two target groups something else fills (an Auto Scaling group's instance refresh, say):
// the action verifies the idle one and moves users with the listener's forward; no ECS call. It has no
// deploy of its own to split, so prepare and promote are refused by the inputs.
import type { Engine } from '../engine.js';
import { listenerEngine } from '../listener/engine.js';
import { targetGroupColours } from './colours.js';
import { trafficDeploy } from './deploy.js';

export const trafficEngine: Engine = listenerEngine({
  colours: targetGroupColours,
  flows: { deploy: trafficDeploy, prepare: trafficDeploy, promote: trafficDeploy },
  engineLine: 'traffic (target groups filled by something else; no ECS call)',
});

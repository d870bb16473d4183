// engine: pair (the default): two ECS services, blue and green, each behind its own target group; the
// action deploys the idle one and moves users with the listener's forward.
import type { Engine } from '../engine.js';
import { listenerEngine } from '../listener/engine.js';
import { serviceColours } from './colours.js';
import { deploy } from './deploy.js';
import { prepare } from './prepare.js';
import { promote } from './promote.js';

export const pairEngine: Engine = listenerEngine({ colours: serviceColours, flows: { deploy, prepare, promote }, engineLine: undefined });

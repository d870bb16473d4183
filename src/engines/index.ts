// The engine picker: the one place that asks which engine runs. Everything else asks the engine.
import type { Config } from '../types.js';
import type { Engine } from './engine.js';
import { ecsEngine } from './ecs/index.js';
import { pairEngine } from './pair/index.js';
import { trafficEngine } from './traffic/index.js';

const ENGINES: Record<Config['engine'], Engine> = { pair: pairEngine, traffic: trafficEngine, ecs: ecsEngine };

export const engineFor = (config: Pick<Config, 'engine'>): Engine => ENGINES[config.engine];

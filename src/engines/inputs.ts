// The engine picker for the inputs phase: which inputs the chosen engine takes. Apart from engines/index.ts
// so reading inputs loads no flow.
import type { Engine as EngineName } from '../types.js';
import type { EngineInputs } from './engine.js';
import { ecsInputs } from './ecs/inputs.js';
import { pairInputs } from './pair/inputs.js';
import { trafficInputs } from './traffic/inputs.js';

const INPUTS: Record<EngineName, EngineInputs> = { pair: pairInputs, traffic: trafficInputs, ecs: ecsInputs };

export const inputsFor = (engine: EngineName): EngineInputs => INPUTS[engine];

/** The valid values of the `engine` input, each with what it is. */
export const ENGINE_NAMES = Object.keys(INPUTS) as EngineName[];
export const isEngineName = (value: string): value is EngineName => (ENGINE_NAMES as string[]).includes(value);
export const describeEngines = (): string => {
  const all = ENGINE_NAMES.map((name) => INPUTS[name].summary);
  return `${all.slice(0, -1).join(', ')} or ${all[all.length - 1] ?? ''}`;
};

// Small inputs with a fixed vocabulary: the mode, a colour and the yes/no switches.
import { InputError } from '../errors.js';
import { describeEngines, isEngineName } from '../engines/inputs.js';
import { isColour, type Colour, type Engine, type Mode, type VerifyRouteInput } from '../types.js';

const MODES: readonly Mode[] = ['deploy', 'prepare', 'promote', 'rollback', 'status'];

export function parseMode(input: string, value: string): Mode {
  const mode = MODES.find((m) => m === value.toLowerCase());
  if (!mode) throw new InputError(input, value, `one of ${MODES.join(', ')}`);
  return mode;
}

export function parseEngine(input: string, value: string): Engine {
  const engine = value.toLowerCase();
  if (isEngineName(engine)) return engine;
  throw new InputError(input, value, describeEngines());
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/**
 * true/false/yes/no/1/0 in any case. Hand-written because core.getBooleanInput accepts only the
 * YAML 1.2 spellings of true and false, and `yes` is what many people type.
 */
export function parseSwitch(input: string, value: string): boolean {
  const word = value.toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new InputError(input, value, 'true or false (yes/no and 1/0 also work)');
}

export function parseColour(input: string, value: string): Colour {
  const colour = value.toLowerCase();
  if (!isColour(colour)) throw new InputError(input, value, 'blue or green');
  return colour;
}

export function parseVerifyRoute(input: string, value: string): VerifyRouteInput {
  const route = value.toLowerCase();
  if (route === 'auto' || route === 'header' || route === 'forward') return route;
  throw new InputError(
    input,
    value,
    'auto (the test listener when test-listener-arn is set, else header), header (a rule on the production listener that forwards to the idle colour only for requests carrying the run\'s secret header) or forward (the idle colour joins the production forward at weight 0)',
  );
}

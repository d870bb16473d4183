// Each engine refuses the inputs it would ignore, naming why (engines/<name>/inputs.ts): engine: traffic has
// no ECS side, and engine: ecs takes its target groups and listener rules from the service itself and has no colours.
import { InputError } from '../errors.js';
import type { Mode } from '../types.js';
import type { EngineInputs } from '../engines/engine.js';
import { INPUT_DEFAULTS, type InputName, type InputReader } from './contract.js';


/**
 * Refuses an input given (other than its default) where it would be ignored, saying `why`. The one place
 * that decides what such an error shows of the value: never the environment's values.
 */
export function refuseIfGiven(inputs: InputReader, name: InputName, why: string): void {
  if (inputs.raw(name) !== INPUT_DEFAULTS[name]) inputs.report(new InputError(name, shown(inputs, name), why));
}

/** What an error may show of an input: `pre-deploy-task-environment`'s values never, only how many lines. */
export function shown(inputs: InputReader, name: InputName): string {
  const value = inputs.raw(name);
  return name === 'pre-deploy-task-environment' ? `${value.split(/\r?\n/).filter((l) => l.trim() !== '').length} line(s)` : value;
}

/** Refuses an input the engine has no use for (it would be ignored); returns `fallback`. */
export function refuseFor<T>(inputs: InputReader, engine: Pick<EngineInputs, 'notWith'>, name: InputName, fallback?: T): T | undefined {
  refuseIfGiven(inputs, name, engine.notWith);
  return fallback;
}

/** engine: ecs: ECS's own strategy moves traffic and scales the old revision down, and there are no colours. */
export function refuseForBuiltIn(inputs: InputReader, mode: Mode | undefined): void {
  const refusals: [InputName, string][] = [
    ['traffic-shift', "the service's deploymentConfiguration.strategy decides with engine: ecs (BLUE_GREEN, or CANARY/LINEAR with canaryConfiguration/linearConfiguration): leave traffic-shift out"],
    ['scale-down-previous', 'ECS always scales the previous revision down at CLEAN_UP with engine: ecs: leave scale-down-previous out'],
    ['scale-down-delay', "ECS's bakeTimeInMinutes decides with engine: ecs: leave scale-down-delay out"],
    // (with other modes it is refused anyway: it guards mode: rollback only)
    ...(mode === 'rollback' ? ([['expected-live-color', 'no value with engine: ecs: there are no fixed colours (ECS alternates the target groups)']] as [InputName, string][]) : []),
  ];
  for (const [name, why] of refusals) refuseIfGiven(inputs, name, why);
}

/** engine: ecs: during the gate the test listener rule forwards only to the new revision, so the URLs need no colour. */
export function refuseColourPlaceholder(inputs: InputReader): void {
  for (const name of ['health-check-url', 'post-switch-health-check-url'] as const) {
    const value = inputs.raw(name);
    if (value.includes('{color}')) {
      inputs.report(new InputError(name, value, `no {color} with engine: ecs: ${name === 'health-check-url' ? "give the address of the service's test listener rule, which forwards only to the new revision while it is checked" : 'give the production address, watched once production traffic moves'}`));
    }
  }
}

// After the bake: scale the previous colour down when asked. With target-group stickiness on, the
// previous colour may still serve clients bound to it (see stickiness.ts): it is taken out of the
// production forward first, which moves them to the new colour at once, so none of them meets a
// colour that is going away.
import * as core from '@actions/core';
import { formatDurationInput } from '../../duration.js';
import type { Colour, Config } from '../../types.js';
import type { FlowDeps } from '../../flow/context.js';
import type { ProductionForward } from './forward.js';
import { lists, stickinessOf } from './stickiness.js';

/** Returns true when the previous colour was taken out of the forward to release its sticky clients. */
export async function scaleDownPrevious(config: Config, deps: FlowDeps, production: ProductionForward, previous: Colour, notes: string[]): Promise<boolean> {
  const { clock, signal, ports } = deps;
  if (config.scaleDownDelayMs > 0) {
    core.info(`Waiting ${formatDurationInput(config.scaleDownDelayMs)} before scaling ${config.services[previous]} to 0.`);
    try {
      await clock.sleep(config.scaleDownDelayMs, signal);
    } catch {
      notes.push(`Cancelled before scaling ${config.services[previous]} down; it still runs and remains a rollback target.`);
      return false;
    }
  }
  let released = false;
  if (stickinessOf(production.current) && lists(production.current, config.targetGroups[previous])) {
    core.info(`Target-group stickiness is on: taking ${previous} out of the production forward before scaling it down, so the clients bound to it move now.`);
    await production.release(previous);
    released = true;
  }
  await ports.ecs.updateService(config.cluster, config.services[previous], { desiredCount: 0 });
  notes.push(`Scaled ${config.services[previous]} (${previous}) to 0 tasks: it is no longer a rollback target until redeployed.`);
  core.info(`Scaled ${config.services[previous]} to 0.`);
  return released;
}

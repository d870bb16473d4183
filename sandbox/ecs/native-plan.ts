// The stages a built-in deployment walks for its strategy (reference 2.3, 2.4): the production percent
// of each PRODUCTION_TRAFFIC_SHIFT step, with PRE_PRODUCTION_TRAFFIC_SHIFT (and its hooks) before every
// step, and how long to wait after each (canary / linear step bakes, BAKE_TIME) in sandbox milliseconds.
import type { LifecycleStage, NativeConfiguration } from './native-model.js';

export interface Step {
  stage: LifecycleStage;
  /** PRODUCTION_TRAFFIC_SHIFT: the production percent this step reaches. */
  percent?: number;
  /** Time to wait once the step's work is done (canary/linear step bake, BAKE_TIME). */
  waitMs?: number;
}

/** The stages a deployment walks, with the production percent of each shift and the waits. */
export function plan(config: NativeConfiguration, reconcile: boolean, minuteMs: number): Step[] {
  const steps: Step[] = reconcile ? [{ stage: 'RECONCILE_SERVICE' }] : [];
  steps.push({ stage: 'PRE_SCALE_UP' }, { stage: 'SCALE_UP' }, { stage: 'POST_SCALE_UP' }, { stage: 'TEST_TRAFFIC_SHIFT' }, { stage: 'POST_TEST_TRAFFIC_SHIFT' });
  const shifts: { percent: number; waitMs: number }[] = [];
  if (config.strategy === 'CANARY' && config.canaryConfiguration && config.canaryConfiguration.canaryPercent < 100) {
    shifts.push({ percent: config.canaryConfiguration.canaryPercent, waitMs: config.canaryConfiguration.canaryBakeTimeInMinutes * minuteMs });
  }
  if (config.strategy === 'LINEAR' && config.linearConfiguration) {
    const { stepPercent, stepBakeTimeInMinutes } = config.linearConfiguration;
    for (let k = 1; Math.round(k * stepPercent * 10) < 1000; k++) shifts.push({ percent: Math.round(k * stepPercent * 10) / 10, waitMs: stepBakeTimeInMinutes * minuteMs });
  }
  shifts.push({ percent: 100, waitMs: 0 }); // no step bake after 100 % (DG-LIN)
  for (const s of shifts) steps.push({ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' }, { stage: 'PRODUCTION_TRAFFIC_SHIFT', ...s });
  steps.push({ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }, { stage: 'BAKE_TIME', waitMs: (config.bakeTimeInMinutes ?? 0) * minuteMs }, { stage: 'CLEAN_UP' });
  return steps;
}

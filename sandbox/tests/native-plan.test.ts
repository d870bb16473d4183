// The pure parts of built-in deployments: the stage plan per strategy and the weights written per percent.
import { describe, expect, test } from '@jest/globals';
import { plan } from '../ecs/native-plan.js';
import { weightsFor } from '../ecs/native-traffic.js';

const shifts = (steps: ReturnType<typeof plan>) => steps.filter((s) => s.stage === 'PRODUCTION_TRAFFIC_SHIFT').map((s) => [s.percent, s.waitMs]);

describe('plan', () => {
  test('BLUE_GREEN: one shift to 100, RECONCILE_SERVICE only when asked, bake in sandbox minutes', () => {
    const steps = plan({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2, lifecycleHooks: [] }, false, 500);
    expect(steps.map((s) => s.stage)).toEqual([
      'PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT',
      'PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP',
    ]);
    expect(steps.find((s) => s.stage === 'BAKE_TIME')?.waitMs).toBe(1000);
    expect(plan({ strategy: 'BLUE_GREEN', lifecycleHooks: [] }, true, 500)[0]?.stage).toBe('RECONCILE_SERVICE');
  });

  test('CANARY: the canary percent with its bake, then 100; LINEAR: k × step, no bake after 100', () => {
    expect(shifts(plan({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 3 }, lifecycleHooks: [] }, false, 10))).toEqual([[12.5, 30], [100, 0]]);
    expect(shifts(plan({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }, lifecycleHooks: [] }, false, 10))).toEqual([[25, 10], [50, 10], [75, 10], [100, 0]]);
    const thirds = shifts(plan({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 33.3, stepBakeTimeInMinutes: 0 }, lifecycleHooks: [] }, false, 10));
    expect(thirds.map(([p]) => p)).toEqual([33.3, 66.6, 99.9, 100]);
    const steps = plan({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 3, stepBakeTimeInMinutes: 0 }, lifecycleHooks: [] }, false, 10);
    expect(steps.filter((s) => s.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT')).toHaveLength(34);
  });
});

describe('weightsFor', () => {
  test('end states 100/0; between, per mille so 0.1 % steps stay exact', () => {
    expect(weightsFor(100)).toEqual({ target: 100, other: 0 });
    expect(weightsFor(0)).toEqual({ target: 0, other: 100 });
    expect(weightsFor(10)).toEqual({ target: 100, other: 900 });
    expect(weightsFor(0.1)).toEqual({ target: 1, other: 999 });
    expect(weightsFor(99.9)).toEqual({ target: 999, other: 1 });
  });
});

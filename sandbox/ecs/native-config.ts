// UpdateService's deploymentConfiguration members for built-in deployments (strategy, bake times,
// canary/linear steps, lifecycle hooks), validated as ECS does synchronously. Texts from the reference
// where AWS documents them (DG-TS); the rest are the emulator's (InvalidParameterException, reference 2.1).
import { AwsError } from '../core/aws-error.js';
import type { Service } from './model.js';
import { HOOK_STAGES, PAUSE_STAGES, type DeploymentStrategy, type LifecycleHook, type NativeConfiguration } from './native-model.js';

const STRATEGIES: DeploymentStrategy[] = ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'];
const MAX_PAUSE_HOOKS = 10;
export const DEFAULT_HOOK_TIMEOUT = { timeoutInMinutes: 1440, action: 'ROLLBACK' as const };

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/**
 * The service's built-in configuration after applying `raw` (members given replace the current ones),
 * or undefined when `raw` has none of them. Throws InvalidParameterException as UpdateService does.
 */
export function applyNativeConfiguration(service: Service, raw: unknown): NativeConfiguration | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const c = raw as Record<string, unknown>;
  const keys = ['strategy', 'bakeTimeInMinutes', 'canaryConfiguration', 'linearConfiguration', 'lifecycleHooks'];
  if (!keys.some((k) => c[k] !== undefined)) return undefined;
  const current: NativeConfiguration = service.native ?? { strategy: 'ROLLING', lifecycleHooks: [] };
  const strategy = c.strategy === undefined ? current.strategy : (c.strategy as DeploymentStrategy);
  if (!STRATEGIES.includes(strategy)) throw invalid(`Invalid strategy. Valid values are: ${STRATEGIES.join(', ')}`);
  if (strategy !== 'ROLLING' && !(service.loadBalancers.length > 0 && service.loadBalancers.every((lb) => lb.advancedConfiguration))) {
    throw invalid('advancedConfiguration field is required for all loadBalancers when using a non-ROLLING deployment strategy');
  }
  const next: NativeConfiguration = { ...current, strategy };
  if (c.bakeTimeInMinutes !== undefined) next.bakeTimeInMinutes = minutes(c.bakeTimeInMinutes, 'bakeTimeInMinutes', 0, 1440);
  if (c.canaryConfiguration !== undefined) {
    if (strategy !== 'CANARY') throw invalid('canaryConfiguration is only valid when strategy is CANARY');
    const o = c.canaryConfiguration as Record<string, unknown>;
    next.canaryConfiguration = {
      canaryPercent: percent(o.canaryPercent ?? 5, 'canaryConfiguration.canaryPercent', 0.1),
      canaryBakeTimeInMinutes: minutes(o.canaryBakeTimeInMinutes ?? 10, 'canaryConfiguration.canaryBakeTimeInMinutes', 0, 1440),
    };
  }
  if (c.linearConfiguration !== undefined) {
    if (strategy !== 'LINEAR') throw invalid('linearConfiguration is only valid when strategy is LINEAR');
    const o = c.linearConfiguration as Record<string, unknown>;
    next.linearConfiguration = {
      stepPercent: percent(o.stepPercent ?? 10, 'linearConfiguration.stepPercent', 3),
      stepBakeTimeInMinutes: minutes(o.stepBakeTimeInMinutes ?? 6, 'linearConfiguration.stepBakeTimeInMinutes', 0, 1440),
    };
  }
  // ECS's defaults for a strategy whose steps were never given.
  if (strategy === 'CANARY') next.canaryConfiguration ??= { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };
  if (strategy === 'LINEAR') next.linearConfiguration ??= { stepPercent: 10, stepBakeTimeInMinutes: 6 };
  if (c.lifecycleHooks !== undefined) next.lifecycleHooks = lifecycleHooks(c.lifecycleHooks);
  return next;
}

function lifecycleHooks(raw: unknown): LifecycleHook[] {
  if (!Array.isArray(raw)) throw invalid('lifecycleHooks must be a list.');
  const hooks = raw.map((h: Record<string, unknown>): LifecycleHook => {
    const targetType = (h.targetType ?? 'AWS_LAMBDA') as LifecycleHook['targetType'];
    if (targetType !== 'AWS_LAMBDA' && targetType !== 'PAUSE') throw invalid('Invalid targetType. Valid values are: AWS_LAMBDA, PAUSE');
    const stages = h.lifecycleStages;
    if (!Array.isArray(stages) || stages.length === 0) throw invalid('lifecycleStages cannot be empty.');
    for (const stage of stages as string[]) {
      if (targetType === 'PAUSE' && !PAUSE_STAGES.includes(stage)) throw invalid('Invalid lifecycle stage provided for Pause Hook');
      if (targetType === 'AWS_LAMBDA' && !HOOK_STAGES.includes(stage)) throw invalid('Invalid lifecycle stage provided for Lambda Hook');
    }
    if (targetType === 'AWS_LAMBDA' && (typeof h.hookTargetArn !== 'string' || typeof h.roleArn !== 'string')) {
      throw invalid('hookTargetArn and roleArn are required for an AWS_LAMBDA lifecycle hook.');
    }
    const hook: LifecycleHook = { targetType, lifecycleStages: [...(stages as string[])] };
    if (typeof h.hookTargetArn === 'string') hook.hookTargetArn = h.hookTargetArn;
    if (typeof h.roleArn === 'string') hook.roleArn = h.roleArn;
    if (h.hookDetails !== undefined) hook.hookDetails = h.hookDetails;
    const timeout = h.timeoutConfiguration as Record<string, unknown> | undefined;
    if (timeout !== undefined) {
      const action = timeout.action;
      if (action !== undefined && action !== 'CONTINUE' && action !== 'ROLLBACK') throw invalid('Invalid timeout action. Valid values are: CONTINUE, ROLLBACK');
      hook.timeoutConfiguration = {
        ...(timeout.timeoutInMinutes === undefined ? {} : { timeoutInMinutes: minutes(timeout.timeoutInMinutes, 'timeoutConfiguration.timeoutInMinutes', 1, 20160) }),
        ...(action === undefined ? {} : { action }),
      };
    }
    return hook;
  });
  if (hooks.filter((h) => h.targetType === 'PAUSE').length > MAX_PAUSE_HOOKS) throw invalid(`A service can have at most ${MAX_PAUSE_HOOKS} PAUSE lifecycle hooks.`);
  return hooks;
}

function minutes(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(`Invalid ${name}: must be an integer between ${min} and ${max}.`);
  return v;
}

/** Doubles in 0.1 steps from `min` to 100 (canaryPercent, stepPercent). */
function percent(v: unknown, name: string, min: number): number {
  const tenths = typeof v === 'number' ? v * 10 : NaN;
  if (!(Math.abs(tenths - Math.round(tenths)) < 1e-9) || (v as number) < min || (v as number) > 100) {
    throw invalid(`Invalid ${name}: must be a multiple of 0.1 between ${min} and 100.`);
  }
  return v as number;
}

/** A hook's timeout and action with ECS's defaults filled in. */
export function hookTimeout(hook: LifecycleHook): { timeoutInMinutes: number; action: 'CONTINUE' | 'ROLLBACK' } {
  return { ...DEFAULT_HOOK_TIMEOUT, ...hook.timeoutConfiguration };
}

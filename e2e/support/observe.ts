// What the sandbox saw, timestamped as it happened: every listener and rule change (with the weights
// right after it), every parameter write. The time-to-restore figures are measured from these.
import type { BlueGreenScenario, RequestLogEntry, Sandbox } from '../../sandbox/index.js';
import type { Colour } from '../../src/types.js';

export interface ForwardChange {
  /** Epoch ms the sandbox applied the change. */
  at: number;
  /** The listener or rule ARN. */
  arn: string;
  weights: Record<string, number>;
}

export interface ParameterChange {
  at: number;
  name: string;
  /** undefined: deleted. */
  value?: string;
}

export interface Recorder {
  listenerChanges: ForwardChange[];
  ruleChanges: ForwardChange[];
  parameterChanges: ParameterChange[];
  detach(): void;
}

/** Starts recording; call detach() when the scenario is done. */
export function record(sandbox: Sandbox): Recorder {
  const recorder: Recorder = { listenerChanges: [], ruleChanges: [], parameterChanges: [], detach: () => undefined };
  const onListener = (e: { listenerArn: string }) => {
    recorder.listenerChanges.push({ at: Date.now(), arn: e.listenerArn, weights: sandbox.forwardWeights(e.listenerArn) });
  };
  const onRule = (e: { ruleArn: string }) => {
    recorder.ruleChanges.push({ at: Date.now(), arn: e.ruleArn, weights: sandbox.forwardWeights(e.ruleArn) });
  };
  const onParameter = (e: { name: string; value?: string }) => {
    recorder.parameterChanges.push({ at: Date.now(), name: e.name, ...(e.value !== undefined ? { value: e.value } : {}) });
  };
  sandbox.events.on('listenerModified', onListener);
  sandbox.events.on('ruleModified', onRule);
  sandbox.events.on('parameterChanged', onParameter);
  recorder.detach = () => {
    sandbox.events.off('listenerModified', onListener);
    sandbox.events.off('ruleModified', onRule);
    sandbox.events.off('parameterChanged', onParameter);
  };
  return recorder;
}

/** Resolves with the first `name` event that satisfies `match`; rejects after timeoutMs naming what it waited for. */
export function nextEvent<E>(sandbox: Sandbox, name: string, match: (e: E) => boolean, timeoutMs: number, what: string): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sandbox.events.off(name, on);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const on = (e: E) => {
      if (!match(e)) return;
      clearTimeout(timer);
      sandbox.events.off(name, on);
      resolve(e);
    };
    sandbox.events.on(name, on);
  });
}

/** Resolves when the parameter is written with this value (e.g. the switch recording the new colour). */
export const parameterWritten = (sandbox: Sandbox, name: string, value: string, timeoutMs = 60_000): Promise<unknown> =>
  nextEvent<{ name: string; value?: string }>(sandbox, 'parameterChanged', (e) => e.name === name && e.value === value, timeoutMs, `${name} = ${value}`);

/**
 * Resolves once the bake is under way: the switch has recorded `colour`, and after that the action has
 * made a call of its watch (green's target health), which it makes only after saving the 'baking' phase.
 */
export async function bakeUnderway(sandbox: Sandbox, sc: BlueGreenScenario, colour: Colour, timeoutMs = 60_000): Promise<void> {
  await parameterWritten(sandbox, sc.parameterName, colour, timeoutMs);
  await nextEvent<RequestLogEntry>(sandbox, 'request', (e) => e.operation === 'DescribeTargetHealth', timeoutMs, 'the bake\'s first target-health check');
}

/** Which colour a forward sends everything to, or 'split' / 'none'. */
export function colourOf(sc: BlueGreenScenario, weights: Record<string, number>): Colour | 'split' | 'none' {
  const blue = weights[sc.targetGroups.blue] ?? 0;
  const green = weights[sc.targetGroups.green] ?? 0;
  if (blue > 0 && green > 0) return 'split';
  if (blue > 0) return 'blue';
  if (green > 0) return 'green';
  return 'none';
}

/** The production forward's current colour (the rule's when the scenario has one). */
export const liveColour = (sandbox: Sandbox, sc: BlueGreenScenario): Colour | 'split' | 'none' =>
  colourOf(sc, sandbox.forwardWeights(sc.ruleArn ?? sc.listenerArn));

export function parameterValue(sandbox: Sandbox, name: string): string | undefined {
  return sandbox.world.ssm.parameters.get(name)?.Value;
}

/** The deployment lock beside the state parameter (the action's naming: `<parameter>-lock`). */
export const lockName = (sc: BlueGreenScenario): string => `${sc.parameterName}-lock`;

/** A deep copy of a listener as the sandbox holds it (default actions and rules), for byte-for-byte comparisons. */
export function listenerCopy(sandbox: Sandbox, arn: string): unknown {
  const listener = sandbox.world.elb.listener(arn);
  if (!listener) throw new Error(`no listener ${arn}`);
  return JSON.parse(JSON.stringify({ defaultActions: listener.defaultActions, rules: listener.rules })) as unknown;
}

/** Healthy targets of a colour's group right now. */
export const healthyTargets = (sandbox: Sandbox, sc: BlueGreenScenario, colour: Colour): number =>
  sandbox.targetHealth(sc.targetGroups[colour]).filter((t) => t.state === 'healthy').length;

/** The rules on the production listener that carry the action's verification header: a run's verification rule. */
export const verificationRules = (sandbox: Sandbox, sc: BlueGreenScenario) =>
  (sandbox.world.elb.listener(sc.listenerArn)?.rules ?? []).filter((r) =>
    r.conditions.some((c) => c.Field === 'http-header' && (c.HttpHeaderConfig as { HttpHeaderName?: string } | undefined)?.HttpHeaderName === 'X-Blue-Green-Verify'),
  );

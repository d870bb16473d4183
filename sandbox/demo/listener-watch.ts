// Every change of the production listener's forward, timestamped by the sandbox as it applies it: the moment
// users' requests start going elsewhere, which is what "switched" and "restored" mean for the timings.
import type { Sandbox } from '../index.js';
import type { BlueGreenScenario } from '../scenario.js';

export interface ListenerChange {
  /** Epoch ms (sub-millisecond) the sandbox applied the change. */
  at: number;
  blue: number;
  green: number;
}

export interface ListenerWatch {
  changes: ListenerChange[];
  /** The first change at or after `sinceMs` that sends all traffic to `colour`. */
  firstAllTo(colour: 'blue' | 'green', sinceMs: number): ListenerChange | undefined;
  stop(): void;
}

export function watchListener(sandbox: Sandbox, sc: BlueGreenScenario, onChange?: (change: ListenerChange) => void): ListenerWatch {
  const changes: ListenerChange[] = [];
  const handler = (event: { listenerArn?: string }) => {
    if (event.listenerArn !== sc.listenerArn) return;
    const weights = sandbox.forwardWeights(sc.listenerArn);
    const change = { at: performance.timeOrigin + performance.now(), blue: weights[sc.targetGroups.blue] ?? 0, green: weights[sc.targetGroups.green] ?? 0 };
    changes.push(change);
    onChange?.(change);
  };
  sandbox.events.on('listenerModified', handler);
  return {
    changes,
    firstAllTo: (colour, sinceMs) =>
      changes.find((c) => c.at >= sinceMs && c[colour] > 0 && c[colour === 'blue' ? 'green' : 'blue'] === 0),
    stop: () => sandbox.events.off('listenerModified', handler),
  };
}

/** Where the production listener sends traffic now: the colour with all the weight, or `split`. */
export function liveColour(sandbox: Sandbox, sc: BlueGreenScenario): 'blue' | 'green' | 'split' {
  const weights = sandbox.forwardWeights(sc.listenerArn);
  const blue = weights[sc.targetGroups.blue] ?? 0;
  const green = weights[sc.targetGroups.green] ?? 0;
  if (blue > 0 && green === 0) return 'blue';
  if (green > 0 && blue === 0) return 'green';
  return 'split';
}

/** The live colour as the SSM parameter records it. */
export function recordedColour(sandbox: Sandbox, sc: BlueGreenScenario): string | undefined {
  return sandbox.world.ssm.parameters.get(sc.parameterName)?.Value;
}

// One deploy with everything the figures are computed from: the action's log lines as they arrived, the
// production listener's changes and ECS rollout events as the sandbox applied them, the AWS requests the action
// made, and what users saw through the listener during the run.
import type { BlueGreenScenario, RequestLogEntry, Sandbox } from '../sandbox/index.js';
import { runDeploy, type TimedRun } from '../sandbox/demo/deploy.js';
import type { DeployTimings } from '../sandbox/demo/inputs.js';
import { deployInputs } from '../sandbox/demo/inputs.js';
import { liveColour, watchListener, type ListenerChange } from '../sandbox/demo/listener-watch.js';
import type { Step } from '../sandbox/harness/runner.js';
import type { LoadRun, LoadStats } from '../sandbox/harness/load.js';
import { preciseNow } from './stats.js';

export interface LogLine {
  at: number;
  step: Step;
  line: string;
}

export interface RolloutEvent {
  at: number;
  service: string;
  id: string;
  rolloutState: string;
}

export interface ObservedDeploy {
  /** Where the production listener sent traffic before the run; the deploy targets the other colour. */
  liveBefore: 'blue' | 'green';
  timings: DeployTimings;
  timed: TimedRun;
  lines: LogLine[];
  listener: ListenerChange[];
  rollouts: RolloutEvent[];
  /** AWS requests that arrived during the run (main and post). */
  requests: RequestLogEntry[];
  traffic: LoadStats;
}

export async function observeDeploy(
  sandbox: Sandbox,
  sc: BlueGreenScenario,
  taskDefinitionArn: string,
  timings: DeployTimings,
  load: LoadRun,
): Promise<ObservedDeploy> {
  const liveBefore = liveColour(sandbox, sc);
  if (liveBefore === 'split') throw new Error('the production listener is split between the colours: the previous deploy left it unsettled');
  const lines: LogLine[] = [];
  const rollouts: RolloutEvent[] = [];
  const onRollout = (e: { service: string; id: string; rolloutState: string }) => rollouts.push({ at: preciseNow(), ...e });
  sandbox.events.on('deployment', onRollout);
  const watch = watchListener(sandbox, sc);
  try {
    const timed = await runDeploy(sandbox, deployInputs(sc, taskDefinitionArn, timings), (step, line) => lines.push({ at: preciseNow(), step, line }));
    // Once nothing is in flight, every request issued during the run has answered (or timed out).
    await sandbox.waitFor(() => load.stats().inFlight === 0, { timeoutMs: 5_000, what: 'user requests in flight to finish' });
    return {
      liveBefore,
      timings,
      timed,
      lines,
      listener: [...watch.changes],
      rollouts,
      requests: sandbox.requests({ since: timed.startedAt }).filter((r) => r.at <= timed.endedAt),
      traffic: load.window(timed.startedAt, timed.endedAt),
    };
  } finally {
    watch.stop();
    sandbox.events.off('deployment', onRollout);
  }
}

// The entrypoints' logic: read the inputs, wire the real dependencies, run the mode, report.
import * as core from '@actions/core';
import { createAwsPorts } from '../aws/clients.js';
import type { AwsPorts } from '../aws/ports.js';
import { systemClock } from '../clock.js';
import { Cancelled, errorMessage } from '../errors.js';
import { checkHealthCheckHosts } from '../health/preflight.js';
import { createHttpProbe, type Probe } from '../health/probe.js';
import { readConfig } from '../inputs.js';
import { failStep } from '../report/annotations.js';
import { setOutputs } from '../report/outcome.js';
import { writeSummary } from '../report/summary.js';
import { Timeline } from '../report/timeline.js';
import { runnerState, saveJson, StateKey, type PostContext, type StateStore } from '../state.js';
import type { Clock, Config } from '../types.js';
import type { FlowDeps, FlowResult } from './context.js';
import { deploy } from './deploy.js';
import { manualRollback } from './manual-rollback.js';
import { status } from './status.js';

export interface Overrides {
  ports?: (config: Pick<Config, 'region'>) => AwsPorts;
  clock?: Clock;
  state?: StateStore;
  probe?: Probe;
  checkHosts?: (config: Config) => Promise<void>;
  /** Defaults to the process: SIGINT/SIGTERM cancel the run. */
  signals?: NodeJS.EventEmitter;
}

/** Fits the rollback's five calls into the 7.5 s between SIGINT and SIGTERM. */
const RESCUE_CLIENT_OPTIONS = { requestTimeoutMs: 1_500, connectionTimeoutMs: 1_000, maxAttempts: 2 };

const title = (config: Config): string =>
  ({ deploy: 'Blue-green deploy', rollback: 'Blue-green rollback', status: 'Blue-green status' })[config.mode] + ` of ${config.services.blue} / ${config.services.green}`;

export async function runMain(overrides: Overrides = {}): Promise<FlowResult | undefined> {
  let config: Config;
  try {
    config = readConfig();
  } catch (error) {
    setOutputs({ status: 'failed', rolledBack: false });
    core.setFailed(errorMessage(error));
    return undefined;
  }
  const state = overrides.state ?? runnerState;
  saveJson(state, StateKey.Context, { region: config.region, targetGroups: config.targetGroups, stateParameter: config.stateParameter } satisfies PostContext);
  const clock = overrides.clock ?? systemClock;
  const controller = new AbortController();
  const signals = overrides.signals ?? process;
  const onSignal = (signal: string) => () => {
    if (controller.signal.aborted) return; // SIGTERM after SIGINT: the rollback is already running
    core.warning(`Received ${signal}: the job is being cancelled. Stopping and restoring traffic if it moved.`);
    controller.abort(new Cancelled(signal));
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  for (const [name, handler] of Object.entries(handlers)) signals.on(name, handler);

  const timeline = new Timeline(clock);
  const deps: FlowDeps = {
    ports: (overrides.ports ?? ((c) => createAwsPorts(c.region)))(config),
    rescuePorts: () => (overrides.ports ?? ((c) => createAwsPorts(c.region, RESCUE_CLIENT_OPTIONS)))(config),
    clock,
    probe: overrides.probe ?? createHttpProbe(config.health),
    signal: controller.signal,
    state,
    timeline,
  };
  let result: FlowResult;
  try {
    if (config.mode !== 'status') await (overrides.checkHosts ?? checkHealthCheckHosts)(config);
    const flow = { deploy, rollback: manualRollback, status }[config.mode];
    result = await flow(config, deps);
  } catch (error) {
    // Errors before anything changed (lock held, bad listener, missing service).
    result = { outcome: { status: 'failed', rolledBack: false }, notes: { notes: [], trafficSteps: [] }, error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    for (const [name, handler] of Object.entries(handlers)) signals.off(name, handler);
  }

  setOutputs(result.outcome);
  await writeSummary({
    title: title(config),
    mode: config.mode,
    outcome: result.outcome,
    timeline: timeline.records(),
    targetGroups: config.targetGroups,
    ...result.notes,
    notes: result.notes.notes,
    trafficSteps: result.notes.trafficSteps,
  }).catch((e: unknown) => core.warning(`Could not write the job summary: ${errorMessage(e)}`));
  if (result.error) {
    failStep(result.error.message, result.errorTitle ?? 'Blue-green deploy failed');
  }
  return result;
}

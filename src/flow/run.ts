// The entrypoints' logic: read the inputs, wire the real dependencies, run the mode, report.
import * as core from '@actions/core';
import { createAwsPorts } from '../aws/clients.js';
import type { AwsPorts } from '../aws/ports.js';
import { systemClock } from '../clock.js';
import { Cancelled, errorMessage, InputError } from '../errors.js';
import { checkHealthCheckHosts } from '../health/preflight.js';
import { createHttpProbe, type Probe } from '../health/probe.js';
import { readConfig } from '../inputs.js';
import { prepareYaml } from '../inputs/yaml-files.js';
import { failStep } from '../report/annotations.js';
import { describeConfig } from '../report/configuration.js';
import { setOutputs } from '../report/outcome.js';
import { writeSummary } from '../report/summary.js';
import { Timeline } from '../report/timeline.js';
import { runnerState, saveJson, StateKey, type PostContext, type StateStore } from '../state.js';
import type { Clock, Config } from '../types.js';
import type { DeploymentRecords } from '../github/deployments.js';
import type { FlowDeps, FlowResult } from './context.js';
import { engineFor } from '../engines/index.js';
import type { Engine } from '../engines/engine.js';

export interface Overrides {
  ports?: (config: Pick<Config, 'region'>) => AwsPorts;
  clock?: Clock;
  state?: StateStore;
  probe?: Probe;
  checkHosts?: (config: Config) => Promise<void>;
  /** Defaults to the process: SIGINT/SIGTERM cancel the run. */
  signals?: NodeJS.EventEmitter;
}

/** The modes that change what runs in the environment, and so get a GitHub deployment record. */
const RECORDED_MODES: readonly Config['mode'][] = ['deploy', 'promote', 'rollback'];
/** How long the end of a run waits for GitHub; after a cancellation, what is left of the runner's window. */
const RECORDS_FLUSH_MS = 15_000;
const CANCEL_WINDOW_MS = 8_500;

/**
 * The run's final GitHub status, from the outcome as read back. A manual rollback that moved traffic is
 * recorded as a deployment of the colour it restored.
 */
async function closeRecord(records: DeploymentRecords, config: Config, result: FlowResult, signal: AbortSignal): Promise<void> {
  const { status, liveColour, previousColour, rollbackReason, taskDefinitionArn } = result.outcome;
  if (config.mode === 'rollback' && status === 'succeeded' && liveColour) {
    records.start({ task: 'deploy:rollback', colour: liveColour, ...(previousColour ? { previousColour } : {}), ...(taskDefinitionArn ? { taskDefinitionArn } : {}) });
  }
  const firstLine = (result.error?.message ?? '').split('\n')[0] ?? '';
  if (status === 'succeeded') records.finish('success', `${liveColour ?? 'the new colour'} is live${config.mode === 'rollback' ? ' again (manual rollback)' : ''}`);
  else if (status === 'rolled-back') records.finish('failure', `Rolled back to ${liveColour ?? previousColour ?? 'the previous colour'}: ${rollbackReason ?? firstLine}`);
  else if (status === 'failed') records.finish('failure', `Failed${liveColour ? `; ${liveColour} serves traffic` : ''}: ${firstLine}`);
  const cancelledAt = signal.aborted && signal.reason instanceof Cancelled ? signal.reason.at : undefined;
  await records.flush(cancelledAt === undefined ? RECORDS_FLUSH_MS : cancelledAt + CANCEL_WINDOW_MS - Date.now());
}

/** Fits the rollback's five calls into the 7.5 s between SIGINT and SIGTERM. */
const RESCUE_CLIENT_OPTIONS = { requestTimeoutMs: 1_500, connectionTimeoutMs: 1_000, maxAttempts: 2 };

const title = (config: Config, engine: Engine): string =>
  `${({ deploy: 'Blue-green deploy', prepare: 'Blue-green prepare', promote: 'Blue-green promote', rollback: 'Blue-green rollback', status: 'Blue-green status' })[config.mode]} of ${engine.subject(config)}`;

export async function runMain(overrides: Overrides = {}): Promise<FlowResult | undefined> {
  let config: Config;
  try {
    await prepareYaml(core.getInput('task-definition'));
    config = readConfig();
  } catch (error) {
    setOutputs({ status: 'failed', rolledBack: false });
    core.setFailed(errorMessage(error));
    return undefined;
  }
  const engine = engineFor(config);
  core.startGroup('Configuration');
  for (const line of describeConfig(config, engine)) core.info(line);
  core.endGroup();
  // The runner's state is write-only in main (core.getState reads what post is given), so main keeps
  // the last phase it saved itself: it decides whether main ends 'done' or leaves work for post.
  const store = overrides.state ?? runnerState;
  let lastPhase: string | undefined;
  const state: StateStore = {
    save: (key, value) => {
      if (key === StateKey.Phase) lastPhase = value;
      store.save(key, value);
    },
    get: (key) => store.get(key),
  };
  saveJson(state, StateKey.Context, {
    region: config.region,
    targetGroups: config.targetGroups,
    stateParameter: config.stateParameter,
    ...engine.postContext(config),
    ...(config.commands.rollback ? { rollbackCommand: { script: config.commands.rollback, timeoutMs: config.commands.timeoutMs, ...(config.health.url ? { healthCheckUrl: config.health.url } : {}) } } : {}),
  } satisfies PostContext);
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
  let preDeployTaskArn: string | undefined;
  const deps: FlowDeps = {
    ports: (overrides.ports ?? ((c) => createAwsPorts(c.region)))(config),
    rescuePorts: () => (overrides.ports ?? ((c) => createAwsPorts(c.region, RESCUE_CLIENT_OPTIONS)))(config),
    clock,
    probe: overrides.probe ?? createHttpProbe(config.health),
    signal: controller.signal,
    state,
    timeline,
    taskStarted: (arn) => {
      preDeployTaskArn = arn;
    },
  };
  // Loaded only when configured: a deploy without records starts as fast as before.
  const records = config.github && RECORDED_MODES.includes(config.mode) && !config.dryRun ? new (await import('../github/deployments.js')).DeploymentRecords(config.github, state) : undefined;
  if (records) deps.records = records;
  let result: FlowResult;
  try {
    if (config.mode !== 'status') await (overrides.checkHosts ?? checkHealthCheckHosts)(config);
    result = await engine.modes[config.mode](config, deps);
  } catch (error) {
    // Errors before anything changed (pair check, lock held, bad listener, missing service): main is
    // done with traffic, and the outputs still say where it is, read back (empty when AWS cannot say).
    if (lastPhase === undefined || lastPhase === 'started' || lastPhase === 'locked') state.save(StateKey.Phase, 'settled');
    // A bad input (a health-check host that does not resolve) stops before any AWS call, and stays so.
    const live = error instanceof InputError ? undefined : await engine.whereUsersAre(deps.ports, config);
    const colour = live === 'blue' || live === 'green' ? { liveColour: live, previousColour: live } : {};
    result = { outcome: { status: 'failed', ...colour, rolledBack: false }, notes: { notes: [], trafficSteps: [] }, error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    for (const [name, handler] of Object.entries(handlers)) signals.off(name, handler);
  }

  if (preDeployTaskArn) result = { ...result, outcome: { ...result.outcome, preDeployTaskArn } };
  if (records) await closeRecord(records, config, result, controller.signal);
  setOutputs(result.outcome);
  await writeSummary({
    title: title(config, engine),
    mode: config.mode,
    outcome: result.outcome,
    timeline: timeline.records(),
    targetGroups: config.targetGroups,
    ...result.notes,
    analysis: result.notes.analysis?.report(),
    notes: result.notes.notes,
    trafficSteps: result.notes.trafficSteps,
  }).catch((e: unknown) => core.warning(`Could not write the job summary: ${errorMessage(e)}`));
  if (result.error) {
    failStep(result.error.message, result.errorTitle ?? 'Blue-green deploy failed');
  }
  // Outputs, summary and annotation are written: post can tell this apart from a main killed after
  // settling. A phase left unsettled (a rollback that could not finish) stays, for post to finish.
  if (lastPhase === undefined || lastPhase === 'settled') state.save(StateKey.Phase, 'done');
  return result;
}

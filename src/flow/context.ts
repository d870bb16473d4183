// What every mode's flow is given, and what it hands back to the entrypoint for reporting.
import type { AnalysisReport } from '../analysis/analysis.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Probe } from '../health/probe.js';
import type { Outcome } from '../report/outcome.js';
import type { CommandRecord, Report } from '../report/summary.js';
import type { Timeline } from '../report/timeline.js';
import type { RecordSubject } from '../github/deployments.js';
import type { StateStore } from '../state.js';
import type { Clock, TrafficSplit } from '../types.js';

export interface FlowDeps {
  ports: AwsPorts;
  /**
   * Ports with short timeouts and few retries for the rollback after a cancellation: the runner kills
   * the step 10 s after SIGINT, and the default ports may spend longer than that on one call.
   */
  rescuePorts?: () => AwsPorts;
  clock: Clock;
  probe: Probe;
  /** Aborted with a Cancelled reason when the job is cancelled (SIGINT/SIGTERM). */
  signal: AbortSignal;
  state: StateStore;
  timeline: Timeline;
  /** `github-deployment`: the run's GitHub record, opened once the colour and task definition are known. */
  records?: { start(subject: RecordSubject): void };
  /** Told the ARN of the `pre-deploy-task-command` task as soon as ECS started it (the `pre-deploy-task-arn` output, also when it fails). */
  taskStarted?: (taskArn: string) => void;
}

/** The parts of the job summary that the flow fills in as it goes. */
export interface FlowNotes {
  notes: string[];
  trafficSteps: { at: string; split: TrafficSplit; note?: string }[];
  listenerBefore?: string;
  listenerAfter?: string;
  events?: string[];
  plan?: string[];
  services?: Report['services'];
  /** What the run deployed (or meant to): the summary names it when the release fails. */
  release?: Report['release'];
  /** The team's commands that ran. */
  commands?: CommandRecord[];
  /** The real-user analysis, once it started: the summary shows what it judged, also after a rollback. */
  analysis?: { report(): AnalysisReport };
}

export interface FlowResult {
  outcome: Outcome;
  notes: FlowNotes;
  /** Set when the step must fail; its message is the error annotation. */
  error?: Error;
  /** Title of the error annotation. */
  errorTitle?: string;
}

export const newNotes = (): FlowNotes => ({ notes: [], trafficSteps: [] });

export const recordStep = (notes: FlowNotes, at: number, split: TrafficSplit, note?: string): void => {
  notes.trafficSteps.push({ at: new Date(at).toISOString(), split: { ...split }, ...(note ? { note } : {}) });
};

// The action's outputs: every one is always set, so downstream steps can read them without guards.
import * as core from '@actions/core';
import type { Colour } from '../types.js';
import { oneLine } from './format.js';

export type DeployStatus = 'succeeded' | 'rolled-back' | 'failed' | 'no-op';

export interface Outcome {
  status: DeployStatus;
  /** The colour serving traffic at the end. */
  liveColour?: Colour;
  /** The colour that served traffic before this run. */
  previousColour?: Colour;
  /** The colour this run deployed, prepared or promoted (also after a rollback: the one that failed). */
  targetColour?: Colour;
  /** What the deployed (or live) colour runs. */
  taskDefinitionArn?: string;
  rolledBack: boolean;
  rollbackReason?: string;
  /** ISO time of the (last) traffic switch. */
  switchedAt?: string;
  /** engine: ecs: the service deployment this run started or acted on. */
  serviceDeploymentArn?: string;
  /** The `pre-deploy-task-command` task, as ECS started it (also when it failed). */
  preDeployTaskArn?: string;
}

/** The output names of the v1 contract (action.yml). */
export const OUTPUT_NAMES = [
  'status',
  'live-color',
  'previous-color',
  'target-color',
  'task-definition-arn',
  'rolled-back',
  'rollback-reason',
  'switched-at',
  'service-deployment-arn',
  'pre-deploy-task-arn',
] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** The outputs as strings: empty when unknown, the reason on one line. */
export function outputValues(outcome: Outcome): Record<OutputName, string> {
  return {
    status: outcome.status,
    'live-color': outcome.liveColour ?? '',
    'previous-color': outcome.previousColour ?? '',
    'target-color': outcome.targetColour ?? '',
    'task-definition-arn': outcome.taskDefinitionArn ?? '',
    'rolled-back': outcome.rolledBack ? 'true' : 'false',
    'rollback-reason': oneLine(outcome.rollbackReason ?? ''),
    'switched-at': outcome.switchedAt ?? '',
    'service-deployment-arn': outcome.serviceDeploymentArn ?? '',
    'pre-deploy-task-arn': outcome.preDeployTaskArn ?? '',
  };
}

export function setOutputs(outcome: Outcome): void {
  const values = outputValues(outcome);
  for (const name of OUTPUT_NAMES) core.setOutput(name, values[name]);
}

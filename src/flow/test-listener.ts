// The optional test listener always points at the idle colour, so the idle environment can be checked
// before users see it. It never carries production traffic, so it is changed without a rollback snapshot
// of its own (its state before the first change is still saved, for the record).
import * as core from '@actions/core';
import type { ElbPort } from '../aws/ports.js';
import { saveJson, StateKey, type StateStore } from '../state.js';
import { liveColourOf, readSplit } from '../traffic.js';
import type { Colour, Config } from '../types.js';
import { applySplit, splitFor } from './shift.js';

export async function pointTestListener(elb: ElbPort, config: Config, colour: Colour, state: StateStore): Promise<void> {
  if (!config.testListenerArn) return;
  const target = { kind: 'listener', arn: config.testListenerArn } as const;
  const actions = await elb.readActions(target);
  if (!state.get(StateKey.TestSnapshot)) saveJson(state, StateKey.TestSnapshot, { target, actions });
  if (liveColourOf(readSplit(actions, config.targetGroups)) === colour) return;
  await applySplit(elb, target, actions, config.targetGroups, splitFor(colour, 100));
  core.info(`Test listener now forwards to ${colour}.`);
}

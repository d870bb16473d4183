// `mode: status`: report the live colour, the split, and what each colour runs. Changes nothing.
import type { AwsPorts } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import { describeActions } from '../../traffic.js';
import { COLOURS, type Config } from '../../types.js';
import { newNotes, type FlowDeps, type FlowResult } from '../../flow/context.js';
import { discover } from './discover.js';
import { findPairProblems } from './pair-check.js';
import { describeLeftovers, verificationRules } from './route-leftovers.js';
import type { IdleColours } from '../engine.js';

/** Verification rules of this pair still on the production listener (a run killed before post could delete its rule). */
async function leftoverRules(ports: AwsPorts, config: Config): Promise<string[]> {
  try {
    return describeLeftovers(await verificationRules(ports.elb, await ports.elb.listenerRules(config.listenerArn)), config.stateParameter);
  } catch (error) {
    return [`Could not look for verification rules left on the listener: ${errorMessage(error)}.`];
  }
}

export async function status(config: Config, deps: FlowDeps, colours: IdleColours): Promise<FlowResult> {
  const { ports, timeline } = deps;
  const notes = newNotes();
  // Status reports what is wrong rather than failing on it: it is what a person runs to find out.
  const problems = await timeline.run('Check the pair', () => findPairProblems(ports, config, colours));
  notes.notes.push(...problems);
  const found = await timeline.run('Discover', () => discover(ports, config));
  const described = await timeline.run(colours.describeStep, () => Promise.all(COLOURS.map((c) => colours.describe(ports, config, c))));
  notes.listenerBefore = describeActions(found.actions, config.targetGroups);
  notes.services = described.map(({ healthy: _healthy, ...rest }) => rest);
  if (found.live === 'split') {
    notes.notes.push(`The listener is split: blue ${found.split.blue}%, green ${found.split.green}%. Run 'mode: rollback' to put all traffic on the recorded colour.`);
  }
  if (found.drift && found.live !== 'split') {
    notes.notes.push(`${config.stateParameter} records '${found.record ?? '(missing)'}' but the listener sends traffic to ${found.live}.`);
  }
  for (const c of described) if (c.healthy === 0 && found.split[c.colour] > 0) notes.notes.push(`${c.colour} receives traffic but has no healthy targets.`);
  notes.notes.push(...(await leftoverRules(ports, config)));
  const live = found.live === 'split' ? undefined : found.live;
  const liveInfo = described.find((c) => c.colour === live);
  return {
    outcome: {
      status: 'no-op',
      // previous-color is, in every mode, the colour that served all traffic when the run started.
      ...(live ? { liveColour: live, previousColour: live } : {}),
      ...(liveInfo?.taskDefinitionArn ? { taskDefinitionArn: liveInfo.taskDefinitionArn } : {}),
      rolledBack: false,
    },
    notes,
  };
}

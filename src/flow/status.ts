// `mode: status`: report the live colour, the split, and what each colour runs. Changes nothing.
import * as core from '@actions/core';
import type { AwsPorts } from '../aws/ports.js';
import { errorMessage } from '../errors.js';
import { describeActions } from '../traffic.js';
import { COLOURS, type Config } from '../types.js';
import { newNotes, type FlowDeps, type FlowResult } from './context.js';
import { discover } from './discover.js';
import { findPairProblems } from './pair-check.js';
import { describeLeftovers, verificationRules } from './route-leftovers.js';
import { describeTargets, healthyCount } from './target-health.js';

async function describeColour(ports: AwsPorts, config: Config, colour: 'blue' | 'green') {
  if (config.engine === 'traffic') return describeTargetGroup(ports, config, colour);
  const service = await ports.ecs.describeService(config.cluster, config.services[colour]);
  const [taskDefinition, targets] = await Promise.all([
    ports.ecs.describeTaskDefinition(service.taskDefinitionArn),
    ports.elb.describeTargetHealth(config.targetGroups[colour]),
  ]);
  const images = (taskDefinition.containerDefinitions ?? []).map((c) => `${c.name ?? '?'}=${c.image ?? '?'}`);
  core.info(
    `${colour}: ${service.serviceName} runs ${service.runningCount}/${service.desiredCount} task(s) of ${service.taskDefinitionArn} [${images.join(', ')}]; targets: ${describeTargets(targets)}`,
  );
  return { colour, service: service.serviceName, taskDefinitionArn: service.taskDefinitionArn, images, desired: service.desiredCount, running: service.runningCount, healthy: healthyCount(targets) };
}

/** engine: traffic: a colour is its target group; what runs there is whatever filled it. */
async function describeTargetGroup(ports: AwsPorts, config: Config, colour: 'blue' | 'green') {
  const targets = await ports.elb.describeTargetHealth(config.targetGroups[colour]);
  core.info(`${colour}: ${config.services[colour]} targets: ${describeTargets(targets)}`);
  return { colour, service: config.services[colour], taskDefinitionArn: '', images: [], desired: targets.length, running: targets.length, healthy: healthyCount(targets) };
}

/** Verification rules of this pair still on the production listener (a run killed before post could delete its rule). */
async function leftoverRules(ports: AwsPorts, config: Config): Promise<string[]> {
  try {
    return describeLeftovers(await verificationRules(ports.elb, await ports.elb.listenerRules(config.listenerArn)), config.stateParameter);
  } catch (error) {
    return [`Could not look for verification rules left on the listener: ${errorMessage(error)}.`];
  }
}

export async function status(config: Config, deps: FlowDeps): Promise<FlowResult> {
  const { ports, timeline } = deps;
  const notes = newNotes();
  // Status reports what is wrong rather than failing on it: it is what a person runs to find out.
  const problems = await timeline.run('Check the pair', () => findPairProblems(ports, config));
  notes.notes.push(...problems);
  const found = await timeline.run('Discover', () => discover(ports, config));
  const colours = await timeline.run(config.engine === 'traffic' ? 'Describe target groups' : 'Describe services', () => Promise.all(COLOURS.map((c) => describeColour(ports, config, c))));
  notes.listenerBefore = describeActions(found.actions, config.targetGroups);
  notes.services = colours.map(({ healthy: _healthy, ...rest }) => rest);
  if (found.live === 'split') {
    notes.notes.push(`The listener is split: blue ${found.split.blue}%, green ${found.split.green}%. Run 'mode: rollback' to put all traffic on the recorded colour.`);
  }
  if (found.drift && found.live !== 'split') {
    notes.notes.push(`${config.stateParameter} records '${found.record ?? '(missing)'}' but the listener sends traffic to ${found.live}.`);
  }
  for (const c of colours) if (c.healthy === 0 && found.split[c.colour] > 0) notes.notes.push(`${c.colour} receives traffic but has no healthy targets.`);
  notes.notes.push(...(await leftoverRules(ports, config)));
  const live = found.live === 'split' ? undefined : found.live;
  const liveInfo = colours.find((c) => c.colour === live);
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

// engine: traffic's colours: two target groups something else fills (an Auto Scaling group's instance
// refresh, say). No ECS call: a colour is its target group, and its targets say what it can carry.
import * as core from '@actions/core';
import type { AwsPorts } from '../../aws/ports.js';
import type { Colour, Config } from '../../types.js';
import type { FlowDeps } from '../../flow/context.js';
import { describeTargets, healthyCount, waitForColourHealthy } from '../../flow/target-health.js';
import type { ColourStatus, IdleColours } from '../engine.js';

export const targetGroupColours: IdleColours = {
  service: () => Promise.resolve(undefined),
  describe: describeTargetGroup,
  describeStep: 'Describe target groups',
  // No service events without ECS: target health and the probes say it.
  watchChecks: () => [],
  ensureCapacity: ensureTargetParity,
};

/** A colour is its target group; what runs there is whatever filled it. */
async function describeTargetGroup(ports: AwsPorts, config: Config, colour: Colour): Promise<ColourStatus> {
  const targets = await ports.elb.describeTargetHealth(config.targetGroups[colour]);
  core.info(`${colour}: ${config.services[colour]} targets: ${describeTargets(targets)}`);
  return { colour, service: config.services[colour], taskDefinitionArn: '', images: [], desired: targets.length, running: targets.length, healthy: healthyCount(targets) };
}

/**
 * No desired counts to read or set (something else fills the groups), so parity is in
 * targets: the receiving group must show at least as many healthy targets as the group it takes over from
 * has now, within wait-timeout.
 */
async function ensureTargetParity(config: Config, deps: FlowDeps, to: Colour, from: Colour): Promise<number> {
  const { ports } = deps;
  const needed = Math.max(1, healthyCount(await ports.elb.describeTargetHealth(config.targetGroups[from])));
  await waitForColourHealthy(config, deps, to, needed);
  core.info(`${to} can carry ${from}'s load: at least ${needed} healthy target(s), as many as ${from} has.`);
  return needed;
}

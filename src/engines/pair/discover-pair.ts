// Discover, for the pair: which colour is live (the listener), what the record says, and both ECS services.
import type { ServiceInfo } from '../../aws/ports.js';
import type { Colour } from '../../types.js';
import { discoverColours, type DeployRun } from '../listener/deploy-run.js';
import type { Discovery } from '../listener/discover.js';

export interface DiscoveredPair {
  found: Discovery;
  live: Colour;
  idle: Colour;
  liveService: ServiceInfo;
  idleService: ServiceInfo;
}

/** Discover: which colour is live (the listener), what the record says, and both services. */
export async function discoverPair(run: DeployRun): Promise<DiscoveredPair> {
  const { found, live, idle } = await discoverColours(run);
  const { config, deps } = run;
  const [liveService, idleService] = await Promise.all([deps.ports.ecs.describeService(config.cluster, config.services[live]), deps.ports.ecs.describeService(config.cluster, config.services[idle])]);
  return { found, live, idle, liveService, idleService };
}

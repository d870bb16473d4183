// The engines whose users the listener's forward moves (pair, traffic): what they share — rollback and
// status over the forward, the post step's restore of the listener, where users are — around the flows
// that give their idle colour the new version.
import { formatDurationInput } from '../../duration.js';
import type { Config, Mode } from '../../types.js';
import type { ConfigLine, Engine, Flow, IdleColours } from '../engine.js';
import { trafficTarget } from './discover.js';
import { manualRollback } from './manual-rollback.js';
import { whereTrafficIs } from './restore.js';
import { status } from './status.js';

export interface ListenerEngineParts {
  /** How the idle colour gets the new version. */
  colours: IdleColours;
  /** The flows that deploy (or, for traffic, only verify) the idle colour and switch. */
  flows: Pick<Record<Mode, Flow>, 'deploy' | 'prepare' | 'promote'>;
  /** The configuration echo's `engine` line; undefined for the default engine. */
  engineLine: string | undefined;
}

export function listenerEngine({ colours, flows, engineLine }: ListenerEngineParts): Engine {
  return {
    modes: { ...flows, rollback: (config, deps) => manualRollback(config, deps, colours), status: (config, deps) => status(config, deps, colours) },
    subject: (config) => `${config.services.blue} / ${config.services.green}`,
    configuration: (config) => ({ where: whereLines(config, engineLine), shift: describeShift(config) }),
    postContext: (config) => ({ target: trafficTarget(config) }),
    whereUsersAre: (ports, config) => whereTrafficIs(ports, trafficTarget(config), config.targetGroups),
  };
}

function whereLines(config: Config, engineLine: string | undefined): ConfigLine[] {
  return [
    ['engine', engineLine],
    ['cluster', config.cluster || undefined],
    ['blue', `${config.services.blue} → ${config.targetGroups.blue}`],
    ['green', `${config.services.green} → ${config.targetGroups.green}`],
    ['listener', config.listenerArn],
    ['listener rule', config.listenerRuleArn],
    ['test listener', config.testListenerArn],
  ];
}

function describeShift(config: Config): string {
  const shift = config.trafficShift;
  return shift.kind === 'all-at-once' ? 'all-at-once' : `${shift.kind} ${shift.percent}% every ${formatDurationInput(shift.waitMs)}`;
}

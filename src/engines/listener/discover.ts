// Discover: the listener (or rule) is the truth about which colour is live; the SSM parameter is the record.
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsPorts } from '../../aws/ports.js';
import { UnsafeListenerState } from '../../errors.js';
import { warnDrift } from '../../report/annotations.js';
import { describeActions, liveColourOf, readSplit } from '../../traffic.js';
import type { Colour, Config, TrafficSplit, TrafficTarget } from '../../types.js';

export interface Discovery {
  target: TrafficTarget;
  /** The forwarding actions exactly as AWS returned them now. */
  actions: Action[];
  split: TrafficSplit;
  /** 'split' when both colours receive traffic (a run died mid-shift). */
  live: Colour | 'split';
  /** The parameter's value, undefined when it does not exist yet. */
  record?: string;
  /** The parameter disagrees with the listener (or does not exist). */
  drift: boolean;
  /** When the record was last written, if it agrees with the listener: the last time traffic moved. */
  recordModifiedAt?: string;
}

export const trafficTarget = (config: Config): TrafficTarget =>
  config.listenerRuleArn ? { kind: 'rule', arn: config.listenerRuleArn } : { kind: 'listener', arn: config.listenerArn };

export async function discover(ports: AwsPorts, config: Config): Promise<Discovery> {
  const target = trafficTarget(config);
  if (target.kind === 'rule') await ports.elb.assertListenerExists(config.listenerArn);
  const [actions, parameter] = await Promise.all([ports.elb.readActions(target), ports.ssm.get(config.stateParameter)]);
  const split = readSplit(actions, config.targetGroups);
  const live = liveColourOf(split);
  const record = parameter?.value;
  const drift = live !== 'split' && record !== live;
  core.info(`${target.kind === 'rule' ? 'Rule' : 'Listener'} ${target.arn}: ${describeActions(actions, config.targetGroups)}`);
  core.info(`Recorded live colour in ${config.stateParameter}: ${record ?? '(parameter does not exist yet)'}`);
  if (live !== 'split' && drift && record !== undefined) {
    warnDrift(record, live, config.stateParameter);
  }
  const modified = !drift && live !== 'split' ? parameter?.lastModified : undefined;
  return { target, actions, split, live, ...(record !== undefined ? { record } : {}), drift, ...(modified ? { recordModifiedAt: modified } : {}) };
}

/** A deploy starts only from a listener that sends everything to one colour. */
export function requireSingleLiveColour(discovery: Discovery, config: Config): Colour {
  if (discovery.live !== 'split') return discovery.live;
  throw new UnsafeListenerState(
    `The listener splits traffic between blue (${discovery.split.blue}%) and green (${discovery.split.green}%): an earlier run probably stopped mid-shift. ` +
      `Refusing to deploy. Recover first by running this action with 'mode: rollback' (it puts all traffic on ${
        discovery.record === 'blue' || discovery.record === 'green' ? `the recorded colour, ${discovery.record}` : 'a healthy colour'
      }), then deploy again.` + (config.listenerRuleArn ? ` (rule ${config.listenerRuleArn})` : ''),
  );
}

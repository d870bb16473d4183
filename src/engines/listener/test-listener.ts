// The optional test listener always points at the idle colour, so the idle environment can be checked
// before users see it. It never carries production traffic, so it is changed without a rollback snapshot
// of its own: after a rollback it still points at the idle colour, which is where it belongs.
import type { ElbPort } from '../../aws/ports.js';
import { liveColourOf, readSplit } from '../../traffic.js';
import type { Colour, Config } from '../../types.js';
import { applySplit, splitFor } from '../../flow/shift.js';

export async function pointTestListener(elb: ElbPort, config: Config, colour: Colour): Promise<void> {
  if (!config.testListenerArn) return;
  const target = { kind: 'listener', arn: config.testListenerArn } as const;
  const actions = await elb.readActions(target);
  if (liveColourOf(readSplit(actions, config.targetGroups)) === colour) return;
  await applySplit(elb, target, actions, config.targetGroups, splitFor(colour, 100), 'Test listener');
}

// Before anything changes — before the lock, even — the inputs must describe the pair AWS has: each
// colour's service registers its tasks in that colour's target group, and the production and test
// forwards send only to the pair's groups. Reproduced against the built action: with the two target
// group inputs swapped it took the service that served every user for the idle one and rolled an
// unverified revision onto it. Read-only: a mismatch costs no mutating call.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsPorts, ServiceInfo } from '../../aws/ports.js';
import { PairMismatch } from '../../errors.js';
import { colourOfTargetGroup, findForwardAction, forwardTargets, readSplit } from '../../traffic.js';
import { COLOURS, otherColour, type Colour, type Config } from '../../types.js';
import { deployedInstead } from '../../flow/deployment-controller.js';
import { trafficTarget } from './discover.js';
import type { IdleColours } from '../engine.js';

const TG_INPUT: Record<Colour, string> = { blue: 'blue-target-group-arn', green: 'green-target-group-arn' };
const SERVICE_INPUT: Record<Colour, string> = { blue: 'blue-service', green: 'green-service' };

/** Every problem found, one sentence each; empty when the pair is consistent. */
export async function findPairProblems(ports: AwsPorts, config: Config, colours: IdleColours): Promise<string[]> {
  // Colours without services (engine: traffic): only the forwards are checked.
  const describe = (colour: Colour) => colours.service(ports, config, colour);
  const [blue, green, production, test] = await Promise.all([
    describe('blue'),
    describe('green'),
    ports.elb.readActions(trafficTarget(config)),
    config.testListenerArn ? ports.elb.readActions({ kind: 'listener', arn: config.testListenerArn }) : Promise.resolve(undefined),
  ]);
  const problems = blue && green ? [...controllerProblems(config, { blue, green }), ...serviceProblems(config, { blue, green })] : [];
  try {
    readSplit(production, config.targetGroups);
  } catch (error) {
    problems.push(`${config.listenerRuleArn ? `The rule in listener-rule-arn` : `The listener in listener-arn`}: ${(error as Error).message}`);
  }
  if (test) problems.push(...foreignGroups(test, config).map((arn) => `test-listener-arn forwards to ${arn}, which is neither blue-target-group-arn nor green-target-group-arn: the test listener may forward only to the pair's groups (the action points it at the idle colour). Remove that group from it.`));
  return problems;
}

/** Throws PairMismatch (an input error) naming every problem; changes nothing. */
export async function checkPair(ports: AwsPorts, config: Config, colours: IdleColours): Promise<void> {
  const problems = await findPairProblems(ports, config, colours);
  if (problems.length > 0) throw new PairMismatch(`${problems.join(' ')} Nothing was changed.`);
}

function describeGroup(arn: string, config: Config): string {
  const colour = colourOfTargetGroup(arn, config.targetGroups);
  return `${arn} (${colour ? `the ${TG_INPUT[colour]}` : 'neither target group input'})`;
}

/**
 * deploy and prepare change the idle service's task definition with UpdateService, which ECS accepts only
 * for services on the ECS deployment controller. Refused here, before the lock or any change, rather than
 * by ECS halfway through (rollback, promote and status do not update a task definition, so they go on).
 */
function controllerProblems(config: Config, services: Record<Colour, ServiceInfo>): string[] {
  if (config.mode !== 'deploy' && config.mode !== 'prepare') return [];
  return COLOURS.flatMap((c) => {
    const controller = services[c].controller ?? 'ECS';
    if (controller === 'ECS') return [];
    return [
      `${SERVICE_INPUT[c]} ${services[c].serviceName} uses the ${controller} deployment controller: UpdateService cannot change its task definition (${deployedInstead(controller)}), or move the service to the ECS deployment controller (deploymentController.type ECS) to deploy it with this action.`,
    ];
  });
}

function serviceProblems(config: Config, services: Record<Colour, ServiceInfo>): string[] {
  const wrong = COLOURS.filter((c) => {
    const groups = services[c].targetGroupArns;
    return !groups.includes(config.targetGroups[c]) || groups.includes(config.targetGroups[otherColour(c)]);
  });
  if (wrong.length === 0) return [];
  const registrations = COLOURS.map((c) => {
    const groups = services[c].targetGroupArns;
    const where = groups.length === 0 ? 'is in no target group (it has no loadBalancers)' : `registers its tasks in ${groups.map((g) => describeGroup(g, config)).join(' and ')}`;
    return `${SERVICE_INPUT[c]} ${services[c].serviceName} ${where}`;
  });
  const swapped = COLOURS.every((c) => services[c].targetGroupArns.includes(config.targetGroups[otherColour(c)]) && !services[c].targetGroupArns.includes(config.targetGroups[c]));
  const fix = swapped
    ? 'The two target group inputs are swapped: swap them.'
    : `Each colour's target group input must be the group its service registers in: ${wrong.map((c) => `set ${TG_INPUT[c]} to the group ${services[c].serviceName} uses`).join('; ')}.`;
  return [`The target group inputs do not match the services: ${registrations.join('; ')}. ${fix}`];
}

function foreignGroups(actions: Action[], config: Config): string[] {
  try {
    return forwardTargets(findForwardAction(actions).action)
      .map((t) => t.targetGroupArn)
      .filter((arn) => colourOfTargetGroup(arn, config.targetGroups) === undefined);
  } catch {
    return [];
  }
}

// engine: ecs, a human approval between the test traffic and production: `mode: prepare` starts the service
// deployment as a deploy does and stops at the POST_TEST_TRAFFIC_SHIFT pause once its gate passed, leaving the
// hook waiting (users stay on the previous revision; reviewers can look at the new one through the test rule);
// `mode: promote`, typically in a job GitHub's required reviewers gate, finds exactly that deployment still
// waiting there, checks the new revision again and continues the hook, then follows the deployment as a deploy
// does. A promote that finds anything else — no deployment in flight, its hook timed out, another release, a
// deployment past the pause — says what it found and changes nothing.
import * as core from '@actions/core';
import type { ServiceDeploymentState } from '../../aws/ports.js';
import { PreparedStateChanged } from '../../errors.js';
import { saveJson, StateKey } from '../../state.js';
import type { Config } from '../../types.js';
import { builtInRun, settleFollowed, type SavedServiceDeployment } from './deploy.js';
import { follow } from './follow.js';
import { awaitingPause, IN_FLIGHT } from './rollback.js';
import { readBuiltInService, requireService } from './service.js';
import { newNotes, type FlowDeps, type FlowResult } from '../../flow/context.js';
import { holdLock, letGoOfLock } from '../../flow/lock.js';

/** Where `mode: prepare` leaves the deployment, and `mode: promote` expects it. */
export const APPROVAL_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

export function builtInPrepare(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return builtInRun(config, deps, { holdAt: APPROVAL_STAGE });
}

export async function builtInPromote(config: Config, deps: FlowDeps): Promise<FlowResult> {
  const { state, timeline, clock } = deps;
  const service = requireService(config);
  const expected = config.expectedTaskDefinitionArn ?? '';
  const notes = newNotes();
  state.save(StateKey.Phase, 'started');
  const setup = await readBuiltInService(config, deps);
  const prepared = await timeline.run('Find the prepared deployment', () => findPrepared(config, deps, service, expected));
  notes.release = { description: `${expected} (prepared in ${prepared.arn})`, images: [], taskDefinitionArn: expected };
  if (config.dryRun) {
    notes.plan = [
      `${prepared.arn} waits at ${APPROVAL_STAGE} with ${expected}.`,
      `Check the new revision again (its targets, the test rule's health check, the alarms${config.commands.smokeTest ? ', smoke-test-command' : ''}), then CONTINUE and follow the deployment to SUCCESSFUL, rolling it back on any failure.`,
    ];
    core.info(['Dry run: nothing will be changed. The plan:', ...notes.plan.map((l) => `  ${l}`)].join('\n'));
    return { outcome: { status: 'no-op', taskDefinitionArn: expected, serviceDeploymentArn: prepared.arn, rolledBack: false }, notes };
  }
  const lock = await holdLock(config, deps, notes.notes);
  if (lock) state.save(StateKey.Phase, 'locked');
  try {
    deps.records?.start({ task: 'deploy', colour: service, taskDefinitionArn: expected });
    // From here on, a run that dies leaves post a deployment to roll back, as a deploy's would.
    saveJson(state, StateKey.ServiceDeployment, { cluster: config.cluster, service, startedAfter: prepared.createdAt ?? clock.now(), arn: prepared.arn } satisfies SavedServiceDeployment);
    state.save(StateKey.Phase, 'deploying');
    // The waiting hook is the first pause follow meets: it checks the new revision again, then answers it.
    const followed = await follow({ config, deps, notes, setup, arn: prepared.arn, taskDefinitionArn: expected });
    return await settleFollowed(config, deps, notes, followed, { taskDefinitionArn: expected, arn: prepared.arn });
  } finally {
    await letGoOfLock(lock, deps);
  }
}

/** The deployment `mode: prepare` left, still waiting at the approval stage with the expected release; refuses, naming what it found, otherwise. */
async function findPrepared(config: Config, deps: FlowDeps, service: string, expected: string): Promise<ServiceDeploymentState> {
  const port = deps.ports.deployments;
  const again = 'Nothing was changed. Run mode: prepare again for the release you want, then promote what it reports.';
  const [newest] = await port.list(config.cluster, service);
  if (!newest) throw new PreparedStateChanged(`${service} has no service deployment: nothing was prepared. ${again}`);
  const d = await port.describe(newest.arn);
  const why = d.statusReason ? ` (${d.statusReason})` : '';
  const timedOut = d.hooks.find((h) => h.status === 'TIMED_OUT');
  if (timedOut) {
    throw new PreparedStateChanged(`The prepared deployment ${d.arn} of ${service} is ${d.status}${why}: its ${APPROVAL_STAGE} hook timed out${timedOut.expiresAt ? ` at ${new Date(timedOut.expiresAt).toISOString()}` : ''} before this promote. ${again}`);
  }
  if (!IN_FLIGHT.includes(d.status)) {
    throw new PreparedStateChanged(`The newest service deployment of ${service}, ${d.arn}, is ${d.status}${why}: no prepared release waits for promote (it was rolled back, stopped or finished). ${again}`);
  }
  const runs = d.target ? await port.revisionTaskDefinition(d.target.arn) : undefined;
  if (runs !== expected) {
    throw new PreparedStateChanged(`The service deployment in flight for ${service}, ${d.arn}, deploys ${runs ?? 'an unknown task definition'}, not the prepared ${expected}: another release started since. ${again}`);
  }
  if (d.lifecycleStage !== APPROVAL_STAGE || !awaitingPause(d)) {
    throw new PreparedStateChanged(`The prepared deployment ${d.arn} of ${service} is ${d.status} at ${d.lifecycleStage ?? 'an unknown stage'} with no hook waiting at ${APPROVAL_STAGE}: it is not where prepare left it (someone answered the hook, or ECS moved on). ${again}`);
  }
  core.info(`${d.arn} waits at ${APPROVAL_STAGE} with ${expected}, as prepared.`);
  return d;
}

// engine: ecs, the post step: if main ended (cancelled, crashed, killed) with its service deployment still
// in flight, roll it back — ContinueServiceDeployment(ROLLBACK) on a waiting PAUSE hook, else
// StopServiceDeployment(ROLLBACK) — and report what ECS shows then (read back). The hook's own timeout is
// never the safety net. Idempotent: a deployment ECS has finished, or is already rolling back, is left alone.
import * as core from '@actions/core';
import type { ServiceDeploymentsPort, SsmPort } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import { readJson, savedPhase, StateKey, type StateStore } from '../../state.js';
import type { SavedServiceDeployment } from './deploy.js';
import { awaitFinished, IN_FLIGHT, requestRollback, ROLLING_BACK, TERMINAL } from './rollback.js';
import { releaseSavedLock } from '../../flow/lock.js';
import type { PostResult } from '../../flow/post-result.js';
import { systemClock } from '../../clock.js';

/** How long post waits for ECS to finish a rollback it asked for: the job is ending, but the report must be read back. */
const POST_ROLLBACK_WAIT_MS = 60_000;
const POST_POLL_MS = 2_000;

export async function postBuiltIn(ports: { deployments: ServiceDeploymentsPort; ssm: SsmPort }, state: StateStore, o: { waitMs?: number; pollMs?: number } = {}): Promise<PostResult> {
  const phase = savedPhase(state);
  const result: PostResult = { restored: false };
  if (!phase || phase === 'done') {
    core.info(phase ? 'Main finished and reported: nothing to do.' : 'Main saved no state: nothing to do.');
  } else {
    Object.assign(result, await settleDeployment(ports.deployments, state, phase, o));
    state.save(StateKey.Phase, 'done');
  }
  await releaseSavedLock(ports.ssm, state);
  return result;
}

async function settleDeployment(port: ServiceDeploymentsPort, state: StateStore, phase: string, o: { waitMs?: number; pollMs?: number }): Promise<PostResult> {
  const main = `Main did not finish (phase '${phase}')`;
  const saved = readJson<SavedServiceDeployment>(state, StateKey.ServiceDeployment);
  if (!saved) {
    return phase === 'settled'
      ? { restored: false, outcome: 'settled', failure: 'Main stopped after the deployment had settled, before it wrote its outputs and job summary.' }
      : { restored: false, outcome: 'untouched', failure: `${main} before it started a service deployment: nothing changed.` };
  }
  try {
    // Main may have died between UpdateService and learning the ARN: the newest in flight since then is its.
    const arn = saved.arn ?? (await port.list(saved.cluster, saved.service, { statuses: IN_FLIGHT, createdAfter: saved.startedAfter - 60_000 }))[0]?.arn;
    if (!arn) return { restored: false, outcome: 'untouched', failure: `${main}; ECS lists no deployment of ${saved.service} in flight since it began: nothing to roll back.` };
    const before = await port.describe(arn);
    if (TERMINAL.includes(before.status)) {
      return { restored: false, outcome: 'settled', failure: `${main}; ECS had finished service deployment ${arn}: ${before.status}${before.statusReason ? ` (${before.statusReason})` : ''} (read back).` };
    }
    const asked = !ROLLING_BACK.includes(before.status);
    if (asked) {
      core.warning(`${main} with service deployment ${arn} ${before.status}${before.lifecycleStage ? ` at ${before.lifecycleStage}` : ''}: rolling it back.`, { title: 'Post step: rolling back' });
      await requestRollback(port, arn);
    }
    const last = await awaitFinished(port, arn, { deadline: Date.now() + (o.waitMs ?? POST_ROLLBACK_WAIT_MS), pollMs: o.pollMs ?? POST_POLL_MS, clock: systemClock });
    const read = `ECS reports ${last.status}${last.statusReason ? ` (${last.statusReason})` : ''} (read back)`;
    if (last.status === 'ROLLBACK_SUCCESSFUL' || ROLLING_BACK.includes(last.status)) {
      return { restored: asked, outcome: asked ? 'restored' : 'confirmed', failure: `${main}; the post step ${asked ? 'rolled back' : 'found ECS rolling back'} service deployment ${arn}: ${read}.` };
    }
    return { restored: false, outcome: 'not-restored', failure: `${main}; the post step could not roll back service deployment ${arn}: ${read}. Check the service in the ECS console.` };
  } catch (error) {
    return { restored: false, outcome: 'not-restored', failure: `${main} and the post step could not roll back ${saved.arn ?? `the deployment of ${saved.service}`}: ${errorMessage(error)} Check the service in the ECS console.` };
  }
}

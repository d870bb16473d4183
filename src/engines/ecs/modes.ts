// engine: ecs, modes rollback and status. Rollback: a deployment in flight is rolled back by ECS (the
// action asks and waits for ROLLBACK_SUCCESSFUL); after a finished one, the previous revision's task
// definition is deployed again through the same gates as any release. Status: the newest deployment, its
// stage, revisions, weights and the PAUSE hooks waiting for an answer — read only.
import * as core from '@actions/core';
import type { ServiceDeploymentState } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import { StateKey } from '../../state.js';
import type { Config } from '../../types.js';
import { builtInRun } from './deploy.js';
import { FOLLOW_POLL_MS } from './follow.js';
import { awaitFinished, IN_FLIGHT, requestRollback } from './rollback.js';
import { checkBuiltInService, requireService } from './service.js';
import { newNotes, type FlowDeps, type FlowResult } from '../../flow/context.js';
import { pollInterval } from '../../flow/target-health.js';

export async function builtInRollback(config: Config, deps: FlowDeps): Promise<FlowResult> {
  const { ports, timeline, clock, signal } = deps;
  const service = requireService(config);
  const notes = newNotes();
  const [newest] = await timeline.run('Find the newest deployment', () => ports.deployments.list(config.cluster, service));
  if (newest && IN_FLIGHT.includes(newest.status)) {
    // No lock: the run that holds it is the one being rolled back, and ECS takes one decision per deployment.
    if (config.dryRun) {
      notes.plan = [`Roll back service deployment ${newest.arn} (${newest.status}) and wait up to ${Math.round(config.waitTimeoutMs / 1000)} s for ECS to finish.`];
      return { outcome: { status: 'no-op', serviceDeploymentArn: newest.arn, rolledBack: false }, notes };
    }
    deps.state.save(StateKey.Phase, 'rolling-back');
    const how = await timeline.run(`Roll back ${newest.arn.split('/').pop() ?? newest.arn}`, () => requestRollback(ports.deployments, newest.arn));
    core.info(`Rollback requested (${how}); waiting for ECS.`);
    const last = await timeline.run('ECS rolls back', () => awaitFinished(ports.deployments, newest.arn, { deadline: clock.now() + config.waitTimeoutMs, pollMs: pollInterval(config.health.intervalMs, FOLLOW_POLL_MS), clock, signal }));
    deps.state.save(StateKey.Phase, 'settled');
    const base = { serviceDeploymentArn: newest.arn };
    if (last.status === 'ROLLBACK_SUCCESSFUL') {
      notes.notes.push(`Service deployment ${newest.arn} rolled back: ECS reports ROLLBACK_SUCCESSFUL (read back).`);
      return { outcome: { status: 'succeeded', ...base, rolledBack: true, rollbackReason: 'mode: rollback' }, notes };
    }
    return {
      outcome: { status: 'failed', ...base, rolledBack: false },
      notes,
      error: new Error(`Asked ECS to roll back ${newest.arn}; it reports ${last.status}${last.statusReason ? ` (${last.statusReason})` : ''} after wait-timeout (read back)${last.status === 'SUCCESSFUL' ? ': it had already finished, and the new revision is live — run mode: rollback again to deploy the previous one' : ''}.`),
      errorTitle: `Rollback of ${service} not confirmed`,
    };
  }
  // Finished: going back means deploying the previous revision again (ECS keeps no other way back).
  const successful = (await ports.deployments.list(config.cluster, service, { statuses: ['SUCCESSFUL'] }))[0];
  if (!successful) throw new Error(`${service} has no successful service deployment to roll back from (ECS lists deployments of the last 90 days): deploy the task definition you want with mode: deploy.`);
  const d = await ports.deployments.describe(successful.arn);
  const source = d.sources[0]?.arn;
  if (!source) throw new Error(`Service deployment ${successful.arn} names no source revision to go back to: deploy the task definition you want with mode: deploy.`);
  const previous = await ports.deployments.revisionTaskDefinition(source);
  core.info(`The newest finished deployment ${successful.arn} replaced ${previous}: deploying it again, through the same gates.`);
  const result = await builtInRun(config, deps, { taskDefinitionArn: previous, why: `the revision before ${successful.arn}`, task: 'deploy:rollback' });
  return result.outcome.status === 'succeeded' ? { ...result, outcome: { ...result.outcome, rolledBack: true, rollbackReason: 'mode: rollback' } } : result;
}

export async function builtInStatus(config: Config, deps: FlowDeps): Promise<FlowResult> {
  const { ports, timeline } = deps;
  const service = requireService(config);
  const notes = newNotes();
  const svc = await timeline.run('Read the service', () => ports.deployments.describeService(config.cluster, service));
  try {
    checkBuiltInService(config, svc, undefined);
  } catch (error) {
    notes.notes.push(`Not ready for engine: ecs deploys: ${errorMessage(error)}`);
  }
  const lines = [`${svc.serviceName}: ${svc.strategy}, ${svc.runningCount}/${svc.desiredCount} tasks running ${svc.taskDefinitionArn}.`];
  lines.push(`PAUSE hooks: ${svc.hooks.filter((h) => h.targetType === 'PAUSE').map((h) => `${h.stages.join('+')} (timeout ${h.timeoutInMinutes} min → ${h.timeoutAction})`).join(', ') || 'none'}.`);
  const [newest] = await ports.deployments.list(config.cluster, service);
  let d: ServiceDeploymentState | undefined;
  if (newest) {
    d = await ports.deployments.describe(newest.arn);
    lines.push(...describeDeployment(d));
  } else lines.push('No service deployment in the last 90 days.');
  for (const l of lines) core.info(l);
  notes.notes.push(...lines);
  return { outcome: { status: 'no-op', taskDefinitionArn: svc.taskDefinitionArn, ...(newest ? { serviceDeploymentArn: newest.arn } : {}), rolledBack: false }, notes };
}

export function describeDeployment(d: ServiceDeploymentState): string[] {
  const weights = (r: { arn: string; productionWeight?: number; testWeight?: number; runningTaskCount?: number; requestedTaskCount?: number }) =>
    `${r.arn.split('/').pop() ?? r.arn}: production ${r.productionWeight ?? '?'}%, test ${r.testWeight ?? '?'}%, ${r.runningTaskCount ?? '?'}/${r.requestedTaskCount ?? '?'} tasks`;
  const pending = d.hooks.filter((h) => h.status === 'AWAITING_ACTION');
  return [
    `Newest deployment ${d.arn}: ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}${d.statusReason ? ` (${d.statusReason})` : ''}.`,
    ...(d.target ? [`New revision ${weights(d.target)}.`] : []),
    ...d.sources.map((s) => `Previous revision ${weights(s)}.`),
    ...pending.map((h) => `Waiting: ${h.targetType} hook ${h.hookId}${h.expiresAt ? ` until ${new Date(h.expiresAt).toISOString()} (then ${h.timeoutAction ?? 'ROLLBACK'})` : ''}.`),
  ];
}

// Helpers for the built-in blue/green tests: a recorder of `serviceDeployment` events (so a test can
// wait for one that fired before it looked), HTTP sampling through a listener, and the deploy call.
import { UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { NativeScenario, Sandbox, ServiceDeploymentEvent } from '../index.js';

export type DeploymentEvent = ServiceDeploymentEvent;

/** Generous: the machine is shared and slow. */
export const WAIT_MS = 60_000;

export function recordDeploymentEvents(sb: Sandbox): DeploymentEvent[] {
  const seen: DeploymentEvent[] = [];
  sb.events.on('serviceDeployment', (e: DeploymentEvent) => seen.push(e));
  return seen;
}

export function untilEvent(sb: Sandbox, seen: DeploymentEvent[], match: (e: DeploymentEvent) => boolean, what: string): Promise<DeploymentEvent> {
  return sb.waitFor(() => seen.find(match), { timeoutMs: WAIT_MS, intervalMs: 25, what });
}

/** The PAUSE hook of deployment `arn` awaiting action at `stage` (the n-th one there, for canary/linear). */
export function untilPaused(sb: Sandbox, seen: DeploymentEvent[], arn: string, stage: string, nth = 1): Promise<DeploymentEvent> {
  return sb.waitFor(() => seen.filter((e) => e.arn === arn && e.lifecycleStage === stage && e.hookStatus === 'AWAITING_ACTION')[nth - 1], {
    timeoutMs: WAIT_MS,
    intervalMs: 25,
    what: `${arn} paused at ${stage} (#${nth})`,
  });
}

export const untilStatus = (sb: Sandbox, seen: DeploymentEvent[], arn: string, status: string): Promise<DeploymentEvent> =>
  untilEvent(sb, seen, (e) => e.arn === arn && e.status === status && !e.hookId, `${arn} ${status}`);

/** Stages in the order the deployment entered them (each once). */
export function stagesOf(seen: DeploymentEvent[], arn: string): string[] {
  const stages: string[] = [];
  for (const e of seen) if (e.arn === arn && e.lifecycleStage && e.status === 'IN_PROGRESS' && stages[stages.length - 1] !== e.lifecycleStage) stages.push(e.lifecycleStage);
  return stages;
}

/** The versions (and colours) that answered `n` requests through a listener. */
export async function versionsVia(url: string, n = 12): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/`);
    const body = (await res.json()) as { version: string; colour: string };
    seen.add(`${body.version}/${body.colour}`);
  }
  return seen;
}

/** UpdateService with a new task definition; returns the new service deployment's ARN from the response. */
export async function deploy(ecs: ECSClient, sc: NativeScenario, taskDefinition: string): Promise<string> {
  const out = await ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.serviceName, taskDefinition }));
  const arn = out.service?.currentServiceDeployment;
  if (!arn) throw new Error('UpdateService returned no currentServiceDeployment');
  return arn;
}

/** Production (or test) rule weights by the scenario's groups: `a` (v1's) and `b`. */
export function weightsOf(sb: Sandbox, sc: NativeScenario, ruleArn: string): { a: number; b: number } {
  const w = sb.forwardWeights(ruleArn);
  return { a: w[sc.targetGroups.primary] ?? 0, b: w[sc.targetGroups.alternate] ?? 0 };
}

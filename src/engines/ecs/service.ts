// engine: ecs, before anything moves: read the one service and check it is set up for ECS's built-in
// blue/green the way the action can gate it — the ECS controller, a BLUE_GREEN/CANARY/LINEAR strategy,
// one load balancer with its advancedConfiguration, a PAUSE hook at POST_TEST_TRAFFIC_SHIFT, a test rule
// when health-check-url must reach the new revision, and a production rule AWS can rewrite. Every
// problem is listed at once, as an input error on `service` that says what to change.
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { BuiltInService, LifecycleHook } from '../../aws/ports.js';
import { InputError } from '../../errors.js';
import { formatDurationInput } from '../../duration.js';
import type { Config } from '../../types.js';
import type { FlowDeps } from '../../flow/context.js';
import { analysisWindowProblems } from './analysis.js';
import { deployedInstead } from '../../flow/deployment-controller.js';

/** The deployment strategies with lifecycle stages the action can gate. */
const STRATEGIES = ['BLUE_GREEN', 'CANARY', 'LINEAR'];
/** A GitHub-hosted job ends after 6 h: a PAUSE hook that waits longer outlives the job that gates it. */
export const HOSTED_JOB_LIMIT_MINUTES = 360;

export interface BuiltInSetup {
  service: BuiltInService;
  /** Where ECS starts the new revision: the alternate group (ECS swaps the two after each success). */
  newTargetGroup: string;
  /** The group of the revision serving production now. */
  liveTargetGroup: string;
  productionRule: string;
  testRule?: string;
  /** Stages with a PAUSE hook. */
  pauseStages: Set<string>;
}

export async function readBuiltInService(config: Config, deps: FlowDeps): Promise<BuiltInSetup> {
  const { ports, timeline } = deps;
  const name = requireService(config);
  return timeline.run('Check the service', async () => {
    const service = await ports.deployments.describeService(config.cluster, name);
    const lb = service.loadBalancers[0];
    const productionActions = lb?.productionListenerRule?.includes(':listener-rule/') ? await ports.elb.readActions({ kind: 'rule', arn: lb.productionListenerRule }) : undefined;
    const setup = checkBuiltInService(config, service, productionActions);
    warnAboutHooks(config, service.hooks);
    core.info(
      `${service.serviceName}: ${service.strategy}${strategyDetail(service)}, PAUSE hooks at ${[...setup.pauseStages].join(', ')}; the new revision starts in ${setup.newTargetGroup.split('/')[1] ?? setup.newTargetGroup}.`,
    );
    return setup;
  });
}

export function requireService(config: Config): string {
  if (!config.service) throw new Error('engine: ecs ran without a service: a bug in readConfig');
  return config.service;
}

/** The configuration problems, each with its fix; throws one InputError listing them all. */
export function checkBuiltInService(config: Config, service: BuiltInService, productionActions: Action[] | undefined): BuiltInSetup {
  const problems: string[] = [];
  if (service.controller !== 'ECS') {
    problems.push(
      `its deploymentController.type is ${service.controller}: set it to ECS (built-in blue/green runs only under the ECS controller; UpdateService cannot change the task definition of a service on the ${service.controller} controller: ${deployedInstead(service.controller)}, or move it to the ECS controller)`,
    );
  }
  if (!STRATEGIES.includes(service.strategy)) problems.push(`its deploymentConfiguration.strategy is ${service.strategy}: set it to BLUE_GREEN, CANARY or LINEAR`);
  const [lb, ...more] = service.loadBalancers;
  if (!lb) problems.push('it has no load balancer: give it one loadBalancers entry with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, testListenerRule, roleArn)');
  if (more.length > 0) problems.push(`it has ${service.loadBalancers.length} load balancers: engine: ecs gates one (one target group pair behind one production rule)`);
  if (lb && (!lb.alternateTargetGroupArn || !lb.productionListenerRule)) {
    problems.push('its load balancer has no advancedConfiguration: set alternateTargetGroupArn, productionListenerRule (the listener rule ARN ECS rewrites), testListenerRule and roleArn');
  }
  if (lb?.productionListenerRule && !lb.productionListenerRule.includes(':listener-rule/app/')) {
    problems.push(`its productionListenerRule ${lb.productionListenerRule} is not an Application Load Balancer listener rule ARN: engine: ecs gates ALB services (give the rule ARN, e.g. the listener's default rule)`);
  }
  const pauseStages = new Set(service.hooks.filter((h) => h.targetType === 'PAUSE').flatMap((h) => h.stages));
  if (!pauseStages.has('POST_TEST_TRAFFIC_SHIFT')) {
    problems.push(
      'it has no PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT: add {targetType: PAUSE, lifecycleStages: [POST_TEST_TRAFFIC_SHIFT], timeoutConfiguration: {timeoutInMinutes: 60, action: ROLLBACK}} to deploymentConfiguration.lifecycleHooks — it is where the new revision waits, with test traffic only, for the action to check it',
    );
  }
  if (config.health.url && lb && !lb.testListenerRule) {
    problems.push(`it has no testListenerRule, so health-check-url (${config.health.url}) cannot reach the new revision before users do: add a test listener rule to advancedConfiguration and give its address as health-check-url, or leave health-check-url out`);
  }
  const mixed = (productionActions ?? []).filter((a) => a.Type !== 'forward').map((a) => a.Type ?? '?');
  if (mixed.length > 0) {
    problems.push(
      `its production listener rule mixes forward with ${mixed.join(', ')}: AWS documents that built-in blue/green does not support rules combining forward with authenticate, redirect or fixed-response actions (the deployment fails at the traffic shift). Move those actions to another rule, or use engine: pair`,
    );
  }
  problems.push(...analysisWindowProblems(config, service));
  if (problems.length > 0) {
    throw new InputError('service', config.service ?? service.serviceName, `a service set up for ECS's built-in blue/green; this one cannot be gated: ${problems.join('; ')}`);
  }
  const ready = lb as Required<Pick<NonNullable<typeof lb>, 'targetGroupArn' | 'alternateTargetGroupArn' | 'productionListenerRule'>> & { testListenerRule?: string };
  return {
    service,
    newTargetGroup: ready.alternateTargetGroupArn,
    liveTargetGroup: ready.targetGroupArn,
    productionRule: ready.productionListenerRule,
    ...(ready.testListenerRule ? { testRule: ready.testListenerRule } : {}),
    pauseStages,
  };
}

/**
 * `mode: prepare` leaves the deployment waiting at the `stage` hook for an approval: a hook that continues on
 * timeout would send the prepared release to users unapproved. Refused before any change; the time the hook
 * gives the approval is said.
 */
export function requireHoldable(config: Config, setup: BuiltInSetup, stage: string): void {
  const hooks = setup.service.hooks.filter((h) => h.targetType === 'PAUSE' && h.stages.includes(stage));
  const continuing = hooks.filter((h) => h.timeoutAction === 'CONTINUE');
  if (continuing.length > 0) {
    throw new InputError(
      'mode',
      'prepare',
      `a service whose PAUSE hook at ${stage} rolls back when it times out: this one continues (timeoutConfiguration.action CONTINUE), so a prepared release would reach users unapproved when the approval takes longer than ${continuing[0]?.timeoutInMinutes ?? '?'} minutes. Set timeoutConfiguration.action to ROLLBACK`,
    );
  }
  const minutes = Math.min(...hooks.map((h) => h.timeoutInMinutes));
  core.info(`mode: prepare: the ${stage} hook waits up to ${minutes} minutes for mode: promote, then rolls the deployment back.`);
}

/**
 * The hook's own timeout must never be the safety net: a job that died leaves the deployment paused
 * until then, and a CONTINUE on timeout lets it go on to production unchecked.
 */
function warnAboutHooks(config: Config, hooks: LifecycleHook[]): void {
  for (const hook of hooks.filter((h) => h.targetType === 'PAUSE')) {
    const where = hook.stages.join(', ');
    if (hook.timeoutInMinutes > HOSTED_JOB_LIMIT_MINUTES) {
      core.warning(
        `The PAUSE hook at ${where} waits up to ${hook.timeoutInMinutes} minutes (timeoutConfiguration.timeoutInMinutes${hook.timeoutInMinutes === 1440 ? ', ECS\'s default' : ''}), longer than a GitHub-hosted job can live (6 h). ` +
          `If the job dies and its post step cannot act, the deployment stays paused that long and then ${hook.timeoutAction === 'CONTINUE' ? 'continues' : 'rolls back'}. Set timeoutConfiguration.timeoutInMinutes to at most ${HOSTED_JOB_LIMIT_MINUTES} (e.g. 60).`,
        { title: 'PAUSE hook outlives the job' },
      );
    }
    // Every PAUSE is an approval point the action answers (builtin-gates.ts): a timeout must never approve it.
    if (hook.timeoutAction === 'CONTINUE') {
      core.warning(`The PAUSE hook at ${where} continues when it times out (timeoutConfiguration.action CONTINUE): if this job dies, ECS moves on unchecked. Set timeoutConfiguration.action to ROLLBACK.`, { title: 'PAUSE hook continues on timeout' });
    }
    if (hook.stages.includes('POST_PRODUCTION_TRAFFIC_SHIFT') && config.bakeTimeMs >= hook.timeoutInMinutes * 60_000) {
      core.warning(
        `bake-time (${formatDurationInput(config.bakeTimeMs)}) is not shorter than the POST_PRODUCTION_TRAFFIC_SHIFT hook's timeout (${hook.timeoutInMinutes} minutes): ECS would time the hook out (${hook.timeoutAction}) before the bake ends. Shorten bake-time or lengthen timeoutConfiguration.timeoutInMinutes.`,
        { title: 'bake-time longer than the hook' },
      );
    }
  }
}

function strategyDetail(s: BuiltInService): string {
  if (s.strategy === 'CANARY' && s.canary) return ` (${s.canary.percent}% for ${s.canary.bakeTimeInMinutes} min, then 100%)`;
  if (s.strategy === 'LINEAR' && s.linear) return ` (${s.linear.stepPercent}% steps, ${s.linear.stepBakeTimeInMinutes} min apart)`;
  return '';
}

// What a dry run says it would do, line by line, in the order a deploy does it.
import { formatDurationInput } from '../../duration.js';
import { substituteColour } from '../../health/probe.js';
import { otherColour, type Colour, type Config } from '../../types.js';
import { shiftSteps } from '../../flow/shift.js';
import { routeKind } from './verify-route.js';
import { VERIFY_HEADER } from './verify-rule.js';

/** How the idle colour would be reached for its checks. */
export function routeLine(config: Config, idle: Colour): string {
  const kind = routeKind(config);
  if (kind === 'test-listener') return `Check ${idle} through the test listener, pointed at it first.`;
  if (kind === 'forward') return `Add ${idle} to the production forward at weight 0 so the ALB health-checks it (verify-route: forward).`;
  const proof = config.health.url && !config.health.url.includes('{color}') ? `, after a probe of ${config.health.url} with the header proves it goes through that rule` : '';
  return `Create a verification rule on the production listener that forwards to ${idle} only requests carrying ${VERIFY_HEADER} with a secret of the run${proof}; it is deleted after the switch.`;
}

export function planLines(config: Config, live: Colour, taskDefinition: string, desired: number, releaseIdle: boolean): string[] {
  const idle = otherColour(live);
  const steps = shiftSteps(config.trafficShift);
  return [
    `Live colour: ${live} (${config.services[live]}); deploy to ${idle} (${config.services[idle]}).`,
    ...(releaseIdle ? [`Take ${idle} out of the production forward first: target-group stickiness may still hold clients on it.`] : []),
    `Task definition: ${taskDefinition}.`,
    routeLine(config, idle),
    ...(config.commands.preDeploy ? [`Run pre-deploy-command (up to ${formatDurationInput(config.commands.timeoutMs)}).`] : []),
    ...(config.commands.preDeployTask ? [`Run a one-off task of it with pre-deploy-task-command ${JSON.stringify(config.commands.preDeployTask)}; it must exit 0 within ${formatDurationInput(config.waitTimeoutMs)}.`] : []),
    `Update ${config.services[idle]} to it with ${desired} task(s); wait up to ${formatDurationInput(config.waitTimeoutMs)} for the rollout.`,
    `Verify ${idle}: all targets healthy${config.health.url ? `, then ${config.health.healthyThreshold} consecutive passes of ${substituteColour(config.health.url, idle)}` : ''}; at least as many tasks as ${live} wants.`,
    ...(config.commands.smokeTest ? [`Run smoke-test-command against ${idle} (up to ${formatDurationInput(config.commands.timeoutMs)}); traffic moves only if it passes.`] : []),
    ...(config.mode === 'prepare'
      ? [`Stop there: traffic stays on ${live}; mode: promote switches to ${idle}.`]
      : [
          `Shift traffic to ${idle}: ${steps.map((p) => `${p}%`).join(' → ')}${config.trafficShift.kind === 'all-at-once' ? '' : `, ${formatDurationInput(config.trafficShift.waitMs)} between steps`}.`,
          `Record ${idle} in ${config.stateParameter}; bake for ${formatDurationInput(config.bakeTimeMs)} (${config.health.unhealthyThreshold} consecutive failures roll back${config.alarms.length ? `; alarms: ${config.alarms.join(', ')}` : ''}).`,
          ...(config.commands.postDeploy ? [`Run post-deploy-command (up to ${formatDurationInput(config.commands.timeoutMs)}).`] : []),
          ...(config.scaleDownPrevious ? [`Then scale ${config.services[live]} to 0 after ${formatDurationInput(config.scaleDownDelayMs)}.`] : []),
        ]),
  ];
}

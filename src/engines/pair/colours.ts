// engine: pair's colours: two ECS services, each registering its tasks in its colour's target group. The
// idle one is deployed (deploy-idle.ts); this is what the shared phases ask of a colour.
import * as core from '@actions/core';
import type { AwsPorts } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import type { WatchCheck } from '../../health/gate.js';
import type { Colour, Config } from '../../types.js';
import { describeTargets, healthyCount } from '../../flow/target-health.js';
import type { ColourStatus, IdleColours } from '../engine.js';
import { ensureCapacity } from './capacity.js';

export const serviceColours: IdleColours = {
  service: (ports, config, colour) => ports.ecs.describeService(config.cluster, config.services[colour]),
  describe: describeColour,
  describeStep: 'Describe services',
  watchChecks: (ports, config, colour) => [failedTaskEvents(ports, config, colour)],
  ensureCapacity,
};

async function describeColour(ports: AwsPorts, config: Config, colour: Colour): Promise<ColourStatus> {
  const service = await ports.ecs.describeService(config.cluster, config.services[colour]);
  const [taskDefinition, targets] = await Promise.all([
    ports.ecs.describeTaskDefinition(service.taskDefinitionArn),
    ports.elb.describeTargetHealth(config.targetGroups[colour]),
  ]);
  const images = (taskDefinition.containerDefinitions ?? []).map((c) => `${c.name ?? '?'}=${c.image ?? '?'}`);
  core.info(
    `${colour}: ${service.serviceName} runs ${service.runningCount}/${service.desiredCount} task(s) of ${service.taskDefinitionArn} [${images.join(', ')}]; targets: ${describeTargets(targets)}`,
  );
  return { colour, service: service.serviceName, taskDefinitionArn: service.taskDefinitionArn, images, desired: service.desiredCount, running: service.runningCount, healthy: healthyCount(targets) };
}

// ECS's service events that mean a task of the new revision failed while serving (real ECS wording).
const TASK_FAILURE_EVENTS = [/failed ELB health checks/, /failed container health checks/, /is unhealthy in \(target-group/, /unable to consistently start tasks/];

/**
 * Fails as soon as ECS reports a new task failure for the colour. Probes through a load balancer can
 * keep passing while ECS replaces failing tasks one by one (each fresh task passes for a while), and
 * target health then shows few unhealthy targets at any moment; ECS's events say it outright.
 * Events already there at the first check (the rollout's own history) are the baseline, so no clock
 * comparison with AWS is needed.
 */
function failedTaskEvents(ports: AwsPorts, config: Config, colour: Colour): WatchCheck {
  let seen: Set<string> | undefined;
  return {
    name: `${colour} ECS tasks`,
    unhealthyThreshold: 1,
    run: async () => {
      let events: string[];
      try {
        events = (await ports.ecs.describeService(config.cluster, config.services[colour])).events;
      } catch (error) {
        core.warning(`Could not read the ${colour} service's events: ${errorMessage(error)}`);
        return { ok: true, detail: 'service events unavailable' };
      }
      const baseline = seen;
      seen = new Set([...(baseline ?? []), ...events]);
      if (!baseline) return { ok: true, detail: 'service events baseline taken' };
      const failures = events.filter((e) => !baseline.has(e) && TASK_FAILURE_EVENTS.some((p) => p.test(e)));
      return failures.length === 0 ? { ok: true, detail: 'no task failures reported' } : { ok: false, detail: `ECS reports: ${failures.join('; ')}` };
    },
  };
}

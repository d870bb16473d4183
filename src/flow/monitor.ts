// What is watched while traffic is on the new colour: HTTP probes, CloudWatch alarms, target health,
// and ECS's own word that tasks of the new colour failed their health checks.
import * as core from '@actions/core';
import type { AlarmState, AwsPorts } from '../aws/ports.js';
import { errorMessage, HealthCheckFailed } from '../errors.js';
import { probeCheck, type WatchCheck } from '../health/gate.js';
import { substituteColour, type Probe } from '../health/probe.js';
import type { Colour, Config } from '../types.js';
import { describeTargets, healthyCount } from './target-health.js';
import type { IdleColours } from '../engines/engine.js';

export function monitorChecks(ports: AwsPorts, config: Config, probe: Probe, colour: Colour, colours: Pick<IdleColours, 'watchChecks'>): WatchCheck[] {
  const checks: WatchCheck[] = [];
  const url = config.health.postSwitchUrl ?? config.health.url;
  if (url) checks.push(probeCheck(probe, substituteColour(url, colour), config.health.unhealthyThreshold));
  if (config.alarms.length > 0) checks.push(alarmsCheck(ports, config));
  checks.push(targetGroupCheck(ports, `${colour} target health`, colour, config.targetGroups[colour], config.health.unhealthyThreshold));
  // What the engine adds: the pair's ECS events; without ECS (engine: traffic) target health and the probes say it.
  checks.push(...colours.watchChecks(ports, config, colour));
  return checks;
}

/** Fails when any of `alarm-names` is in ALARM; a failed read is no evidence and passes. */
export function alarmsCheck(ports: AwsPorts, config: Config): WatchCheck {
  return {
    name: 'CloudWatch alarms',
    // One alarm in ALARM is enough: the alarm has already applied its own evaluation periods.
    unhealthyThreshold: 1,
    run: async () => {
      let states: AlarmState[];
      try {
        states = await ports.alarms.describe(config.alarms);
      } catch (error) {
        // A throttled or failed read is no evidence against the release: retry next interval.
        // (Alarms that do not exist were already refused before the switch, by checkAlarmsBeforeShift.)
        core.warning(`Could not read the CloudWatch alarms: ${errorMessage(error)}`);
        return { ok: true, detail: 'alarm states unavailable' };
      }
      const firing = states.filter((a) => a.state === 'ALARM');
      return firing.length === 0
        ? { ok: true, detail: `${states.length} alarm(s) OK` }
        : { ok: false, detail: firing.map((a) => `${a.name} in ALARM${a.reason ? `: ${a.reason}` : ''}`).join('; ') };
    },
  };
}

/** Fails while the group has no healthy target, or any unhealthy one. `label` names its revision or colour. */
export function targetGroupCheck(ports: AwsPorts, name: string, label: string, targetGroupArn: string, unhealthyThreshold: number): WatchCheck {
  return {
    name,
    unhealthyThreshold,
    run: async () => {
      // Any unhealthy target counts, not only "none healthy": ECS replacing failing tasks keeps a few
      // targets healthy at every moment while users keep hitting the ones about to fail.
      const targets = await ports.elb.describeTargetHealth(targetGroupArn);
      const unhealthy = targets.filter((t) => t.state === 'unhealthy');
      if (healthyCount(targets) === 0) return { ok: false, detail: `no healthy ${label} targets: ${describeTargets(targets)}` };
      if (unhealthy.length > 0) return { ok: false, detail: `${unhealthy.length} unhealthy ${label} target(s): ${describeTargets(targets)}` };
      return { ok: true, detail: describeTargets(targets) };
    },
  };
}

/** Before any traffic moves: every alarm must exist, and none may already be in ALARM. */
export async function checkAlarmsBeforeShift(ports: AwsPorts, config: Config): Promise<void> {
  if (config.alarms.length === 0) return;
  const states = await ports.alarms.describe(config.alarms);
  const firing = states.filter((a) => a.state === 'ALARM');
  if (firing.length > 0) {
    throw new HealthCheckFailed(
      `Not switching: ${firing.map((a) => a.name).join(', ')} already in ALARM before any traffic moved; the alarm would roll the deploy back at once. Resolve it first.`,
    );
  }
  core.info(`CloudWatch alarms: ${states.map((a) => `${a.name} ${a.state}`).join(', ')}`);
}

// What is watched while traffic is on the new colour: HTTP probes, CloudWatch alarms, target health.
import * as core from '@actions/core';
import type { AlarmState, AwsPorts } from '../aws/ports.js';
import { errorMessage, HealthCheckFailed } from '../errors.js';
import { probeCheck, type WatchCheck } from '../health/gate.js';
import { substituteColour, type Probe } from '../health/probe.js';
import type { Colour, Config } from '../types.js';
import { describeTargets, healthyCount } from './target-health.js';

export function monitorChecks(ports: AwsPorts, config: Config, probe: Probe, colour: Colour): WatchCheck[] {
  const checks: WatchCheck[] = [];
  const url = config.health.postSwitchUrl ?? config.health.url;
  if (url) checks.push(probeCheck(probe, substituteColour(url, colour), config.health.unhealthyThreshold));
  if (config.alarms.length > 0) {
    checks.push({
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
    });
  }
  checks.push({
    name: `${colour} target health`,
    unhealthyThreshold: config.health.unhealthyThreshold,
    run: async () => {
      const targets = await ports.elb.describeTargetHealth(config.targetGroups[colour]);
      return healthyCount(targets) > 0
        ? { ok: true, detail: describeTargets(targets) }
        : { ok: false, detail: `no healthy ${colour} targets: ${describeTargets(targets)}` };
    },
  });
  return checks;
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

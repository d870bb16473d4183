// AlarmPort over the CloudWatch client: the state of every named alarm, metric and composite alike.
import { paginateDescribeAlarms, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AwsResourceNotFound, tagOperations } from './aws-error.js';
import type { ClientConfig } from './client-config.js';
import type { AlarmPort, AlarmState } from './ports.js';

/** DescribeAlarms accepts at most 100 alarm names per call. */
export const MAX_ALARM_NAMES_PER_CALL = 100;

export function createAlarmPort(client: CloudWatchClient): AlarmPort {
  return {
    async describe(names: string[]): Promise<AlarmState[]> {
      const wanted = [...new Set(names)];
      const found = new Map<string, AlarmState>();
      for (let i = 0; i < wanted.length; i += MAX_ALARM_NAMES_PER_CALL) {
        const input = {
          AlarmNames: wanted.slice(i, i + MAX_ALARM_NAMES_PER_CALL),
          AlarmTypes: ['MetricAlarm' as const, 'CompositeAlarm' as const],
        };
        for await (const page of paginateDescribeAlarms({ client, pageSize: MAX_ALARM_NAMES_PER_CALL }, input)) {
          for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
            if (!alarm.AlarmName) continue;
            found.set(alarm.AlarmName, {
              name: alarm.AlarmName,
              state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
              ...(alarm.StateReason !== undefined && { reason: alarm.StateReason }),
              ...(alarm.StateUpdatedTimestamp !== undefined && { updatedAt: alarm.StateUpdatedTimestamp.toISOString() }),
            });
          }
        }
      }
      const missing = wanted.filter((name) => !found.has(name));
      if (missing.length > 0) {
        throw new AwsResourceNotFound(
          'CloudWatch alarm',
          missing.join(', '),
          `CloudWatch has no alarm named ${missing.map((n) => `'${n}'`).join(', ')}. Check the 'cloudwatch-alarms' input (exact names, one region).`,
        );
      }
      return wanted.map((name) => found.get(name) as AlarmState);
    },
  };
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): AlarmPort => createAlarmPort(tagOperations(new CloudWatchClient(config), 'cloudwatch'));

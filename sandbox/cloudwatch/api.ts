// CloudWatch alarms, whose state the sandbox's control API sets; the action only reads them.
import { arns, type Account } from '../core/ids.js';
import { AwsError } from '../core/aws-error.js';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface Alarm {
  name: string;
  state: AlarmStateValue;
  reason: string;
  updatedAt: Date;
  createdAt: Date;
}

export class AlarmModel {
  readonly alarms = new Map<string, Alarm>();

  /** Creates the alarm if needed and sets its state, as CloudWatch's SetAlarmState would. */
  set(name: string, state: AlarmStateValue, reason = `Set by the sandbox to ${state}`): void {
    const existing = this.alarms.get(name);
    this.alarms.set(name, { name, state, reason, updatedAt: new Date(), createdAt: existing?.createdAt ?? new Date() });
  }
}

export function cloudWatchOperations(model: AlarmModel, account: Account): Record<string, (input: Record<string, unknown>) => unknown> {
  return {
    DescribeAlarms(input) {
      const names = input.AlarmNames as string[] | undefined;
      if (names && names.length > 100) {
        throw new AwsError('ValidationError', `1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100`);
      }
      const prefix = input.AlarmNamePrefix as string | undefined;
      const state = input.StateValue as string | undefined;
      const alarms = [...model.alarms.values()].filter(
        (a) =>
          (!names || names.length === 0 || names.includes(a.name)) &&
          (prefix === undefined || a.name.startsWith(prefix)) &&
          (state === undefined || a.state === state),
      );
      return {
        MetricAlarms: alarms.map((a) => ({
          AlarmName: a.name,
          AlarmArn: arns.alarm(account, a.name),
          AlarmConfigurationUpdatedTimestamp: a.createdAt,
          ActionsEnabled: true,
          OKActions: [],
          AlarmActions: [],
          InsufficientDataActions: [],
          StateValue: a.state,
          StateReason: a.reason,
          StateUpdatedTimestamp: a.updatedAt,
          StateTransitionedTimestamp: a.updatedAt,
          MetricName: 'HTTPCode_Target_5XX_Count',
          Namespace: 'AWS/ApplicationELB',
          Statistic: 'Sum',
          Dimensions: [],
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        })),
        CompositeAlarms: [],
      };
    },
  };
}

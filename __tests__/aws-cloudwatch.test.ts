import { beforeEach, describe, expect, it } from '@jest/globals';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsResourceNotFound } from '../src/aws/aws-error.js';
import { createAlarmPort, MAX_ALARM_NAMES_PER_CALL } from '../src/aws/cloudwatch.js';

const cw = mockClient(CloudWatchClient);
const port = createAlarmPort(new CloudWatchClient({ region: 'eu-west-1' }));
const updated = new Date('2026-11-22T10:00:00Z');

beforeEach(() => {
  cw.reset();
});

describe('describe', () => {
  it('returns metric and composite alarms in the order asked, asking for both types', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: '5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed', StateUpdatedTimestamp: updated }],
      CompositeAlarms: [{ AlarmName: 'web-health', StateValue: 'OK' }],
    });
    await expect(port.describe(['web-health', '5xx'])).resolves.toEqual([
      { name: 'web-health', state: 'OK' },
      { name: '5xx', state: 'ALARM', reason: 'Threshold Crossed', updatedAt: '2026-11-22T10:00:00.000Z' },
    ]);
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['web-health', '5xx'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
  });

  it('follows NextToken across pages', async () => {
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }], NextToken: 'page-2' })
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'b', StateValue: 'INSUFFICIENT_DATA' }] });
    await expect(port.describe(['a', 'b'])).resolves.toEqual([
      { name: 'a', state: 'OK' },
      { name: 'b', state: 'INSUFFICIENT_DATA' },
    ]);
    expect(cw).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 2);
    expect(cw).toHaveReceivedNthSpecificCommandWith(2, DescribeAlarmsCommand, { NextToken: 'page-2' });
  });

  it(`asks for at most ${MAX_ALARM_NAMES_PER_CALL} names per call`, async () => {
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`);
    cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      MetricAlarms: input.AlarmNames.map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
    }));
    const states = await port.describe(names);
    expect(states.map((s) => s.name)).toEqual(names);
    const calls = cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNames?.length);
    expect(calls).toEqual([100, 50]);
  });

  it('asks once per name even when a name is repeated', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }] });
    await expect(port.describe(['a', 'a'])).resolves.toEqual([{ name: 'a', state: 'OK' }]);
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['a'] });
  });

  it('names every alarm that does not exist', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }, {}] });
    const describe = port.describe(['a', 'typo-1', 'typo-2']);
    await expect(describe).rejects.toBeInstanceOf(AwsResourceNotFound);
    await expect(describe).rejects.toThrow("CloudWatch has no alarm named 'typo-1', 'typo-2'. Check the 'cloudwatch-alarms' input");
  });

  it('reads an alarm without a state as INSUFFICIENT_DATA', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: 'c' }] });
    await expect(port.describe(['c'])).resolves.toEqual([{ name: 'c', state: 'INSUFFICIENT_DATA' }]);
  });

  it('makes no call for no names', async () => {
    await expect(port.describe([])).resolves.toEqual([]);
    expect(cw).not.toHaveReceivedCommand(DescribeAlarmsCommand);
  });
});

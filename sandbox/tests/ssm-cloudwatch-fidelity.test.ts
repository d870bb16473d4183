// The real SSM and CloudWatch SDK clients against the sandbox.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { startSandbox, type Sandbox } from '../index.js';
import { clientsFor, rejectionOf } from './clients.js';

let sb: Sandbox;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  sb = await startSandbox();
  clients = clientsFor(sb, { maxAttempts: 1 });
});
afterAll(() => sb.stop());

describe('SSM parameters', () => {
  test('put, overwrite, get and delete', async () => {
    const put = await clients.ssm.send(new PutParameterCommand({ Name: '/app/live-color', Value: 'blue', Type: 'String' }));
    expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });
    const again = await clients.ssm.send(new PutParameterCommand({ Name: '/app/live-color', Value: 'green', Overwrite: true }));
    expect(again.Version).toBe(2);
    const got = await clients.ssm.send(new GetParameterCommand({ Name: '/app/live-color' }));
    expect(got.Parameter).toMatchObject({
      Name: '/app/live-color',
      Type: 'String',
      Value: 'green',
      Version: 2,
      ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/live-color',
      DataType: 'text',
    });
    expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    await clients.ssm.send(new DeleteParameterCommand({ Name: '/app/live-color' }));
    const gone = await rejectionOf(clients.ssm.send(new GetParameterCommand({ Name: '/app/live-color' })));
    expect(gone.name).toBe('ParameterNotFound');
    expect(gone.$metadata.httpStatusCode).toBe(400);
    const del = await rejectionOf(clients.ssm.send(new DeleteParameterCommand({ Name: '/app/live-color' })));
    expect(del.name).toBe('ParameterNotFound');
  });

  test('a put without Overwrite on an existing name is ParameterAlreadyExists (the lock relies on it)', async () => {
    await clients.ssm.send(new PutParameterCommand({ Name: '/app/lock', Value: 'run-1', Type: 'String' }));
    const e = await rejectionOf(clients.ssm.send(new PutParameterCommand({ Name: '/app/lock', Value: 'run-2', Type: 'String' })));
    expect(e.name).toBe('ParameterAlreadyExists');
    expect(sb.world.ssm.parameters.get('/app/lock')?.Value).toBe('run-1');
  });

  test.each([
    ['an aws prefix', 'aws-thing'],
    ['an ssm prefix', '/ssm/thing'],
    ['a space', '/app/live color'],
    ['a path without a leading slash', 'app/live-color'],
    ['an empty sub-path', '/app//live-color'],
    ['sixteen levels', '/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')],
  ])('rejects a name with %s', async (_what, name) => {
    const e = await rejectionOf(clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' })));
    expect(['ValidationException', 'HierarchyLevelLimitExceededException']).toContain(e.name);
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  test('rejects an empty value and a new parameter without a type', async () => {
    expect((await rejectionOf(clients.ssm.send(new PutParameterCommand({ Name: '/app/x', Value: '', Type: 'String' })))).name).toBe('ValidationException');
    expect((await rejectionOf(clients.ssm.send(new PutParameterCommand({ Name: '/app/y', Value: 'v' })))).name).toBe('ValidationException');
  });
});

describe('CloudWatch alarms', () => {
  test('DescribeAlarms returns the named alarms that exist, with state and timestamps', async () => {
    sb.setAlarm('app-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [12.0] was >= the threshold (1.0).');
    sb.setAlarm('app-latency', 'OK');
    const out = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['app-5xx', 'app-latency', 'absent'] }));
    expect(out.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue])).toEqual([
      ['app-5xx', 'ALARM'],
      ['app-latency', 'OK'],
    ]);
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(out.MetricAlarms?.[0]?.AlarmArn).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:app-5xx');
    expect(sb.requests({ service: 'cloudwatch' }).map((r) => r.operation)).toEqual(['DescribeAlarms']);
  });

  test('a throttled DescribeAlarms surfaces as CloudWatch\'s Throttling error', async () => {
    sb.injectFault({ kind: 'throttle', operation: 'DescribeAlarms', times: 1 });
    const e = await rejectionOf(clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['app-5xx'] })));
    expect(e.name).toBe('Throttling');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });
});

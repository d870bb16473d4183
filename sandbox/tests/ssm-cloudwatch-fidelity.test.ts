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
    ['a space', '/app/live color'],
    ['an empty sub-path', '/app//live-color'],
    ['sixteen levels', '/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')],
  ])('rejects a name with %s, on put and on get', async (_what, name) => {
    for (const call of [
      clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' })),
      clients.ssm.send(new GetParameterCommand({ Name: name })),
    ]) {
      const e = await rejectionOf(call);
      expect(['ValidationException', 'HierarchyLevelLimitExceededException']).toContain(e.name);
      expect(e.$metadata.httpStatusCode).toBe(400);
    }
  });

  test('a path without its leading slash: put says "fully qualified", get gives the name-rules message', async () => {
    const put = await rejectionOf(clients.ssm.send(new PutParameterCommand({ Name: 'app/live-color', Value: 'x', Type: 'String' })));
    expect([put.name, put.message]).toEqual(['ValidationException', 'Parameter name must be a fully qualified name.']);
    const get = await rejectionOf(clients.ssm.send(new GetParameterCommand({ Name: 'app/live-color' })));
    expect(get.name).toBe('ValidationException');
    expect(get.message).toMatch(/^Parameter name: can't be prefixed with "ssm" \(case-insensitive\)\. If formed as a path/);
  });

  // "A parameter name can't be prefixed with "aws" or "ssm" (case-insensitive)": aws names are reserved
  // for AWS (AccessDeniedException "No access to reserved parameter name"), ssm ones fail validation.
  test.each([
    ['aws-thing', 'AccessDeniedException', 'No access to reserved parameter name: aws-thing.'],
    ['AWSTestParameter', 'AccessDeniedException', 'No access to reserved parameter name: AWSTestParameter.'],
    ['/aws/testparam1', 'AccessDeniedException', 'No access to reserved parameter name: aws/testparam1.'],
    ['/Aws/service/mine', 'AccessDeniedException', 'No access to reserved parameter name: Aws/service/mine.'],
    ['SSM-testparameter', 'ValidationException', expect.stringMatching(/^Parameter name: can't be prefixed with "ssm"/)],
    ['/ssm/thing', 'ValidationException', expect.stringMatching(/^Parameter name: can't be prefixed with "ssm"/)],
  ])('put and delete reject the reserved name %s', async (name, code, message) => {
    for (const call of [
      clients.ssm.send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' })),
      clients.ssm.send(new DeleteParameterCommand({ Name: name })),
    ]) {
      const e = await rejectionOf(call);
      expect([e.name, e.message]).toEqual([code, message]);
      expect(e.$metadata.httpStatusCode).toBe(400);
    }
    expect(sb.world.ssm.parameters.has(name)).toBe(false);
  });

  test('get reads public parameter names: /aws/service/... is not a ValidationException', async () => {
    for (const name of ['/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', '/aws/service/ecs/optimized-ami/amazon-linux-2/recommended']) {
      const e = await rejectionOf(clients.ssm.send(new GetParameterCommand({ Name: name })));
      expect(e.name).toBe('ParameterNotFound');
    }
  });

  test('names that merely contain aws or ssm further in are ordinary', async () => {
    const put = await clients.ssm.send(new PutParameterCommand({ Name: '/app/aws/ssm-colour', Value: 'blue', Type: 'String' }));
    expect(put.Version).toBe(1);
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

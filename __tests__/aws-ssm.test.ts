import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createSsmPort } from '../src/aws/ssm.js';

const meta = { $metadata: {} };
const NAME = '/deploy/web/live-colour';
const ssm = mockClient(SSMClient);
const port = createSsmPort(new SSMClient({ region: 'eu-west-1' }));
const denied = () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });

beforeEach(() => {
  ssm.reset();
});

describe('get', () => {
  it('returns the value and version', async () => {
    ssm.on(GetParameterCommand, { Name: NAME }).resolves({ Parameter: { Name: NAME, Value: 'blue', Version: 7 } });
    await expect(port.get(NAME)).resolves.toEqual({ value: 'blue', version: 7 });
  });

  it('fills defaults when AWS leaves fields out', async () => {
    ssm.on(GetParameterCommand).resolves({});
    await expect(port.get(NAME)).resolves.toEqual({ value: '', version: 0 });
  });

  it('returns undefined for a missing parameter', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', ...meta }));
    await expect(port.get(NAME)).resolves.toBeUndefined();
  });

  it('passes other errors through', async () => {
    const error = denied();
    ssm.on(GetParameterCommand).rejects(error);
    await expect(port.get(NAME)).rejects.toBe(error);
  });
});

describe('put', () => {
  it('overwrites a String parameter', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 8 });
    await port.put(NAME, 'green', 'Live colour of web');
    await port.put(NAME, 'blue');
    expect(ssm).toHaveReceivedNthSpecificCommandWith(1, PutParameterCommand, { Name: NAME, Value: 'green', Type: 'String', Overwrite: true, Description: 'Live colour of web' });
    expect(ssm.commandCalls(PutParameterCommand)[1]?.args[0].input).toEqual({ Name: NAME, Value: 'blue', Type: 'String', Overwrite: true });
  });
});

describe('putIfAbsent', () => {
  it('creates without overwrite and says it did', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    await expect(port.putIfAbsent('/deploy/web/lock', 'run-1', 'lock')).resolves.toBe(true);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/deploy/web/lock', Value: 'run-1', Type: 'String', Overwrite: false, Description: 'lock' });
  });

  it('returns false when the parameter already exists', async () => {
    ssm.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'The parameter already exists.', ...meta }));
    await expect(port.putIfAbsent('/deploy/web/lock', 'run-2')).resolves.toBe(false);
  });

  it('passes other errors through', async () => {
    const error = denied();
    ssm.on(PutParameterCommand).rejects(error);
    await expect(port.putIfAbsent('/deploy/web/lock', 'run-2')).rejects.toBe(error);
  });
});

describe('delete', () => {
  it('deletes the parameter', async () => {
    ssm.on(DeleteParameterCommand).resolves({});
    await port.delete('/deploy/web/lock');
    expect(ssm).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: '/deploy/web/lock' });
  });

  it('ignores a parameter that is already gone', async () => {
    ssm.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: '', ...meta }));
    await expect(port.delete('/deploy/web/lock')).resolves.toBeUndefined();
  });

  it('passes other errors through', async () => {
    const error = denied();
    ssm.on(DeleteParameterCommand).rejects(error);
    await expect(port.delete('/deploy/web/lock')).rejects.toBe(error);
  });
});

describe('history', () => {
  it('reads every page (50 is the largest), and sorts the versions oldest first whatever order AWS returns', async () => {
    const version = (v: number) => ({ Name: NAME, Version: v, Value: v % 2 ? 'blue' : 'green', LastModifiedDate: new Date(Date.UTC(2026, 10, 1, 0, v)), Description: `v${v}` });
    ssm.on(GetParameterHistoryCommand, { Name: NAME, MaxResults: 50 }).resolvesOnce({ Parameters: [version(3), version(2)], NextToken: 'page-2' });
    ssm.on(GetParameterHistoryCommand, { Name: NAME, MaxResults: 50, NextToken: 'page-2' }).resolves({ Parameters: [version(1)] });
    await expect(port.history(NAME)).resolves.toEqual([
      { version: 1, value: 'blue', modifiedAt: '2026-11-01T00:01:00.000Z', description: 'v1' },
      { version: 2, value: 'green', modifiedAt: '2026-11-01T00:02:00.000Z', description: 'v2' },
      { version: 3, value: 'blue', modifiedAt: '2026-11-01T00:03:00.000Z', description: 'v3' },
    ]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterHistoryCommand, 2);
  });

  it('is undefined for a missing parameter, and passes a refusal through for the caller to name', async () => {
    ssm.on(GetParameterHistoryCommand).rejects(new ParameterNotFound({ message: '', ...meta }));
    await expect(port.history(NAME)).resolves.toBeUndefined();
    ssm.on(GetParameterHistoryCommand).rejects(denied());
    await expect(port.history(NAME)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

import { beforeEach, describe, expect, it, jest } from '@jest/globals';

const setOutput = jest.fn();
jest.unstable_mockModule('@actions/core', () => ({ setOutput }));
const { OUTPUT_NAMES, outputValues, setOutputs } = await import('../src/report/outcome.js');

const outputs = () => Object.fromEntries(setOutput.mock.calls.map(([name, value]) => [name, value]));

beforeEach(() => {
  setOutput.mockClear();
});

describe('setOutputs', () => {
  it('sets every output of the contract for a successful deploy', () => {
    setOutputs({
      status: 'succeeded',
      liveColour: 'green',
      previousColour: 'blue',
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42',
      rolledBack: false,
      switchedAt: '2026-11-01T12:05:00.000Z',
    });
    expect(outputs()).toEqual({
      status: 'succeeded',
      'live-color': 'green',
      'previous-color': 'blue',
      'task-definition-arn': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42',
      'rolled-back': 'false',
      'rollback-reason': '',
      'switched-at': '2026-11-01T12:05:00.000Z',
      'service-deployment-arn': '',
      'target-color': '',
      'pre-deploy-task-arn': '',
    });
  });

  it('sets every output, empty when unknown, even for a bare failure', () => {
    setOutputs({ status: 'failed', rolledBack: false });
    expect(setOutput).toHaveBeenCalledTimes(OUTPUT_NAMES.length);
    expect(outputs()).toEqual({
      status: 'failed',
      'live-color': '',
      'previous-color': '',
      'task-definition-arn': '',
      'rolled-back': 'false',
      'rollback-reason': '',
      'switched-at': '',
      'service-deployment-arn': '',
      'target-color': '',
      'pre-deploy-task-arn': '',
    });
  });

  it('writes the rollback reason on one line', () => {
    setOutputs({
      status: 'rolled-back',
      liveColour: 'blue',
      previousColour: 'blue',
      rolledBack: true,
      rollbackReason: 'health check http://green/health failed 3 times in a row:\n  status 503\r\n  status 503\n',
    });
    expect(outputs()['rolled-back']).toBe('true');
    expect(outputs()['rollback-reason']).toBe('health check http://green/health failed 3 times in a row: status 503 status 503');
  });

  it('names exactly the outputs of the v1 contract', () => {
    expect(Object.keys(outputValues({ status: 'no-op', rolledBack: false })).sort()).toEqual(
      ['live-color', 'pre-deploy-task-arn', 'previous-color', 'rollback-reason', 'rolled-back', 'service-deployment-arn', 'status', 'switched-at', 'target-color', 'task-definition-arn'],
    );
  });
});

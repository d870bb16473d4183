import { describe, expect, it } from '@jest/globals';
import { AwsResourceNotFound, explainAwsError, isAwsError, rethrowNotFound } from '../src/aws/aws-error.js';

describe('isAwsError', () => {
  it('matches the error name or the wire code', () => {
    expect(isAwsError(Object.assign(new Error('x'), { name: 'ParameterNotFound' }), 'ParameterNotFound')).toBe(true);
    expect(isAwsError({ Code: 'ListenerNotFound' }, 'ListenerNotFoundException', 'ListenerNotFound')).toBe(true);
    expect(isAwsError(new Error('x'), 'ParameterNotFound')).toBe(false);
  });

  it('is false for things that are not objects', () => {
    expect(isAwsError('ParameterNotFound', 'ParameterNotFound')).toBe(false);
    expect(isAwsError(null, 'ParameterNotFound')).toBe(false);
    expect(isAwsError(undefined, 'ParameterNotFound')).toBe(false);
  });
});

describe('rethrowNotFound', () => {
  it('turns a matching error into AwsResourceNotFound carrying resource, identifier and cause', () => {
    const cause = Object.assign(new Error('gone'), { name: 'RuleNotFoundException' });
    let thrown: unknown;
    try {
      rethrowNotFound(cause, ['RuleNotFoundException'], 'listener rule', 'arn:rule', 'Check the input.');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AwsResourceNotFound);
    expect(thrown).toMatchObject({ name: 'AwsResourceNotFound', resource: 'listener rule', identifier: 'arn:rule', cause });
    expect((thrown as Error).message).toBe("The listener rule 'arn:rule' was not found (gone). Check the input.");
  });

  it('rethrows anything else as it was', () => {
    const other = new Error('boom');
    expect(() => rethrowNotFound(other, ['RuleNotFoundException'], 'listener rule', 'arn:rule', '')).toThrow(other);
  });
});

describe('explainAwsError', () => {
  it('names the service, the call and what to check when AWS cannot be reached', () => {
    const inCause = explainAwsError(Object.assign(new Error('wrapped'), { cause: { code: 'ENOTFOUND' } }), 'ECS', 'describeService') as Error;
    expect(inCause.name).toBe('AwsAccessFailed');
    expect(inCause.message).toMatch(/^Could not reach AWS ECS for describeService: wrapped\. Check 'aws-region'/);
    const timeout = explainAwsError({ name: 'TimeoutError', message: 'Request timed out' }, 'SSM', 'put') as Error;
    expect(timeout.message).toMatch(/^Could not reach AWS SSM for put: Request timed out/);
  });

  it('passes through errors that are about the deployment, not about access', () => {
    const throttled = { name: 'ThrottlingException', message: 'Rate exceeded' };
    expect(explainAwsError(throttled, 'SSM', 'get')).toBe(throttled);
    expect(explainAwsError('plain', 'SSM', 'get')).toBe('plain');
  });
});

import { describe, expect, it } from '@jest/globals';
import { AwsResourceNotFound, explainAwsError, isAwsError, operationOf, rethrowNotFound, tagOperations } from '../src/aws/aws-error.js';

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

/** An error as a tagged SDK client raises it: the IAM-style operation name rides along. */
const raisedBy = <E extends object>(operation: string, error: E): E => Object.defineProperty(error, '$operation', { value: operation });

describe('explainAwsError', () => {
  // The issue: messages named internal methods (putIfAbsent, readActions), not what a person grants.
  it('names the service, the AWS operation and what to check when AWS cannot be reached', () => {
    const inCause = explainAwsError(raisedBy('ecs:DescribeServices', Object.assign(new Error('wrapped'), { cause: { code: 'ENOTFOUND' } })), 'ECS') as Error;
    expect(inCause.name).toBe('AwsAccessFailed');
    expect(inCause.message).toMatch(/^Could not reach AWS ECS for ecs:DescribeServices: wrapped\. Check 'aws-region'/);
    const timeout = explainAwsError(raisedBy('ssm:PutParameter', { name: 'TimeoutError', message: 'Request timed out' }), 'SSM') as Error;
    expect(timeout.message).toMatch(/^Could not reach AWS SSM for ssm:PutParameter: Request timed out/);
    expect(timeout.message).not.toMatch(/putIfAbsent|readActions/);
  });

  it('says "an AWS call" of the service when the operation is unknown', () => {
    const error = explainAwsError({ name: 'TimeoutError', message: 'Request timed out' }, 'SSM') as Error;
    expect(error.message).toMatch(/^Could not reach AWS SSM for an AWS SSM call: Request timed out/);
  });

  it('turns an AWS service error no adapter handled into one naming the operation, the code, the status and the attempts', () => {
    const throttled = raisedBy('ssm:PutParameter', { name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 3 } });
    const explained = explainAwsError(throttled, 'SSM') as Error;
    expect(explained).toMatchObject({ name: 'AwsCallFailed', cause: throttled });
    expect(explained.message).toBe('ssm:PutParameter failed: Rate exceeded (ThrottlingException, HTTP 400, 3 attempts)');
  });

  it('passes through what is not an AWS error', () => {
    const ours = { name: 'ListenerNotFound', message: 'gone' };
    expect(explainAwsError(ours, 'SSM')).toBe(ours);
    expect(explainAwsError('plain', 'SSM')).toBe('plain');
  });
});

describe('tagOperations', () => {
  it('marks every error a client raises with the IAM-style name of its command, once', async () => {
    type Middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>;
    const added: Middleware[] = [];
    const client = { middlewareStack: { add: (m: Middleware) => added.push(m) } };
    tagOperations(client, 'elasticloadbalancing');
    const [middleware] = added;
    const failing = async () => {
      throw new Error('boom');
    };
    const error = await middleware!(failing, { commandName: 'ModifyListenerCommand' })({}).catch((e: unknown) => e);
    expect(operationOf(error)).toBe('elasticloadbalancing:ModifyListener');
    const again = await middleware!(async () => Promise.reject(error), { commandName: 'DescribeRulesCommand' })({}).catch((e: unknown) => e);
    expect(operationOf(again)).toBe('elasticloadbalancing:ModifyListener');
    await expect(middleware!(async () => 'ok', { commandName: 'DescribeRulesCommand' })({})).resolves.toBe('ok');
  });
});

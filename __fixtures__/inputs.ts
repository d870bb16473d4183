// The action inputs of a valid engine: pair deploy, as the input tests start from.
export const TG_BLUE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-blue/0123456789abcdef';
export const TG_GREEN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-green/fedcba9876543210';
export const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2';

export const PAIR_INPUTS: Readonly<Record<string, string>> = {
  cluster: 'prod',
  'blue-service': 'app-blue',
  'green-service': 'app-green',
  'blue-target-group-arn': TG_BLUE,
  'green-target-group-arn': TG_GREEN,
  'listener-arn': LISTENER,
  'state-parameter': '/app/live-color',
  'aws-region': 'us-east-1',
};

/**
 * Every InputError `read` threw, alone or gathered in an InputErrors; fails when it threw none. Told apart by
 * name: the test files import src/ only after mocking @actions/core, and this fixture imports nothing of it.
 */
export function inputErrorsOf<E extends Error>(read: () => unknown): E[] {
  try {
    read();
  } catch (error) {
    if (error instanceof Error && error.name === 'InputErrors') return (error as Error & { errors: E[] }).errors;
    if (error instanceof Error && error.name === 'InputError') return [error as E];
    throw error;
  }
  throw new Error('expected readConfig to reject the inputs');
}

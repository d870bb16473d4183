// The v1 input contract (names and defaults) and a reader that records every bad input instead of
// stopping at the first, so a user fixes their workflow in one pass.
import { InputError } from '../errors.js';

/** Every input of the v1 contract and its default ('' = none); action.yml declares the same. */
export const INPUT_DEFAULTS = {
  mode: 'deploy',
  engine: 'pair',
  cluster: '',
  service: '',
  'blue-service': '',
  'green-service': '',
  'blue-target-group-arn': '',
  'green-target-group-arn': '',
  'listener-arn': '',
  'listener-rule-arn': '',
  'test-listener-arn': '',
  'verify-route': 'auto',
  'state-parameter': '',
  'task-definition': '',
  'container-name': '',
  image: '',
  'health-check-url': '',
  'post-switch-health-check-url': '',
  'aws-region': '',
  'health-check-headers': '',
  'health-check-expected-status': '200',
  'health-check-expected-body': '',
  'health-check-interval': '10s',
  'health-check-timeout': '5s',
  'healthy-threshold': '3',
  'unhealthy-threshold': '3',
  'traffic-shift': 'all-at-once',
  'bake-time': '5m',
  'cloudwatch-alarms': '',
  'analysis-max-error-rate': '',
  'analysis-max-error-increase': '',
  'analysis-max-p99': '',
  'analysis-min-requests': '50',
  'analysis-failure-limit': '2',
  'analysis-inconclusive': 'fail',
  'analysis-count-4xx': 'false',
  'wait-timeout': '15m',
  'force-new-deployment': 'false',
  'scale-down-previous': 'false',
  'scale-down-delay': '0s',
  lock: 'true',
  'dry-run': 'false',
  'expected-live-color': '',
  'pre-deploy-command': '',
  'pre-deploy-task-command': '',
  'pre-deploy-task-tags': '',
  'pre-deploy-task-started-by': 'ecs-blue-green-action',
  'pre-deploy-task-environment': '',
  'pre-deploy-task-managed-ebs-volume-name': '',
  'pre-deploy-task-managed-ebs-volume': '',
  'enable-ecs-managed-tags': '',
  'propagate-tags': '',
  'service-managed-ebs-volume-name': '',
  'service-managed-ebs-volume': '',
  'smoke-test-command': '',
  'post-deploy-command': '',
  'rollback-command': '',
  'command-timeout': '10m',
  'expected-task-definition-arn': '',
  'github-deployment': 'false',
  environment: '',
  'environment-url': '',
  'github-token': '${{ github.token }}',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

/** Required whatever the mode and engine (each engine's own required inputs are checked by readConfig). */
export const REQUIRED_INPUTS: readonly InputName[] = [];

export type Parse<T> = (input: InputName, value: string) => T;

/** Reads inputs through `getInput` and records InputErrors; parse results are undefined when invalid. */
export class InputReader {
  readonly errors: InputError[] = [];
  constructor(private readonly getInput: (name: string) => string) {}

  /** The trimmed value, or the default when the input is empty. */
  raw(name: InputName): string {
    return (this.getInput(name) ?? '').trim() || INPUT_DEFAULTS[name];
  }

  /** Parses the value, empty included. */
  read<T>(name: InputName, parse: Parse<T>): T | undefined {
    return this.attempt(() => parse(name, this.raw(name)));
  }

  /** undefined, and no error, when the input is empty. */
  optional<T>(name: InputName, parse: Parse<T>): T | undefined {
    const value = this.raw(name);
    return value === '' ? undefined : this.attempt(() => parse(name, value));
  }

  required<T>(name: InputName, parse: Parse<T>, why?: string): T | undefined {
    if (this.raw(name) === '') {
      this.report(new InputError(name, '', why ?? 'a value: this input is required in every mode'));
      return undefined;
    }
    return this.read(name, parse);
  }

  /** Runs a check; an InputError it throws is recorded, anything else is a bug and propagates. */
  attempt<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.report(error);
      return undefined;
    }
  }

  report(error: InputError): void {
    this.errors.push(error);
  }
}

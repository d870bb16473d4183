// Typed errors that carry what a person needs to act: the input, the value seen, the limit, the next step.

/** A bad input, found before any AWS call that changes anything. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly input: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`Input '${input}' is invalid: got ${JSON.stringify(value)}; expected ${expected}.`);
  }
}

/**
 * The inputs name AWS resources that do not fit together (a target group input that is not its
 * service's group). An input error found by reading AWS, before any change.
 */
export class PairMismatch extends Error {
  override name = 'PairMismatch';
}

/** The colour about to take traffic cannot run as many tasks as the colour it takes over from. */
export class NotEnoughCapacity extends Error {
  override name = 'NotEnoughCapacity';
}

/** Another run holds the deployment lock. */
export class LockHeld extends Error {
  override name = 'LockHeld';
}

/** The listener is in a state we refuse to deploy from (split between colours, unknown target group). */
export class UnsafeListenerState extends Error {
  override name = 'UnsafeListenerState';
}

/** ECS did not complete the rollout of the new task definition. */
export class DeploymentFailed extends Error {
  override name = 'DeploymentFailed';
  constructor(
    message: string,
    /** Recent service events, newest first, for the log and summary. */
    readonly events: string[] = [],
  ) {
    super(message);
  }
}

/** A health gate did not pass (target health, HTTP checks, alarms). */
export class HealthCheckFailed extends Error {
  override name = 'HealthCheckFailed';
}

/** The rollback itself could not put traffic on a healthy colour. */
export class RollbackFailed extends Error {
  override name = 'RollbackFailed';
}

/** The job was cancelled (SIGINT/SIGTERM). */
export class Cancelled extends Error {
  override name = 'Cancelled';
  /** When the signal came (epoch ms): the runner kills the step 10 s later. */
  readonly at = Date.now();
  constructor(readonly signal: string) {
    super(`the job was cancelled (${signal})`);
  }
}

/** One line for logs and outputs, whatever was thrown. */
export function errorMessage(error: unknown): string {
  // Not only `instanceof Error`: errors from another realm (Node's own, under jest's VM) fail that test.
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** One of the team's commands (`smoke-test-command`, …) exited non-zero, ran out of time or was stopped. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
  constructor(
    message: string,
    /** The input that holds the command, e.g. `smoke-test-command`. */
    readonly input: string,
    /** Its last output lines, for the annotation and the summary. */
    readonly lastLines: string[],
  ) {
    super(message);
  }
}

/** `mode: promote` found the pair changed since `mode: prepare`: another deploy, a rollout, drift. */
export class PreparedStateChanged extends Error {
  override name = 'PreparedStateChanged';
}

/** The verification route (a rule on the production listener) cannot be created: no free priority, the rule quota, no permission. */
export class RouteUnavailable extends Error {
  override name = 'RouteUnavailable';
}

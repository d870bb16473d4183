// One error type for every simulated service; the protocol layer renders it in the service's wire shape.

export type Fault = 'Sender' | 'Receiver';

export class AwsError extends Error {
  override name = 'AwsError';
  constructor(
    /** AWS's error code, e.g. `ListenerNotFound`, `ParameterAlreadyExists`. */
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: Fault = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/** The message AWS's input validation produces for a constraint on a member. */
export function constraintMessage(value: unknown, at: string, constraint: string): string {
  return `1 validation error detected: Value '${String(value)}' at '${at}' failed to satisfy constraint: ${constraint}`;
}

// Recognising AWS service errors by name, and the one typed error the adapters throw for a missing
// resource. Matching on `name` (not `instanceof`) keeps working across bundles, mocked clients and
// the sandbox endpoint, where the SDK may build a generic ServiceException carrying the wire code.
import { errorMessage } from '../errors.js';

/** True when `error` is an AWS error whose name (or wire code) is one of `names`. */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  return names.some((n) => n === name || n === Code);
}

/** An AWS resource the configuration names does not exist (or is no longer usable). */
export class AwsResourceNotFound extends Error {
  override name = 'AwsResourceNotFound';
  constructor(
    /** What kind of thing, e.g. `listener`, `ECS service`. */
    readonly resource: string,
    /** The ARN or name that was looked up. */
    readonly identifier: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Rethrows `error` as AwsResourceNotFound when its name is one of `names`, with a message naming
 * the resource and the AWS reason; any other error is rethrown unchanged.
 */
export function rethrowNotFound(
  error: unknown,
  names: string[],
  resource: string,
  identifier: string,
  hint: string,
  described = `'${identifier}'`,
): never {
  if (isAwsError(error, ...names)) {
    throw new AwsResourceNotFound(resource, identifier, `The ${resource} ${described} was not found (${errorMessage(error)}). ${hint}`, {
      cause: error,
    });
  }
  throw error;
}

/** AWS could not be reached or would not accept our credentials: nothing about the deployment itself. */
export class AwsAccessFailed extends Error {
  override name = 'AwsAccessFailed';
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];
const CREDENTIAL_ERRORS = ['CredentialsProviderError', 'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'ExpiredTokenException', 'ExpiredToken'];
const PERMISSION_ERRORS = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'];

// The SDK sometimes wraps the socket error (its "AWS SDK error wrapper"), keeping the code only in
// the cause or the message: look in all three.
function isNetworkError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.includes(code)) return true;
  }
  return NETWORK_CODES.some((code) => errorMessage(error).includes(code));
}

/**
 * Turns the errors a person fixes outside the deployment (network, credentials, IAM) into one that
 * says which service and call failed and what to check; any other error is returned unchanged.
 */
export function explainAwsError(error: unknown, service: string, call: string): unknown {
  const where = `${service} ${call}`;
  const endpoint = process.env.AWS_ENDPOINT_URL ? ` (AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL})` : '';
  if (isNetworkError(error) || isAwsError(error, 'TimeoutError')) {
    return new AwsAccessFailed(
      `Could not reach AWS ${service}${endpoint} for ${call}: ${errorMessage(error)}. Check 'aws-region', the runner's network or proxy, and AWS_ENDPOINT_URL if you set one.`,
      { cause: error },
    );
  }
  if (isAwsError(error, ...CREDENTIAL_ERRORS)) {
    return new AwsAccessFailed(
      `AWS rejected the credentials for ${where}: ${errorMessage(error)}. Configure credentials before this step (for example aws-actions/configure-aws-credentials) and check they are for the right account.`,
      { cause: error },
    );
  }
  if (isAwsError(error, ...PERMISSION_ERRORS)) {
    return new AwsAccessFailed(`Not allowed to call ${where}: ${errorMessage(error)}. Grant it in the role's policy (the README lists every action the deploy needs).`, {
      cause: error,
    });
  }
  return error;
}

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

/** An AWS call failed for a reason the adapters do not turn into something more specific. */
export class AwsCallFailed extends Error {
  override name = 'AwsCallFailed';
}

/** Where tagOperations leaves the IAM-style name of the call (`ssm:PutParameter`) on an error. */
const OPERATION = '$operation';

/** The IAM-style name of the AWS call that raised `error`, when the client was tagged (tagOperations). */
export function operationOf(error: unknown): string | undefined {
  const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[OPERATION] : undefined;
  return typeof value === 'string' ? value : undefined;
}

type Handler = (args: unknown) => Promise<unknown>;
type AddMiddleware = (middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }) => void;
/** Any SDK v3 client: only its middleware stack is used (typed loosely so no @smithy type is imported). */
interface MiddlewareClient {
  middlewareStack: { add(...args: never[]): void };
}

/**
 * Marks every error a client raises with the call's IAM-style name (`ssm:PutParameter`), so messages
 * name what a person grants or looks up, not the adapter's method. The SDK knows the command's name in
 * its middleware context; the outermost step sees every failure, retries and signing included.
 */
export function tagOperations<C extends MiddlewareClient>(client: C, iamPrefix: string): C {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddMiddleware;
  add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null && operationOf(error) === undefined) {
          Object.defineProperty(error, OPERATION, { value: `${iamPrefix}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'tagOperationName' },
  );
  return client;
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

/** What the SDK says about a service error: HTTP status and attempts made. */
function metadataOf(error: unknown): { httpStatusCode?: number; attempts?: number } | undefined {
  const metadata = typeof error === 'object' && error !== null ? (error as { $metadata?: unknown }).$metadata : undefined;
  return typeof metadata === 'object' && metadata !== null ? (metadata as { httpStatusCode?: number; attempts?: number }) : undefined;
}

/**
 * Turns an error that escaped an adapter into one that names the AWS call (`ssm:PutParameter`, from
 * tagOperations; the service when the call is unknown) and, for what a person fixes outside the
 * deployment (network, credentials, IAM), what to check. An AWS service error the adapters did not
 * handle says what AWS answered and after how many attempts. Anything else is returned unchanged.
 */
export function explainAwsError(error: unknown, service: string): unknown {
  const call = operationOf(error) ?? `an AWS ${service} call`;
  const endpoint = process.env.AWS_ENDPOINT_URL ? ` (AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL})` : '';
  if (isNetworkError(error) || isAwsError(error, 'TimeoutError')) {
    return new AwsAccessFailed(
      `Could not reach AWS ${service}${endpoint} for ${call}: ${errorMessage(error)}. Check 'aws-region', the runner's network or proxy, and AWS_ENDPOINT_URL if you set one.`,
      { cause: error },
    );
  }
  if (isAwsError(error, ...CREDENTIAL_ERRORS)) {
    return new AwsAccessFailed(
      `AWS rejected the credentials for ${call}: ${errorMessage(error)}. Configure credentials before this step (for example aws-actions/configure-aws-credentials) and check they are for the right account.`,
      { cause: error },
    );
  }
  if (isAwsError(error, ...PERMISSION_ERRORS)) {
    return new AwsAccessFailed(`Not allowed to call ${call}: ${errorMessage(error)}. Grant it in the role's policy (the README lists every action the deploy needs).`, {
      cause: error,
    });
  }
  const metadata = metadataOf(error);
  if (metadata) {
    const { name } = error as { name?: unknown };
    const facts = [typeof name === 'string' ? name : undefined, metadata.httpStatusCode ? `HTTP ${metadata.httpStatusCode}` : undefined, metadata.attempts ? `${metadata.attempts} attempt${metadata.attempts === 1 ? '' : 's'}` : undefined];
    return new AwsCallFailed(`${call} failed: ${errorMessage(error) || 'no message'} (${facts.filter(Boolean).join(', ')})`, { cause: error });
  }
  return error;
}

/** ELBv2 refused a new rule for a reason a person can act on: the priority was taken, or the load balancer's rule quota is reached. */
export class RuleRefused extends Error {
  override name = 'RuleRefused';
  constructor(
    readonly reason: 'priority-in-use' | 'too-many-rules' | 'invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

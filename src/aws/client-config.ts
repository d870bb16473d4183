// The configuration every SDK client gets. Retries are the SDK's own (standard mode, 3 attempts, or
// whatever AWS_MAX_ATTEMPTS / AWS_RETRY_MODE say); endpoints follow AWS_ENDPOINT_URL*. What we add is
// a bound on each request, so an unreachable endpoint fails in seconds: the SDK's default is no
// request timeout at all, and a cancelled job has under 10 s to roll back.

export interface AwsClientOptions {
  /** Bound on one attempt of one request, connection included. */
  requestTimeoutMs?: number;
  /** Bound on opening the TCP/TLS connection. */
  connectionTimeoutMs?: number;
  /** Attempts per call, retries included; unset lets the SDK read AWS_MAX_ATTEMPTS (default 3). */
  maxAttempts?: number;
}

/** Long enough for any call this action makes (ModifyListener, RegisterTaskDefinition are sub-second). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;

export type ClientConfig = ReturnType<typeof clientConfig>;

/** The client configuration shared by every client; exported so tests can check it. */
export function clientConfig(region: string, options: AwsClientOptions = {}) {
  return {
    // Empty means "let the SDK resolve it" (AWS_REGION, profile), rather than an invalid region.
    ...(region !== '' && { region }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

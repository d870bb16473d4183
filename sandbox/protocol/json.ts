// AWS JSON 1.0/1.1 wire details: timestamps are epoch seconds, errors carry `__type` and the
// `x-amzn-errortype` header (plus `x-amzn-query-error` for query-compatible services like CloudWatch).
import type { AwsError } from '../core/aws-error.js';

/** Dates become epoch seconds (with fraction), as JSON-protocol services send them. */
export function jsonBody(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    return v;
  });
}

export function jsonErrorHeaders(error: AwsError, queryCompatible: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'x-amzn-errortype': error.code };
  if (queryCompatible) headers['x-amzn-query-error'] = `${error.code};${error.fault}`;
  return headers;
}

export function jsonErrorBody(error: AwsError): string {
  return JSON.stringify(error.message ? { __type: error.code, message: error.message } : { __type: error.code });
}

// The HTTP health check's inputs: URLs with the `{color}` placeholder, headers (secret values),
// expected status codes and body, thresholds.
import { InputError } from '../errors.js';
import type { StatusRange } from '../types.js';

export const COLOR_PLACEHOLDER = '{color}';
const PLACEHOLDER = /\{[^{}]*\}/g;

/** Validates a health-check URL; `{color}` stays in the returned value for the probe to fill in. */
export function parseHealthCheckUrl(input: string, value: string): string {
  const unknown = (value.match(PLACEHOLDER) ?? []).filter((p) => p !== COLOR_PLACEHOLDER);
  if (unknown.length > 0) {
    throw new InputError(
      input,
      value,
      `a URL whose only placeholder is ${COLOR_PLACEHOLDER} (replaced by blue or green); ${unknown.join(', ')} is not one`,
    );
  }
  let url: URL;
  try {
    url = new URL(value.replaceAll(COLOR_PLACEHOLDER, 'blue'));
  } catch {
    throw new InputError(input, value, 'an absolute http:// or https:// URL such as https://{color}.example.com/health');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(input, value, `an http:// or https:// URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    // fetch refuses URLs with credentials; say so without echoing the password.
    url.username = url.username ? '***' : '';
    url.password = url.password ? '***' : '';
    throw new InputError(input, url.href, 'a URL without user:password; send credentials with health-check-headers (Authorization: ...)');
  }
  return value;
}

// RFC 9110 token characters: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters other than tab would be rejected by fetch (and could split the request).
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Parses `Name: value` lines. Every value is handed to `mask` before anything can fail, and no
 * error ever contains a line's text: only its number, because the line may hold a secret.
 */
export function parseHeaders(input: string, value: string, mask: (secret: string) => void): Record<string, string> {
  const lines = value.split(/\r?\n/);
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const problems: string[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const lineNo = index + 1;
    const colon = line.indexOf(':');
    if (colon < 0) {
      mask(line);
      problems.push(`line ${lineNo} has no ':' between name and value`);
      return;
    }
    const name = line.slice(0, colon).trim();
    const headerValue = line.slice(colon + 1).trim();
    if (headerValue !== '') mask(headerValue);
    if (!HEADER_NAME.test(name)) {
      // Neither echoed nor left unmasked: a malformed line may be a value pasted in the wrong place.
      mask(line);
      problems.push(`line ${lineNo} has an invalid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
    } else if (HEADER_VALUE_FORBIDDEN.test(headerValue)) {
      problems.push(`line ${lineNo} has control characters in its value`);
    } else if (seen.has(name.toLowerCase())) {
      problems.push(`line ${lineNo} repeats the header ${name}`);
    } else {
      seen.add(name.toLowerCase());
      headers[name] = headerValue;
    }
  });
  if (problems.length > 0) {
    throw new InputError(
      input,
      `(${problems.length === 1 ? 'one line' : `${problems.length} lines`}; values are not shown)`,
      `one 'Name: value' header per line: ${problems.join('; ')}`,
    );
  }
  return headers;
}

const STATUS_EXPECTED = 'HTTP status codes or ranges between 100 and 599, separated by commas, such as 200 or 200-299,304';

/** `200`, `200-299,304` → inclusive ranges. */
export function parseExpectedStatus(input: string, value: string): StatusRange[] {
  const ranges: StatusRange[] = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part);
    if (!match) throw new InputError(input, value, STATUS_EXPECTED);
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : Number(match[2]);
    if (min < 100 || max > 599 || min > max) throw new InputError(input, value, STATUS_EXPECTED);
    ranges.push({ min, max });
  }
  return ranges;
}

/** A JavaScript regular expression, without slashes or flags. */
export function parseExpectedBody(input: string, value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(input, value, `a JavaScript regular expression (without surrounding slashes): ${reason}`);
  }
}

/** A whole number in [min, max]. */
export function parseCount(input: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new InputError(input, value, `a whole number from ${min} to ${max}`);
  return n;
}

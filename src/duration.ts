// Durations as users write them in workflow files (`30s`, `5m`, `1h30m`, `500ms`), in milliseconds.
// Hand-written because the grammar is tiny and no dependency we already carry parses it.
import { InputError } from './errors.js';

export const DURATION_EXPECTED = 'a duration with a unit, such as 30s, 5m, 1h30m or 500ms';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

// Units in descending order, each at most once, optionally separated by spaces (`1h 30m`).
// `m(?!s)` keeps `500ms` from being read as 500 minutes followed by a stray `s`.
const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const DURATION_PATTERN = new RegExp(
  String.raw`^(?:${NUMBER}h)?\s*(?:${NUMBER}m(?!s))?\s*(?:${NUMBER}s)?\s*(?:${NUMBER}ms)?$`,
  'i',
);
const BARE_NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Longest duration accepted: setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days),
 * so a longer bake or wait would silently become no wait at all.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Parses `30s`, `5m`, `1h30m`, `500ms` into milliseconds. A bare number is refused (only `0` is
 * unambiguous): `wait-timeout: 30` would be 30 seconds to one reader and 30 minutes to a user of the
 * official ECS deploy action, whose `wait-for-minutes` counts minutes.
 */
export function parseDuration(input: string, value: string): number {
  const text = value.trim();
  const fail = (expected = DURATION_EXPECTED): never => {
    throw new InputError(input, value, expected);
  };
  if (text === '') fail();
  if (BARE_NUMBER.test(text)) {
    if (Number(text) === 0) return 0;
    fail(`${DURATION_EXPECTED}: a bare number is ambiguous (seconds? minutes, as in the official ECS deploy action's wait-for-minutes?), so write ${text}s for seconds or ${text}m for minutes`);
  }

  const match = DURATION_PATTERN.exec(text);
  if (!match || match.slice(1).every((part) => part === undefined)) fail();
  const [, h, m, s, milli] = match as RegExpExecArray;
  const ms = Math.round(
    Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s + Number(milli ?? 0) * UNIT_MS.ms,
  );
  if (ms > MAX_DURATION_MS) fail(`${DURATION_EXPECTED}, at most ${formatDurationInput(MAX_DURATION_MS)}`);
  return ms;
}

/** Milliseconds in the input syntax (`1m30s`, `250ms`, `1h`, `0s`), so messages about configured durations read like the inputs; parseDuration reads it back. The job summary formats measured durations with report/format.ts instead. */
export function formatDurationInput(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  const whole = Math.round(ms);
  if (whole < UNIT_MS.s) return `${whole}ms`;
  const hours = Math.floor(whole / UNIT_MS.h);
  const minutes = Math.floor((whole % UNIT_MS.h) / UNIT_MS.m);
  const seconds = Math.floor((whole % UNIT_MS.m) / UNIT_MS.s);
  const milli = whole % UNIT_MS.s;
  const parts = [
    hours ? `${hours}h` : '',
    minutes ? `${minutes}m` : '',
    seconds ? `${seconds}s` : '',
    milli ? `${milli}ms` : '',
  ];
  return parts.join('');
}

/** A duration longer than 0; `meaning` says what it bounds, in the error. */
export function positiveDuration(meaning: string): (input: string, value: string) => number {
  return (input, value) => {
    const ms = parseDuration(input, value);
    if (ms <= 0) throw new InputError(input, value, `a duration longer than 0 (${meaning})`);
    return ms;
  };
}

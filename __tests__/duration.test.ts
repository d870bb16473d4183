import { describe, expect, it } from '@jest/globals';
import { DURATION_EXPECTED, MAX_DURATION_MS, formatDurationInput, parseDuration } from '../src/duration.js';
import { InputError } from '../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['2m30s', 150_000],
    ['0', 0],
    ['0.0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['1s250ms', 1_250],
    ['1.5s', 1_500],
    ['5M', 300_000],
    ['  45s  ', 45_000],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseDuration('bake-time', value)).toBe(ms);
  });

  it.each(['', '   ', '-5s', '-1', '5x', '1.5.2', 'm', 's', 'ms', '5 m', '1m1h', '5s5s', 'abc', '1d', '5m-', 'Infinity'])(
    'rejects %j with an InputError naming the input, the value and the accepted forms',
    (value) => {
      let caught: unknown;
      try {
        parseDuration('bake-time', value);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      const error = caught as InputError;
      expect(error.input).toBe('bake-time');
      expect(error.value).toBe(value);
      expect(error.expected).toBe(DURATION_EXPECTED);
      expect(error.message).toContain("'bake-time'");
      expect(error.message).toContain(JSON.stringify(value));
    },
  );

  it('rejects durations that setTimeout cannot wait for', () => {
    expect(parseDuration('wait-timeout', '596h')).toBeLessThanOrEqual(MAX_DURATION_MS);
    expect(() => parseDuration('wait-timeout', '597h')).toThrow(/at most 596h31m23s647ms/);
    expect(() => parseDuration('wait-timeout', '99999999999999999999s')).toThrow(InputError);
  });

  // A bare number meant seconds here and minutes to users of the official action's wait-for-minutes.
  it.each(['30', '90', '0.5', '15', '99999999999999999999'])('refuses the bare number %j and asks for a unit', (value) => {
    let caught: unknown;
    try {
      parseDuration('wait-timeout', value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = (caught as InputError).message;
    expect(message).toContain("Input 'wait-timeout' is invalid");
    expect(message).toContain(JSON.stringify(value));
    expect(message).toContain('a bare number is ambiguous');
    expect(message).toContain(`write ${value}s for seconds or ${value}m for minutes`);
  });
});

describe('formatDurationInput', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [Number.NaN, '0s'],
    [250, '250ms'],
    [1_000, '1s'],
    [1_500, '1s500ms'],
    [90_000, '1m30s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [3_661_000, '1h1m1s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDurationInput(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [500, 1_000, 61_000, 5_400_000, 3_723_456]) {
      expect(parseDuration('x', formatDurationInput(ms))).toBe(ms);
    }
  });
});

// The real-user analysis inputs: on with any analysis-max-* bound; rates need `%`, times a unit; windows too
// short to judge are refused with their minimum; tuning without a bound, or analysis in a mode that moves no
// users, is refused rather than ignored.
import { describe, expect, it, jest } from '@jest/globals';
import { PAIR_INPUTS, inputErrorsOf } from '../__fixtures__/inputs.js';

const setSecret = jest.fn<(secret: string) => void>();
const getInput = jest.fn<(name: string) => string>(() => '');
jest.unstable_mockModule('@actions/core', () => ({ setSecret, getInput }));

const { readConfig } = await import('../src/inputs.js');
type InputErrorT = import('../src/errors.js').InputError;

const configWith = (overrides: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) => readConfig((name) => ({ ...PAIR_INPUTS, ...overrides })[name] ?? '', env);

const errorsOf = (overrides: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputErrorT[] => inputErrorsOf(() => configWith(overrides, env));

describe('analysis inputs', () => {
  it('is off without a bound, and reads every bound and its defaults when one is set', () => {
    expect(configWith().analysis).toBeUndefined();
    expect(configWith({ 'analysis-max-error-rate': '1%', 'analysis-max-error-increase': '0.5 %', 'analysis-max-p99': '800ms' }).analysis).toEqual({
      maxErrorRate: 1,
      maxErrorIncrease: 0.5,
      maxP99: { kind: 'absolute', ms: 800 },
      minRequests: 50,
      failureLimit: 2,
      inconclusive: 'fail',
      count4xx: false,
      minuteMs: 60_000,
    });
    expect(configWith({ 'analysis-max-p99': '1.5x', 'analysis-inconclusive': 'pass', 'analysis-count-4xx': 'true', 'analysis-min-requests': '10' }).analysis).toMatchObject({
      maxP99: { kind: 'relative', factor: 1.5 },
      inconclusive: 'pass',
      count4xx: true,
      minRequests: 10,
    });
  });

  it('refuses rates without %, times without a unit and factors below 1x, naming the input, the value and the fix', () => {
    const errors = errorsOf({ 'analysis-max-error-rate': '1', 'analysis-max-error-increase': '150%', 'analysis-max-p99': '0.5x', 'analysis-inconclusive': 'maybe' });
    expect(errors.map((e) => [e.input, e.value])).toEqual([
      ['analysis-max-error-rate', '1'],
      ['analysis-max-error-increase', '150%'],
      ['analysis-max-p99', '0.5x'],
      ['analysis-inconclusive', 'maybe'],
    ]);
    expect(errors[0]?.message).toContain('write 1% (a bare number could be a fraction or a percentage)');
    expect(errorsOf({ 'analysis-max-p99': '800' })[0]?.message).toContain('a response time with a unit such as 800ms');
  });

  it('refuses a step wait or bake shorter than failure-limit + 1 minutes, naming the minimum', () => {
    const errors = errorsOf({ 'analysis-max-error-rate': '1%', 'traffic-shift': 'canary 10% 2m', 'bake-time': '1m' });
    expect(errors.map((e) => e.input)).toEqual(['bake-time', 'traffic-shift']);
    expect(errors[0]?.message).toContain('at least 3m with analysis-failure-limit 2');
    expect(errors[1]?.message).toContain('a wait of at least 3m between steps');
    expect(errorsOf({ 'analysis-max-error-rate': '1%', 'analysis-failure-limit': '4', 'bake-time': '4m' })[0]?.message).toContain('at least 5m');
  });

  it('refuses tuning inputs without a bound, and analysis in modes that move no users', () => {
    expect(errorsOf({ 'analysis-min-requests': '10' })[0]?.message).toContain('no value without analysis');
    const status = errorsOf({ mode: 'status', 'analysis-max-error-rate': '1%' });
    expect(status.map((e) => e.input)).toEqual(['analysis-max-error-rate']);
    expect(status[0]?.message).toContain('no value with mode: status');
  });

  it('compresses the minute only for the sandbox: BLUE_GREEN_SANDBOX_MINUTE_MS counts with a custom endpoint alone', () => {
    const on = { 'analysis-max-error-rate': '1%', 'bake-time': '3s' };
    expect(configWith(on, { BLUE_GREEN_SANDBOX_MINUTE_MS: '1000', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).analysis?.minuteMs).toBe(1000);
    expect(errorsOf(on, { BLUE_GREEN_SANDBOX_MINUTE_MS: '1000' })[0]?.message).toContain('at least 3m');
  });
});

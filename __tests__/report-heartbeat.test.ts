// What a person sees during long waits: every failed check as it happens, a heartbeat at most every
// 30 s with the time left and each check's streak, and the effective configuration at the start.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { Heartbeat, HEARTBEAT_MS } = await import('../src/report/heartbeat.js');
const { watchLog } = await import('../src/health/watch-log.js');
const { describeConfig } = await import('../src/report/configuration.js');
const { engineFor } = await import('../src/engines/index.js');
const { systemClock } = await import('../src/clock.js');
const { makeConfig } = await import('../__fixtures__/config.js');
const { T0 } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const tick = (check: string, ok: boolean, consecutiveFailures = ok ? 0 : 1) => ({ check, ok, detail: ok ? 'fine' : 'status 503, expected 200', consecutiveFailures, at: new Date().toISOString() });

describe('Heartbeat', () => {
  it('logs at most one line per period, and a line logged for another reason counts as one', () => {
    const beat = new Heartbeat(systemClock);
    beat.beat(() => 'too soon');
    jest.advanceTimersByTime(HEARTBEAT_MS);
    beat.beat(() => 'first');
    jest.advanceTimersByTime(HEARTBEAT_MS - 1);
    beat.beat(() => 'too soon again');
    beat.reset();
    jest.advanceTimersByTime(HEARTBEAT_MS - 1);
    beat.beat(() => 'still too soon');
    jest.advanceTimersByTime(1);
    beat.beat(() => 'second');
    expect(core.messages(core.info)).toEqual(['first', 'second']);
  });
});

describe('watchLog', () => {
  const checks = [
    { name: 'health check http://green/health', unhealthyThreshold: 3, run: async () => ({ ok: true, detail: '' }) },
    { name: 'CloudWatch alarms', unhealthyThreshold: 1, run: async () => ({ ok: true, detail: '' }) },
  ];

  it('logs every failed check with its streak, even below the threshold', () => {
    const log = watchLog('the bake time', checks, T0 + 600_000, systemClock);
    log(tick('health check http://green/health', false, 1));
    log(tick('health check http://green/health', false, 2));
    expect(core.messages(core.info)).toEqual([
      'FAIL health check http://green/health (1/3 in a row during the bake time): status 503, expected 200',
      'FAIL health check http://green/health (2/3 in a row during the bake time): status 503, expected 200',
    ]);
  });

  it('beats every 30 s of a 10-minute bake with the time left and each check\'s streak', () => {
    const log = watchLog('the bake time', checks, T0 + 600_000, systemClock);
    for (let s = 10; s <= 600; s += 10) {
      jest.advanceTimersByTime(10_000);
      log(tick('health check http://green/health', true));
      log(tick('CloudWatch alarms', true));
    }
    const lines = core.messages(core.info);
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('Watching the bake time: 9m30s left; health check http://green/health: 3 ok in a row; CloudWatch alarms: 2 ok in a row');
    expect(lines.at(-1)).toBe('Watching the bake time: 0s left; health check http://green/health: 60 ok in a row; CloudWatch alarms: 59 ok in a row');
  });
});

describe('describeConfig', () => {
  it('echoes the effective configuration, header names only', () => {
    const config = makeConfig({
      health: { ...makeConfig().health, headers: { Authorization: 'Bearer s3cret-value' } },
      trafficShift: { kind: 'canary', percent: 10, waitMs: 300_000 },
      alarms: ['shop-5xx'],
    });
    const lines = describeConfig(config, engineFor(config));
    expect(lines).toEqual(
      expect.arrayContaining([
        'mode: deploy',
        'blue: shop-blue → arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-blue/73e2d6bc24d8a067',
        'state parameter: /shop/live-color (lock /shop/live-color-lock)',
        'health check: http://{color}.shop.test/health',
        'headers: Authorization (values masked)',
        'checks: every 10s (timeout 5s), 3 passes to switch, 3 failures to roll back, status 200',
        'traffic shift: canary 10% every 5m',
        'bake time: 5m',
        'alarms: shop-5xx',
        'wait timeout: 15m',
      ]),
    );
    expect(lines.join('\n')).not.toContain('s3cret-value');
    expect(lines.some((l) => l.startsWith('engine:'))).toBe(false);
  });

  it('names engine: traffic, and leaves out the cluster it does not have', () => {
    const traffic = makeConfig({ engine: 'traffic', cluster: '' });
    const lines = describeConfig(traffic, engineFor(traffic));
    expect(lines).toContain('engine: traffic (target groups filled by something else; no ECS call)');
    expect(lines.some((l) => l.startsWith('cluster:'))).toBe(false);
  });
});

import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Clock } from '../src/types.js';

const group = jest.fn(async (_name: string, fn: () => Promise<unknown>) => fn());
jest.unstable_mockModule('@actions/core', () => ({ group }));
const { Timeline } = await import('../src/report/timeline.js');
const { Cancelled } = await import('../src/errors.js');

const T0 = Date.parse('2026-11-01T12:00:00.000Z');
/** A clock the test moves by hand. */
function manualClock() {
  let now = T0;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  return { clock, advance: (ms: number) => void (now += ms) };
}

beforeEach(() => {
  group.mockClear();
});

describe('Timeline', () => {
  it('records begin/end with start time, duration, result and detail', () => {
    const { clock, advance } = manualClock();
    const timeline = new Timeline(clock);
    timeline.begin('discover');
    advance(850);
    timeline.end('discover', 'ok');
    timeline.begin('verify idle');
    advance(31_000);
    timeline.end('verify idle', 'failed', 'status 503, expected 200');
    expect(timeline.records()).toEqual([
      { phase: 'discover', startedAt: '2026-11-01T12:00:00.000Z', durationMs: 850, result: 'ok' },
      { phase: 'verify idle', startedAt: '2026-11-01T12:00:00.850Z', durationMs: 31_000, result: 'failed', detail: 'status 503, expected 200' },
    ]);
  });

  it('records a phase that never began with no duration', () => {
    const { clock, advance } = manualClock();
    const timeline = new Timeline(clock);
    advance(5000);
    timeline.end('scale down', 'skipped', 'scale-down-previous is false');
    expect(timeline.records()).toEqual([
      { phase: 'scale down', startedAt: '2026-11-01T12:00:05.000Z', durationMs: 0, result: 'skipped', detail: 'scale-down-previous is false' },
    ]);
  });

  it('run() wraps the phase in a log group and records ok', async () => {
    const { clock } = manualClock();
    const timeline = new Timeline(clock);
    const value = await timeline.run('deploy idle', async () => {
      await clock.sleep(4000);
      return 'arn:task-def:7';
    });
    expect(value).toBe('arn:task-def:7');
    expect(group).toHaveBeenCalledWith('Deploy idle', expect.any(Function));
    expect(timeline.records()).toEqual([{ phase: 'deploy idle', startedAt: '2026-11-01T12:00:00.000Z', durationMs: 4000, result: 'ok' }]);
  });

  it('run() records failed with the message, or cancelled, and rethrows', async () => {
    const { clock } = manualClock();
    const timeline = new Timeline(clock);
    await expect(timeline.run('shift', () => Promise.reject(new Error('ModifyListener: AccessDenied')))).rejects.toThrow('AccessDenied');
    await expect(timeline.run('bake', () => Promise.reject(new Cancelled('SIGINT')))).rejects.toThrow('cancelled');
    await expect(timeline.run('finalize', () => Promise.reject('plain string'))).rejects.toBe('plain string');
    expect(timeline.records().map(({ phase, result, detail }) => ({ phase, result, detail }))).toEqual([
      { phase: 'shift', result: 'failed', detail: 'ModifyListener: AccessDenied' },
      { phase: 'bake', result: 'cancelled', detail: 'the job was cancelled (SIGINT)' },
      { phase: 'finalize', result: 'failed', detail: 'plain string' },
    ]);
  });

  it('lists phases in start order, outer before inner, and hands out copies', async () => {
    const { clock, advance } = manualClock();
    const timeline = new Timeline(clock);
    timeline.begin('deploy');
    timeline.begin('register task definition'); // same millisecond as its parent
    advance(100);
    timeline.end('register task definition', 'ok');
    timeline.end('deploy', 'ok');
    const records = timeline.records();
    expect(records.map((r) => r.phase)).toEqual(['deploy', 'register task definition']);
    records[0]!.result = 'tampered';
    expect(timeline.records()[0]!.result).toBe('ok');
  });
});

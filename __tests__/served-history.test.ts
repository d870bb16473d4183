// When the idle colour last served users, from the record's history (src/flow/served-history.ts): the
// verdict and the facts that decided it, for every shape of history and for each way it cannot say.
import { describe, expect, it } from '@jest/globals';
import type { ParameterVersion } from '../src/aws/ports.js';
import { idleBinding } from '../src/engines/listener/served-history.js';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const MIN = 60_000;
const q = { idle: 'green' as const, durationMs: 60 * MIN, now: NOW, recordName: '/shop/live-color' };
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * MIN).toISOString();
const versions = (...v: [string, number, string?][]): ParameterVersion[] =>
  v.map(([value, minutesAgo, description], i) => ({ version: i + 1, value, modifiedAt: at(minutesAgo), ...(description ? { description } : {}) }));

describe('idleBinding', () => {
  it('a fresh stack: a record written a minute ago that never named the idle colour cannot bind anyone to it', () => {
    expect(idleBinding(versions(['blue', 1]), q)).toEqual({ free: true, facts: `/shop/live-color has never named green (its whole history, since version 1 at ${at(1)})` });
  });

  it('the colour changed away from within the duration: bound until that change plus the duration', () => {
    expect(idleBinding(versions(['green', 300], ['blue', 10]), q)).toEqual({
      free: false,
      until: NOW - 10 * MIN + 60 * MIN,
      facts: `/shop/live-color changed from green to blue at ${at(10)} (version 2), less than the stickiness duration (1h 00m) ago`,
    });
  });

  it('only the last change away counts; one longer ago than the duration binds nobody', () => {
    expect(idleBinding(versions(['green', 300], ['blue', 200], ['green', 150], ['blue', 90], ['blue', 30]), q)).toEqual({
      free: true,
      facts: `/shop/live-color last changed from green to blue at ${at(90)} (version 4), more than the stickiness duration (1h 00m) ago`,
    });
  });

  it('a version written after traffic came back from the idle colour (a rollback: the value is unchanged) counts as its last service', () => {
    const binding = idleBinding(versions(['blue', 300], ['blue', 5, 'Live colour of the blue-green pair; traffic came back from green']), q);
    expect(binding).toMatchObject({ free: false, until: NOW + 55 * MIN });
    expect(binding.facts).toContain('was written after traffic came back from green');
    // Traffic coming back from the live colour says nothing of the idle one.
    expect(idleBinding(versions(['blue', 300], ['blue', 5, 'Live colour of the blue-green pair; traffic came back from blue']), q).free).toBe(true);
  });

  it('a history SSM cut at 100 versions that reaches back the duration and never names the colour: free', () => {
    const cut = versions(['blue', 90], ['blue', 30]).map((v) => ({ ...v, version: v.version + 50 }));
    expect(idleBinding(cut, q)).toEqual({ free: true, facts: `/shop/live-color has not named green since ${at(90)} (version 51), more than the stickiness duration (1h 00m) ago` });
  });

  it('a cut history younger than the duration cannot say: the record\'s last write plus the duration, and why', () => {
    const cut = versions(['blue', 20], ['blue', 5]).map((v) => ({ ...v, version: v.version + 98 }));
    expect(idleBinding(cut, { ...q, lastWrite: at(5) })).toEqual({
      free: false,
      until: NOW + 55 * MIN,
      facts: `the history SSM keeps of /shop/live-color (its last 100 versions, the oldest at ${at(20)}) does not reach back the stickiness duration (1h 00m) and never names green; counting from its last write at ${at(5)}`,
    });
  });

  it.each([
    ['no-record', '/shop/live-color does not exist, so nothing says when green last served users; counting from now'],
    ['drift', '/shop/live-color did not match the listener, so its history does not say when green last served users; counting from now'],
    ['denied', 'ssm:GetParameterHistory on /shop/live-color was denied (grant it, and the history decides); counting from now'],
  ] as const)('%s: the conservative rule, saying which case it was', (why, facts) => {
    expect(idleBinding(why, q)).toEqual({ free: false, until: NOW + 60 * MIN, facts });
  });

  it('a read that failed says so; an old last write lets the duration pass; a write stamped in the future counts from now', () => {
    expect(idleBinding({ failed: 'ThrottlingException' }, q).facts).toBe('the history of /shop/live-color could not be read (ThrottlingException); counting from now');
    expect(idleBinding('denied', { ...q, lastWrite: at(61) })).toMatchObject({ free: true });
    expect(idleBinding('denied', { ...q, lastWrite: new Date(NOW + 99 * MIN).toISOString() })).toMatchObject({ free: false, until: NOW + 60 * MIN });
  });

  it('a history whose newest version names the idle colour (written meanwhile) is not trusted', () => {
    expect(idleBinding(versions(['blue', 30], ['green', 0]), q)).toMatchObject({ free: false, facts: expect.stringContaining('/shop/live-color names green now') });
  });
});

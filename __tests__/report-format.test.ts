import { describe, expect, it } from '@jest/globals';
import { describeSplit, formatDuration, oneLine, timeOfDay } from '../src/report/format.js';

describe('report text helpers', () => {
  it('collapses any whitespace run, newlines included, into one space', () => {
    expect(oneLine('  first line\r\n\tsecond   line\n')).toBe('first line second line');
  });

  it('formats durations for people', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(59_999 + 1)).toBe('1m 00s');
    expect(formatDuration(3_725_000)).toBe('1h 02m');
  });

  it('shows the time of day of an ISO time, and leaves other text alone', () => {
    expect(timeOfDay('2026-11-01T12:04:40.123Z')).toBe('12:04:40Z');
    expect(timeOfDay('unknown')).toBe('unknown');
  });

  it('describes a split in colour order', () => {
    expect(describeSplit({ green: 10, blue: 90 })).toBe('blue 90% / green 10%');
  });
});

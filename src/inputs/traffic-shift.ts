// `traffic-shift`: all-at-once, `canary <percent>% <wait>`, `linear <percent>% <wait>`.
import { parseDuration } from '../duration.js';
import { InputError } from '../errors.js';
import type { TrafficShift } from '../types.js';

const EXPECTED = "all-at-once, 'canary <percent>% <wait>' or 'linear <percent>% <wait>', such as canary 10% 5m";
const STEPPED = /^(canary|linear)\s+(\d+)\s*%\s*(\S.*)$/i;

export function parseTrafficShift(input: string, value: string): TrafficShift {
  const text = value.trim();
  if (/^all-at-once$/i.test(text)) return { kind: 'all-at-once' };

  const match = STEPPED.exec(text);
  if (!match) throw new InputError(input, value, EXPECTED);
  const [, keyword = '', percentText = '', waitText = ''] = match;
  const kind = keyword.toLowerCase() === 'canary' ? 'canary' : 'linear';

  const percent = Number(percentText);
  if (percent < 1 || percent > 99) {
    throw new InputError(input, value, `a ${kind} percent from 1 to 99 (the share the new colour gets per step)`);
  }
  if (/^\d+(?:\.\d+)?$/.test(waitText.trim()) && Number(waitText) !== 0) {
    const n = waitText.trim();
    throw new InputError(input, value, `a wait with a unit after the percent (a bare number is ambiguous): '${kind} ${percent}% ${n}s' or '${kind} ${percent}% ${n}m'`);
  }
  let waitMs: number;
  try {
    waitMs = parseDuration(input, waitText);
  } catch {
    throw new InputError(input, value, `a wait after the percent such as 5m or 30s, as in '${kind} ${percent}% 5m'`);
  }
  if (waitMs <= 0) throw new InputError(input, value, `a wait longer than 0 between ${kind} steps`);
  return { kind, percent, waitMs };
}

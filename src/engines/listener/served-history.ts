// When did the idle colour last serve users? Target-group stickiness binds a client to the group that
// served it for the stickiness duration (stickiness.ts), so a colour that served users within the duration
// may still have clients bound to it. The record's history answers the question: SSM keeps the last 100
// versions of the parameter (GetParameterHistory), each with its value, time and description. The colour
// served users until the record changed away from it, or until a version says traffic came back from it
// (a rollback writes the same value again; record.ts marks it). A colour the history never names within
// the duration served nobody then: nothing can be bound to it. When the history cannot say, the rule is
// the conservative one — the record's last write (or now) plus the duration — and the reason is given.
import * as core from '@actions/core';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsAccessFailed } from '../../aws/aws-error.js';
import type { ParameterVersion, SsmPort } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import { formatDuration } from '../../report/format.js';
import type { Colour } from '../../types.js';
import { cameBackFrom } from '../../flow/record.js';
import { stickinessOf } from './stickiness.js';

/** Whether clients may be bound to the idle colour, and the facts that decided it. */
export type IdleBinding = { free: true; facts: string } | { free: false; until: number; facts: string };

/** Why the history could not be used, as the message names it. */
export type HistoryUnknown = 'no-record' | 'drift' | 'denied' | { failed: string };

export interface HistoryQuestion {
  idle: Colour;
  durationMs: number;
  now: number;
  recordName: string;
  /** When the record was last written, as GetParameter said (for the conservative rule). */
  lastWrite?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The verdict from the versions (oldest first), or from why there are none to read. */
export function idleBinding(history: ParameterVersion[] | HistoryUnknown, q: HistoryQuestion): IdleBinding {
  if (!Array.isArray(history)) return conservative(q, unknownReason(history, q));
  if (history.at(-1)?.value === q.idle) return conservative(q, `${q.recordName} names ${q.idle} now`);
  const windowStart = q.now - q.durationMs;
  const d = formatDuration(q.durationMs);
  // The last moment the idle colour stopped serving users, by the record's own account.
  let last: { at: number; version: ParameterVersion; how: string } | undefined;
  history.forEach((v, i) => {
    const before = history[i - 1];
    const at = Date.parse(v.modifiedAt);
    if (before?.value === q.idle && v.value !== q.idle) last = { at, version: v, how: `changed from ${q.idle} to ${v.value}` };
    else if (cameBackFrom(v.description) === q.idle) last = { at, version: v, how: `was written after traffic came back from ${q.idle}` };
  });
  if (last && last.at > windowStart) {
    return { free: false, until: last.at + q.durationMs, facts: `${q.recordName} ${last.how} at ${iso(last.at)} (version ${last.version.version}), less than the stickiness duration (${d}) ago` };
  }
  if (last) return { free: true, facts: `${q.recordName} last ${last.how} at ${iso(last.at)} (version ${last.version.version}), more than the stickiness duration (${d}) ago` };
  const oldest = history[0];
  if (!oldest) return conservative(q, `${q.recordName} has no history`);
  const oldestAt = Date.parse(oldest.modifiedAt);
  if (oldest.version === 1) return { free: true, facts: `${q.recordName} has never named ${q.idle} (its whole history, since version 1 at ${oldest.modifiedAt})` };
  if (oldestAt <= windowStart) return { free: true, facts: `${q.recordName} has not named ${q.idle} since ${oldest.modifiedAt} (version ${oldest.version}), more than the stickiness duration (${d}) ago` };
  return conservative(q, `the history SSM keeps of ${q.recordName} (its last 100 versions, the oldest at ${oldest.modifiedAt}) does not reach back the stickiness duration (${d}) and never names ${q.idle}`);
}

function unknownReason(why: HistoryUnknown, q: HistoryQuestion): string {
  if (why === 'no-record') return `${q.recordName} does not exist, so nothing says when ${q.idle} last served users`;
  if (why === 'drift') return `${q.recordName} did not match the listener, so its history does not say when ${q.idle} last served users`;
  if (why === 'denied') return `ssm:GetParameterHistory on ${q.recordName} was denied (grant it, and the history decides)`;
  return `the history of ${q.recordName} could not be read (${why.failed})`;
}

/** Today's rule when the history cannot say: the record's last write (or now) plus the duration. */
function conservative(q: HistoryQuestion, why: string): IdleBinding {
  const written = q.lastWrite === undefined ? NaN : Date.parse(q.lastWrite);
  const from = Number.isFinite(written) ? Math.min(written, q.now) : q.now;
  const until = from + q.durationMs;
  const counted = Number.isFinite(written) ? `counting from its last write at ${iso(from)}` : 'counting from now';
  if (q.now >= until) return { free: true, facts: `${why}; ${counted}, the stickiness duration (${formatDuration(q.durationMs)}) has passed` };
  return { free: false, until, facts: `${why}; ${counted}` };
}

/**
 * With target-group stickiness on the production forward: whether clients may be bound to the idle colour,
 * from the record's history (read only then). Undefined without stickiness.
 */
export async function readIdleBinding(ssm: SsmPort, question: Omit<HistoryQuestion, 'durationMs'> & { actions: readonly Action[]; record?: string; drift: boolean }): Promise<IdleBinding | undefined> {
  const stickiness = stickinessOf(question.actions);
  if (!stickiness) return undefined;
  let history: ParameterVersion[] | HistoryUnknown;
  if (question.record === undefined) history = 'no-record';
  else if (question.drift) history = 'drift';
  else {
    try {
      history = (await ssm.history(question.recordName)) ?? 'no-record';
    } catch (error) {
      history = error instanceof AwsAccessFailed ? 'denied' : { failed: errorMessage(error) };
    }
  }
  const binding = idleBinding(history, { ...question, durationMs: stickiness.durationMs });
  core.info(
    `Target-group stickiness (${formatDuration(stickiness.durationMs)}) is on: ${binding.free ? `no client can be bound to ${question.idle}` : `clients may be bound to ${question.idle} until ${iso(binding.until)}`}, because ${binding.facts}.`,
  );
  return binding;
}

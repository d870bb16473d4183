// Verification rules a run left behind (killed before its post step could delete the rule): found by their
// header condition, confirmed by their tags, removed by the next run of the same pair — never another
// pair's (a listener may serve several pairs, each with its own rule) — and listed by `mode: status`.
import * as core from '@actions/core';
import type { ElbPort, ListenerRule } from '../../aws/ports.js';
import { errorMessage } from '../../errors.js';
import { readJson, StateKey, type RouteRecord, type StateStore } from '../../state.js';
import { leftovers, pairTag, TAG, verifyToken } from './verify-rule.js';

export interface PairRun {
  stateParameter: string;
  runId: string;
  lockHeld: boolean;
  now: number;
}

/** The listener's verification rules with their tags (DescribeTags only when there is one). */
export async function verificationRules(elb: ElbPort, rules: ListenerRule[]): Promise<{ rules: ListenerRule[]; tags: Record<string, Record<string, string>> }> {
  const candidates = rules.filter((r) => !r.isDefault && verifyToken(r) !== undefined);
  if (candidates.length === 0) return { rules: [], tags: {} };
  return { rules: candidates, tags: await elb.ruleTags(candidates.map((r) => r.arn)) };
}

/** Deletes this pair's leftover rules; returns the listener's rules without them. Failures warn. */
export async function removeLeftovers(elb: ElbPort, rules: ListenerRule[], mine: PairRun, notes: string[]): Promise<ListenerRule[]> {
  let found;
  try {
    found = await verificationRules(elb, rules);
  } catch (error) {
    core.warning(`Could not read the tags of the listener's verification rules (${errorMessage(error)}): leftovers of earlier runs are not removed.`);
    return rules;
  }
  const removed = new Set<string>();
  for (const rule of leftovers(found.rules, found.tags, mine)) {
    const run = found.tags[rule.arn]?.[TAG.run] ?? '?';
    try {
      await elb.deleteRule(rule.arn);
      removed.add(rule.arn);
      const note = `Removed the verification rule ${rule.arn} (priority ${rule.priority}) that run ${run} left on the listener.`;
      core.info(note);
      notes.push(note);
    } catch (error) {
      core.warning(`Could not remove the verification rule ${rule.arn} left by run ${run}: ${errorMessage(error)}.`);
    }
  }
  return rules.filter((r) => !removed.has(r.arn));
}

/** `mode: status`: this pair's verification rules on the listener, one sentence each. */
export function describeLeftovers(found: { rules: ListenerRule[]; tags: Record<string, Record<string, string>> }, stateParameter: string): string[] {
  return found.rules
    .filter((r) => found.tags[r.arn]?.[TAG.pair] === pairTag(stateParameter))
    .map((r) => {
      const t = found.tags[r.arn] ?? {};
      return `A verification rule of run ${t[TAG.run] ?? '?'} is on the listener (${r.arn}, priority ${r.priority}, lock expiry ${t[TAG.expires] ?? '?'}): the next deploy removes it, or delete it with 'aws elbv2 delete-rule --rule-arn ${r.arn}'. It forwards only requests carrying that run's secret header.`;
    });
}

/**
 * Post's tidy-up: deletes the verification rule main saved it created (or was creating: a lost reply is
 * found by its tags). Never fails the job: a rule left behind is removed by the next deploy of the pair.
 */
export async function removeSavedRoute(elb: ElbPort, state: StateStore): Promise<void> {
  const saved = readJson<RouteRecord>(state, StateKey.VerifyRoute);
  if (!saved?.listenerArn) return;
  try {
    let arn = saved.ruleArn;
    if (!arn) {
      const found = await verificationRules(elb, await elb.listenerRules(saved.listenerArn));
      arn = found.rules.find((r) => found.tags[r.arn]?.[TAG.run] === saved.runId && found.tags[r.arn]?.[TAG.pair] === pairTag(saved.stateParameter))?.arn;
    }
    if (arn) core.info((await elb.deleteRule(arn)) ? `Deleted the verification rule ${arn} main left on the listener.` : `The verification rule ${arn} was already gone.`);
    else core.info('Main was creating a verification rule; none of this run is on the listener.');
    state.save(StateKey.VerifyRoute, '');
  } catch (error) {
    core.warning(`Could not delete the verification rule of this run${saved.ruleArn ? ` (${saved.ruleArn})` : ''}: ${errorMessage(error)}. The next deploy of the pair removes it; it forwards only requests carrying this run's secret header.`);
  }
}

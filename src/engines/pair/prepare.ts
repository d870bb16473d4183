// `mode: prepare`: the first half of a deploy — check the pair, lock, discover, deploy the idle colour,
// verify it, run the smoke test — and stop with production traffic where it was and the lock released.
// A later `mode: promote` (promote.ts), typically in a job that GitHub's required reviewers gate,
// switches to exactly what was prepared.
import * as core from '@actions/core';
import { StateKey } from '../../state.js';
import type { Config } from '../../types.js';
import type { FlowDeps, FlowResult } from '../../flow/context.js';
import { lockedRun } from '../listener/deploy-run.js';
import { serviceColours } from './colours.js';
import { readyIdle } from './deploy.js';

export async function prepare(config: Config, deps: FlowDeps): Promise<FlowResult> {
  return lockedRun(config, deps, serviceColours, async (run) => {
    const pair = await readyIdle(run);
    if ('outcome' in pair) return pair;

    // Nothing is half-done: users are on the live colour, and the idle one waits, verified.
    deps.state.save(StateKey.Phase, 'settled');
    const { live, idle } = pair;
    const arn = run.taskDefinitionArn ?? '';
    const test = config.testListenerArn ? ` The test listener forwards to ${idle}, so reviewers can look at it there.` : '';
    core.notice(`${idle} (${config.services[idle]}) runs ${arn} and passed its checks; all traffic stays on ${live}.${test} To switch, run mode: promote with expected-task-definition-arn: ${arn}.`, {
      title: `Prepared ${idle}; traffic stays on ${live}`,
    });
    run.notes.notes.push(`Prepared ${idle}: traffic stays on ${live} until mode: promote runs with expected-task-definition-arn: ${arn}.`);
    return {
      outcome: { status: 'succeeded', liveColour: live, previousColour: live, targetColour: idle, ...(arn ? { taskDefinitionArn: arn } : {}), rolledBack: false },
      notes: run.notes,
    };
  });
}

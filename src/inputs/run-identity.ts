// Who is deploying, from the runner's GITHUB_* variables: the lock records it, the summary shows it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RunIdentity } from '../types.js';

/**
 * The id is unique to this execution of the step: run id and attempt are shared by every job of a
 * run and by every leg of a matrix, and the runner exposes nothing that tells matrix legs apart, so a
 * random part is what keeps two jobs deploying the same pair from both "holding" one lock.
 * Outside GitHub Actions, `local-<pid>-<start time>` stands in for the run.
 */
export function readRunIdentity(
  env: NodeJS.ProcessEnv,
  pid: number = process.pid,
  startedAt: number = Math.round(performance.timeOrigin),
  nonce: string = randomBytes(4).toString('hex'),
): RunIdentity {
  const { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt, GITHUB_REPOSITORY: repository } = env;
  const { GITHUB_WORKFLOW: workflow, GITHUB_RUN_NUMBER: runNumber, GITHUB_ACTOR: actor, GITHUB_JOB: job } = env;
  const { GITHUB_SERVER_URL: serverUrl } = env;

  const run = runId ? `${runId}-${attempt || '1'}${job ? `-${job}` : ''}` : `local-${pid}-${startedAt}`;
  const parts = [
    repository || (runId ? undefined : `local run (pid ${pid})`),
    workflow ? `workflow ${JSON.stringify(workflow)}` : undefined,
    runNumber ? `run ${runNumber}` : runId ? `run id ${runId}` : undefined,
    attempt ? `(attempt ${attempt})` : undefined,
    job ? `job ${job}` : undefined,
    actor ? `by ${actor}` : undefined,
  ];
  const description = parts.filter((p): p is string => p !== undefined).join(' ');
  const url =
    serverUrl && repository && runId ? `${serverUrl.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}` : undefined;
  return { id: `${run}-${nonce}`, description, ...(url ? { url } : {}) };
}

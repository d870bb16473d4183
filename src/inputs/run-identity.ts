// Who is deploying, from the runner's GITHUB_* variables: the lock records it, the summary shows it.
import { performance } from 'node:perf_hooks';
import type { RunIdentity } from '../types.js';

/** `local-<pid>-<start time>` stands in for the run id when the action runs outside GitHub Actions. */
export function readRunIdentity(
  env: NodeJS.ProcessEnv,
  pid: number = process.pid,
  startedAt: number = Math.round(performance.timeOrigin),
): RunIdentity {
  const { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt, GITHUB_REPOSITORY: repository } = env;
  const { GITHUB_WORKFLOW: workflow, GITHUB_RUN_NUMBER: runNumber, GITHUB_ACTOR: actor } = env;
  const { GITHUB_SERVER_URL: serverUrl } = env;

  const id = runId ? `${runId}-${attempt || '1'}` : `local-${pid}-${startedAt}`;
  const parts = [
    repository || (runId ? undefined : `local run (pid ${pid})`),
    workflow ? `workflow ${JSON.stringify(workflow)}` : undefined,
    runNumber ? `run ${runNumber}` : runId ? `run id ${runId}` : undefined,
    attempt ? `(attempt ${attempt})` : undefined,
    actor ? `by ${actor}` : undefined,
  ];
  const description = parts.filter((p): p is string => p !== undefined).join(' ');
  const url =
    serverUrl && repository && runId ? `${serverUrl.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}` : undefined;
  return { id, description, ...(url ? { url } : {}) };
}

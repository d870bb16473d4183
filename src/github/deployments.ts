// GitHub deployment records (`github-deployment: true`): each deploy, promote and manual rollback becomes a
// deployment of the commit in `environment`, with statuses, so GitHub's Environments page and the pull
// request show what runs where. Loaded only when configured (with @actions/github behind it).
//
// The AWS side never waits on GitHub: calls are queued and run in the background one after another, each
// bounded by a timeout, and a failure (no `deployments: write`, GitHub down) is one warning, never the
// run's outcome. The run waits for the queue only at its very end, and only for a bounded time.
// See ../../shared/reference/github-deployments.md for the API's shapes and pitfalls.
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import { oneLine } from '../report/format.js';
import { readJson, saveJson, StateKey, type StateStore } from '../state.js';
import type { Colour, GitHubDeploymentConfig } from '../types.js';

/** What a record is about; `task` tells a deploy from a manual rollback in the history. */
export interface RecordSubject {
  task: 'deploy' | 'deploy:rollback';
  /** The colour deployed to; with engine: ecs, the service (there are no colours). */
  colour: Colour | string;
  previousColour?: Colour;
  taskDefinitionArn?: string;
}

export type FinalState = 'success' | 'failure' | 'error';

/** What post needs to close a record main left open (the token is read from the input again, never saved). */
export interface SavedRecord {
  id: number;
  environment: string;
  /** A final status was posted: post leaves it alone. */
  final: boolean;
}

/** The slice of an Octokit client the records use: substitutable in tests. */
export interface DeploymentsApi {
  createDeployment(params: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
  createDeploymentStatus(params: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
}

/** GitHub limits a status description to 140 characters. */
const DESCRIPTION_LIMIT = 140;
/** Bound on one GitHub call. */
const REQUEST_TIMEOUT_MS = 10_000;

export const describe = (text: string): string => {
  const line = oneLine(text);
  return line.length <= DESCRIPTION_LIMIT ? line : `${line.slice(0, DESCRIPTION_LIMIT - 1)}…`;
};

/** The run's page, for the statuses' `log_url`. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (!repository || !runId) return undefined;
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ''}`;
}

/**
 * The ref a deployment is for: on a pull request its head branch (a deployment of `refs/pull/N/merge`
 * does not show in the pull request), otherwise the exact commit.
 */
export function deploymentRef(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GITHUB_HEAD_REF || env.GITHUB_SHA || undefined;
}

/** An Octokit client from @actions/github (which reads GITHUB_API_URL when it is imported). */
export async function octokitApi(token: string, env: NodeJS.ProcessEnv = process.env): Promise<DeploymentsApi> {
  const { getOctokit } = await import('@actions/github');
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new Error('GITHUB_REPOSITORY is not set: there is no repository to record deployments in');
  const rest = getOctokit(token).rest.repos;
  const request = () => ({ request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) } });
  return {
    createDeployment: (params) => rest.createDeployment({ owner, repo, ...(params as { ref: string }), ...request() }),
    createDeploymentStatus: (params) =>
      rest.createDeploymentStatus({ owner, repo, ...(params as { deployment_id: number; state: 'success' }), ...request() }),
  };
}

export class DeploymentRecords {
  private queue: Promise<void> = Promise.resolve();
  private id?: number;
  private started = false;
  private warned = false;
  private api?: Promise<DeploymentsApi>;

  constructor(
    private readonly config: GitHubDeploymentConfig,
    private readonly state: StateStore,
    private readonly connect: () => Promise<DeploymentsApi> = () => octokitApi(config.token),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Creates the deployment and its `in_progress` status, in the background. Once per run. */
  start(subject: RecordSubject): void {
    if (this.started) return;
    this.started = true;
    const ref = deploymentRef(this.env);
    if (!ref) {
      this.warn('there is no commit to record (GITHUB_SHA is not set)');
      return;
    }
    const td = subject.taskDefinitionArn?.split('/').pop();
    this.enqueue(async (api) => {
      const { status, data } = await api.createDeployment({
        ref,
        task: subject.task,
        environment: this.config.environment,
        description: describe(`${subject.task === 'deploy' ? 'Blue-green deploy to' : 'Rollback to'} ${subject.colour}${td ? `: ${td}` : ''}`),
        // The run's own checks are pending on this very commit: the default (all contexts must pass) would 409.
        required_contexts: [],
        auto_merge: false,
        transient_environment: false,
        payload: {
          tool: 'ecs-blue-green-action',
          colour: subject.colour,
          ...(subject.previousColour ? { previousColour: subject.previousColour } : {}),
          ...(subject.taskDefinitionArn ? { taskDefinitionArn: subject.taskDefinitionArn } : {}),
          ...(this.env.GITHUB_RUN_ID ? { runId: this.env.GITHUB_RUN_ID } : {}),
        },
      });
      const id = (data as { id?: unknown }).id;
      // 202: GitHub merged the default branch into the ref instead of creating a deployment.
      if (status !== 201 || (typeof id !== 'number' && typeof id !== 'bigint')) {
        throw new Error(`GitHub created no deployment (${status}: ${oneLine((data as { message?: string }).message ?? JSON.stringify(data))})`);
      }
      this.id = Number(id);
      saveJson(this.state, StateKey.GitHubDeployment, { id: this.id, environment: this.config.environment, final: false } satisfies SavedRecord);
      core.info(`GitHub deployment ${this.id} created for ${ref} in ${this.config.environment}.`);
      await this.post(api, 'in_progress', `Deploying ${subject.colour}`);
    });
  }

  /** The run's final status, in the background; `success` carries `environment-url`. */
  finish(state: FinalState, description: string): void {
    if (!this.started) return;
    this.enqueue(async (api) => {
      if (this.id === undefined) return;
      await this.post(api, state, description);
      saveJson(this.state, StateKey.GitHubDeployment, { id: this.id, environment: this.config.environment, final: true } satisfies SavedRecord);
    });
  }

  /** Waits for the queued calls, at most `timeoutMs`; what is still pending is abandoned with a warning. */
  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
    });
    const result = await Promise.race([this.queue.then(() => 'done' as const), gaveUp]);
    clearTimeout(timer);
    if (result === 'timeout') this.warn(`GitHub did not answer within ${Math.round(timeoutMs / 1000)} s; the record may be incomplete`);
  }

  private async post(api: DeploymentsApi, state: 'in_progress' | FinalState, description: string): Promise<void> {
    const log = runUrl(this.env);
    await api.createDeploymentStatus({
      deployment_id: this.id,
      state,
      description: describe(description),
      ...(log ? { log_url: log } : {}),
      ...(state === 'success' && this.config.environmentUrl ? { environment_url: this.config.environmentUrl } : {}),
      // The environment's older successful deployments become inactive: only the live one stays active.
      auto_inactive: state === 'success',
    });
  }

  private enqueue(call: (api: DeploymentsApi) => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.warned) return; // one failure stops the record: later statuses would be out of order
      try {
        this.api ??= this.connect();
        await call(await this.api);
      } catch (error) {
        this.warn(errorMessage(error));
      }
    });
  }

  private warn(reason: string): void {
    if (this.warned) return;
    this.warned = true;
    const permission = /403|Resource not accessible/i.test(reason) ? ' Give the job `permissions: deployments: write` (and `contents: read`, `id-token: write`).' : '';
    core.warning(`GitHub deployment record for ${this.config.environment} not written: ${reason}.${permission} The deployment itself is not affected.`, {
      title: 'GitHub deployment record',
    });
  }
}

/**
 * Post, when main died with a record open: close it with `error` and what post found, so no deployment
 * stays `in_progress` for ever. Bounded like every GitHub call; never throws.
 */
export async function closeOpenRecord(state: StateStore, token: string, description: string, connect: () => Promise<DeploymentsApi> = () => octokitApi(token)): Promise<void> {
  const saved = readJson<SavedRecord>(state, StateKey.GitHubDeployment);
  if (!saved || saved.final || !token) return;
  try {
    const api = await connect();
    const log = runUrl();
    await api.createDeploymentStatus({ deployment_id: saved.id, state: 'error', description: describe(description), ...(log ? { log_url: log } : {}), auto_inactive: false });
    saveJson(state, StateKey.GitHubDeployment, { ...saved, final: true } satisfies SavedRecord);
    core.info(`GitHub deployment ${saved.id} marked 'error'.`);
  } catch (error) {
    core.warning(`Could not close GitHub deployment ${saved.id}: ${errorMessage(error)}. It stays 'in_progress' on GitHub.`, { title: 'GitHub deployment record' });
  }
}

// What GitHub keeps for deployments and deployment statuses, and the rules it applies when one is created or a
// deployment deleted, from GitHub's REST docs (OpenAPI descriptions). Where the docs are silent the fake makes
// the choices sandbox/README.md lists under "GitHub fake". HTTP, auth and faults live in server.ts.
import { createHash } from 'node:crypto';
import { DOCS, GitHubError, notFound, validationFailed, type FieldError } from './errors.js';

export const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];
/** The state of a commit status (or check run) on a SHA, as `required_contexts` checks it. */
export type CommitState = 'success' | 'pending' | 'failure' | 'error';

/** The commit `main` resolves to unless a test says otherwise. */
export const MAIN_SHA = 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d';

/** Schema `simple-user`: every call is made by the GITHUB_TOKEN's bot. */
export interface SimpleUser {
  login: string;
  id: number;
  node_id: string;
  avatar_url: string;
  gravatar_id: string;
  url: string;
  html_url: string;
  followers_url: string;
  following_url: string;
  gists_url: string;
  starred_url: string;
  subscriptions_url: string;
  organizations_url: string;
  repos_url: string;
  events_url: string;
  received_events_url: string;
  type: string;
  user_view_type: string;
  site_admin: boolean;
}

/** Schema `deployment`. */
export interface Deployment {
  url: string;
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: SimpleUser;
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  transient_environment: boolean;
  production_environment: boolean;
  performed_via_github_app: null;
}

/** Schema `deployment-status`. */
export interface DeploymentStatus {
  url: string;
  id: number;
  node_id: string;
  state: DeploymentState;
  creator: SimpleUser;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
  performed_via_github_app: null;
}

export interface DeploymentFilter {
  sha?: string;
  ref?: string;
  task?: string;
  environment?: string;
}

export interface ModelOptions {
  /** Branch and tag names → commit SHA (40 hex). Default `{ main: MAIN_SHA }`. Any 40-hex SHA is a known ref too. */
  refs?: Record<string, string>;
  /** The repository's default branch, named by the auto-merge answer. Default `main`. */
  defaultBranch?: string;
}

interface Entry {
  /** `owner/repo`, lower-cased: GitHub matches repository names case-insensitively. */
  repo: string;
  deployment: Deployment;
  statuses: DeploymentStatus[];
}

type FieldType = 'string' | 'boolean' | 'string[]' | 'string|null' | 'object|string';

const DEPLOYMENT_FIELDS: Record<string, FieldType> = {
  ref: 'string',
  task: 'string',
  auto_merge: 'boolean',
  required_contexts: 'string[]',
  payload: 'object|string',
  environment: 'string',
  description: 'string|null',
  transient_environment: 'boolean',
  production_environment: 'boolean',
};
const STATUS_FIELDS: Record<string, FieldType> = {
  state: 'string',
  target_url: 'string',
  log_url: 'string',
  description: 'string',
  environment: 'string',
  environment_url: 'string',
  auto_inactive: 'boolean',
};
const STATUS_URL_FIELDS = ['log_url', 'target_url', 'environment_url'] as const;
const MAX_STATUS_DESCRIPTION = 140;
const MAX_ENVIRONMENT_NAME = 255;
const SHA = /^[0-9a-f]{40}$/i;

export class GitHubModel {
  readonly defaultBranch: string;
  /** One counter for deployments and statuses, never reset. */
  private nextId = 1;
  private entries: Entry[] = [];
  private refs = new Map<string, string>();
  private behind = new Set<string>();
  private commitStates = new Map<string, Map<string, CommitState>>();

  constructor(
    private readonly apiUrl: string,
    private readonly options: ModelOptions = {},
  ) {
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.reset();
  }

  /** Forgets deployments, statuses and what tests set; refs go back to the options'. Ids keep increasing. */
  reset(): void {
    this.entries = [];
    const refs = Object.entries(this.options.refs ?? { main: MAIN_SHA });
    this.refs = new Map(refs.map(([name, sha]) => [branchName(name), requireSha(sha).toLowerCase()]));
    this.behind.clear();
    this.commitStates.clear();
  }

  setRef(name: string, sha: string): void {
    this.refs.set(branchName(name), requireSha(sha).toLowerCase());
  }

  setBehind(ref: string, behind: boolean): void {
    const name = branchName(ref);
    if (!this.refs.has(name)) throw new Error(`setBehind: ${ref} is not a branch the fake knows (setRef it first)`);
    if (behind) this.behind.add(name);
    else this.behind.delete(name);
  }

  setCommitStates(shaOrRef: string, contexts: Record<string, CommitState>): void {
    const sha = this.resolve(shaOrRef);
    if (!sha) throw new Error(`setCommitStatuses: unknown ref ${shaOrRef}`);
    const table = this.commitStates.get(sha) ?? new Map<string, CommitState>();
    for (const [context, state] of Object.entries(contexts)) table.set(context, state);
    this.commitStates.set(sha, table);
  }

  /** A 40-hex SHA is itself; a name (also as `refs/heads/…` or `refs/tags/…`) is what it was set to. */
  resolve(ref: string): string | undefined {
    return SHA.test(ref) ? ref.toLowerCase() : (this.refs.get(ref) ?? this.refs.get(branchName(ref)));
  }

  /** 201 with the deployment, or 202 `{message}` and no deployment when GitHub merged the default branch in. */
  createDeployment(owner: string, repo: string, body: unknown): { status: 201 | 202; body: unknown } {
    const input = asObject(body);
    const errors = typeErrors('Deployment', input, DEPLOYMENT_FIELDS);
    if (input.ref === undefined) errors.unshift({ resource: 'Deployment', field: 'ref', code: 'missing_field' });
    if (typeof input.environment === 'string' && input.environment.length > MAX_ENVIRONMENT_NAME) {
      errors.push(tooLong('Deployment', 'environment', MAX_ENVIRONMENT_NAME));
    }
    if (errors.length > 0) throw validationFailed(DOCS.createDeployment, errors);
    const ref = input.ref as string;
    const sha = this.resolve(ref);
    if (!sha) throw new GitHubError(422, `No ref found for: ${ref}`, DOCS.createDeployment);
    if (input.auto_merge !== false && this.behind.has(branchName(ref))) return { status: 202, body: this.autoMerge(ref) };
    this.checkContexts(ref, sha, input.required_contexts as string[] | undefined);

    const id = this.nextId++;
    const now = timestamp();
    const repositoryUrl = `${this.apiUrl}/repos/${owner}/${repo}`;
    const environment = (input.environment as string | undefined) ?? 'production';
    const deployment: Deployment = {
      url: `${repositoryUrl}/deployments/${id}`,
      id,
      node_id: nodeId('010:Deployment', id),
      sha,
      ref,
      task: (input.task as string | undefined) ?? 'deploy',
      payload: input.payload ?? {},
      original_environment: environment,
      environment,
      description: input.description === undefined ? '' : (input.description as string | null),
      creator: botUser(this.apiUrl),
      created_at: now,
      updated_at: now,
      statuses_url: `${repositoryUrl}/deployments/${id}/statuses`,
      repository_url: repositoryUrl,
      transient_environment: (input.transient_environment as boolean | undefined) ?? false,
      production_environment: (input.production_environment as boolean | undefined) ?? environment === 'production',
      performed_via_github_app: null,
    };
    this.entries.push({ repo: repoKey(owner, repo), deployment, statuses: [] });
    return { status: 201, body: deployment };
  }

  /** Newest first. */
  listDeployments(owner: string, repo: string, filter: DeploymentFilter): Deployment[] {
    const environment = filter.environment?.toLowerCase();
    return this.inRepo(repoKey(owner, repo))
      .map((e) => e.deployment)
      .filter(
        (d) =>
          (filter.sha === undefined || d.sha === filter.sha.toLowerCase()) &&
          (filter.ref === undefined || d.ref === filter.ref) &&
          (filter.task === undefined || d.task === filter.task) &&
          (environment === undefined || d.environment.toLowerCase() === environment),
      )
      .reverse();
  }

  getDeployment(owner: string, repo: string, id: number): Deployment {
    return this.entry(owner, repo, id, DOCS.getDeployment).deployment;
  }

  /** Any deployment when it is the repository's only one; otherwise only one that is not active (latest status not `success`). */
  deleteDeployment(owner: string, repo: string, id: number): void {
    const entry = this.entry(owner, repo, id, DOCS.deleteDeployment);
    if (this.inRepo(entry.repo).length > 1 && entry.statuses.at(-1)?.state === 'success') {
      throw new GitHubError(422, 'We cannot delete an active deployment unless it is the only deployment in a given environment.', DOCS.deleteDeployment);
    }
    this.entries = this.entries.filter((e) => e !== entry);
  }

  createStatus(owner: string, repo: string, id: number, body: unknown): DeploymentStatus {
    const entry = this.entry(owner, repo, id, DOCS.createDeploymentStatus);
    const input = asObject(body);
    const errors = statusErrors(input);
    if (errors.length > 0) throw validationFailed(DOCS.createDeploymentStatus, errors);
    if (typeof input.environment === 'string') entry.deployment.environment = input.environment;
    const url = (input.log_url ?? input.target_url ?? '') as string;
    const status = this.appendStatus(entry, {
      state: input.state as DeploymentState,
      description: (input.description as string | undefined) ?? '',
      environment_url: (input.environment_url as string | undefined) ?? '',
      url,
    });
    if (status.state === 'success' && input.auto_inactive !== false) this.inactivatePrior(entry);
    return status;
  }

  /** Newest first. */
  listStatuses(owner: string, repo: string, id: number): DeploymentStatus[] {
    return [...this.entry(owner, repo, id, DOCS.listDeploymentStatuses).statuses].reverse();
  }

  getStatus(owner: string, repo: string, id: number, statusId: number): DeploymentStatus {
    const status = this.entry(owner, repo, id, DOCS.getDeploymentStatus).statuses.find((s) => s.id === statusId);
    if (!status) throw notFound(DOCS.getDeploymentStatus);
    return status;
  }

  /** Copies, in creation order; of one repository (`owner/repo`) when given. */
  deployments(repo?: string): Deployment[] {
    return this.entries.filter((e) => repo === undefined || e.repo === repo.toLowerCase()).map((e) => structuredClone(e.deployment));
  }

  /** Copies, in creation order; [] for an unknown deployment. */
  statuses(deploymentId: number): DeploymentStatus[] {
    return structuredClone(this.entries.find((e) => e.deployment.id === deploymentId)?.statuses ?? []);
  }

  private inRepo(repo: string): Entry[] {
    return this.entries.filter((e) => e.repo === repo);
  }

  private entry(owner: string, repo: string, id: number, docs: string): Entry {
    const entry = this.entries.find((e) => e.deployment.id === id && e.repo === repoKey(owner, repo));
    if (!entry) throw notFound(docs);
    return entry;
  }

  /** GitHub merges the default branch into the ref instead of deploying: the branch moves to the merge commit. */
  private autoMerge(ref: string): { message: string } {
    const name = branchName(ref);
    const before = this.refs.get(name) ?? '';
    this.refs.set(name, createHash('sha1').update(`merge ${this.defaultBranch} into ${name} at ${before}`).digest('hex'));
    this.behind.delete(name);
    return { message: `Auto-merged ${this.defaultBranch} into ${name} on deployment.` };
  }

  /** Omitted: every context reported on the SHA must be `success`; `[]`: no check; named: those must be `success`. */
  private checkContexts(ref: string, sha: string, required: string[] | undefined): void {
    const table = this.commitStates.get(sha) ?? new Map<string, CommitState>();
    const contexts = (required ?? [...table.keys()]).map((context) => ({ context, state: table.get(context) ?? 'missing' }));
    if (contexts.every((c) => c.state === 'success')) return;
    throw new GitHubError(409, `Conflict: Commit status checks failed for ${ref}.`, DOCS.createDeployment, {
      errors: [{ contexts, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }],
    });
  }

  private appendStatus(entry: Entry, s: { state: DeploymentState; description: string; environment_url: string; url: string }): DeploymentStatus {
    const d = entry.deployment;
    const id = this.nextId++;
    const now = timestamp();
    const status: DeploymentStatus = {
      url: `${d.url}/statuses/${id}`,
      id,
      node_id: nodeId('016:DeploymentStatus', id),
      state: s.state,
      creator: botUser(this.apiUrl),
      description: s.description,
      environment: d.environment,
      target_url: s.url,
      log_url: s.url,
      environment_url: s.environment_url,
      created_at: now,
      updated_at: now,
      deployment_url: d.url,
      repository_url: d.repository_url,
      performed_via_github_app: null,
    };
    entry.statuses.push(status);
    d.updated_at = now;
    return status;
  }

  /**
   * `auto_inactive`, literally: earlier non-transient, non-production deployments of the same repository and
   * environment that had a `success` get an `inactive` status (not again when their latest already is one).
   * Production deployments never do.
   */
  private inactivatePrior(entry: Entry): void {
    const environment = entry.deployment.environment.toLowerCase();
    for (const prior of this.inRepo(entry.repo)) {
      const d = prior.deployment;
      if (d.id >= entry.deployment.id || d.transient_environment || d.production_environment) continue;
      if (d.environment.toLowerCase() !== environment) continue;
      if (!prior.statuses.some((s) => s.state === 'success') || prior.statuses.at(-1)?.state === 'inactive') continue;
      this.appendStatus(prior, { state: 'inactive', description: '', environment_url: '', url: '' });
    }
  }
}

function statusErrors(input: Record<string, unknown>): FieldError[] {
  const errors = typeErrors('DeploymentStatus', input, STATUS_FIELDS);
  if (input.state === undefined) errors.unshift({ resource: 'DeploymentStatus', field: 'state', code: 'missing_field' });
  else if (typeof input.state === 'string' && !(DEPLOYMENT_STATES as readonly string[]).includes(input.state)) {
    errors.push({ resource: 'DeploymentStatus', field: 'state', code: 'invalid' });
  }
  if (typeof input.description === 'string' && [...input.description].length > MAX_STATUS_DESCRIPTION) {
    errors.push(tooLong('DeploymentStatus', 'description', MAX_STATUS_DESCRIPTION));
  }
  for (const field of STATUS_URL_FIELDS) {
    const value = input[field];
    if (typeof value === 'string' && value !== '' && !isHttpUrl(value)) {
      errors.push({ resource: 'DeploymentStatus', field, code: 'custom', message: `${field} must use http(s) scheme` });
    }
  }
  return errors;
}

function typeErrors(resource: FieldError['resource'], input: Record<string, unknown>, fields: Record<string, FieldType>): FieldError[] {
  return Object.entries(fields)
    .filter(([field, type]) => input[field] !== undefined && !hasType(input[field], type))
    .map(([field]) => ({ resource, field, code: 'invalid' }));
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'string|null':
      return value === null || typeof value === 'string';
    case 'object|string':
      return typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value));
  }
}

function tooLong(resource: FieldError['resource'], field: string, max: number): FieldError {
  return { resource, field, code: 'custom', message: `${field} is too long (maximum is ${max} characters)` };
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
}

function asObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function requireSha(sha: string): string {
  if (!SHA.test(sha)) throw new Error(`not a 40-hex commit SHA: ${sha}`);
  return sha;
}

const branchName = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');
const repoKey = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();
const nodeId = (prefix: string, id: number) => Buffer.from(`${prefix}${id}`).toString('base64');
/** GitHub's timestamps: ISO 8601 in UTC, whole seconds. */
const timestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function botUser(apiUrl: string): SimpleUser {
  const url = `${apiUrl}/users/github-actions%5Bbot%5D`;
  return {
    login: 'github-actions[bot]',
    id: 41898282,
    node_id: 'MDM6Qm90NDE4OTgyODI=',
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
    gravatar_id: '',
    url,
    html_url: 'https://github.com/apps/github-actions',
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'Bot',
    user_view_type: 'public',
    site_admin: false,
  };
}

// The GitHub deployments fake seen from the real `@actions/github` 9 (octokit's request, its JSON parsing, its
// RequestError), and started by startSandbox for a step run as the runner runs it. "§n" names the section of the
// GitHub deployments reference (github-deployments.md) each test follows.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runAction } from '../harness/runner.js';
import { startSandbox } from '../index.js';
import { MAIN_SHA, startGitHubFake, type GitHubFake } from '../github/server.js';

const TOKEN = 'ghs_sandboxtoken';
const owner = 'acme';
let fake: GitHubFake;
let getOctokit: typeof import('@actions/github').getOctokit;

/** A client as the action builds one, pointed at the fake; Node's fetch, so no proxy variable can reroute it. */
const gh = (token = TOKEN) => getOctokit(token, { baseUrl: fake.url, request: { fetch: globalThis.fetch } });

interface HttpError {
  name: string;
  status: number;
  message: string;
  response?: { data: unknown; headers: Record<string, string> };
}

async function rejectionOf(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    return e as HttpError;
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}

/** The deployment the action creates (reference §9's lifecycle, step 1). */
const actionDeployment = (repo: string, extra: Record<string, unknown> = {}) => ({
  owner,
  repo,
  ref: 'main',
  environment: 'prod',
  auto_merge: false,
  required_contexts: [],
  production_environment: true,
  payload: { tool: 'ecs-blue-green', runId: 42, taskDefinition: 'shop:7' },
  description: 'deploy shop:7',
  ...extra,
});

/** createDeployment's answer when it made a deployment (201). */
async function created(p: Promise<{ status: number; data: unknown }>): Promise<{ id: number; [k: string]: unknown }> {
  const { status, data } = await p;
  expect(status).toBe(201);
  return data as { id: number };
}

beforeAll(async () => {
  fake = await startGitHubFake();
  ({ getOctokit } = await import('@actions/github'));
});
afterAll(() => fake.stop());

describe('deployments and statuses through @actions/github', () => {
  test('§3 §5 §8: the action\'s create, in_progress, success: bodies, defaults, headers', async () => {
    const repo = 'lifecycle';
    const res = await gh().rest.repos.createDeployment(actionDeployment(repo));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const d = res.data as { id: number } & Record<string, unknown>;
    expect(d).toMatchObject({
      url: `${fake.url}/repos/acme/${repo}/deployments/${d.id}`,
      node_id: Buffer.from(`010:Deployment${d.id}`).toString('base64'),
      sha: MAIN_SHA,
      ref: 'main',
      task: 'deploy',
      payload: { tool: 'ecs-blue-green', runId: 42, taskDefinition: 'shop:7' },
      original_environment: 'prod',
      environment: 'prod',
      description: 'deploy shop:7',
      creator: { login: 'github-actions[bot]', type: 'Bot' },
      statuses_url: `${fake.url}/repos/acme/${repo}/deployments/${d.id}/statuses`,
      repository_url: `${fake.url}/repos/acme/${repo}`,
      transient_environment: false,
      production_environment: true,
      performed_via_github_app: null,
    });
    expect(d.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const runUrl = 'https://github.com/acme/lifecycle/actions/runs/42';
    const progress = await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'in_progress', log_url: runUrl });
    expect(progress.status).toBe(201);
    expect(progress.headers.location).toBe(`${fake.url}/repos/acme/${repo}/deployments/${d.id}/statuses/${progress.data.id}`);
    expect(progress.data).toMatchObject({ state: 'in_progress', log_url: runUrl, target_url: runUrl, environment: 'prod', environment_url: '', description: '' });

    const done = await gh().rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: d.id,
      state: 'success',
      environment_url: 'https://shop.example.com/',
      log_url: runUrl,
      description: 'green live, bake passed',
    });
    expect(done.data).toMatchObject({ state: 'success', environment_url: 'https://shop.example.com/', deployment_url: d.url });
    expect(done.data.id).toBeGreaterThan(progress.data.id);

    const listed = await gh().rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: d.id });
    expect(listed.data.map((s) => s.state)).toEqual(['success', 'in_progress']);
    const one = await gh().rest.repos.getDeploymentStatus({ owner, repo, deployment_id: d.id, status_id: progress.data.id });
    expect(one.data).toEqual(progress.data);
    expect((await gh().rest.repos.getDeployment({ owner, repo, deployment_id: d.id })).data).toMatchObject({ id: d.id, environment: 'prod' });
    expect(fake.statuses(d.id).map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  test('§3 §8: defaults when only ref is given; a string payload stays a string', async () => {
    const d = await created(gh().rest.repos.createDeployment({ owner, repo: 'defaults', ref: 'main', required_contexts: [], payload: '{"a":1}' }));
    expect(d).toMatchObject({ environment: 'production', production_environment: true, task: 'deploy', description: '', payload: '{"a":1}' });
    const staging = await created(gh().rest.repos.createDeployment({ owner, repo: 'defaults', ref: MAIN_SHA.toUpperCase(), environment: 'staging' }));
    expect(staging).toMatchObject({ production_environment: false, payload: {}, sha: MAIN_SHA });
  });

  test('§4 §11: lists newest first, filtered by sha, ref, task and environment', async () => {
    const repo = 'listing';
    const other = 'b'.repeat(40);
    fake.setRef('release', other);
    const a = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    const b = await created(gh().rest.repos.createDeployment(actionDeployment(repo, { environment: 'staging', task: 'deploy:rollback' })));
    const c = await created(gh().rest.repos.createDeployment(actionDeployment(repo, { ref: 'refs/heads/release' })));
    const ids = async (q: Record<string, string> = {}) => (await gh().rest.repos.listDeployments({ owner, repo, ...q })).data.map((d) => d.id);
    expect(await ids()).toEqual([c.id, b.id, a.id]);
    expect(await ids({ environment: 'prod' })).toEqual([c.id, a.id]);
    expect(await ids({ sha: other })).toEqual([c.id]);
    expect(await ids({ ref: 'main' })).toEqual([b.id, a.id]);
    expect(await ids({ task: 'deploy:rollback' })).toEqual([b.id]);
    expect(c).toMatchObject({ ref: 'refs/heads/release', sha: other });
  });

  test('§4 §8: pages with a Link header that octokit.paginate follows', async () => {
    const repo = 'paging';
    const made: number[] = [];
    for (let i = 0; i < 5; i += 1) made.push((await created(gh().rest.repos.createDeployment(actionDeployment(repo)))).id);
    const first = await gh().rest.repos.listDeployments({ owner, repo, per_page: 2 });
    expect(first.data.map((d) => d.id)).toEqual([made[4], made[3]]);
    expect(first.headers.link).toBe(
      `<${fake.url}/repos/acme/${repo}/deployments?per_page=2&page=2>; rel="next", <${fake.url}/repos/acme/${repo}/deployments?per_page=2&page=3>; rel="last"`,
    );
    const all = await gh().paginate(gh().rest.repos.listDeployments, { owner, repo, per_page: 2 });
    expect(all.map((d) => d.id)).toEqual([...made].reverse());
    expect(fake.requests({ operation: 'listDeployments' }).slice(-3).map((r) => r.query.page)).toEqual([undefined, '2', '3']);
    const capped = await gh().rest.repos.listDeployments({ owner, repo, per_page: 500 });
    expect([capped.data.length, capped.headers.link]).toEqual([5, undefined]);
  });

  test('§3: required_contexts omitted checks every context of the SHA (409 while one is pending); [] skips the check', async () => {
    const repo = 'contexts';
    const sha = 'c'.repeat(40);
    fake.setRef('feature', sha);
    fake.setCommitStatuses('feature', { ci: 'success', 'build (0)': 'pending' });
    const e = await rejectionOf(gh().rest.repos.createDeployment({ owner, repo, ref: 'feature', auto_merge: false }));
    expect(e.status).toBe(409);
    expect(e.response?.data).toEqual({
      message: 'Conflict: Commit status checks failed for feature.',
      errors: [
        {
          contexts: [
            { context: 'ci', state: 'success' },
            { context: 'build (0)', state: 'pending' },
          ],
          resource: 'Deployment',
          field: 'required_contexts',
          code: 'invalid',
        },
      ],
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '409',
    });
    await created(gh().rest.repos.createDeployment({ owner, repo, ref: 'feature', auto_merge: false, required_contexts: [] }));
    await created(gh().rest.repos.createDeployment({ owner, repo, ref: 'feature', auto_merge: false, required_contexts: ['ci'] }));
    fake.setCommitStatuses(sha, { 'build (0)': 'success' });
    await created(gh().rest.repos.createDeployment({ owner, repo, ref: 'feature', auto_merge: false }));
  });

  test('§3: auto_merge (default true) on a branch behind the default branch: 202 {message} and no deployment', async () => {
    const repo = 'merging';
    fake.setRef('topic', 'd'.repeat(40));
    fake.setBehind('topic');
    const res = await gh().rest.repos.createDeployment({ owner, repo, ref: 'topic', required_contexts: [] });
    expect(res.status).toBe(202);
    expect(res.data).toEqual({ message: 'Auto-merged main into topic on deployment.' });
    expect(fake.deployments(`${owner}/${repo}`)).toEqual([]);
    // The branch now holds the merge commit, so the same request deploys it.
    const d = await created(gh().rest.repos.createDeployment({ owner, repo, ref: 'topic', required_contexts: [] }));
    expect(d.sha).not.toBe('d'.repeat(40));
    fake.setBehind('topic');
    await created(gh().rest.repos.createDeployment({ owner, repo, ref: 'topic', required_contexts: [], auto_merge: false }));
  });

  test('§3 §11: an unknown ref is 422 "No ref found for"', async () => {
    const e = await rejectionOf(gh().rest.repos.createDeployment({ owner, repo: 'refs', ref: 'no-such-branch', required_contexts: [] }));
    expect(e.name).toBe('HttpError');
    expect([e.status, e.response?.data]).toEqual([
      422,
      { message: 'No ref found for: no-such-branch', documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment', status: '422' },
    ]);
  });

  test('§5 §11: a status description over 140 characters, or an unknown state, is 422 Validation Failed', async () => {
    const repo = 'validation';
    const d = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    const e = await rejectionOf(gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'failure', description: 'x'.repeat(141) }));
    expect(e.status).toBe(422);
    expect(e.response?.data).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'DeploymentStatus', field: 'description', code: 'custom', message: 'description is too long (maximum is 140 characters)' }],
      documentation_url: 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status',
      status: '422',
    });
    expect(e.message).toContain('description is too long');
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'failure', description: 'x'.repeat(140) });
    const bad = await rejectionOf(gh().request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { owner, repo, deployment_id: d.id, state: 'rolled_back' as never }));
    expect([bad.status, (bad.response?.data as { errors: unknown[] }).errors]).toEqual([422, [{ resource: 'DeploymentStatus', field: 'state', code: 'invalid' }]]);
    expect(fake.statuses(d.id).map((s) => s.state)).toEqual(['failure']);
  });

  test('§2 §11: an unknown deployment is 404 Not Found, for statuses too', async () => {
    const e = await rejectionOf(gh().rest.repos.createDeploymentStatus({ owner, repo: 'missing', deployment_id: 999_999, state: 'success' }));
    expect([e.status, e.response?.data]).toEqual([
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status', status: '404' },
    ]);
    const d = await created(gh().rest.repos.createDeployment(actionDeployment('missing')));
    expect((await rejectionOf(gh().rest.repos.getDeploymentStatus({ owner, repo: 'missing', deployment_id: d.id, status_id: 999_999 }))).status).toBe(404);
    expect((await rejectionOf(gh().rest.repos.getDeployment({ owner, repo: 'elsewhere', deployment_id: d.id }))).status).toBe(404);
  });

  test('§2 §6: no token is 401; a token without deployments: write is 403 on writes and may still read', async () => {
    const anonymous = await fetch(`${fake.url}/repos/acme/auth/deployments`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await anonymous.json()).toEqual({ message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });

    fake.setTokenPermission('ghs_readonly', 'read');
    const e = await rejectionOf(gh('ghs_readonly').rest.repos.createDeployment(actionDeployment('auth')));
    expect([e.status, e.response?.data]).toEqual([
      403,
      { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment', status: '403' },
    ]);
    expect((await gh('ghs_readonly').rest.repos.listDeployments({ owner, repo: 'auth' })).status).toBe(200);
    const bearer = await fetch(`${fake.url}/repos/acme/auth/deployments`, { headers: { authorization: 'Bearer ghs_other' } });
    expect(bearer.status).toBe(200);
  });

  test('§5 §11: auto_inactive (default true) marks earlier successful non-production, non-transient deployments of the environment inactive', async () => {
    const repo = 'inactive';
    const deploy = (extra: Record<string, unknown>) => created(gh().rest.repos.createDeployment(actionDeployment(repo, { production_environment: false, environment: 'staging', ...extra })));
    const succeed = (id: number, extra: Record<string, unknown> = {}) => gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'success', ...extra });
    const states = (d: { id: number }) => fake.statuses(d.id).map((s) => s.state);

    const old = await deploy({});
    const neverSucceeded = await deploy({});
    const transient = await deploy({ transient_environment: true });
    const prodRecord = await deploy({ environment: 'prod', production_environment: true });
    const otherEnv = await deploy({ environment: 'qa' });
    // `old` last: a success inactivates the ones before it, so the others' successes must not see old's yet.
    for (const d of [transient, prodRecord, otherEnv, old]) await succeed(d.id);
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: neverSucceeded.id, state: 'failure' });

    const next = await deploy({});
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: next.id, state: 'in_progress' });
    expect(states(old)).toEqual(['success']);
    await succeed(next.id);
    expect(states(old)).toEqual(['success', 'inactive']);
    expect(fake.statuses(old.id)[1]).toMatchObject({ environment: 'staging', log_url: '', environment_url: '' });
    expect([states(neverSucceeded), states(transient), states(prodRecord), states(otherEnv)]).toEqual([['failure'], ['success'], ['success'], ['success']]);

    const quiet = await deploy({});
    await succeed(quiet.id, { auto_inactive: false });
    expect(states(next)).toEqual(['in_progress', 'success']);
  });

  test('§5: a status\'s environment moves the deployment to it', async () => {
    const repo = 'moving';
    const d = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'queued', environment: 'prod-eu' });
    const later = await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'success' });
    expect(later.data.environment).toBe('prod-eu');
    expect((await gh().rest.repos.getDeployment({ owner, repo, deployment_id: d.id })).data).toMatchObject({ environment: 'prod-eu', original_environment: 'prod' });
  });

  test('§5: delete: the only deployment always; otherwise only one whose latest status is not success (422)', async () => {
    const repo = 'deleting';
    const only = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: only.id, state: 'success' });
    expect((await gh().rest.repos.deleteDeployment({ owner, repo, deployment_id: only.id })).status).toBe(204);

    const first = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: first.id, state: 'success' });
    const e = await rejectionOf(gh().rest.repos.deleteDeployment({ owner, repo, deployment_id: first.id }));
    expect([e.status, (e.response?.data as { message: string }).message]).toEqual([422, 'We cannot delete an active deployment unless it is the only deployment in a given environment.']);
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: first.id, state: 'inactive' });
    expect((await gh().rest.repos.deleteDeployment({ owner, repo, deployment_id: first.id })).status).toBe(204);
    expect((await rejectionOf(gh().rest.repos.getDeployment({ owner, repo, deployment_id: first.id }))).status).toBe(404);
  });

  test('§8: the request log has the parsed body and the headers octokit sent, never the token', async () => {
    const since = Date.now();
    const seen = fake.waitForRequest('createDeployment');
    await gh().rest.repos.createDeployment(actionDeployment('logged'));
    const r = await seen;
    expect(r).toMatchObject({ method: 'POST', path: '/repos/acme/logged/deployments', status: 201 });
    expect(r.body).toEqual({ ref: 'main', environment: 'prod', auto_merge: false, required_contexts: [], production_environment: true, payload: actionDeployment('logged').payload, description: 'deploy shop:7' });
    expect(r.headers).toMatchObject({ authorization: 'token ***', accept: 'application/vnd.github.v3+json', 'content-type': 'application/json; charset=utf-8' });
    expect(r.headers['user-agent']).toContain('octokit-core.js');
    expect(JSON.stringify(fake.requests({ since }))).not.toContain(TOKEN);
  });
});

describe('faults', () => {
  test('an injected 502 answers the next call with GitHub\'s body, without running it; the call after succeeds', async () => {
    const repo = 'faulty';
    const d = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    fake.injectFault({ kind: 'error', status: 502, operation: 'createDeploymentStatus' });
    const e = await rejectionOf(gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'in_progress' }));
    expect([e.status, e.response?.data]).toEqual([
      502,
      { message: 'Server Error', documentation_url: 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status', status: '502' },
    ]);
    expect(fake.statuses(d.id)).toEqual([]);
    await gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'in_progress' });
    expect(fake.requests({ operation: 'createDeploymentStatus' }).slice(-2).map((r) => [r.status, r.fault])).toEqual([
      [502, 'error'],
      [201, undefined],
    ]);
    expect(fake.faults()).toEqual([]);
  });

  test('an injected 409 on create is GitHub\'s merge conflict; latency delays a call', async () => {
    fake.injectFault({ kind: 'error', status: 409, operation: 'POST /repos/{owner}/{repo}/deployments' });
    const e = await rejectionOf(gh().rest.repos.createDeployment(actionDeployment('conflict', { ref: 'topic-x' })));
    expect([e.status, (e.response?.data as { message: string }).message]).toEqual([409, 'Conflict merging main into topic-x.']);
    fake.injectFault({ kind: 'latency', latencyMs: 200, operation: 'listDeployments' });
    expect((await gh().rest.repos.listDeployments({ owner, repo: 'conflict' })).status).toBe(200);
    const slow = fake.requests({ operation: 'listDeployments' }).at(-1);
    expect(slow).toMatchObject({ fault: 'latency', status: 200 });
    expect(slow?.durationMs).toBeGreaterThanOrEqual(190);
    expect(() => fake.injectFault({ kind: 'error', operation: 'createDeploymnet' })).toThrow('unknown GitHub operation');
  });

  test('a hang: the call takes effect, no reply comes, and the client\'s own timeout ends the wait', async () => {
    const repo = 'hanging';
    const d = await created(gh().rest.repos.createDeployment(actionDeployment(repo)));
    fake.hang('createDeploymentStatus');
    const hung = fake.waitForRequest('createDeploymentStatus');
    const call = rejectionOf(
      gh().rest.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: 'success', request: { signal: AbortSignal.timeout(2_000) } }),
    );
    expect(await hung).toMatchObject({ status: 0, fault: 'hang', lostReply: { status: 201 } });
    const e = await call;
    // Octokit's status for a call that got no HTTP answer.
    expect([e.status, e.response]).toEqual([500, undefined]);
    expect(fake.statuses(d.id).map((s) => s.state)).toEqual(['success']);
    expect((await gh().rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: d.id })).data).toHaveLength(1);
  }, 15_000);

  test('a hang the client never gives up on ends when the fake stops', async () => {
    const own = await startGitHubFake();
    own.hang('*');
    const client = getOctokit(TOKEN, { baseUrl: own.url, request: { fetch: globalThis.fetch } });
    const call = rejectionOf(client.rest.repos.listDeployments({ owner, repo: 'stopped' }));
    try {
      expect(await own.waitForRequest('listDeployments')).toMatchObject({ status: 0, fault: 'hang', lostReply: { status: 200 } });
    } finally {
      await own.stop();
    }
    expect((await call).status).toBe(500);
  }, 15_000);
});

// A step importing @actions/github as an action does, its base URL taken from GITHUB_API_URL at import.
const GITHUB_LIB = pathToFileURL(join(process.cwd(), 'node_modules/@actions/github/lib/github.js')).href;
const PROBE_MAIN = `
import { context, getOctokit } from '${GITHUB_LIB}';
const gh = getOctokit(process.env.INPUT_TOKEN);
const { data } = await gh.rest.repos.createDeployment({ ...context.repo, ref: process.env.GITHUB_REF_NAME, environment: 'prod',
  auto_merge: false, required_contexts: [], production_environment: true, payload: { runId: context.runId } });
const logUrl = context.serverUrl + '/' + context.repo.owner + '/' + context.repo.repo + '/actions/runs/' + context.runId;
await gh.rest.repos.createDeploymentStatus({ ...context.repo, deployment_id: data.id, state: 'success', log_url: logUrl });
console.log('deployment ' + data.id);
`;
const PROBE_YML = `
name: github-probe
inputs:
  token:
    required: true
runs:
  using: node24
  main: main.mjs
`;

describe('in the sandbox', () => {
  test('§10: startSandbox starts the fake, and sandbox.env() points a step\'s @actions/github at it over the runner\'s default', async () => {
    const sandbox = await startSandbox();
    const dir = await mkdtemp(join(tmpdir(), 'github-probe-'));
    try {
      expect(sandbox.env().GITHUB_API_URL).toBe(sandbox.github.url);
      await writeFile(join(dir, 'action.yml'), PROBE_YML);
      await writeFile(join(dir, 'main.mjs'), PROBE_MAIN);
      const run = await runAction({ actionDir: dir, inputs: { token: TOKEN }, env: sandbox.env(), timeoutMs: 60_000 });
      expect([run.conclusion, run.main.stderr]).toEqual(['success', '']);
      const [d, ...more] = sandbox.github.deployments('sandbox/app');
      expect(more).toEqual([]);
      expect(d).toMatchObject({ ref: 'main', sha: MAIN_SHA, environment: 'prod', payload: { runId: expect.any(Number) } });
      expect(sandbox.github.statuses(d?.id ?? 0)).toMatchObject([{ state: 'success', log_url: expect.stringMatching(/^https:\/\/github\.com\/sandbox\/app\/actions\/runs\/\d+$/) }]);
      expect(sandbox.github.requests().map((r) => r.headers.authorization)).toEqual(['token ***', 'token ***']);
    } finally {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

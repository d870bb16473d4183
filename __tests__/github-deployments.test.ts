// The GitHub records with a scripted API: the order of calls, what each carries, and that every failure
// is one warning — never an exception into the deploy — and that the end of a run waits a bounded time.
import { beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { DeploymentRecords, closeOpenRecord, describe: describeText, deploymentRef, runUrl } = await import('../src/github/deployments.js');
const { MemoryState } = await import('../__fixtures__/flow.js');
type Api = import('../src/github/deployments.js').DeploymentsApi;

const ENV = { GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2', GITHUB_SERVER_URL: 'https://github.com' };
const CONFIG = { token: 't', environment: 'production', environmentUrl: 'https://shop.example.com/' };

/** Records every call; answers 201 with increasing ids unless told otherwise. */
type Answer = { status: number; data: unknown } | undefined;
function scriptedApi(answer: (op: string, params: Record<string, unknown>) => Promise<Answer> | undefined = () => undefined) {
  const calls: { op: string; params: Record<string, unknown> }[] = [];
  let id = 0;
  const respond = async (op: string, params: Record<string, unknown>) => {
    calls.push({ op, params });
    return (await answer(op, params)) ?? { status: 201, data: { id: ++id } };
  };
  const api: Api = { createDeployment: (p) => respond('createDeployment', p), createDeploymentStatus: (p) => respond('createDeploymentStatus', p) };
  return { api, calls };
}

beforeEach(() => {
  jest.clearAllMocks();
});

describe('DeploymentRecords', () => {
  it('creates the deployment of the commit, then in_progress, then the final status with the URLs', async () => {
    const { api, calls } = scriptedApi();
    const state = new MemoryState();
    const records = new DeploymentRecords(CONFIG, state, async () => api, ENV);
    records.start({ task: 'deploy', colour: 'green', previousColour: 'blue', taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/shop:7' });
    records.start({ task: 'deploy', colour: 'blue' }); // once per run
    records.finish('success', 'green is live');
    await records.flush(5_000);

    expect(calls.map((c) => [c.op, c.params.state])).toEqual([
      ['createDeployment', undefined],
      ['createDeploymentStatus', 'in_progress'],
      ['createDeploymentStatus', 'success'],
    ]);
    expect(calls[0]?.params).toMatchObject({
      ref: ENV.GITHUB_SHA,
      task: 'deploy',
      environment: 'production',
      required_contexts: [],
      auto_merge: false,
      description: 'Blue-green deploy to green: shop:7',
      payload: { tool: 'ecs-blue-green-action', colour: 'green', previousColour: 'blue', runId: '42' },
    });
    expect(calls[1]?.params).toMatchObject({ deployment_id: 1, auto_inactive: false, log_url: 'https://github.com/acme/shop/actions/runs/42/attempts/2' });
    expect(calls[1]?.params).not.toHaveProperty('environment_url');
    expect(calls[2]?.params).toMatchObject({ deployment_id: 1, environment_url: 'https://shop.example.com/', auto_inactive: true });
    expect(JSON.parse(state.read('github-deployment'))).toEqual({ id: 1, environment: 'production', final: true });
    expect(core.warning).not.toHaveBeenCalled();
  });

  it('a 202 (GitHub merged instead of deploying) or a 403 is one warning, and nothing more is sent', async () => {
    const { api, calls } = scriptedApi(async (op): Promise<Answer> => (op === 'createDeployment' ? { status: 202, data: { message: 'Auto-merged main into topic' } } : undefined));
    const records = new DeploymentRecords(CONFIG, new MemoryState(), async () => api, ENV);
    records.start({ task: 'deploy', colour: 'green' });
    records.finish('failure', 'rolled back');
    await records.flush(5_000);
    expect(calls.map((c) => c.op)).toEqual(['createDeployment']);
    expect(core.messages(core.warning)).toEqual([expect.stringContaining('GitHub created no deployment (202: Auto-merged main into topic)')]);

    jest.clearAllMocks();
    const denied = scriptedApi(async () => {
      throw Object.assign(new Error('Resource not accessible by integration - https://docs.github.com/rest'), { status: 403 });
    });
    const second = new DeploymentRecords(CONFIG, new MemoryState(), async () => denied.api, ENV);
    second.start({ task: 'deploy', colour: 'green' });
    second.finish('success', 'green is live');
    await second.flush(5_000);
    expect(denied.calls).toHaveLength(1);
    expect(core.messages(core.warning)).toEqual([expect.stringContaining('Give the job `permissions: deployments: write`')]);
    expect(core.messages(core.warning)[0]).toContain('The deployment itself is not affected');
  });

  it('start and finish never wait for GitHub; flush gives up after its bound with a warning', async () => {
    let release: () => void = () => undefined;
    const { api } = scriptedApi(() => new Promise<Answer>((resolve) => (release = () => resolve({ status: 201, data: { id: 9 } }))));
    const records = new DeploymentRecords(CONFIG, new MemoryState(), async () => api, ENV);
    records.start({ task: 'deploy', colour: 'green' });
    records.finish('success', 'green is live');
    await records.flush(50);
    expect(core.messages(core.warning)).toEqual([expect.stringContaining('GitHub did not answer within 0 s')]);
    release();
  });

  it('without a commit (a local run) it warns once and sends nothing', async () => {
    const { api, calls } = scriptedApi();
    const records = new DeploymentRecords(CONFIG, new MemoryState(), async () => api, {});
    records.start({ task: 'deploy', colour: 'green' });
    records.finish('success', 'x');
    await records.flush(1_000);
    expect(calls).toEqual([]);
    expect(core.messages(core.warning)).toEqual([expect.stringContaining('no commit to record')]);
  });
});

describe('closeOpenRecord (post)', () => {
  it('closes a record main left open with error, once', async () => {
    const { api, calls } = scriptedApi();
    const state = new MemoryState();
    state.save('github-deployment' as never, JSON.stringify({ id: 5, environment: 'production', final: false }));
    await closeOpenRecord(state, 't', 'Main did not finish; the post step restored traffic on blue', async () => api);
    await closeOpenRecord(state, 't', 'again', async () => api);
    expect(calls).toEqual([{ op: 'createDeploymentStatus', params: expect.objectContaining({ deployment_id: 5, state: 'error', description: 'Main did not finish; the post step restored traffic on blue' }) }]);
  });

  it('a GitHub failure in post is a warning', async () => {
    const state = new MemoryState();
    state.save('github-deployment' as never, JSON.stringify({ id: 5, environment: 'production', final: false }));
    await closeOpenRecord(state, 't', 'x', async () => {
      throw new Error('socket hang up');
    });
    expect(core.messages(core.warning)).toEqual([expect.stringContaining("Could not close GitHub deployment 5: socket hang up")]);
  });
});

describe('helpers', () => {
  it('keeps a description within 140 characters, on one line', () => {
    expect(describeText('a\nb')).toBe('a b');
    const long = describeText('x'.repeat(300));
    expect(long).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });

  it('records a pull request on its head branch, anything else on its commit', () => {
    expect(deploymentRef({ GITHUB_HEAD_REF: 'feature/x', GITHUB_SHA: 'abc' })).toBe('feature/x');
    expect(deploymentRef({ GITHUB_HEAD_REF: '', GITHUB_SHA: 'abc' })).toBe('abc');
    expect(runUrl({})).toBeUndefined();
  });
});

// The deployment lock through the deploy flow: contention, takeover of an expired lock, races,
// and a release that fails.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/flow/deploy.js');
const { LockHeld } = await import('../src/errors.js');
const { FakeAws } = await import('../__fixtures__/fake-aws.js');
const { LOCK, T0, foreignLock, harness, settle } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('deploy: the lock', () => {
  it('fails fast when another run holds an unexpired lock, changing nothing and leaving its lock', async () => {
    const aws = new FakeAws();
    const theirs = foreignLock(T0 + 600_000);
    aws.parameters.set(LOCK, { value: theirs, version: 1 });
    const h = await harness({ aws });

    await expect(settle(deploy(h.config, h.deps))).rejects.toThrow(LockHeld);
    await expect(deploy(h.config, h.deps)).rejects.toThrow(/acme\/shop workflow "Deploy" run 41 \(attempt 1\) \(run 41-1, https:\/\/github.com\/acme\/shop\/actions\/runs\/41\) until 2026-11-22T10:10:00.000Z/);
    expect(aws.parameters.get(LOCK)?.value).toBe(theirs);
    expect(aws.mutations().map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'ssm.putIfAbsent']);
    expect(aws.count('elb.readActions')).toBe(0);
    expect(h.state.read('lock')).toBe('');
  });

  it('takes over an expired lock with a warning, proceeds, and releases it at the end', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 - 1_000), version: 3 });
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(core.warning).toHaveBeenCalledWith(expect.stringMatching(/Took over .*run 41-1.*\/shop\/live-color-lock/), expect.objectContaining({ title: 'Deployment lock taken over' }));
    expect(result.notes.notes).toContainEqual(expect.stringContaining('Took over an expired deployment lock'));
    expect(aws.parameters.has(LOCK)).toBe(false);
  });

  it('treats an unreadable lock as held', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: 'not json', version: 1 });
    const h = await harness({ aws });
    await expect(deploy(h.config, h.deps)).rejects.toThrow(/unreadable value "not json"/);
    expect(aws.parameters.get(LOCK)?.value).toBe('not json');
  });

  it('takes the lock when its holder released it between our two calls', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 + 600_000), version: 1 });
    const get = aws.ssm.get;
    aws.ssm.get = async (name) => {
      if (name === LOCK && aws.count('ssm.get') === 0) aws.parameters.delete(LOCK); // the other run ends now
      return get(name);
    };
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(aws.callsOf('ssm.putIfAbsent')).toHaveLength(2);
  });

  it('gives up on a lock that keeps appearing and disappearing', async () => {
    const aws = new FakeAws();
    aws.ssm.putIfAbsent = async () => false;
    const h = await harness({ aws });
    await expect(deploy(h.config, h.deps)).rejects.toThrow(/keeps appearing and disappearing/);
    expect(aws.count('elb.readActions')).toBe(0);
  });

  it('goes on when the lock is already its own (a re-run of the same attempt)', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 + 600_000, '42-1'), version: 1 });
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(aws.parameters.has(LOCK)).toBe(false);
    expect(core.warning).not.toHaveBeenCalled();
  });

  it('backs off when another run takes over the same expired lock at the same moment', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 - 1_000), version: 1 });
    const put = aws.ssm.put;
    aws.ssm.put = async (name, value) => {
      await put(name, value);
      if (name === LOCK) aws.parameters.set(LOCK, { value: foreignLock(T0 + 600_000, '43-1'), version: 9 }); // theirs lands last
    };
    const h = await harness({ aws });
    await expect(deploy(h.config, h.deps)).rejects.toThrow(/Another run took over the expired lock .* at the same moment/);
    expect(JSON.parse(aws.parameters.get(LOCK)!.value).runId).toBe('43-1');
    expect(aws.count('elb.readActions')).toBe(0);
  });

  it('warns but does not fail when the lock cannot be released', async () => {
    const h = await harness();
    h.aws.faults.push((op) => (op === 'ssm.delete' ? new Error('AccessDenied') : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining('Could not release the lock'));
    expect(JSON.parse(h.state.read('lock'))).toEqual({ name: LOCK, runId: '42-1' });
  });
});


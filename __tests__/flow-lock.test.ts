// The deployment lock through the deploy flow: contention, takeover of an expired lock, races,
// and a release that fails.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { post } = await import('../src/engines/listener/post.js');
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
    await expect(deploy(h.config, h.deps)).rejects.toThrow(/acme\/shop workflow "Deploy" run 41 \(attempt 1\) \(lock id 41-1, https:\/\/github.com\/acme\/shop\/actions\/runs\/41\) until 2026-11-22T10:10:00.000Z/);
    expect(aws.parameters.get(LOCK)?.value).toBe(theirs);
    expect(aws.mutations().map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'ssm.putIfAbsent']);
    expect(aws.count('elb.readActions')).toBe(2); // the pair check's read, before the lock: discovery never ran
    expect(h.state.read('lock')).toBe('');
  });

  it('takes over an expired lock with a warning, proceeds, and releases it at the end', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 - 1_000), version: 3 });
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    expect(core.warning).toHaveBeenCalledWith(expect.stringMatching(/Took over .*lock id 41-1.*\/shop\/live-color-lock/), expect.objectContaining({ title: 'Deployment lock taken over' }));
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
    expect(aws.count('elb.readActions')).toBe(1); // the pair check's read, before the lock: discovery never ran
  });

  it('goes on when the lock is already its own (its write took effect but the reply was lost)', async () => {
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
    expect(aws.count('elb.readActions')).toBe(1); // the pair check's read, before the lock: discovery never ran
  });

  it('warns but does not fail when the lock cannot be released', async () => {
    const h = await harness();
    h.aws.faults.push((op) => (op === 'ssm.delete' ? new Error('AccessDenied') : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining('Could not release the lock'));
    expect(JSON.parse(h.state.read('lock'))).toEqual({ name: LOCK, id: "42-1" });
  });
});


describe('deploy: the lock when replies are lost', () => {
  // Reproduced against dist/: every PutParameter of the lock took effect but its reply was dropped; main
  // failed, post found nothing recorded and left the lock, and every deploy then failed until it expired.
  it('records the lock it is about to take before the write, so post releases one whose reply was lost', async () => {
    const aws = new FakeAws();
    const putIfAbsent = aws.ssm.putIfAbsent;
    aws.ssm.putIfAbsent = async (name, value) => {
      await putIfAbsent(name, value); // it lands...
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }); // ...and the reply is lost
    };
    const h = await harness({ aws });
    await expect(settle(deploy(h.config, h.deps))).rejects.toThrow('socket hang up');
    expect(aws.parameters.has(LOCK)).toBe(true);
    expect(JSON.parse(h.state.read('lock'))).toEqual({ name: LOCK, id: '42-1' });

    await post(h.config, aws, h.state.copy());
    expect(aws.parameters.has(LOCK)).toBe(false);
  });

  it('goes on when a retried write finds its own lock (the first reply was lost)', async () => {
    const aws = new FakeAws();
    const putIfAbsent = aws.ssm.putIfAbsent;
    let first = true;
    aws.ssm.putIfAbsent = async (name, value) => {
      const created = await putIfAbsent(name, value);
      if (first) {
        first = false;
        return false; // the SDK's retry of a write that landed answers ParameterAlreadyExists
      }
      return created;
    };
    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(aws.parameters.has(LOCK)).toBe(false);
  });

  it('forgets the lock it meant to take when another run holds it', async () => {
    const aws = new FakeAws();
    aws.parameters.set(LOCK, { value: foreignLock(T0 + 600_000), version: 1 });
    const h = await harness({ aws });
    await expect(settle(deploy(h.config, h.deps))).rejects.toThrow(LockHeld);
    expect(h.state.read('lock')).toBe('');
  });

  // Run id + attempt was the lock id: two jobs of one run (or two legs of one matrix job) both "held" it.
  it('lets only one of two jobs of the same run hold the lock', async () => {
    const aws = new FakeAws();
    const first = await harness({ aws, config: { run: { id: '42-1-deploy-aaaaaaaa', description: 'run 42 (attempt 1) job deploy' }, bakeTimeMs: 600_000 } });
    const second = await harness({ aws, config: { run: { id: '42-1-deploy-bbbbbbbb', description: 'run 42 (attempt 1) job deploy' } } });
    const running = deploy(first.config, first.deps);
    await jest.advanceTimersByTimeAsync(0);
    await expect(settle(deploy(second.config, second.deps))).rejects.toThrow(/Another deployment holds the lock .*lock id 42-1-deploy-aaaaaaaa/);
    expect((await settle(running)).outcome.status).toBe('succeeded');
    expect(aws.parameters.has(LOCK)).toBe(false);
  });
});

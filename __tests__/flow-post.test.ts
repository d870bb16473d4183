// The post step after main was killed in each phase: main runs on fake timers up to the phase of
// interest, the state file is copied as it is at that moment (the kill: main never runs again because
// time stops), then post runs on the copy against the same AWS.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/flow/deploy.js');
const { post } = await import('../src/flow/post.js');
const { FakeAws, PARAMETER, TG, forwardTo, healthy, unhealthy } = await import('../__fixtures__/fake-aws.js');
const { LOCK, MemoryState, T0, advanceUntil, foreignLock, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');
type Harness = Awaited<ReturnType<typeof harness>>;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const ORIGINAL: Action[] = [forwardTo(TG.blue)];
const unused = (id: string) => ({ id, port: 8080, state: 'unused' });

/** Starts main and "kills" it once `killAt` holds: returns the state file as it was then. */
async function killMain(h: Harness, killAt: () => boolean, what: string): Promise<InstanceType<typeof MemoryState>> {
  void deploy(h.config, h.deps);
  await advanceUntil(killAt, what);
  const copy = h.state.copy();
  h.aws.calls.length = 0; // from here on, the log holds post's calls only
  return copy;
}

const expectRestoredByPost = (h: Harness, state: InstanceType<typeof MemoryState>) => {
  expect(h.aws.listenerActions()).toEqual(ORIGINAL);
  expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  expect(h.aws.parameters.has(LOCK)).toBe(false);
  expect(state.phase()).toBe('settled');
};

describe('post after main was killed', () => {
  it('while deploying: nothing to restore, the lock is released', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'deploying', 'deploying');
    expect(h.aws.parameters.has(LOCK)).toBe(true);

    const result = await post(h.config, h.aws, state);

    expect(result).toEqual({ restored: false });
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.aws.count('ssm.put')).toBe(0);
    expect(h.aws.listenerActions()).toEqual(ORIGINAL);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(core.messages(core.info)).toContainEqual("Main ended in phase 'deploying': traffic needs no restoring.");
  });

  it('while verifying, after the idle group was attached with weight 0: restores the snapshot', async () => {
    const h = await harness();
    h.aws.health.set(TG.green, (attached) => (attached ? [healthy('10.0.1.1'), healthy('10.0.1.2')] : [unused('10.0.1.1'), unused('10.0.1.2')]));
    const state = await killMain(h, () => h.aws.count('elb.writeActions') === 1, 'the weight-0 attach');
    expect(state.phase()).toBe('verifying');
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 100, green: 0 });

    const result = await post(h.config, h.aws, state);

    expect(result.restored).toBe(true);
    expect(result.failure).toContain("Main did not finish (phase 'verifying'); the post step restored traffic on blue");
    expectRestoredByPost(h, state);
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining("Main stopped in phase 'verifying'"), { title: 'Post step: restoring traffic' });
  });

  it('while verifying, before anything changed: nothing to restore', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.probe.calls.length === 2, 'the second verify probe');
    expect(state.phase()).toBe('verifying');
    const result = await post(h.config, h.aws, state);
    expect(result.restored).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(h.aws.mutations().map((c) => c.op)).toEqual(['ssm.delete']);
  });

  it('mid-canary: restores the snapshot', async () => {
    const h = await harness({ config: { trafficShift: { kind: 'canary', percent: 10, waitMs: 300_000 } } });
    const state = await killMain(
      h,
      () => h.aws.count('elb.writeActions') === 1 && Date.now() - T0 >= 60_000,
      'a minute into the 10% step',
    );
    expect(state.phase()).toBe('shifting');
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 90, green: 10 });

    const result = await post(h.config, h.aws, state);

    expect(result.restored).toBe(true);
    expectRestoredByPost(h, state);
    expect(h.aws.writes()).toEqual([ORIGINAL]);
  });

  it('while baking: restores the snapshot and the record', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'baking' && h.probe.calls.length >= 6, 'into the bake');
    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');

    const result = await post(h.config, h.aws, state);

    expect(result.restored).toBe(true);
    expect(result.failure).toContain(`traffic on blue and ${PARAMETER} = blue`);
    expectRestoredByPost(h, state);
  });

  it('while rolling back: finishes the restore main could not', async () => {
    const h = await harness();
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.probe.failing.add('http://green.shop.test/health');
      // main's rollback cannot write: post must do it
      if (key === 'phase' && value === 'rolling-back') h.aws.faults.push((op) => (op === 'elb.writeActions' ? new Error('RequestTimeout') : undefined));
    };
    const state = await killMain(h, () => h.state.phase() === 'rolling-back' && h.aws.count('ssm.delete') === 1, 'the failed rollback');
    h.aws.faults.length = 0;

    const result = await post(h.config, h.aws, state);
    expect(result.restored).toBe(true);
    expect(h.aws.listenerActions()).toEqual(ORIGINAL);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(state.phase()).toBe('settled');
  });

  it('is idempotent: a second run changes nothing', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'baking', 'baking');
    const before = state.copy();
    await post(h.config, h.aws, state);
    const afterFirst = { listener: h.aws.listenerActions(), record: h.aws.parameters.get(PARAMETER)?.value };

    // Again on the state as the first post left it (settled)...
    h.aws.calls.length = 0;
    const second = await post(h.config, h.aws, state);
    expect(second).toEqual({ restored: false });
    expect(h.aws.mutations()).toEqual([]);

    // ...and as if the first post died before saving its state: it looks at AWS and confirms.
    const third = await post(h.config, h.aws, before);
    expect(third.restored).toBe(false);
    expect(third.failure).toContain('the post step confirmed traffic on blue');
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect({ listener: h.aws.listenerActions(), record: h.aws.parameters.get(PARAMETER)?.value }).toEqual(afterFirst);
  });

  it('never deletes a lock another run now holds', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'baking', 'baking');
    const theirs = foreignLock(T0 + 3_600_000);
    h.aws.parameters.set(LOCK, { value: theirs, version: 9 });

    await post(h.config, h.aws, state);

    expect(h.aws.parameters.get(LOCK)?.value).toBe(theirs);
    expect(h.aws.count('ssm.delete')).toBe(0);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('now belongs to another run; leaving it'));
  });

  it('applies the dead-colour rule and reports that it could not restore', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'baking', 'baking');
    h.aws.health.set(TG.blue, [unhealthy('10.0.0.1')]);

    const result = await post(h.config, h.aws, state);

    expect(result.restored).toBe(false);
    expect(result.failure).toContain('the post step could not restore traffic to blue');
    expect(result.failure).toContain('Neither side is safe');
    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(state.phase()).toBe('baking');
  });

  it('warns but does not fail when the lock cannot be released', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'deploying', 'deploying');
    h.aws.faults.push((op) => (op === 'ssm.get' ? new Error('ThrottlingException') : undefined));
    const result = await post(h.config, h.aws, state);
    expect(result).toEqual({ restored: false });
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining(`Could not release the deployment lock ${LOCK}: ThrottlingException`));
  });
});

describe('post after main ended by itself', () => {
  it('changes nothing after a settled successful deploy', async () => {
    const h = await harness();
    const main = await settle(deploy(h.config, h.deps));
    expect(main.outcome.status).toBe('succeeded');
    h.aws.calls.length = 0;

    const result = await post(h.config, h.aws, h.state);

    expect(result).toEqual({ restored: false });
    expect(h.aws.calls).toEqual([]);
    expect(h.aws.liveColour()).toBe('green');
  });

  it('changes nothing after main rolled back by itself', async () => {
    const h = await harness();
    h.state.onSave = (key, value) => {
      if (key === 'phase' && value === 'baking') h.probe.failing.add('http://green.shop.test/health');
    };
    const main = await settle(deploy(h.config, h.deps));
    expect(main.outcome.status).toBe('rolled-back');
    h.aws.calls.length = 0;

    expect(await post(h.config, h.aws, h.state)).toEqual({ restored: false });
    expect(h.aws.calls).toEqual([]);
  });

  it('does nothing when main saved no state', async () => {
    const aws = new FakeAws();
    const result = await post((await harness()).config, aws, new MemoryState());
    expect(result).toEqual({ restored: false });
    expect(aws.calls).toEqual([]);
  });

  it('ignores a snapshot that is not valid JSON, with a warning', async () => {
    const aws = new FakeAws();
    const state = new MemoryState(aws, new Map([['phase', 'baking'], ['snapshot', '{oops'], ['previous-colour', 'blue'], ['new-colour', 'green']]));
    const result = await post((await harness()).config, aws, state);
    expect(result).toEqual({ restored: false });
    expect(aws.mutations()).toEqual([]);
    expect(core.messages(core.warning)).toContainEqual("Saved state 'snapshot' is not valid JSON; ignoring it.");
  });
});

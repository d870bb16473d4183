// The post step after main was killed in each phase: main runs on fake timers up to the phase of
// interest, the state file is copied as it is at that moment (the kill: main never runs again because
// time stops), then post runs on the copy against the same AWS.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { post } = await import('../src/engines/listener/post.js');
const { POST_TITLES } = await import('../src/flow/post-result.js');
const { FakeAws, LISTENER, PARAMETER, TG, forwardTo, healthy, unhealthy } = await import('../__fixtures__/fake-aws.js');
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
  // Reported by post's own annotation: a re-run of post has nothing left to do.
  expect(state.phase()).toBe('done');
};

describe('post after main was killed', () => {
  it('while deploying: nothing to restore, the lock is released', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'deploying', 'deploying');
    expect(h.aws.parameters.has(LOCK)).toBe(true);

    const result = await post(h.config, h.aws, state);

    // Main died before it changed anything: post says so (the run must explain itself) and releases the lock.
    expect(result).toEqual({ restored: false, outcome: 'untouched', failure: "Main did not finish (phase 'deploying') but had not changed the listener: traffic was not moved and stays on blue." });
    expect(state.phase()).toBe('done');
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.aws.count('ssm.put')).toBe(0);
    expect(h.aws.listenerActions()).toEqual(ORIGINAL);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(core.messages(core.info)).toContainEqual("Main ended in phase 'deploying': traffic needs no restoring.");
  });

  it('after the idle group was attached with weight 0 (verify-route: forward): restores the snapshot', async () => {
    const h = await harness({ config: { verifyRoute: 'forward' } });
    h.aws.health.set(TG.green, (attached) => (attached ? [healthy('10.0.1.1'), healthy('10.0.1.2')] : [unused('10.0.1.1'), unused('10.0.1.2')]));
    // The attach comes before the rollout, so the ALB health-checks green's new tasks as they start.
    const state = await killMain(h, () => h.aws.count('elb.writeActions') === 1, 'the weight-0 attach');
    expect(state.phase()).toBe('deploying');
    expect(weightsOf(h.aws.listenerActions(), TG)).toEqual({ blue: 100, green: 0 });

    const result = await post(h.config, h.aws, state);

    expect(result.restored).toBe(true);
    expect(result.failure).toContain("Main did not finish (phase 'deploying'); the post step restored traffic on blue");
    expectRestoredByPost(h, state);
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining("Main stopped in phase 'deploying'"), { title: 'Post step: restoring traffic' });
  });

  it('while verifying, before the production forward changed: nothing to restore; the verification rule main left is deleted, then the lock', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.probe.calls.length === 2, 'the second verify probe');
    expect(state.phase()).toBe('verifying');
    const [rule] = h.aws.verificationRules();
    expect(JSON.parse(state.read('verify-route'))).toMatchObject({ ruleArn: rule, runId: h.config.run.id });
    const result = await post(h.config, h.aws, state);
    expect(result.restored).toBe(false);
    expect(result.outcome).toBe('untouched');
    expect(h.aws.mutations().map((c) => c.op)).toEqual(['elb.deleteRule', 'ssm.delete']);
    expect(h.aws.verificationRules()).toEqual([]);
    expect(state.read('verify-route')).toBe('');
  });

  it('killed while CreateRule was in flight (its reply lost): finds the rule by its tags and deletes it', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.aws.count('elb.createRule') === 1, 'the CreateRule call');
    // What the state file holds when main dies between the call and its reply: the record, no ARN yet.
    state.save('verify-route' as never, JSON.stringify({ listenerArn: LISTENER, runId: h.config.run.id, stateParameter: PARAMETER }));
    expect(h.aws.verificationRules()).toHaveLength(1);
    await post(h.config, h.aws, state);
    expect(h.aws.verificationRules()).toEqual([]);
    expect(h.aws.mutations().map((c) => c.op)).toEqual(['elb.deleteRule', 'ssm.delete']);
  });

  it('leaves another run\'s verification rule alone when it finds none of its own', async () => {
    const h = await harness();
    const other = await h.aws.elb.createRule({ listenerArn: LISTENER, priority: 7, conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Verify', Values: ['other'] } }], actions: [], tags: { 'ecs-blue-green-action:pair': PARAMETER, 'ecs-blue-green-action:run': '41-1', 'ecs-blue-green-action:expires': '2099-01-01T00:00:00.000Z' } });
    const state = new MemoryState(h.aws, new Map([['phase', 'deploying'], ['verify-route', JSON.stringify({ listenerArn: LISTENER, runId: h.config.run.id, stateParameter: PARAMETER })]]));
    await post(h.config, h.aws, state);
    expect(h.aws.verificationRules()).toEqual([other]);
    expect(core.messages(core.info)).toContainEqual('Main was creating a verification rule; none of this run is on the listener.');
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
    expect(result.outcome).toBe('restored');
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
    expect(state.phase()).toBe('done');
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
    // Reproduced against dist/: this was titled "could not restore traffic" while saying it confirmed it.
    expect(third.outcome).toBe('confirmed');
    expect(POST_TITLES[third.outcome!]).toBe('Post step found traffic already restored');
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
    expect(result.outcome).toBe('not-restored');
    expect(result.failure).toContain('the post step could not restore traffic to blue');
    expect(result.failure).toContain('Neither side is safe');
    expect(result.failure).toContain('Traffic is on green (read back).');
    expect(h.aws.liveColour()).toBe('green');
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('green');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(state.phase()).toBe('baking');
  });

  it('says traffic is back but the record is not when only the record write fails', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'baking', 'baking');
    h.aws.faults.push((op) => (op === 'ssm.put' ? new Error('InternalFailure: try again') : undefined));
    const result = await post(h.config, h.aws, state);
    expect(result.outcome).toBe('record-not-written');
    expect(result.failure).toContain('traffic is on blue (read back), but the post step could not write /shop/live-color = blue: InternalFailure');
    expect(h.aws.liveColour()).toBe('blue');
  });

  it('warns but does not fail when the lock cannot be released', async () => {
    const h = await harness();
    const state = await killMain(h, () => h.state.phase() === 'deploying', 'deploying');
    h.aws.faults.push((op) => (op === 'ssm.get' ? new Error('ThrottlingException') : undefined));
    const result = await post(h.config, h.aws, state);
    expect(result).toMatchObject({ restored: false, outcome: 'untouched' });
    expect(core.messages(core.warning)).toContainEqual(expect.stringContaining(`Could not release the deployment lock ${LOCK}: ThrottlingException`));
  });
});

describe('post after main ended by itself', () => {
  /** What runMain saves once outputs, summary and annotation are written. */
  const reported = (h: Harness) => h.state.save('phase' as never, 'done');

  it('changes nothing after a settled successful deploy', async () => {
    const h = await harness();
    const main = await settle(deploy(h.config, h.deps));
    expect(main.outcome.status).toBe('succeeded');
    reported(h);
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
    reported(h);
    h.aws.calls.length = 0;

    expect(await post(h.config, h.aws, h.state)).toEqual({ restored: false });
    expect(h.aws.calls).toEqual([]);
  });

  // Main killed after it settled traffic but before its outputs and summary: the run must say so.
  it('says main stopped after traffic settled, and where traffic is, read back', async () => {
    const h = await harness();
    await settle(deploy(h.config, h.deps));
    expect(h.state.phase()).toBe('settled');
    h.aws.calls.length = 0;
    const result = await post({ ...h.config, target: { kind: 'listener', arn: LISTENER } }, h.aws, h.state);
    expect(result).toEqual({ restored: false, outcome: 'settled', failure: 'Main stopped after traffic had settled, before it wrote its outputs and job summary. Traffic is on green (read back).' });
    expect(h.aws.mutations()).toEqual([]);
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
    expect(result).toEqual({ restored: false, outcome: 'not-restored', failure: expect.stringContaining('the snapshot it saved cannot be read, so the post step did not touch the listener') });
    expect(aws.mutations()).toEqual([]);
    expect(core.messages(core.warning)).toContainEqual("Saved state 'snapshot' is not valid JSON; ignoring it.");
  });
});

describe('post says what it found, read back', () => {
  it('titles each outcome for what AWS shows', () => {
    expect(POST_TITLES).toEqual({
      restored: 'Post step restored traffic',
      confirmed: 'Post step found traffic already restored',
      'record-not-written': 'Post step restored traffic; record not updated',
      'not-restored': 'Post step could not restore traffic',
      untouched: 'Main did not finish; traffic was not moved',
      settled: 'Main did not finish; traffic had settled',
    });
  });
});

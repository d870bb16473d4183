// Deploying and verifying the idle colour: every way it can fail before traffic moves (ECS rollout,
// target health, the HTTP gate), and the weight-0 attach of an unused target group.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { deploy } = await import('../src/engines/pair/deploy.js');
const { PARAMETER, SERVICES, TG, forwardTo, healthy, taskDefArn, unhealthy } = await import('../__fixtures__/fake-aws.js');
const { IDLE_URL, LOCK, T0, harness, settle, weightsOf } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
});
afterEach(() => {
  jest.useRealTimers();
});

const unused = (id: string) => ({ id, port: 8080, state: 'unused', reason: 'Target.NotInUse' });

describe('deploy: the idle colour fails before traffic moves', () => {
  const expectNothingMoved = (h: Awaited<ReturnType<typeof harness>>) => {
    expect(h.aws.count('elb.writeActions')).toBe(0);
    expect(h.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
    expect(h.aws.parameters.has(LOCK)).toBe(false);
    expect(h.state.phase()).toBe('settled');
  };

  it('fails on a rollout ECS marks FAILED and carries the service events into the notes', async () => {
    const h = await harness();
    h.aws.rolloutOutcome.set(SERVICES.green, 'FAILED');
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome).toEqual({ status: 'failed', liveColour: 'blue', previousColour: 'blue', targetColour: 'green', taskDefinitionArn: taskDefArn(2), rolledBack: false });
    expect(result.error?.name).toBe('DeploymentFailed');
    expect(result.error?.message).toContain('ECS marked the rollout FAILED: ECS deployment circuit breaker');
    expect(result.errorTitle).toBe('Blue-green deploy failed; traffic stayed on blue');
    expect(result.notes.events?.[0]).toContain('is unable to consistently start tasks successfully');
    expectNothingMoved(h);
  });

  it('fails when the circuit breaker replaced the rollout with the previous deployment', async () => {
    const h = await harness();
    h.aws.rolloutOutcome.set(SERVICES.green, 'REPLACED');
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('failed');
    expect(result.error?.message).toMatch(/is no longer PRIMARY .*ECS rolled it back/);
    expectNothingMoved(h);
  });

  it('fails with the wait-timeout when the rollout never completes', async () => {
    const h = await harness({ config: { waitTimeoutMs: 60_000 } });
    h.aws.rolloutOutcome.set(SERVICES.green, 'IN_PROGRESS');
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.error?.message).toContain('did not complete within wait-timeout (60 s)');
    expect(result.error?.message).toContain("Raise 'wait-timeout'");
    expect(Date.now() - T0).toBeLessThanOrEqual(60_000);
    expectNothingMoved(h);
  });

  it('fails when ECS reports no PRIMARY deployment', async () => {
    const h = await harness();
    const original = h.aws.ecs.describeService;
    let describes = 0;
    h.aws.ecs.describeService = async (cluster, service) => {
      const info = await original(cluster, service);
      if (service === SERVICES.green && ++describes >= 2) return { ...info, deployments: info.deployments.map((d) => ({ ...d, status: 'ACTIVE' })) };
      return info;
    };
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain('ECS reports no PRIMARY deployment');
    expectNothingMoved(h);
  });

  it('fails when the PRIMARY deployment runs another task definition', async () => {
    const h = await harness();
    const original = h.aws.ecs.describeService;
    h.aws.ecs.describeService = async (cluster, service) => {
      const info = await original(cluster, service);
      return { ...info, deployments: info.deployments.map((d) => (d.status === 'PRIMARY' && service === SERVICES.green ? { ...d, taskDefinitionArn: taskDefArn(99) } : d)) };
    };
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain(`runs ${taskDefArn(99)}, not ${taskDefArn(2)}`);
    expectNothingMoved(h);
  });

  it('completes a service without rolloutState once the counts match', async () => {
    const h = await harness();
    const original = h.aws.ecs.describeService;
    h.aws.ecs.describeService = async (cluster, service) => {
      const info = await original(cluster, service);
      // An external deployment controller: no rolloutState; the old deployment still runs one task at first.
      return {
        ...info,
        deployments: info.deployments.map((d) => {
          const { rolloutState: _r, ...rest } = d;
          return d.status === 'PRIMARY' ? rest : { ...rest, runningCount: d.rolloutState === 'COMPLETED' ? 1 : 0 };
        }),
      };
    };
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
  });

  it('fails when the idle targets never become healthy', async () => {
    const h = await harness({ config: { waitTimeoutMs: 120_000 } });
    h.aws.health.set(TG.green, [healthy('10.0.0.3'), unhealthy('10.0.0.4')]);
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.error?.name).toBe('HealthCheckFailed');
    expect(result.error?.message).toContain("The green target group's targets did not all become healthy in time (need 2)");
    expect(result.error?.message).toContain('10.0.0.4:8080 unhealthy (Target.ResponseCodeMismatch)');
    expect(h.probe.calls).toEqual([]);
    expectNothingMoved(h);
  });

  it('fails when the idle target group has no registered targets', async () => {
    const h = await harness({ config: { waitTimeoutMs: 30_000 } });
    h.aws.health.set(TG.green, []);
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.error?.message).toContain('last seen: no registered targets');
    expectNothingMoved(h);
  });

  it('verify-route: forward attaches an unused idle group with weight 0 (snapshot saved first), then passes', async () => {
    const h = await harness({ config: { verifyRoute: 'forward' } });
    h.aws.health.set(TG.green, (attached) => (attached ? [healthy('10.0.1.1'), healthy('10.0.1.2')] : [unused('10.0.1.1'), unused('10.0.1.2')]));
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    const writes = h.aws.writes();
    expect(writes.map((w) => weightsOf(w, TG))).toEqual([
      { blue: 100, green: 0 },
      { blue: 0, green: 100 },
    ]);
    const firstWrite = h.aws.calls.findIndex((c) => c.op === 'elb.writeActions');
    expect(h.state.firstSave('snapshot')!.call).toBeLessThanOrEqual(firstWrite);
    expect(JSON.parse(h.state.read('snapshot')).actions).toEqual([forwardTo(TG.blue)]);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('adding it with weight 0'));
  });

  it('verify-route: forward restores the listener when an attached idle group then fails its checks', async () => {
    const h = await harness({ config: { waitTimeoutMs: 60_000, verifyRoute: 'forward' } });
    h.aws.health.set(TG.green, (attached) => (attached ? [unhealthy('10.0.1.1'), unhealthy('10.0.1.2')] : [unused('10.0.1.1'), unused('10.0.1.2')]));
    const result = await settle(deploy(h.config, h.deps), 1_000);
    // The weight-0 attach is undone, but no user ever reached green: a failed deploy, not a rollback.
    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error?.message).toContain('Traffic never left blue');
    expect(h.aws.listenerActions()).toEqual([forwardTo(TG.blue)]);
    expect(h.aws.parameters.get(PARAMETER)?.value).toBe('blue');
  });

  it('needs healthy-threshold consecutive passes: a failure resets the count', async () => {
    const h = await harness();
    const script = [true, false, true, true, true];
    h.probe.answer = (_url, nth) => script[nth - 1] ?? true;
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(result.outcome.status).toBe('succeeded');
    // The first five probes are the verify gate; the bake's probes of the same URL follow the switch.
    const verifyProbes = h.probe.callsTo(IDLE_URL).slice(0, 5);
    expect(verifyProbes.map((c) => c.ok)).toEqual(script);
    expect(verifyProbes.map((c) => c.at - verifyProbes[0]!.at)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    const switchedAt = h.aws.callsOf('elb.writeActions')[0]!.at;
    expect(switchedAt).toBe(verifyProbes[4]!.at);
  });

  it('fails when the health check never passes, switching nothing', async () => {
    const h = await harness({ config: { waitTimeoutMs: 120_000 } });
    h.probe.failing.add(IDLE_URL);
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.error?.name).toBe('HealthCheckFailed');
    expect(result.error?.message).toContain(`Health check of ${IDLE_URL} did not pass 3 times in a row`);
    expect(result.error?.message).toContain('status 503, expected 200');
    expectNothingMoved(h);
  });

  it('fails when the idle service does not exist, before anything changes', async () => {
    const h = await harness();
    h.aws.services.delete(SERVICES.green);
    // The pair check finds it, before the lock: not one mutating call.
    await expect(settle(deploy(h.config, h.deps))).rejects.toThrow('Service shop-green not found');
    expect(h.aws.mutations()).toEqual([]);
  });
});


// The verification route (src/flow/verify-route.ts, verify-rule.ts, route-leftovers.ts): a rule on the
// production listener, for one run, that forwards to the idle colour only requests carrying the run's
// secret header. Where it goes, what it matches, the proof that the health URL reaches it, what probes
// and commands send through it, and that it is gone after the switch, after any failure and after a kill.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { CommandResult, CommandRun } from '../src/commands/run-command.js';
import type { ListenerRule } from '../src/aws/ports.js';
import type { Config } from '../src/types.js';
import type { FlowDeps } from '../src/flow/context.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);
const runs: CommandRun[] = [];
jest.unstable_mockModule('../src/commands/run-command.js', () => ({
  runCommand: async (run: CommandRun): Promise<CommandResult> => {
    runs.push(run);
    return { exitCode: 0, durationMs: 10, lastLines: [], timedOut: false, cancelled: false };
  },
}));

const { deploy } = await import('../src/engines/pair/deploy.js');
const { engineFor } = await import('../src/engines/index.js');
/** mode: rollback of the engine the config names (engines/index.ts picks). */
const manualRollback = (config: Config, deps: FlowDeps) => engineFor(config).modes.rollback(config, deps);
/** mode: status of the engine the config names. */
const status = (config: Config, deps: FlowDeps) => engineFor(config).modes.status(config, deps);
const { trafficDeploy } = await import('../src/engines/traffic/deploy.js');
const { InputError, RouteUnavailable } = await import('../src/errors.js');
const { RuleRefused } = await import('../src/aws/aws-error.js');
const { choosePriority, leftovers, verifyConditions, TAG } = await import('../src/engines/listener/verify-rule.js');
const { FakeAws, LB_DNS, LISTENER, PARAMETER, RULE, TG, TEST_LISTENER } = await import('../__fixtures__/fake-aws.js');
const { T0, advanceUntil, harness, settle } = await import('../__fixtures__/flow.js');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  jest.clearAllMocks();
  runs.length = 0;
});
afterEach(() => {
  jest.useRealTimers();
});

/** The production address: it reaches the idle colour only through the rule, with the header. */
const PROD_URL = 'https://shop.example.com/health';
const rule = (arn: string, priority: number, conditions: ListenerRule['conditions'] = []): ListenerRule => ({ arn, priority: String(priority), isDefault: false, conditions, actions: [] });
const DEFAULT: ListenerRule = { arn: 'default', priority: 'default', isDefault: true, conditions: [], actions: [] };
const ops = (aws: InstanceType<typeof FakeAws>) => aws.calls.map((c) => c.op);

describe('the rule as data', () => {
  it('sits right before the production rule, or after every rule for the default action; none free is undefined', () => {
    expect(choosePriority([rule('a', 3), rule('b', 10), DEFAULT])).toBe(11);
    expect(choosePriority([DEFAULT])).toBe(1);
    expect(choosePriority([rule('a', 9), rule('prod', 10), DEFAULT], 'prod')).toBe(8);
    expect(choosePriority([rule('prod', 1), DEFAULT], 'prod')).toBeUndefined();
    expect(choosePriority([rule('a', 50_000), rule('b', 49_999), DEFAULT])).toBe(49_998);
  });

  it('copies the production rule\'s conditions in the shape CreateRule takes, within the quota of 5 values', () => {
    const host = { Field: 'host-header', Values: ['shop.example.com'], HostHeaderConfig: { Values: ['shop.example.com'] } };
    expect(verifyConditions('t0k', [host])).toEqual({
      copied: true,
      conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Verify', Values: ['t0k'] } }, { Field: 'host-header', HostHeaderConfig: { Values: ['shop.example.com'] } }],
    });
    const wide = { Field: 'path-pattern', PathPatternConfig: { Values: ['/a', '/b', '/c'] } };
    expect(verifyConditions('t0k', [host, wide]).conditions).toHaveLength(3);
    const tooWide = { Field: 'path-pattern', PathPatternConfig: { Values: ['/a', '/b', '/c', '/d'] } };
    expect(verifyConditions('t0k', [host, tooWide])).toMatchObject({ copied: false, conditions: [{ Field: 'http-header' }] });
  });

  it('a leftover is this pair\'s rule of another run: at once while the lock is held, else only past its expiry', () => {
    const tags = (pair: string, run: string, expires: string) => ({ [TAG.pair]: pair, [TAG.run]: run, [TAG.expires]: expires });
    const rules = [rule('old', 5), rule('mine', 6), rule('other-pair', 7), rule('live', 8)];
    const all = {
      old: tags(PARAMETER, '40-1', '2026-11-22T09:00:00.000Z'),
      mine: tags(PARAMETER, '42-1', '2026-11-22T09:00:00.000Z'),
      'other-pair': tags('/cart/live-color', '40-1', '2026-11-22T09:00:00.000Z'),
      live: tags(PARAMETER, '41-1', '2026-11-22T11:00:00.000Z'),
    };
    const pick = (lockHeld: boolean) => leftovers(rules, all, { stateParameter: PARAMETER, runId: '42-1', lockHeld, now: T0 }).map((r) => r.arn);
    expect(pick(true)).toEqual(['old', 'live']);
    expect(pick(false)).toEqual(['old']);
  });
});

describe('a deploy through the verification rule, with the production address as health-check-url', () => {
  it('proves the URL reaches the rule, forwards it to green before the rollout (so the ALB health-checks the new tasks of green), sends the header with every probe and to the smoke test, and deletes it before the bake', async () => {
    const h = await harness({ config: { health: { ...(await harness()).config.health, url: PROD_URL }, commands: { timeoutMs: 60_000, smokeTest: 'curl -H "$BLUE_GREEN_TARGET_HEADER" "$BLUE_GREEN_TARGET_URL"' } } });
    const result = await settle(deploy(h.config, h.deps));

    expect(result.outcome.status).toBe('succeeded');
    const created = h.aws.callsOf('elb.createRule')[0]!.args[0] as { priority: number; conditions: unknown[]; actions: { Type: string; FixedResponseConfig?: { MessageBody?: string } }[]; tags: Record<string, string> };
    const token = (created.conditions[0] as { HttpHeaderConfig: { Values: string[] } }).HttpHeaderConfig.Values[0]!;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(core.setSecret).toHaveBeenCalledWith(token);
    expect(created).toMatchObject({ priority: 1, actions: [{ Type: 'fixed-response' }], tags: { [TAG.pair]: PARAMETER, [TAG.run]: h.config.run.id } });
    expect(created.actions[0]?.FixedResponseConfig?.MessageBody).toContain(token);
    // The proof: the first probe asks for the rule's own answer, with the header.
    const [proof, ...checks] = h.probe.calls;
    expect(proof).toMatchObject({ url: PROD_URL, options: { headers: { 'X-Blue-Green-Verify': token }, expect: { body: new RegExp(token) } } });
    // The checks of green: with the header, and never counting the rule's fixed response as a pass.
    expect(checks.length).toBeGreaterThanOrEqual(3);
    for (const c of checks) expect(c.options).toMatchObject({ headers: { 'X-Blue-Green-Verify': token }, rejectBody: new RegExp(token) });
    expect(runs[0]?.env).toMatchObject({ BLUE_GREEN_TARGET_URL: PROD_URL, BLUE_GREEN_TARGET_HEADER: `X-Blue-Green-Verify: ${token}` });
    // In order: rule created (answering with the token), proven, forwarded to green, the rollout, the switch,
    // the rule deleted, then the bake.
    const order = ops(h.aws).filter((op) => ['elb.createRule', 'ecs.updateService', 'elb.writeRule', 'elb.writeActions', 'elb.deleteRule'].includes(op));
    expect(order).toEqual(['elb.createRule', 'elb.writeRule', 'ecs.updateService', 'elb.writeActions', 'elb.deleteRule']);
    expect(h.aws.calls.findIndex((c) => c.op === 'elb.writeRule')).toBeGreaterThan(h.aws.calls.findIndex((c) => c.op === 'elb.createRule'));
    expect(h.probe.calls[0]!.at).toBeLessThanOrEqual(h.aws.callsOf('elb.writeRule')[0]!.at);
    expect(h.aws.callsOf('elb.writeRule')[0]!.args[1]).toEqual([expect.objectContaining({ Type: 'forward', TargetGroupArn: TG.green })]);
    const deletedAt = h.aws.callsOf('elb.deleteRule')[0]!.at;
    expect(h.state.saves.find((s) => s.key === 'phase' && s.value === 'baking')!.call).toBeGreaterThan(h.aws.calls.findIndex((c) => c.op === 'elb.deleteRule'));
    expect(deletedAt).toBeLessThan(T0 + 300_000 + 60_000 * 60);
    expect(h.aws.verificationRules()).toEqual([]);
    expect(h.state.read('verify-route')).toBe('');
  });

  it('a URL that never comes back with the token (it reaches something else) is refused naming health-check-url; the rule is removed and nothing else changed', async () => {
    const base = await harness();
    const h = await harness({ config: { health: { ...base.config.health, url: PROD_URL } } });
    h.probe.answer = (_url, _nth, options) => !options?.expect;
    const result = await settle(deploy(h.config, h.deps), 1_000);

    expect(result.outcome).toMatchObject({ status: 'failed', liveColour: 'blue', rolledBack: false });
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toContain(`Input 'health-check-url' is invalid: got "${PROD_URL}"`);
    expect(result.error?.message).toContain("never got the verification rule's answer back");
    expect(result.error?.message).toContain('set test-listener-arn');
    expect(h.aws.mutations().map((c) => c.op)).toEqual(['ssm.putIfAbsent', 'elb.createRule', 'elb.deleteRule', 'ssm.delete']);
    expect(h.probe.calls.length).toBeGreaterThan(10);
  });

  it.each([
    [`https://other-lb-99.eu-west-1.elb.amazonaws.com/health`, 'is another load balancer'],
    [`http://${LB_DNS}:8080/health`, "a URL on listener-arn's port (443)"],
  ])('%s is refused before any rule is created', async (url, why) => {
    const base = await harness();
    const h = await harness({ config: { health: { ...base.config.health, url } } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toContain(why);
    expect(h.aws.count('elb.createRule')).toBe(0);
  });

  it('copies the production rule\'s host condition and sits right before it', async () => {
    const base = await harness();
    const h = await harness({ aws: new FakeAws({ rule: true }), config: { listenerRuleArn: RULE, health: { ...base.config.health, url: PROD_URL } } });
    await settle(deploy(h.config, h.deps));
    const created = h.aws.callsOf('elb.createRule')[0]!.args[0] as { priority: number; conditions: { Field: string }[] };
    expect(created.priority).toBe(9);
    expect(created.conditions.map((c) => c.Field)).toEqual(['http-header', 'host-header']);
  });
});

describe('faults around the rule', () => {
  it('a CreateRule whose reply is lost: the rule is found by its token and used, not created twice', async () => {
    const h = await harness();
    h.aws.lostReplies.push((op) => (op === 'elb.createRule' ? ((h.aws.lostReplies = []), new Error('socket hang up')) : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.count('elb.createRule')).toBe(1);
    expect(core.messages(core.info)).toContainEqual(expect.stringContaining('The verification rule was created although the call failed (socket hang up)'));
    expect(h.aws.verificationRules()).toEqual([]);
  });

  it('a priority taken between the read and the create: read again, take the next free one', async () => {
    const h = await harness();
    h.aws.faults.push((op, args) => {
      if (op !== 'elb.createRule' || (args[0] as { priority: number }).priority !== 1) return undefined;
      h.aws.rules.set(`${LISTENER}/someone-else`, { listenerArn: LISTENER, priority: 1, conditions: [], tags: {} });
      return new RuleRefused('priority-in-use', 'priority 1 is in use');
    });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.callsOf('elb.createRule').map((c) => (c.args[0] as { priority: number }).priority)).toEqual([1, 2]);
  });

  it('the rule quota with an address per colour ({color}): verify-route auto falls back to the weight-0 forward, saying why', async () => {
    const h = await harness();
    h.aws.faults.push((op) => (op === 'elb.createRule' ? new RuleRefused('too-many-rules', "the load balancer has reached its quota of rules (TooManyRules)") : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('No verification rule could be created on listener-arn: the load balancer has reached its quota of rules'), { title: 'Verification rule not created' });
    expect(result.notes.notes).toContainEqual(expect.stringContaining('Checked the idle colour through the production forward at weight 0 instead (verify-route: auto)'));
  });

  it.each([
    ['verify-route: header', { verifyRoute: 'header' as const }, undefined],
    ['the production address as health-check-url', {}, PROD_URL],
  ])('the rule quota with %s: refused, naming the quota and the ways out', async (_what, config, url) => {
    const base = await harness();
    const h = await harness({ config: { ...config, health: { ...base.config.health, ...(url ? { url } : {}) } } });
    h.aws.faults.push((op) => (op === 'elb.createRule' ? new RuleRefused('too-many-rules', 'the load balancer has reached its quota of rules (TooManyRules)') : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error).toBeInstanceOf(RouteUnavailable);
    expect(result.error?.message).toContain('"Rules per Application Load Balancer" quota');
    expect(result.error?.message).toContain('Ways out: set test-listener-arn');
    expect(h.aws.count('ecs.updateService')).toBe(0);
  });

  it('no free priority before the production rule: refused, saying to move it', async () => {
    const aws = new FakeAws({ rule: true });
    aws.rules.get(RULE)!.priority = 1;
    const h = await harness({ aws, config: { listenerRuleArn: RULE, verifyRoute: 'header' } });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.error?.message).toContain("no priority is free below the production rule's (1) on listener-arn. Move the production rule to a higher priority");
  });

  it('a failure while green is checked: the rule is deleted before the lock is released', async () => {
    const h = await harness({ config: { waitTimeoutMs: 60_000 } });
    h.probe.failing.add('http://green.shop.test/health');
    const result = await settle(deploy(h.config, h.deps), 1_000);
    expect(result.outcome.status).toBe('failed');
    const tail = ops(h.aws).filter((op) => h.aws.mutations().some((m) => m.op === op)).slice(-2);
    expect(tail).toEqual(['elb.deleteRule', 'ssm.delete']);
    expect(h.aws.verificationRules()).toEqual([]);
  });

  it('a DeleteRule that keeps failing only warns, and leaves the record for post', async () => {
    const h = await harness();
    h.aws.faults.push((op) => (op === 'elb.deleteRule' ? new Error('ServiceUnavailable') : undefined));
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('Could not delete the verification rule'));
    expect(JSON.parse(h.state.read('verify-route'))).toMatchObject({ ruleArn: expect.stringContaining('listener-rule') });
  });

  it('cancelled while green is checked: the rule is deleted with the rescue ports', async () => {
    const h = await harness({ config: { waitTimeoutMs: 600_000 } });
    const rescued: string[] = [];
    h.deps.rescuePorts = () => ({ ...h.aws, elb: { ...h.aws.elb, deleteRule: async (arn: string) => (rescued.push(arn), h.aws.elb.deleteRule(arn)) } });
    h.probe.failing.add('http://green.shop.test/health');
    const done = deploy(h.config, h.deps);
    await advanceUntil(() => h.probe.calls.length > 2, 'checks of green');
    h.controller.abort(new (await import('../src/errors.js')).Cancelled('SIGINT'));
    await settle(done);
    expect(rescued).toHaveLength(1);
    expect(h.aws.verificationRules()).toEqual([]);
  });
});

describe('leftovers', () => {
  const leftover = (aws: InstanceType<typeof FakeAws>, pair: string, run: string, priority: number) =>
    aws.elb.createRule({ listenerArn: LISTENER, priority, conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Verify', Values: [`t-${run}`] } }], actions: [], tags: { [TAG.pair]: pair, [TAG.run]: run, [TAG.expires]: '2026-11-22T11:00:00.000Z' } });

  it('the next deploy of the pair removes a rule a killed run left; another pair\'s stays; status lists this pair\'s', async () => {
    const aws = new FakeAws();
    const mine = await leftover(aws, PARAMETER, '40-1', 20);
    const theirs = await leftover(aws, '/cart/live-color', '39-1', 30);
    const s = await harness({ aws, config: { mode: 'status' } });
    const report = await settle(status(s.config, s.deps));
    expect(report.notes.notes).toContainEqual(expect.stringContaining(`A verification rule of run 40-1 is on the listener (${mine}, priority 20`));
    expect(report.notes.notes.join('\n')).not.toContain(theirs);

    const h = await harness({ aws });
    const result = await settle(deploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(aws.verificationRules()).toEqual([theirs]);
    expect(result.notes.notes).toContainEqual(`Removed the verification rule ${mine} (priority 20) that run 40-1 left on the listener.`);
  });
});

describe('other flows', () => {
  it('engine: traffic checks the idle group through the rule too', async () => {
    const h = await harness({ config: { engine: 'traffic', cluster: '' } });
    const result = await settle(trafficDeploy(h.config, h.deps));
    expect(result.outcome.status).toBe('succeeded');
    expect(h.aws.count('elb.createRule')).toBe(1);
    expect(h.aws.verificationRules()).toEqual([]);
  });

  it('a test listener with verify-route auto: no rule; with verify-route header: the rule too', async () => {
    const auto = await harness({ aws: new FakeAws({ testListener: true }), config: { testListenerArn: TEST_LISTENER } });
    await settle(deploy(auto.config, auto.deps));
    expect(auto.aws.count('elb.createRule')).toBe(0);
    // Read by the pair check; pointed at green before the rollout and back at blue when finalizing, each a read,
    // a write and its read-back; not pointed again when green is verified.
    expect(auto.aws.callsOf('elb.readActions').filter((c) => (c.args[0] as { arn: string }).arn === TEST_LISTENER)).toHaveLength(5);
    const header = await harness({ aws: new FakeAws({ testListener: true }), config: { testListenerArn: TEST_LISTENER, verifyRoute: 'header' } });
    expect((await settle(deploy(header.config, header.deps))).outcome.status).toBe('succeeded');
    expect(header.aws.count('elb.createRule')).toBe(1);
  });

  it('mode: rollback checks the colour it rolls back to through the rule, then deletes it', async () => {
    const base = await harness();
    const h = await harness({ aws: new FakeAws({ live: 'green' }), config: { mode: 'rollback', health: { ...base.config.health, url: PROD_URL } } });
    const result = await settle(manualRollback(h.config, h.deps), 1_000);
    expect(result.outcome).toMatchObject({ status: 'succeeded', liveColour: 'blue' });
    expect(h.aws.callsOf('elb.writeRule')[0]!.args[1]).toEqual([expect.objectContaining({ TargetGroupArn: TG.blue })]);
    expect(h.aws.verificationRules()).toEqual([]);
  });
});

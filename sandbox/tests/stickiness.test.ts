// Target-group stickiness through the ALB data plane: real listeners changed with the real SDK, real
// task processes behind them, and clients that keep (or drop) the AWSALBTG cookie. Each test names the
// AWS source of the rule it pins; the model itself is in elb/stickiness.ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeRulesCommand, ModifyListenerCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Colour } from '../../src/types.js';
import { decodeTargetGroupCookie, encodeTargetGroupCookie, type TargetGroupBinding } from '../elb/stickiness.js';
import { CookieJar } from '../harness/cookie-jar.js';
import { startLoad } from '../harness/load.js';
import { startSandbox, type BlueGreenScenario, type Sandbox } from '../index.js';
import { clientsFor } from './clients.js';

let sb: Sandbox;
let sc: BlueGreenScenario;
let clients: ReturnType<typeof clientsFor>;

const DAY_MS = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The production listener forwards with these weights; stickiness on for `seconds`, off when undefined. */
async function forward(weights: [Colour, number][], seconds?: number): Promise<void> {
  const action: Action = {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: weights.map(([colour, weight]) => ({ TargetGroupArn: sc.targetGroups[colour], Weight: weight })),
      TargetGroupStickinessConfig: seconds === undefined ? { Enabled: false } : { Enabled: true, DurationSeconds: seconds },
    },
  };
  await clients.elb.send(new ModifyListenerCommand({ ListenerArn: sc.listenerArn, DefaultActions: [action] }));
}

interface Answer {
  status: number;
  group: string;
  setCookie: string[];
}

/** One user with a browser's cookie jar, one request at a time. */
class Browser {
  readonly jar = new CookieJar();

  get(url = `${sc.prodUrl}/`): Promise<Answer> {
    const cookie = this.jar.header();
    return new Promise((resolve, reject) => {
      http
        .get(url, { headers: cookie ? { cookie } : {} }, (res) => {
          this.jar.store(res.headers['set-cookie']);
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, group: String(res.headers['x-sandbox-target-group'] ?? ''), setCookie: res.headers['set-cookie'] ?? [] }),
          );
        })
        .on('error', reject);
    });
  }

  async getMany(n: number, url?: string): Promise<Answer[]> {
    const out: Answer[] = [];
    for (let i = 0; i < n; i += 1) out.push(await this.get(url));
    return out;
  }

  binding(): TargetGroupBinding | undefined {
    const value = this.jar.get('AWSALBTG');
    return value === undefined ? undefined : decodeTargetGroupCookie(value);
  }
}

const groupName = (colour: Colour) => `sticky-${colour}`;
const bindsTo = (setCookie: string[]) => setCookie.some((c) => c.startsWith('AWSALBTG='));

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 150, healthCheckTimeoutMs: 2000, deregistrationDelayMs: 300, ecsTickMs: 50 });
  clients = clientsFor(sb);
  sc = await sb.createBlueGreen({ name: 'sticky', desiredCount: 2, stickinessSeconds: 600, withTestListener: true, healthCheckGracePeriodSeconds: 600 });
  const v2 = sc.registerTaskDefinition({ version: 'v2' });
  await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, taskDefinition: v2, desiredCount: 2 }));
  await sb.waitFor(() => sb.targetHealth(sc.targetGroups.green).filter((t) => t.state === 'healthy').length === 2, { timeoutMs: 20_000 });
}, 60_000);
afterAll(() => sb.stop());

describe('createBlueGreen({ stickinessSeconds })', () => {
  test('makes the production forward sticky and leaves the test listener without stickiness', async () => {
    const out = await clients.elb.send(new DescribeListenersCommand({ LoadBalancerArn: sc.loadBalancerArn }));
    const stickiness = (arn: string | undefined) =>
      out.Listeners?.find((l) => l.ListenerArn === arn)?.DefaultActions?.[0]?.ForwardConfig?.TargetGroupStickinessConfig;
    expect(stickiness(sc.listenerArn)).toEqual({ Enabled: true, DurationSeconds: 600 });
    expect(stickiness(sc.testListenerArn)).toEqual({ Enabled: false });
    expect(bindsTo((await new Browser().get(sc.testUrl)).setCookie)).toBe(false);
  });

  test('with withRule, the rule forwards stickily; a cookie for another forward’s group does not take it over', async () => {
    const rs = await sb.createBlueGreen({ name: 'sticky-rule', desiredCount: 1, withRule: true, stickinessSeconds: 30 });
    const rules = await clients.elb.send(new DescribeRulesCommand({ RuleArns: [rs.ruleArn as string] }));
    expect(rules.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 30 });
    // Cookies are per domain, so a browser may carry a binding another forward issued: a forward can only
    // send to its own groups (ALB user guide, forward actions), so the binding is ignored and replaced.
    const browser = new Browser();
    browser.jar.store(`AWSALBTG=${encodeTargetGroupCookie({ targetGroupArn: sc.targetGroups.green, expiresAt: Date.now() + 60_000 })}`);
    const app = await browser.get(`${rs.prodUrl}/app`);
    expect([app.status, app.group]).toEqual([200, 'sticky-rule-blue']);
    expect(browser.binding()?.targetGroupArn).toBe(rs.targetGroups.blue);
    const other = await new Browser().get(`${rs.prodUrl}/other/page`);
    expect([other.status, bindsTo(other.setCookie)]).toEqual([200, false]);
  }, 60_000);
});

describe('target-group stickiness (AWSALBTG)', () => {
  test('at 50/50 a client keeping its cookie stays on one group; clients without cookies follow the weights', async () => {
    await forward([['blue', 50], ['green', 50]], 600);
    // ALB user guide, forward actions: the ALB binds the client with AWSALBTG, and AWSALBTGCORS (same value,
    // SameSite=None; Secure) for CORS; the cookie lives 7 days, the binding DurationSeconds
    // (API reference, TargetGroupStickinessConfig).
    const browser = new Browser();
    const before = Date.now();
    const first = await browser.get();
    const after = Date.now();
    const [tg, cors] = first.setCookie;
    const match = /^AWSALBTG=([^;]+); Expires=([^;]+); Path=\/$/.exec(tg ?? '');
    expect(match).not.toBeNull();
    const cookieExpiry = Date.parse(match?.[2] ?? '');
    expect(cookieExpiry).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 1000);
    expect(cookieExpiry).toBeLessThanOrEqual(after + 7 * DAY_MS);
    expect(cors).toBe(`AWSALBTGCORS=${match?.[1]}; Expires=${match?.[2]}; Path=/; SameSite=None; Secure`);
    const binding = browser.binding();
    expect(binding?.targetGroupArn).toBe(first.group === groupName('blue') ? sc.targetGroups.blue : sc.targetGroups.green);
    expect(binding?.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(binding?.expiresAt).toBeLessThanOrEqual(after + 600_000);

    const rest = await browser.getMany(40);
    expect(rest.map((r) => [r.status, r.group])).toEqual(Array(40).fill([200, first.group]));

    // Anonymous requests get a cookie but never send it back: each is a new client, picked by weight.
    const anonymous = await startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: 200, maxRequests: 200, maxDurationMs: 20_000 }).done;
    expect(anonymous.failed).toBe(0);
    expect(anonymous.byTargetGroup?.[groupName('blue')]).toBeGreaterThan(60);
    expect(anonymous.byTargetGroup?.[groupName('green')]).toBeGreaterThan(60);
  }, 60_000);

  test('the load generator’s clients each stay on the group they were bound to', async () => {
    await forward([['blue', 50], ['green', 50]], 600);
    const run = startLoad({ url: `${sc.prodUrl}/`, ratePerSecond: 100, clients: 20, maxDurationMs: 30_000 });
    try {
      // Once every client has a finished request and nothing issued before is still in flight, every
      // client holds its final binding: from then on each one must see a single group.
      await sb.waitFor(() => Object.keys(run.stats().byClient ?? {}).length === 20, { timeoutMs: 15_000 });
      await sb.waitFor(() => run.stats().inFlight === 0, { timeoutMs: 15_000, intervalMs: 5 });
      const settled = Date.now();
      await sb.waitFor(() => run.window(settled).total >= 200, { timeoutMs: 15_000 });
      const stats = run.window(settled);
      expect(stats.failed).toBe(0);
      const groupsPerClient = Object.values(stats.byClient ?? {}).map((groups) => Object.keys(groups));
      expect(groupsPerClient).toHaveLength(20);
      expect(groupsPerClient.every((groups) => groups.length === 1)).toBe(true);
      expect(new Set(groupsPerClient.flat())).toEqual(new Set([groupName('blue'), groupName('green')]));
    } finally {
      await run.stop();
    }
  }, 60_000);

  test('a bound client stays on its group at weight 0; a new client follows the weights', async () => {
    // re:Post "ALB to automatically redirect traffic" and argoproj/argo-rollouts#2726: stickiness wins over
    // the weights, even a weight of 0.
    await forward([['blue', 100], ['green', 0]], 600);
    const bound = new Browser();
    expect((await bound.get()).group).toBe(groupName('blue'));
    const expiresAt = bound.binding()?.expiresAt;
    await forward([['blue', 0], ['green', 100]], 600);
    const stayed = await bound.getMany(20);
    expect(stayed.map((r) => [r.status, r.group])).toEqual(Array(20).fill([200, groupName('blue')]));
    expect(bound.binding()).toEqual({ targetGroupArn: sc.targetGroups.blue, expiresAt });
    const fresh = await new Browser().getMany(10);
    expect(fresh.map((r) => r.group)).toEqual(Array(10).fill(groupName('green')));
  }, 30_000);

  test('the binding ends DurationSeconds after it was issued, however often the client comes back', async () => {
    // Prescriptive Guidance, target-group stickiness: with 10 s, "after approximately 10 seconds, the
    // stickiness is released" while the page is refreshed all along: requests do not extend it.
    await forward([['blue', 100], ['green', 0]], 2);
    const browser = new Browser();
    const issued = Date.now();
    expect((await browser.get()).group).toBe(groupName('blue'));
    const expiresAt = browser.binding()?.expiresAt ?? 0;
    expect(expiresAt).toBeGreaterThanOrEqual(issued + 2000);
    // Still at 100/0, so these land on blue however slow the machine is; what matters is the expiry they carry back.
    do {
      await sleep(250);
      expect((await browser.get()).group).toBe(groupName('blue'));
      expect(browser.binding()).toEqual({ targetGroupArn: sc.targetGroups.blue, expiresAt });
    } while (Date.now() < issued + 1000);
    await forward([['blue', 0], ['green', 100]], 2);
    await sleep(Math.max(0, expiresAt + 100 - Date.now()));
    const before = Date.now();
    const after = await browser.get();
    expect([after.status, after.group]).toEqual([200, groupName('green')]);
    expect(browser.binding()?.targetGroupArn).toBe(sc.targetGroups.green);
    expect(browser.binding()?.expiresAt).toBeGreaterThanOrEqual(before + 2000);
  }, 30_000);

  test('a binding to a group the forward no longer lists is ignored, and so is any binding without stickiness', async () => {
    // A forward sends only to its own TargetGroups (API reference, ForwardActionConfig): the client is
    // picked by weight and bound anew.
    await forward([['blue', 100], ['green', 0]], 600);
    const dropped = new Browser();
    expect((await dropped.get()).group).toBe(groupName('blue'));
    await forward([['green', 1]], 600);
    expect((await dropped.get()).group).toBe(groupName('green'));
    expect(dropped.binding()?.targetGroupArn).toBe(sc.targetGroups.green);

    // Stickiness disabled on the forward: the cookie is ignored and none is set.
    await forward([['blue', 100], ['green', 0]], 600);
    const unstuck = new Browser();
    expect((await unstuck.get()).group).toBe(groupName('blue'));
    await forward([['blue', 0], ['green', 100]]);
    const answers = await unstuck.getMany(10);
    expect(answers.map((r) => r.group)).toEqual(Array(10).fill(groupName('green')));
    expect(answers.some((r) => bindsTo(r.setCookie))).toBe(false);
  }, 30_000);

  test('without stickiness no AWSALBTG cookie is set and every request is picked by weight', async () => {
    await forward([['blue', 50], ['green', 50]]);
    const answers = await new Browser().getMany(60);
    expect(answers.every((r) => r.status === 200 && r.setCookie.length === 0)).toBe(true);
    expect(new Set(answers.map((r) => r.group))).toEqual(new Set([groupName('blue'), groupName('green')]));
  }, 30_000);

  // Last: it scales green to zero.
  test('a client bound to a group without targets gets 503s and is not moved to another group', async () => {
    // argoproj/argo-rollouts#2726: clients stuck to a group that has no targets left get 503s from the ALB.
    await forward([['blue', 0], ['green', 100]], 600);
    const bound = new Browser();
    expect((await bound.get()).group).toBe(groupName('green'));
    const binding = bound.binding();
    await forward([['blue', 100], ['green', 0]], 600);
    await clients.ecs.send(new UpdateServiceCommand({ cluster: sc.clusterName, service: sc.services.green.name, desiredCount: 0 }));
    await sb.waitFor(() => sb.targetHealth(sc.targetGroups.green).length === 0, { timeoutMs: 15_000 });
    const answers = await bound.getMany(3);
    expect(answers.map((r) => [r.status, r.group, bindsTo(r.setCookie)])).toEqual(Array(3).fill([503, '', false]));
    expect(bound.binding()).toEqual(binding);
    expect((await new Browser().get()).group).toBe(groupName('blue'));
  }, 30_000);
});

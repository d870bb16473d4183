// A rule created, modified and deleted through the real ELBv2 SDK client, seen by the real proxy and
// the health checker: a header rule routes only requests that carry the header; a group that only
// that rule forwards to goes unused → initial → healthy, and back to unused once the rule is deleted.
// Follows:
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-header-conditions
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html
//     (the header name and the comparison strings are case insensitive; `*` and `?` wildcards)
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
//     (rules are evaluated in priority order; the default rule when no other rule matches)
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
//     ("After you specify a target group in a rule for a listener, the load balancer continually monitors
//     the health of all targets registered with the target group")
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
//     (unused / Target.NotInUse, initial / Elb.InitialHealthChecking)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CreateRuleCommand, DeleteRuleCommand, DescribeTargetHealthCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetHealthEvent } from '../elb/model.js';
import { startSandbox, type Sandbox, type TargetPair } from '../index.js';
import { createTargetGroup } from '../resources.js';
import { clientsFor } from './clients.js';

const HEADER = 'X-Deploy-Probe';
const SECRET = 'probe-7f3a';

let sb: Sandbox;
let pair: TargetPair;
let elb: ReturnType<typeof clientsFor>['elb'];
let canaryArn: string;
let canaryServer: http.Server;
let ruleArn: string;
/** Every state the canary group's one target went through, from its registration on. */
const canaryStates: string[] = [];

beforeAll(async () => {
  sb = await startSandbox({ healthCheckIntervalMs: 100, healthCheckTimeoutMs: 2000 });
  elb = clientsFor(sb, { maxAttempts: 1 }).elb;
  pair = await sb.createTargetPair({ name: 'hdr', targets: 1 });
  // A group no listener forwards to, with one target that answers everything (health checks included).
  canaryServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('canary'));
  await new Promise<void>((resolve) => canaryServer.listen(0, '127.0.0.1', resolve));
  canaryArn = createTargetGroup(sb.world, { name: 'hdr-canary' }).arn;
  sb.events.on('targetHealth', (e: TargetHealthEvent) => {
    if (e.targetGroupArn === canaryArn && canaryStates[canaryStates.length - 1] !== e.target.state) canaryStates.push(e.target.state);
  });
  sb.world.elb.registerTarget(canaryArn, '127.0.0.1', (canaryServer.address() as AddressInfo).port);
});
afterAll(async () => {
  await sb.stop();
  canaryServer.closeAllConnections();
  await new Promise((resolve) => canaryServer.close(resolve));
});

/** One GET through the production listener: status, body and the group that served it ('' for a fixed response). */
async function get(headers: Record<string, string> = {}): Promise<{ status: number; body: string; group: string }> {
  const res = await fetch(`${pair.prodUrl}/`, { headers });
  return { status: res.status, body: await res.text(), group: res.headers.get('x-sandbox-target-group') ?? '' };
}

const canaryHealth = async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: canaryArn }))).TargetHealthDescriptions?.[0]?.TargetHealth;

describe('a header rule on the production listener', () => {
  test('CreateRule with a fixed response: only requests carrying the header get it; the rest take the default action', async () => {
    const out = await elb.send(
      new CreateRuleCommand({
        ListenerArn: pair.listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: [SECRET] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'probe ok' } }],
        Tags: [{ Key: 'deploy-run', Value: 'run-1' }],
      }),
    );
    ruleArn = out.Rules?.[0]?.RuleArn as string;

    expect(await get({ [HEADER]: SECRET })).toEqual({ status: 200, body: 'probe ok', group: '' });
    // Header names and the compared strings are not case-sensitive.
    expect(await get({ [HEADER.toLowerCase()]: SECRET.toUpperCase() })).toMatchObject({ body: 'probe ok' });
    expect(await get({ [HEADER]: 'wrong' })).toMatchObject({ status: 200, group: 'hdr-blue' });
    expect(await get()).toMatchObject({ status: 200, group: 'hdr-blue' });
    // A fixed response names no target group: the canary group is still not in use.
    expect(await canaryHealth()).toEqual({ State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' });
  });

  test('ModifyRule to a forward: the group goes unused → initial → healthy and gets the header requests, none of the others', async () => {
    await elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: [{ Type: 'forward', TargetGroupArn: canaryArn }] }));
    await sb.waitFor(() => sb.targetHealth(canaryArn)[0]?.state === 'healthy', { timeoutMs: 10_000, what: 'the canary target healthy' });
    expect(canaryStates).toEqual(['unused', 'initial', 'healthy']);
    expect(await canaryHealth()).toEqual({ State: 'healthy' });

    const probes = await Promise.all(Array.from({ length: 20 }, () => get({ [HEADER]: SECRET })));
    expect(probes.map((r) => `${r.status} ${r.group} ${r.body}`)).toEqual(Array.from({ length: 20 }, () => '200 hdr-canary canary'));
    const others = await Promise.all(Array.from({ length: 100 }, () => get()));
    expect(others.filter((r) => r.group === 'hdr-canary')).toHaveLength(0);
    expect(others.every((r) => r.status === 200 && r.group === 'hdr-blue')).toBe(true);
  });

  test('DeleteRule: header requests take the default action again and the group is unused again', async () => {
    await elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    expect(await get({ [HEADER]: SECRET })).toMatchObject({ status: 200, group: 'hdr-blue' });
    await sb.waitFor(() => sb.targetHealth(canaryArn)[0]?.state === 'unused', { timeoutMs: 10_000, what: 'the canary target unused' });
    expect(canaryStates).toEqual(['unused', 'initial', 'healthy', 'unused']);
    expect(await canaryHealth()).toMatchObject({ State: 'unused', Reason: 'Target.NotInUse' });
  });
});

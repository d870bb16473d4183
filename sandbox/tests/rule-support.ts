// Helpers for the listener-rule fidelity tests: a load balancer and listener of their own per test, and
// CreateRule inputs with a header condition.
import type { Action, CreateRuleCommandInput, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer } from '../elb/model.js';
import type { Sandbox } from '../index.js';
import { createListener, createLoadBalancer, fixedResponse } from '../resources.js';

/** A load balancer of its own with one listener (default: fixed 404), so each test counts only its rules. */
export async function freshListener(sandbox: Sandbox, name: string): Promise<{ lb: LoadBalancer; lbArn: string; listenerArn: string; defaultRuleArn: string }> {
  const lb = createLoadBalancer(sandbox.world, name);
  const listener = await createListener(sandbox.world, lb, [fixedResponse(404, 'no route')]);
  return { lb, lbArn: lb.arn, listenerArn: listener.arn, defaultRuleArn: listener.defaultRuleArn };
}

export const header = (name: string, ...values: string[]): RuleCondition => ({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: name, Values: values } });

export const fixed = (body: string): Action[] => [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: body } }];

/** CreateRule on the listener at this priority: header X-Deploy-Probe: secret-1 → fixed 200 "probe", unless `extra` says otherwise. */
export const ruleInput = (listenerArn: string, priority: number, extra: Partial<CreateRuleCommandInput> = {}): CreateRuleCommandInput => ({
  ListenerArn: listenerArn,
  Priority: priority,
  Conditions: [header('X-Deploy-Probe', 'secret-1')],
  Actions: fixed('probe'),
  ...extra,
});

// The ELBv2 and SSM calls the action makes (src/aws/elbv2.ts, src/aws/ssm.ts, driven by src/flow/),
// in the order a deploy makes them, with the input shapes it sends: actions as read, then rewritten by
// the action's own withSplit/toWritableActions; the lock's put-if-absent, takeover and release; and
// the invalid inputs the action relies on AWS to reject. Each step runs in the sandbox first, then in
// moto, with the same symbolic input; written inputs are derived from the sandbox's (faithful) reads.
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { toWritableActions } from '../../src/aws/action-shape.js';
import { withSplit } from '../../src/traffic.js';
import type { TrafficSplit } from '../../src/types.js';
import { diffOutcomes, errorOutcome, normalise, type Difference, type Outcome } from './diff.js';
import { historySteps } from './history-steps.js';
import { ruleSteps } from './rule-steps.js';
import { LISTENER, MISSING_LISTENER, MISSING_RULE, RULE, tg, type World } from './worlds.js';

export interface StepContext {
  world: World;
  /** Symbols → this world's ARNs, anywhere in a value. */
  resolve<T>(value: T): T;
  /** The sandbox's normalised (symbolic) successful output of an earlier step. */
  earlier(stepId: string): Record<string, unknown>;
}

export interface Step {
  id: string;
  /** Waits, in the sandbox only, for what real AWS would have reached by then (health checks). */
  settleSandbox?: () => Promise<void>;
  call(ctx: StepContext): Promise<unknown>;
  /**
   * New symbols from this world's successful output (a created rule's ARN, a page marker), bound before
   * the output is compared, so later steps can name them and both worlds' values read back as the symbol.
   */
  bind?(output: unknown): Record<string, string | undefined>;
}

const COLOURS = { blue: tg('blue'), green: tg('green') };
export const STATE_PARAMETER = '/diff/live-color';
export const LOCK_PARAMETER = `${STATE_PARAMETER}-lock`;

const lockValue = (runId: string) => JSON.stringify({ runId, holder: 'differential', acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:15:00.000Z' });

function listenerActions(ctx: StepContext, stepId: string): Action[] {
  const listeners = ctx.earlier(stepId).Listeners as { DefaultActions: Action[] }[];
  return listeners[0]?.DefaultActions ?? [];
}

function ruleActions(ctx: StepContext, stepId: string): Action[] {
  const rules = ctx.earlier(stepId).Rules as { Actions: Action[] }[];
  return rules[0]?.Actions ?? [];
}

const describeListener = (ctx: StepContext) => ctx.world.elb.send(new DescribeListenersCommand({ ListenerArns: [ctx.resolve(LISTENER)] }));
const modifyListener = (ctx: StepContext, actions: Action[]) =>
  ctx.world.elb.send(new ModifyListenerCommand({ ListenerArn: ctx.resolve(LISTENER), DefaultActions: ctx.resolve(actions) }));
const shiftedListener = (ctx: StepContext, split: TrafficSplit) => withSplit(listenerActions(ctx, 'listener.describe'), COLOURS, split);
const forwardTo = (groups: [string, number][], extra: Partial<Action> = {}): Action[] => [
  { Type: 'forward', ...extra, ForwardConfig: { TargetGroups: groups.map(([arn, w]) => ({ TargetGroupArn: arn, Weight: w })) } },
];

/** The replay, in order. Step ids are what KNOWN_DIFFERENCES refers to. */
export function replaySteps(waitForTarget: (colour: 'blue' | 'green', state: string) => Promise<void>): Step[] {
  return [
    // discover: the listener (and the rule) as they stand, and the recorded live colour
    { id: 'listener.describe', call: describeListener },
    { id: 'rule.describe', call: (ctx) => ctx.world.elb.send(new DescribeRulesCommand({ RuleArns: [ctx.resolve(RULE)] })) },
    {
      id: 'ssm.state.create',
      call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: STATE_PARAMETER, Value: 'blue', Type: 'String', Overwrite: true, Description: 'Live colour of the blue-green pair' })),
    },
    { id: 'ssm.state.get', call: (ctx) => ctx.world.ssm.send(new GetParameterCommand({ Name: STATE_PARAMETER })) },

    // lock: put-if-absent, contention, takeover of an expired lock
    {
      id: 'ssm.lock.put-if-absent',
      call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: LOCK_PARAMETER, Value: lockValue('run-1'), Type: 'String', Overwrite: false, Description: 'Blue-green deployment lock (deleted when the run ends)' })),
    },
    {
      id: 'ssm.lock.put-if-absent.held',
      call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: LOCK_PARAMETER, Value: lockValue('run-2'), Type: 'String', Overwrite: false, Description: 'Blue-green deployment lock (deleted when the run ends)' })),
    },
    { id: 'ssm.lock.get', call: (ctx) => ctx.world.ssm.send(new GetParameterCommand({ Name: LOCK_PARAMETER })) },
    {
      id: 'ssm.lock.takeover',
      call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: LOCK_PARAMETER, Value: lockValue('run-2'), Type: 'String', Overwrite: true, Description: 'Blue-green deployment lock (deleted when the run ends)' })),
    },
    { id: 'ssm.lock.get.after-takeover', call: (ctx) => ctx.world.ssm.send(new GetParameterCommand({ Name: LOCK_PARAMETER })) },

    // target health of both colours before any traffic moves
    { id: 'health.blue.healthy', settleSandbox: () => waitForTarget('blue', 'healthy'), call: (ctx) => ctx.world.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: ctx.resolve(tg('blue')) })) },
    { id: 'health.green.not-in-use', settleSandbox: () => waitForTarget('green', 'unused'), call: (ctx) => ctx.world.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: ctx.resolve(tg('green')) })) },

    // shift: canary step, read back; green's target is now in use and checked
    { id: 'listener.shift.10', call: (ctx) => modifyListener(ctx, shiftedListener(ctx, { blue: 90, green: 10 })) },
    { id: 'listener.readback.10', call: describeListener },
    { id: 'health.green.in-use', settleSandbox: () => waitForTarget('green', 'initial'), call: (ctx) => ctx.world.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: ctx.resolve(tg('green')) })) },

    // the rest of the way, weight 0 kept listed, with stickiness on (the action copies it through)
    {
      id: 'listener.shift.100-sticky',
      call: (ctx) => {
        const actions = shiftedListener(ctx, { blue: 0, green: 100 });
        for (const a of actions) if (a.ForwardConfig) a.ForwardConfig.TargetGroupStickinessConfig = { Enabled: true, DurationSeconds: 300 };
        return modifyListener(ctx, actions);
      },
    },
    { id: 'listener.readback.100-sticky', call: describeListener },

    // rule-based switch
    { id: 'rule.shift.50', call: (ctx) => ctx.world.elb.send(new ModifyRuleCommand({ RuleArn: ctx.resolve(RULE), Actions: ctx.resolve(withSplit(ruleActions(ctx, 'rule.describe'), COLOURS, { blue: 50, green: 50 })) })) },
    { id: 'rule.readback.50', call: (ctx) => ctx.world.elb.send(new DescribeRulesCommand({ RuleArns: [ctx.resolve(RULE)] })) },

    // restore the snapshot (as post/rollback do), read back; record the colour
    { id: 'listener.restore', call: (ctx) => modifyListener(ctx, toWritableActions(listenerActions(ctx, 'listener.describe'))) },
    { id: 'listener.readback.restored', call: describeListener },
    {
      id: 'ssm.state.put',
      call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: STATE_PARAMETER, Value: 'green', Type: 'String', Overwrite: true, Description: 'Live colour of the blue-green pair' })),
    },
    { id: 'ssm.state.get.after-put', call: (ctx) => ctx.world.ssm.send(new GetParameterCommand({ Name: STATE_PARAMETER })) },

    // release the lock; what the action tolerates afterwards
    { id: 'ssm.lock.delete', call: (ctx) => ctx.world.ssm.send(new DeleteParameterCommand({ Name: LOCK_PARAMETER })) },
    { id: 'ssm.lock.get.missing', call: (ctx) => ctx.world.ssm.send(new GetParameterCommand({ Name: LOCK_PARAMETER })) },
    { id: 'ssm.lock.delete.missing', call: (ctx) => ctx.world.ssm.send(new DeleteParameterCommand({ Name: LOCK_PARAMETER })) },

    // a per-run rule on the production listener (create, tag, repoint, page, delete), then parameter history
    ...ruleSteps(),
    ...historySteps(),

    // resources that do not exist
    { id: 'listener.describe.missing', call: (ctx) => ctx.world.elb.send(new DescribeListenersCommand({ ListenerArns: [ctx.resolve(MISSING_LISTENER)] })) },
    { id: 'listener.modify.missing', call: (ctx) => ctx.world.elb.send(new ModifyListenerCommand({ ListenerArn: ctx.resolve(MISSING_LISTENER), DefaultActions: ctx.resolve(forwardTo([[tg('blue'), 1]])) })) },
    { id: 'rule.describe.missing', call: (ctx) => ctx.world.elb.send(new DescribeRulesCommand({ RuleArns: [ctx.resolve(MISSING_RULE)] })) },
    { id: 'rule.modify.missing', call: (ctx) => ctx.world.elb.send(new ModifyRuleCommand({ RuleArn: ctx.resolve(MISSING_RULE), Actions: ctx.resolve(forwardTo([[tg('blue'), 1]])) })) },
    { id: 'health.missing-group', call: (ctx) => ctx.world.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: ctx.resolve(tg('missing')) })) },

    // invalid writes AWS rejects; last, because moto accepts (and stores) some of them
    { id: 'listener.invalid.weight-1000', call: (ctx) => modifyListener(ctx, forwardTo([[tg('blue'), 1000], [tg('green'), 0]])) },
    { id: 'listener.invalid.six-groups', call: (ctx) => modifyListener(ctx, forwardTo((['blue', 'green', 'extra-1', 'extra-2', 'extra-3', 'extra-4'] as const).map((n) => [tg(n), 1]))) },
    { id: 'listener.invalid.unknown-group', call: (ctx) => modifyListener(ctx, forwardTo([[tg('blue'), 50], [tg('missing'), 50]])) },
    { id: 'listener.invalid.arn-and-two-groups', call: (ctx) => modifyListener(ctx, forwardTo([[tg('blue'), 50], [tg('green'), 50]], { TargetGroupArn: tg('blue') })) },
    { id: 'ssm.invalid.get.no-leading-slash', call: (ctx) => ctx.world.ssm.send(new GetParameterCommand({ Name: STATE_PARAMETER.slice(1) })) },
    { id: 'ssm.invalid.put.no-leading-slash', call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: STATE_PARAMETER.slice(1), Value: 'blue', Type: 'String', Overwrite: false })) },
    { id: 'ssm.invalid.put.space', call: (ctx) => ctx.world.ssm.send(new PutParameterCommand({ Name: '/diff/live color', Value: 'blue', Type: 'String', Overwrite: false })) },
  ];
}

/** Deep replacement of whole string values that are keys of `map`. */
function replaceStrings<T>(value: T, map: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') return (map.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => replaceStrings(v, map)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, map)])) as T;
  }
  return value;
}

/** Value → symbol; when several symbols name one value (moto's marker is a rule's ARN), the first bound wins. */
function symbolsOf(world: World): Map<string, string> {
  const bySymbol = new Map<string, string>();
  for (const [symbol, value] of world.symbols) if (!bySymbol.has(value)) bySymbol.set(value, symbol);
  return bySymbol;
}

async function outcomeOf(world: World, step: Step, ctx: StepContext): Promise<Outcome> {
  try {
    const output = await step.call(ctx);
    for (const [symbol, value] of Object.entries(step.bind?.(output) ?? {})) if (value !== undefined) world.symbols.set(symbol, value);
    return { ok: normalise(output, symbolsOf(world)) };
  } catch (e) {
    return errorOutcome(e);
  }
}

export interface ReplayResult {
  differences: Difference[];
  /** Per step, both normalised outcomes: for a failure message that shows what happened. */
  outcomes: Record<string, { sandbox: Outcome; moto: Outcome }>;
}

/** Runs every step against both worlds and collects the field-by-field differences. */
export async function replay(steps: Step[], sandbox: World, moto: World): Promise<ReplayResult> {
  const sandboxOutcomes = new Map<string, Outcome>();
  const earlier = (id: string): Record<string, unknown> => {
    const o = sandboxOutcomes.get(id);
    if (!o || !('ok' in o)) throw new Error(`step ${id} has no successful sandbox output to build on`);
    return o.ok as Record<string, unknown>;
  };
  const ctxFor = (world: World): StepContext => ({ world, resolve: (v) => replaceStrings(v, world.symbols), earlier });

  const result: ReplayResult = { differences: [], outcomes: {} };
  for (const step of steps) {
    await step.settleSandbox?.();
    const s = await outcomeOf(sandbox, step, ctxFor(sandbox));
    sandboxOutcomes.set(step.id, s);
    const m = await outcomeOf(moto, step, ctxFor(moto));
    result.outcomes[step.id] = { sandbox: s, moto: m };
    result.differences.push(...diffOutcomes(step.id, s, m));
  }
  return result;
}

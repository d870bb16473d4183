// The verification route: how the idle colour is health-checked, and reached by the probes and the smoke
// test, before it takes traffic — without ever listing it in the production forward. An ALB health-checks
// every target group any rule of a listener forwards to, whether or not a request ever matches the rule. So
// the action creates, for the run, a rule on the production listener that matches only requests carrying
// the run's secret header (verify-rule.ts). The rule first answers with a fixed response carrying the
// token: a probe of health-check-url with the header must get it back — the URL goes through this listener
// and the header survives the way — before the rule forwards to the idle colour. So no probe of the route
// can reach the live colour, and no sticky client can be sent to an unverified one.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import type { ListenerRule } from '../../aws/ports.js';
import { AwsAccessFailed, RuleRefused } from '../../aws/aws-error.js';
import { errorMessage, InputError, RouteUnavailable } from '../../errors.js';
import type { Probe } from '../../health/probe.js';
import { COLOR_PLACEHOLDER } from '../../inputs/health.js';
import { saveJson, StateKey, type RouteRecord } from '../../state.js';
import type { Colour, Config } from '../../types.js';
import type { FlowDeps, FlowNotes } from '../../flow/context.js';
import { lockTtlMs } from '../../flow/lock.js';
import { checkRouteAddress } from './route-address.js';
import { removeLeftovers } from './route-leftovers.js';
import type { IdleBinding } from './served-history.js';
import type { ProductionForward } from './forward.js';
import { splitFor, writeActions } from '../../flow/shift.js';
import { lists } from './stickiness.js';
import { pointTestListener } from './test-listener.js';
import { answerAction, choosePriority, forwardAction, MAX_CONDITION_VALUES, ruleTags, VERIFY_HEADER, verifyConditions, verifyToken } from './verify-rule.js';

export type RouteKind = 'test-listener' | 'header' | 'forward';

/** Which route the inputs ask for, before anything is tried. */
export function routeKind(config: Pick<Config, 'verifyRoute' | 'testListenerArn'>): RouteKind {
  if (config.verifyRoute === 'forward') return 'forward';
  return config.verifyRoute === 'auto' && config.testListenerArn ? 'test-listener' : 'header';
}

/** health-check-url reaches the idle colour only through the route: it is the production address. */
export const urlNeedsRoute = (config: Config): boolean => Boolean(config.health.url && !config.health.url.includes(COLOR_PLACEHOLDER));

/** How long the proof may take: an ALB applies a new rule within seconds; a URL that never answers with the token is not going through it. */
const PROOF_WINDOW_MS = 60_000;
const PROOF_INTERVAL_MS = 1_000;

const WAYS_OUT =
  'Ways out: set test-listener-arn (the idle colour is then checked through the test listener); grant elasticloadbalancing:CreateRule, DeleteRule, AddTags and DescribeTags on the listener and its rules; ' +
  "or set verify-route: forward (the idle colour joins the production forward at weight 0 to be health-checked, which is refused while target-group stickiness may bind clients to it).";

interface RouteContext {
  config: Config;
  deps: FlowDeps;
  notes: FlowNotes;
}

export class VerifyRoute {
  private forwarding?: Colour;
  private closed = false;

  private constructor(
    readonly kind: RouteKind,
    private readonly ctx: RouteContext,
    private readonly rule?: { arn: string; token: string; proven: boolean },
  ) {}

  static of(kind: RouteKind, ctx: RouteContext): VerifyRoute {
    return new VerifyRoute(kind, ctx);
  }

  static created(ctx: RouteContext, rule: { arn: string; token: string; proven: boolean }): VerifyRoute {
    return new VerifyRoute('header', ctx, rule);
  }

  /** The probe for the colour being checked: with the header (only to the proven URL's origin), and never counting the rule's own answer. */
  get probe(): Probe {
    const base = this.ctx.deps.probe;
    const rule = this.rule;
    if (!rule?.proven || this.closed) return base;
    const origin = new URL(this.ctx.config.health.url ?? '').origin;
    return (url, signal, options = {}) =>
      new URL(url).origin !== origin
        ? base(url, signal, options)
        : base(url, signal, {
            ...options,
            headers: { ...options.headers, [VERIFY_HEADER]: rule.token },
            rejectBody: new RegExp(rule.token),
            rejectReason: 'answered by the verification rule itself, not by the colour (the rule change has not reached the load balancer yet)',
          });
  }

  /** `Name: value` for the team's commands while the rule forwards to `colour` (BLUE_GREEN_TARGET_HEADER). */
  headerFor(colour: Colour): string | undefined {
    return this.rule && !this.closed && this.forwarding === colour ? `${VERIFY_HEADER}: ${this.rule.token}` : undefined;
  }

  /**
   * Points the route at `colour` before it changes, so its target group stays health-checked while ECS rolls
   * it out (a group no rule forwards to is `unused`, and its targets never become healthy): the rule forwards
   * header requests to it, or the test listener is pointed at it, or — verify-route: forward — it joins the
   * production forward at weight 0 when the forward does not list it. Idempotent.
   */
  async forwardTo(colour: Colour, production?: ProductionForward): Promise<void> {
    if (this.forwarding === colour) return;
    const { config, deps } = this.ctx;
    if (this.rule) {
      await writeActions(deps.ports.elb, { kind: 'rule', arn: this.rule.arn }, [forwardAction(config.targetGroups[colour])], config.targetGroups, 'Verification rule');
    } else if (this.kind === 'test-listener') {
      await pointTestListener(deps.ports.elb, config, colour);
    } else if (this.kind === 'forward' && production && !lists(production.current, config.targetGroups[colour])) {
      core.info(`The ${colour} target group is not in the production forward: adding it with weight 0 so the ALB health-checks it.`);
      await production.apply(splitFor(colour, 0));
    }
    this.forwarding = colour;
  }

  /**
   * Deletes the rule (idempotent). After a cancellation the runner's window is short: the rescue ports' timeouts
   * fit it. A failure only warns: post tries again, and the next run removes it.
   */
  async close(): Promise<void> {
    if (!this.rule || this.closed) return;
    const { deps } = this.ctx;
    const ports = deps.signal.aborted && deps.rescuePorts ? deps.rescuePorts() : deps.ports;
    try {
      const existed = await ports.elb.deleteRule(this.rule.arn);
      this.closed = true;
      this.ctx.deps.state.save(StateKey.VerifyRoute, '');
      core.info(existed ? `Deleted the verification rule ${this.rule.arn}.` : `The verification rule ${this.rule.arn} was already gone.`);
    } catch (error) {
      core.warning(`Could not delete the verification rule ${this.rule.arn}: ${errorMessage(error)}. The post step tries again, and the next deploy removes it.`);
    }
  }
}

/**
 * Opens the route the inputs ask for. For the header route: check the URL's address, remove this pair's
 * leftover rules, create the rule (answering with the token), prove the URL reaches it. With `auto`, a rule
 * that cannot be created falls back to the weight-0 forward when nothing needs the route and no sticky
 * client can be bound to the idle colour; otherwise the error names the ways out.
 */
export async function openRoute(ctx: RouteContext, binding: IdleBinding | undefined): Promise<VerifyRoute> {
  const kind = routeKind(ctx.config);
  if (kind !== 'header') return VerifyRoute.of(kind, ctx);
  try {
    return await ctx.deps.timeline.run('Open the verification route', () => createRoute(ctx));
  } catch (error) {
    if (!(error instanceof RouteUnavailable) || ctx.config.verifyRoute !== 'auto' || urlNeedsRoute(ctx.config)) throw error;
    if (binding && !binding.free) {
      throw new RouteUnavailable(`${error.message} Without the rule the idle colour could only be health-checked in the production forward, and target-group stickiness may still bind clients to it until ${new Date(binding.until).toISOString()} (${binding.facts}).`);
    }
    const note = `${error.message.split(' Ways out:')[0]} Checked the idle colour through the production forward at weight 0 instead (verify-route: auto); grant the rule permissions or set verify-route to say which you want.`;
    core.warning(note, { title: 'Verification rule not created' });
    ctx.notes.notes.push(note);
    return VerifyRoute.of('forward', ctx);
  }
}

async function createRoute(ctx: RouteContext): Promise<VerifyRoute> {
  const { config, deps, notes } = ctx;
  const { elb } = deps.ports;
  const url = urlNeedsRoute(config) ? config.health.url : undefined;
  if (url) await checkRouteAddress(elb, config, url);
  let rules = await elb.listenerRules(config.listenerArn);
  rules = await removeLeftovers(elb, rules, { stateParameter: config.stateParameter, runId: config.run.id, lockHeld: config.lock, now: deps.clock.now() }, notes.notes);

  const token = randomBytes(24).toString('hex');
  core.setSecret(token);
  const production = config.listenerRuleArn ? rules.find((r) => r.arn === config.listenerRuleArn) : undefined;
  const { conditions, copied } = verifyConditions(token, production?.conditions);
  if (!copied) notes.notes.push(`The production rule's conditions hold more than ELBv2's ${MAX_CONDITION_VALUES - 1} condition values a second rule can copy beside the header: the verification rule matches the header alone.`);
  const record: RouteRecord = { listenerArn: config.listenerArn, runId: config.run.id, stateParameter: config.stateParameter };
  // Saved before the call: a rule created whose reply is lost is found by post through its tags.
  saveJson(deps.state, StateKey.VerifyRoute, record);
  const arn = await createRule(ctx, rules, token, conditions);
  saveJson(deps.state, StateKey.VerifyRoute, { ...record, ruleArn: arn });
  const route = VerifyRoute.created(ctx, { arn, token, proven: false });
  if (!url) return route;
  try {
    await proveRoute(ctx, url, token);
  } catch (error) {
    await route.close();
    throw error;
  }
  return VerifyRoute.created(ctx, { arn, token, proven: true });
}

/** CreateRule at a free priority; a priority taken meanwhile is chosen again, a lost reply is found by its token. */
async function createRule(ctx: RouteContext, found: ListenerRule[], token: string, conditions: ReturnType<typeof verifyConditions>['conditions']): Promise<string> {
  const { config, deps } = ctx;
  const { elb } = deps.ports;
  let rules = found;
  for (let attempt = 1; ; attempt++) {
    const priority = choosePriority(rules, config.listenerRuleArn);
    if (priority === undefined) {
      throw new RouteUnavailable(
        config.listenerRuleArn
          ? `No verification rule could be created: no priority is free below the production rule's (${rules.find((r) => r.arn === config.listenerRuleArn)?.priority ?? '?'}) on listener-arn. Move the production rule to a higher priority, leaving a free number before it. ${WAYS_OUT}`
          : `No verification rule could be created: every priority of listener-arn is taken. ${WAYS_OUT}`,
      );
    }
    try {
      const arn = await elb.createRule({
        listenerArn: config.listenerArn,
        priority,
        conditions,
        actions: [answerAction(token)],
        tags: ruleTags(config.stateParameter, config.run.id, deps.clock.now() + lockTtlMs(config)),
      });
      core.info(`Created the verification rule ${arn} at priority ${priority} (header ${VERIFY_HEADER}; its value is masked).`);
      ctx.notes.notes.push(`The idle colour was checked through a verification rule on listener-arn (priority ${priority}): only requests carrying the run's secret ${VERIFY_HEADER} header reached it; the rule is deleted after the switch or on failure.`);
      return arn;
    } catch (error) {
      // The call may have taken effect although it failed to say so (a lost reply, then the SDK's retry).
      const fresh = await elb.listenerRules(config.listenerArn).catch(() => undefined);
      const mine = fresh?.find((r) => verifyToken(r) === token);
      if (mine) {
        core.info(`The verification rule was created although the call failed (${errorMessage(error)}): ${mine.arn}.`);
        return mine.arn;
      }
      if (error instanceof RuleRefused && error.reason === 'priority-in-use' && fresh && attempt < 3) {
        rules = fresh;
        continue;
      }
      throw unavailable(error);
    }
  }
}

function unavailable(error: unknown): unknown {
  if (error instanceof RuleRefused && error.reason === 'too-many-rules') {
    return new RouteUnavailable(`No verification rule could be created on listener-arn: ${error.message}. Delete an unused rule or ask AWS for a higher "Rules per Application Load Balancer" quota. ${WAYS_OUT}`);
  }
  if (error instanceof RuleRefused) return new RouteUnavailable(`No verification rule could be created on listener-arn: ${error.message}. ${WAYS_OUT}`);
  if (error instanceof AwsAccessFailed) return new RouteUnavailable(`No verification rule could be created on listener-arn: ${error.message} ${WAYS_OUT}`);
  return error;
}

/** A probe of the URL with the header must come back with the rule's token: then it goes through this rule. */
async function proveRoute(ctx: RouteContext, url: string, token: string): Promise<void> {
  const { config, deps } = ctx;
  const started = deps.clock.now();
  const deadline = started + Math.min(config.waitTimeoutMs, PROOF_WINDOW_MS);
  const answer = { headers: { [VERIFY_HEADER]: token }, expect: { status: [{ min: 200, max: 200 }], body: new RegExp(token) } };
  let probes = 0;
  let last = '';
  for (;;) {
    const result = await deps.probe(url, deps.signal, answer);
    probes += 1;
    if (result.ok) {
      core.info(`Verification route proven: ${url} with the ${VERIFY_HEADER} header got the new rule's answer back, so it goes through listener-arn.`);
      return;
    }
    last = result.detail;
    if (deps.clock.now() + PROOF_INTERVAL_MS > deadline) break;
    await deps.clock.sleep(PROOF_INTERVAL_MS, deps.signal);
  }
  throw new InputError(
    'health-check-url',
    url,
    `a URL that goes through listener-arn, the production listener: sent with the ${VERIFY_HEADER} header, ${probes} probe(s) over ${Math.round((deps.clock.now() - started) / 1000)} s never got the verification rule's answer back (last: ${last}). ` +
      'It reaches something else — a direct address of a colour, another load balancer or listener, or a CDN or proxy that drops the header — and could pass for the live colour. ' +
      `Give the production listener's own address, set test-listener-arn and give the test listener's address, or put ${COLOR_PLACEHOLDER} in the URL (an address per colour). The rule was removed; nothing else changed`,
  );
}

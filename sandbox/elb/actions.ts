// Turns ModifyListener/ModifyRule/CreateRule actions into the shape AWS stores and returns, validating
// what AWS validates (conditions are conditions.ts's). A forward is always returned with both
// TargetGroupArn (when it has one group) and ForwardConfig (weights default to 1, stickiness to
// disabled), as real ELBv2 does.
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { q, type QueryObject, type QueryValue } from '../protocol/query.js';
import type { ActionShape, ElbModel } from './model.js';

const MAX_TARGET_GROUPS_PER_FORWARD = 5;
const ACTION_TYPES = ['forward', 'fixed-response', 'redirect', 'authenticate-oidc', 'authenticate-cognito'];

export function normaliseActions(model: ElbModel, raw: QueryValue[] | undefined, member: string): ActionShape[] {
  if (!raw || raw.length === 0) {
    throw new AwsError('ValidationError', constraintMessage('[]', member, 'Member must not be null'));
  }
  const actions = raw.map((item, i) => normaliseAction(model, q.obj(item) ?? {}, `${member}.${i + 1}.member`));
  const terminal = actions.filter((a) => ['forward', 'fixed-response', 'redirect'].includes(a.Type));
  if (terminal.length !== 1) {
    throw new AwsError('InvalidLoadBalancerAction', 'Exactly one terminal action (forward, fixed-response or redirect) must be specified');
  }
  if (actions.some((a) => a.Order !== undefined)) {
    const orders = actions.map((a) => a.Order);
    if (new Set(orders).size !== orders.length) {
      throw new AwsError('ValidationError', 'Action orders must be unique');
    }
  }
  return actions.sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
}

function normaliseAction(model: ElbModel, raw: QueryObject, at: string): ActionShape {
  const type = q.str(raw.Type);
  if (!type || !ACTION_TYPES.includes(type)) {
    throw new AwsError(
      'ValidationError',
      constraintMessage(type ?? 'null', `${at}.type`, `Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`),
    );
  }
  const order = q.int(raw.Order, `${at}.order`);
  if (order !== undefined && (order < 1 || order > 50000)) {
    throw new AwsError('ValidationError', constraintMessage(order, `${at}.order`, 'Member must have value between 1 and 50000'));
  }
  const base: ActionShape = { Type: type };
  switch (type) {
    case 'forward':
      Object.assign(base, normaliseForward(model, raw, at));
      break;
    case 'fixed-response': {
      const cfg = q.obj(raw.FixedResponseConfig);
      const status = q.str(cfg?.StatusCode);
      if (!cfg || !status || !/^(2|4|5)\d\d$/.test(status)) {
        throw new AwsError('ValidationError', constraintMessage(status ?? 'null', `${at}.fixedResponseConfig.statusCode`, 'Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$'));
      }
      base.FixedResponseConfig = dropUndefined({
        MessageBody: q.str(cfg.MessageBody),
        StatusCode: status,
        ContentType: q.str(cfg.ContentType),
      });
      break;
    }
    case 'redirect': {
      const cfg = q.obj(raw.RedirectConfig);
      const status = q.str(cfg?.StatusCode);
      if (!cfg || (status !== 'HTTP_301' && status !== 'HTTP_302')) {
        throw new AwsError('ValidationError', constraintMessage(status ?? 'null', `${at}.redirectConfig.statusCode`, 'Member must satisfy enum value set: [HTTP_301, HTTP_302]'));
      }
      base.RedirectConfig = dropUndefined({
        Protocol: q.str(cfg.Protocol) ?? '#{protocol}',
        Port: q.str(cfg.Port) ?? '#{port}',
        Host: q.str(cfg.Host) ?? '#{host}',
        Path: q.str(cfg.Path) ?? '/#{path}',
        Query: q.str(cfg.Query) ?? '#{query}',
        StatusCode: status,
      });
      break;
    }
    default:
      // Authentication actions are kept as given: the sandbox cannot authenticate, the proxy skips them.
      for (const [k, v] of Object.entries(raw)) if (k !== 'Type' && k !== 'Order') base[k] = v;
  }
  if (order !== undefined) base.Order = order;
  return base;
}

function normaliseForward(model: ElbModel, raw: QueryObject, at: string): Record<string, unknown> {
  const single = q.str(raw.TargetGroupArn);
  const cfg = q.obj(raw.ForwardConfig);
  const groups = (q.list(cfg?.TargetGroups) ?? []).map((g, i) => {
    const o = q.obj(g) ?? {};
    const weight = q.int(o.Weight, `${at}.forwardConfig.targetGroups.${i + 1}.member.weight`) ?? 1;
    if (weight < 0 || weight > 999) {
      const bound = weight < 0 ? 'greater than or equal to 0' : 'less than or equal to 999';
      throw new AwsError('ValidationError', constraintMessage(weight, `${at}.forwardConfig.targetGroups.${i + 1}.member.weight`, `Member must have value ${bound}`));
    }
    return { TargetGroupArn: q.str(o.TargetGroupArn) ?? '', Weight: weight };
  });
  if (!single && groups.length === 0) {
    throw new AwsError('ValidationError', 'A target group ARN must be specified for a forward action');
  }
  if (groups.length > MAX_TARGET_GROUPS_PER_FORWARD) {
    throw new AwsError('ValidationError', constraintMessage(`[${groups.length} target groups]`, `${at}.forwardConfig.targetGroups`, `Member must have length less than or equal to ${MAX_TARGET_GROUPS_PER_FORWARD}`));
  }
  if (single && groups.length > 0 && (groups.length > 1 || groups[0]?.TargetGroupArn !== single)) {
    throw new AwsError('ValidationError', 'You cannot specify both a target group ARN and a forward config with a different or more than one target group');
  }
  const arns = groups.length > 0 ? groups.map((g) => g.TargetGroupArn) : [single ?? ''];
  if (new Set(arns).size !== arns.length) {
    throw new AwsError('ValidationError', 'A target group can be specified only once in a forward action');
  }
  const missing = arns.filter((arn) => !model.targetGroup(arn));
  if (missing.length > 0) {
    throw new AwsError('TargetGroupNotFound', `Target groups '${missing.join("', '")}' not found`);
  }
  const stickinessRaw = q.obj(cfg?.TargetGroupStickinessConfig);
  const enabled = q.bool(stickinessRaw?.Enabled) ?? false;
  const duration = q.int(stickinessRaw?.DurationSeconds, `${at}.forwardConfig.targetGroupStickinessConfig.durationSeconds`);
  if (enabled && (duration === undefined || duration < 1 || duration > 604800)) {
    throw new AwsError('ValidationError', 'Stickiness duration must be between 1 and 604800 seconds when stickiness is enabled');
  }
  const tuples = groups.length > 0 ? groups : [{ TargetGroupArn: single ?? '', Weight: 1 }];
  const out: Record<string, unknown> = {};
  if (tuples.length === 1) out.TargetGroupArn = tuples[0]?.TargetGroupArn;
  out.ForwardConfig = {
    TargetGroups: tuples,
    TargetGroupStickinessConfig: enabled ? { Enabled: true, DurationSeconds: duration } : { Enabled: false },
  };
  return out;
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// Listener-rule conditions (CreateRule, ModifyRule) in the shape AWS stores and returns, with the limits
// AWS documents. Path and host conditions come back in both forms, `Values` and the `...Config` object;
// the others in their `...Config` object only.
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { q, type QueryValue } from '../protocol/query.js';
import type { ConditionShape } from './model.js';

const VALUE_CONDITIONS: Record<string, string> = { 'path-pattern': 'PathPatternConfig', 'host-header': 'HostHeaderConfig' };
const CONDITION_FIELDS = ['path-pattern', 'host-header', 'http-header', 'http-request-method', 'query-string', 'source-ip'];

/** HttpHeaderConditionConfig: "The maximum size is 40 characters" (name), "128 characters" (each value). */
const MAX_HEADER_NAME = 40;
const MAX_HEADER_VALUE = 128;
/** RFC 7230 `token`: what the user guide allows in a header name ("The allowed characters are specified by RFC 7230"). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** ALB quota "Condition values per rule": 5, not adjustable. */
export const MAX_CONDITION_VALUES_PER_RULE = 5;

export function normaliseConditions(raw: QueryValue[] | undefined): ConditionShape[] {
  return (raw ?? []).map((item, i) => {
    const o = q.obj(item) ?? {};
    const field = q.str(o.Field);
    if (!field || !CONDITION_FIELDS.includes(field)) {
      throw new AwsError('ValidationError', constraintMessage(field ?? 'null', `conditions.${i + 1}.member.field`, `Member must be one of: ${CONDITION_FIELDS.join(', ')}`));
    }
    const configKey = VALUE_CONDITIONS[field];
    if (configKey) {
      const values = (q.list(o.Values) ?? q.list(q.obj(o[configKey])?.Values) ?? []).map((v) => String(v));
      if (values.length === 0) {
        throw new AwsError('ValidationError', `A '${field}' condition must specify at least one value`);
      }
      return { Field: field, Values: values, [configKey]: { Values: values } };
    }
    if (field === 'http-header') return httpHeader(o.HttpHeaderConfig);
    const rest: ConditionShape = { Field: field };
    for (const [k, v] of Object.entries(o)) if (k !== 'Field') rest[k] = plain(v);
    return rest;
  });
}

function httpHeader(raw: QueryValue | undefined): ConditionShape {
  const cfg = q.obj(raw);
  if (!cfg) throw new AwsError('ValidationError', "A 'HttpHeaderConfig' must be specified with 'http-header'");
  const name = q.str(cfg.HttpHeaderName) ?? '';
  if (name === '') throw new AwsError('ValidationError', "A 'HttpHeaderName' must be specified with 'http-header'");
  if (name.length > MAX_HEADER_NAME) {
    throw new AwsError('ValidationError', `The 'HttpHeaderName' value is too long; the limit is '${MAX_HEADER_NAME}'`);
  }
  if (!HEADER_NAME.test(name)) throw new AwsError('ValidationError', `The 'HttpHeaderName' value '${name}' is not a valid HTTP header name`);
  const values = (q.list(cfg.Values) ?? []).map((v) => String(v));
  if (values.length === 0) throw new AwsError('ValidationError', "A 'http-header' condition must specify at least one value");
  if (values.some((v) => v.length > MAX_HEADER_VALUE)) {
    throw new AwsError('ValidationError', `The 'http-header' value is too long; the limit is '${MAX_HEADER_VALUE}'`);
  }
  return { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: name, Values: values } };
}

/**
 * What the "Condition values per rule" quota counts: each value of host-header, path-pattern,
 * http-header, http-request-method and source-ip, and each key/value pair of query-string.
 */
export function conditionValueCount(conditions: ConditionShape[]): number {
  const length = (config: unknown): number => {
    const values = (config as { Values?: unknown[] } | undefined)?.Values;
    return Array.isArray(values) ? values.length : 0;
  };
  return conditions.reduce((n, c) => {
    const key = { 'http-header': 'HttpHeaderConfig', 'http-request-method': 'HttpRequestMethodConfig', 'query-string': 'QueryStringConfig', 'source-ip': 'SourceIpConfig' }[c.Field];
    return n + (key ? length(c[key]) : Array.isArray(c.Values) ? c.Values.length : 0);
  }, 0);
}

/**
 * The API reference names no error for this quota; the sandbox answers InvalidConfigurationRequest
 * ("The requested configuration is not valid.", which CreateRule and ModifyRule both list) with a
 * message that says which quota (a sandbox choice, see README).
 */
export function assertConditionValueQuota(conditions: ConditionShape[]): void {
  const count = conditionValueCount(conditions);
  if (count > MAX_CONDITION_VALUES_PER_RULE) {
    throw new AwsError(
      'InvalidConfigurationRequest',
      `A rule can have at most '${MAX_CONDITION_VALUES_PER_RULE}' condition values (quota 'Condition values per rule'); these conditions have '${count}'`,
    );
  }
}

function plain(v: QueryValue): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

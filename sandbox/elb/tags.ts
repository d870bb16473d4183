// ELBv2 tags on load balancers, listeners, rules and target groups: DescribeTags, AddTags, RemoveTags,
// and the validation CreateRule's Tags share with AddTags.
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddTags.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RemoveTags.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Tag.html
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-tags.html
// Error messages are the service model's descriptions (TooManyTags, DuplicateTagKeys).
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { q, type QueryObject, type QueryValue } from '../protocol/query.js';
import type { ElbModel, Tag } from './model.js';

type Operation = (input: QueryObject) => Record<string, unknown>;

/** ALB user guide, "Tag an Application Load Balancer": "Maximum number of tags per resource—50". */
export const MAX_TAGS_PER_RESOURCE = 50;
/** DescribeTags: "You can specify up to 20 resources in a single call." */
const MAX_DESCRIBE_TAGS_ARNS = 20;

const notNull = (member: string) => new AwsError('ValidationError', constraintMessage('null', member, 'Member must not be null'));

/** `Tags.member.N.{Key,Value}` → tags, validated as API_Tag says; a key given twice is DuplicateTagKeys. */
export function parseTags(raw: QueryValue | undefined, member: string): Tag[] {
  const tags = (q.list(raw) ?? []).map((item, i) => {
    const o = q.obj(item) ?? {};
    const at = `${member}.${i + 1}.member`;
    const key = q.str(o.Key);
    if (key === undefined) throw notNull(`${at}.key`);
    if (key.length < 1 || key.length > 128) {
      throw new AwsError('ValidationError', constraintMessage(key, `${at}.key`, `Member must have length ${key.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 128'}`));
    }
    const value = q.str(o.Value) ?? '';
    if (value.length > 256) {
      throw new AwsError('ValidationError', constraintMessage(value, `${at}.value`, 'Member must have length less than or equal to 256'));
    }
    return { Key: key, Value: value };
  });
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw new AwsError('DuplicateTagKeys', 'A tag key was specified more than once.');
  return tags;
}

/** The resource's tags with `added` applied (a key it has gets the new value); TooManyTags over the quota. */
export function mergedTags(current: Tag[], added: Tag[]): Tag[] {
  const merged = current.map((t) => ({ ...t }));
  for (const tag of added) {
    const existing = merged.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else merged.push({ ...tag });
  }
  if (merged.length > MAX_TAGS_PER_RESOURCE) {
    throw new AwsError('TooManyTags', "You've reached the limit on the number of tags for this resource.");
  }
  return merged;
}

/** Throws the resource type's NotFound error when the ARN names nothing (the kind is read from the ARN). */
export function assertTaggable(model: ElbModel, arn: string): void {
  if (arn.includes(':listener-rule/')) {
    if (!model.rule(arn)) throw new AwsError('RuleNotFound', 'One or more rules not found');
  } else if (arn.includes(':listener/')) {
    if (!model.listener(arn)) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
  } else if (arn.includes(':loadbalancer/')) {
    if (!model.loadBalancers.some((lb) => lb.arn === arn)) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
  } else if (arn.includes(':targetgroup/')) {
    if (!model.targetGroup(arn)) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
  } else {
    // Not an ELBv2 resource ARN at all; the text is the sandbox's (AWS documents no message for it).
    throw new AwsError('ValidationError', `'${arn}' is not a valid load balancer, listener, rule or target group ARN`);
  }
}

function resourceArns(raw: QueryValue | undefined, max?: number): string[] {
  const arns = (q.list(raw) ?? []).map(String);
  if (arns.length === 0) throw notNull('resourceArns');
  if (max !== undefined && arns.length > max) {
    throw new AwsError('ValidationError', constraintMessage(`[${arns.join(', ')}]`, 'resourceArns', `Member must have length less than or equal to ${max}`));
  }
  return arns;
}

export function tagOperations(model: ElbModel): Record<string, Operation> {
  return {
    DescribeTags(input) {
      const arns = resourceArns(input.ResourceArns, MAX_DESCRIBE_TAGS_ARNS);
      for (const arn of arns) assertTaggable(model, arn);
      return { TagDescriptions: arns.map((arn) => ({ ResourceArn: arn, Tags: (model.tags.get(arn) ?? []).map((t) => ({ ...t })) })) };
    },

    AddTags(input) {
      const arns = resourceArns(input.ResourceArns);
      const tags = parseTags(input.Tags, 'tags');
      if (tags.length === 0) throw notNull('tags');
      for (const arn of arns) assertTaggable(model, arn);
      // All or nothing: every resource's new tag set is checked against the quota before any is written.
      const updated = arns.map((arn) => [arn, mergedTags(model.tags.get(arn) ?? [], tags)] as const);
      for (const [arn, merged] of updated) model.tags.set(arn, merged);
      return {};
    },

    RemoveTags(input) {
      const arns = resourceArns(input.ResourceArns);
      const keys = (q.list(input.TagKeys) ?? []).map(String);
      if (keys.length === 0) throw notNull('tagKeys');
      for (const arn of arns) assertTaggable(model, arn);
      for (const arn of arns) {
        const kept = (model.tags.get(arn) ?? []).filter((t) => !keys.includes(t.Key));
        if (kept.length > 0) model.tags.set(arn, kept);
        else model.tags.delete(arn);
      }
      return {};
    },
  };
}

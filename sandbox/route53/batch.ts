// ChangeResourceRecordSets' validation and its all-or-nothing application to one hosted zone's record sets.
// API Reference, ChangeResourceRecordSets: "Changes are a list of change items and are considered transactional";
// CREATE fails when the record set exists, DELETE needs one whose values all match, UPSERT creates or replaces.
// Malformed input is refused first with InvalidInput (the first problem found); then every change is checked in order
// against the zone as the earlier changes of the batch leave it, and all the problems found are refused together
// with InvalidChangeBatch, its message the list `[first, second]` Route 53 sends.
import { isIPv4, isIPv6 } from 'node:net';
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { canonicalName, withinZone } from './names.js';

export const RR_TYPES = ['SOA', 'A', 'TXT', 'NS', 'CNAME', 'MX', 'NAPTR', 'PTR', 'SRV', 'SPF', 'AAAA', 'CAA', 'DS', 'TLSA', 'SSHFP', 'SVCB', 'HTTPS'] as const;
export type RRType = (typeof RR_TYPES)[number];
const ACTIONS = ['CREATE', 'DELETE', 'UPSERT'] as const;
export type ChangeAction = (typeof ACTIONS)[number];

export interface AliasTarget {
  hostedZoneId: string;
  /** Canonical: lower-case, with the trailing dot. */
  dnsName: string;
  evaluateTargetHealth: boolean;
}

/** One resource record set as the zone holds it; names canonical (names.ts). */
export interface RecordSet {
  name: string;
  type: RRType;
  ttl?: number;
  setIdentifier?: string;
  weight?: number;
  /** ResourceRecords' values, as given; [] for an alias. */
  values: string[];
  alias?: AliasTarget;
  healthCheckId?: string;
}

/** A change as the API (or the sandbox's control surface) gives it: names in any form, alias without `dualstack` rules. */
export interface RecordSetInput {
  name: string;
  type: string;
  ttl?: number;
  setIdentifier?: string;
  weight?: number;
  values?: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth?: boolean };
  healthCheckId?: string;
}

export interface RecordChange {
  action: string;
  recordSet: RecordSetInput;
}

/** What alias targets can name: the load balancers (DescribeLoadBalancers' DNSName and CanonicalHostedZoneId). */
export interface AliasTargets {
  loadBalancers(): { dnsName: string; hostedZoneId: string }[];
  /** ELB's hosted zones: CanonicalHostedZoneId → the domain its names lie within (`us-east-1.elb.amazonaws.com.`). */
  elbZones(): Record<string, string>;
}

export interface BatchZone {
  id: string;
  name: string;
  records: RecordSet[];
}

/** The zone's record sets after the batch, or throws InvalidInput / InvalidChangeBatch; `zone` is not modified. */
export function applyBatch(zone: BatchZone, changes: RecordChange[], targets: AliasTargets, otherZone: (id: string) => BatchZone | undefined): RecordSet[] {
  if (changes.length === 0) {
    throw new AwsError('InvalidInput', constraintMessage('[]', 'changeBatch.changes', 'Member must have length greater than or equal to 1'));
  }
  const parsed = changes.map((c, k) => checkInput(c, k + 1));
  const working = zone.records.map((r) => ({ ...r, values: [...r.values] }));
  const messages: string[] = [];
  const seen = new Map<string, ChangeAction>();
  const lastTtl = new Map<string, number>();
  for (const { action, set, given } of parsed) {
    if (given.name.trim() === '' || given.name === '.') {
      messages.push("FATAL problem: DomainNameEmpty (Domain name is empty) encountered with ''");
      continue;
    }
    if (!withinZone(set.name, zone.name)) {
      messages.push(`RRSet with DNS name ${set.name} is not permitted in zone ${zone.name}`);
      continue;
    }
    if (set.type === 'CNAME' && set.name === zone.name) {
      messages.push(`RRSet of type CNAME with DNS name ${set.name} is not permitted at apex in zone ${zone.name}`);
      continue;
    }
    const key = `${set.name} ${set.type} ${set.setIdentifier ?? ''}`;
    const before = seen.get(key);
    seen.set(key, action);
    // A DELETE and then a CREATE (or UPSERT) of the same record set is the way to change it in one batch; any other
    // repetition is refused.
    if (before !== undefined && !(before === 'DELETE' && action !== 'DELETE')) {
      messages.push(`The request contains an invalid set of changes for a resource record set '${set.type} ${set.name}'`);
      continue;
    }
    const at = working.findIndex((r) => sameIdentity(r, set));
    const existing = working[at];
    if (action === 'DELETE') {
      if (!existing) messages.push(`Tried to delete resource record set ${identity(set)} but it was not found`);
      else if (!sameContent(existing, set)) messages.push(`Tried to delete resource record set ${identity(set)} but the values provided do not match the current values`);
      else working.splice(at, 1);
      continue;
    }
    if (action === 'CREATE' && existing) {
      messages.push(`Tried to create resource record set ${identity(set)} but it already exists`);
      continue;
    }
    const problems = [...valueProblems(set), ...conflicts(working, set, zone.name), ...aliasProblems(set, zone, working, targets, otherZone)];
    if (problems.length > 0) {
      messages.push(...problems);
      continue;
    }
    if (existing) working[at] = set;
    else working.push(set);
    if (set.weight !== undefined && set.ttl !== undefined) lastTtl.set(`${set.name} ${set.type}`, set.ttl);
  }
  if (working.filter((r) => r.name === zone.name && r.type === 'SOA').length !== 1) messages.push('A HostedZone must contain exactly one SOA record.');
  if (!working.some((r) => r.name === zone.name && r.type === 'NS')) messages.push('A HostedZone must contain at least one NS record for the zone itself.');
  if (messages.length > 0) throw new AwsError('InvalidChangeBatch', `[${messages.join(', ')}]`);
  // Developer Guide, weighted records, TTL: "If you create two or more weighted records that have the same name and
  // type, and you specify different values for TTL, Route 53 changes the value of TTL for all of the records to the
  // value that you specified for the last record."
  for (const r of working) {
    const ttl = lastTtl.get(`${r.name} ${r.type}`);
    if (ttl !== undefined && r.weight !== undefined && !r.alias) r.ttl = ttl;
  }
  return working;
}

interface Checked {
  action: ChangeAction;
  set: RecordSet;
  given: RecordSetInput;
}

/** InvalidInput for a change that is malformed on its own, else the record set in canonical form. */
function checkInput(change: RecordChange, n: number): Checked {
  const at = (member: string) => `changeBatch.changes.${n}.member.${member}`;
  const given = change.recordSet;
  if (!(ACTIONS as readonly string[]).includes(change.action)) {
    throw new AwsError('InvalidInput', `Invalid XML ; cvc-enumeration-valid: Value '${change.action}' is not facet-valid with respect to enumeration '[${ACTIONS.join(', ')}]'. It must be a value from the enumeration.`);
  }
  if (!(RR_TYPES as readonly string[]).includes(given.type)) {
    throw new AwsError('InvalidInput', constraintMessage(given.type, at('resourceRecordSet.type'), `Member must satisfy enum value set: [${RR_TYPES.join(', ')}]`));
  }
  const { setIdentifier, weight, ttl } = given;
  if (setIdentifier !== undefined && (setIdentifier.length < 1 || setIdentifier.length > 128)) {
    const bound = setIdentifier.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 128';
    throw new AwsError('InvalidInput', constraintMessage(setIdentifier, at('resourceRecordSet.setIdentifier'), `Member must have length ${bound}`));
  }
  for (const [value, member, max] of [[weight, 'weight', 255], [ttl, 'tTL', 2147483647]] as const) {
    if (value === undefined) continue;
    if (value < 0) throw new AwsError('InvalidInput', constraintMessage(value, at(`resourceRecordSet.${member}`), 'Member must have value greater than or equal to 0'));
    if (value > max) throw new AwsError('InvalidInput', constraintMessage(value, at(`resourceRecordSet.${member}`), `Member must have value less than or equal to ${max}`));
  }
  const changeWith = `[Action=${change.action}, Name=${given.name}, Type=${given.type}, SetIdentifier=${setIdentifier ?? 'null'}]`;
  const values = given.values ?? [];
  const plain = ttl !== undefined && values.length > 0;
  const found = given.alias ? (ttl !== undefined || values.length > 0 ? 'more than one' : undefined) : plain ? undefined : 'none';
  if (found) {
    throw new AwsError('InvalidInput', `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${found} in Change with ${changeWith}`);
  }
  if (weight !== undefined && setIdentifier === undefined) throw new AwsError('InvalidInput', `Invalid request: Missing field 'SetIdentifier' in Change with ${changeWith}`);
  // Only weighted routing is modelled: a set identifier names a weighted record.
  if (setIdentifier !== undefined && weight === undefined) throw new AwsError('InvalidInput', `Invalid request: Missing field 'Weight' in Change with ${changeWith}`);
  const set: RecordSet = {
    name: canonicalName(given.name),
    type: given.type as RRType,
    ...(ttl === undefined ? {} : { ttl }),
    ...(setIdentifier === undefined ? {} : { setIdentifier }),
    ...(weight === undefined ? {} : { weight }),
    values: [...values],
    ...(given.alias
      ? {
          alias: {
            hostedZoneId: given.alias.hostedZoneId.replace(/^\/hostedzone\//, ''),
            dnsName: canonicalName(given.alias.dnsName),
            evaluateTargetHealth: given.alias.evaluateTargetHealth ?? false,
          },
        }
      : {}),
    ...(given.healthCheckId === undefined ? {} : { healthCheckId: given.healthCheckId }),
  };
  return { action: change.action as ChangeAction, set, given };
}

const sameIdentity = (a: RecordSet, b: RecordSet): boolean => a.name === b.name && a.type === b.type && a.setIdentifier === b.setIdentifier;

function sameContent(a: RecordSet, b: RecordSet): boolean {
  const sorted = (v: string[]) => JSON.stringify([...v].sort());
  return (
    a.ttl === b.ttl &&
    a.weight === b.weight &&
    a.healthCheckId === b.healthCheckId &&
    sorted(a.values) === sorted(b.values) &&
    JSON.stringify(a.alias ?? null) === JSON.stringify(b.alias ?? null)
  );
}

/** `[name='shop.example.com.', type='A', set-identifier='blue']`, as Route 53's messages name a record set. */
export const identity = (s: RecordSet): string =>
  `[name='${s.name}', type='${s.type}'${s.setIdentifier === undefined ? '' : `, set-identifier='${s.setIdentifier}'`}]`;

function valueProblems(set: RecordSet): string[] {
  const fatal = (code: string, what: string, value: string) => `Invalid Resource Record: 'FATAL problem: ${code} (${what}) encountered with '${value}''`;
  if (set.type === 'A') return set.values.filter((v) => !isIPv4(v)).map((v) => fatal('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address', v));
  if (set.type === 'AAAA') return set.values.filter((v) => !isIPv6(v)).map((v) => fatal('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address', v));
  return [];
}

/** Weighted beside simple records of one name and type, and a CNAME beside any other type of its name. */
function conflicts(working: RecordSet[], set: RecordSet, zoneName: string): string[] {
  const sameName = working.filter((r) => r.name === set.name && !sameIdentity(r, set));
  const sameType = sameName.filter((r) => r.type === set.type);
  if (set.setIdentifier !== undefined && sameType.some((r) => r.setIdentifier === undefined)) {
    return [`RRSet with DNS name ${set.name}, type ${set.type}, SetIdentifier ${set.setIdentifier} cannot be created as a non-weighted set exists with the same name and type.`];
  }
  if (set.setIdentifier === undefined && sameType.length > 0) {
    return [`RRSet with DNS name ${set.name}, type ${set.type} cannot be created as other RRSets exist with the same name and type.`];
  }
  if (set.type === 'CNAME' && sameName.some((r) => r.type !== 'CNAME')) {
    return [`RRSet of type CNAME with DNS name ${set.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}`];
  }
  if (set.type !== 'CNAME' && sameName.some((r) => r.type === 'CNAME')) {
    return [`RRSet of type ${set.type} with DNS name ${set.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zoneName}`];
  }
  return [];
}

/**
 * An alias must name something Route 53 can find in the hosted zone it names: a load balancer in ELB's zone (an
 * A or AAAA record; `dualstack.` prefix allowed), or a record set of the same type in a hosted zone here (this
 * batch's earlier changes included for this zone).
 */
function aliasProblems(set: RecordSet, zone: BatchZone, working: RecordSet[], targets: AliasTargets, otherZone: (id: string) => BatchZone | undefined): string[] {
  const alias = set.alias;
  if (!alias) return [];
  const base = `Tried to create an alias that targets ${alias.dnsName}, type ${set.type} in zone ${alias.hostedZoneId}, but`;
  const outside = `${base} the alias target name does not lie within the target zone`;
  const missing = `${base} that target was not found`;
  const elbDomain = targets.elbZones()[alias.hostedZoneId];
  if (elbDomain !== undefined) {
    if (!withinZone(alias.dnsName, elbDomain)) return [outside, missing];
    const name = alias.dnsName.replace(/^dualstack\./, '');
    const lb = targets.loadBalancers().find((l) => l.hostedZoneId === alias.hostedZoneId && canonicalName(l.dnsName) === name);
    return lb && (set.type === 'A' || set.type === 'AAAA') ? [] : [missing];
  }
  const target = alias.hostedZoneId === zone.id ? { ...zone, records: working } : otherZone(alias.hostedZoneId);
  if (!target || !withinZone(alias.dnsName, target.name)) return [outside, missing];
  return target.records.some((r) => r.name === alias.dnsName && r.type === set.type) ? [] : [missing];
}

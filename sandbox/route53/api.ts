// Route 53 over REST-XML (protocol/rest-xml.ts): the routes the endpoint takes Route 53 calls by, each operation's
// input read from path labels, query and XML body, and its answer in the shape of the API Reference's response
// syntax (ChangeResourceRecordSets, GetChange, ListResourceRecordSets, GetHostedZone, ListHostedZonesByName).
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { xml, type RestRoute, type XmlElement } from '../protocol/rest-xml.js';
import type { RecordChange, RecordSet, RecordSetInput } from './batch.js';
import { type ChangeInfo, type HostedZone, type Route53Model, sortRecordSets } from './model.js';
import { ascii, canonicalName, reversedName } from './names.js';

export const ROUTE53_XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
export const ROUTE53_PATH_PREFIX = '/2013-04-01/';

export const ROUTE53_ROUTES: RestRoute[] = [
  { method: 'POST', path: '/2013-04-01/hostedzone/{HostedZoneId}/rrset', operation: 'ChangeResourceRecordSets' },
  { method: 'GET', path: '/2013-04-01/hostedzone/{HostedZoneId}/rrset', operation: 'ListResourceRecordSets' },
  { method: 'GET', path: '/2013-04-01/hostedzone/{Id}', operation: 'GetHostedZone' },
  { method: 'GET', path: '/2013-04-01/hostedzonesbyname', operation: 'ListHostedZonesByName' },
  { method: 'GET', path: '/2013-04-01/change/{Id}', operation: 'GetChange' },
];

/** List wrapper → item element, for the answers' lists. */
export const ROUTE53_LIST_ITEMS: Record<string, string> = {
  ResourceRecordSets: 'ResourceRecordSet',
  ResourceRecords: 'ResourceRecord',
  HostedZones: 'HostedZone',
  NameServers: 'NameServer',
};

/** What the endpoint passes an operation: path labels, the query string, the parsed body. */
export interface RestInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  body?: XmlElement;
}

/** Page sizes: ListResourceRecordSets "returns up to 300 resource record sets at a time"; ListHostedZonesByName up to 100. */
const MAX_RECORD_SETS = 300;
const MAX_ZONES = 100;
/** Routing fields of other policies than simple and weighted: refused, since the sandbox would not honour them. */
const UNSUPPORTED = ['Region', 'GeoLocation', 'Failover', 'MultiValueAnswer', 'TrafficPolicyInstanceId', 'CidrRoutingConfig', 'GeoProximityLocation'];

export function route53Operations(model: Route53Model): Record<string, (input: RestInput) => unknown> {
  return {
    ChangeResourceRecordSets({ labels, body }) {
      const zoneId = resourceId(labels.HostedZoneId, 'hostedZoneId');
      const batch = xml.child(body, 'ChangeBatch');
      if (!batch) throw new AwsError('InvalidInput', constraintMessage('null', 'changeBatch', 'Member must not be null'));
      const changes = xml.children(xml.child(batch, 'Changes'), 'Change').map(readChange);
      const comment = xml.text(batch, 'Comment');
      return { ChangeInfo: changeInfo(model.changeRecordSets(zoneId, changes, comment === undefined ? {} : { comment })) };
    },

    GetChange({ labels }) {
      return { ChangeInfo: changeInfo(model.change(resourceId(labels.Id, 'id'))) };
    },

    GetHostedZone({ labels }) {
      const zone = model.zone(resourceId(labels.Id, 'id'));
      return { HostedZone: hostedZone(zone), DelegationSet: { NameServers: zone.nameServers } };
    },

    ListResourceRecordSets({ labels, query }) {
      const zone = model.zone(resourceId(labels.HostedZoneId, 'hostedZoneId'));
      const startName = query.get('name') ?? undefined;
      const startType = query.get('type') ?? undefined;
      const startIdentifier = query.get('identifier') ?? undefined;
      if (startType !== undefined && startName === undefined) throw new AwsError('InvalidInput', 'The input is not valid');
      const maxItems = pageSize(query.get('maxitems'), MAX_RECORD_SETS);
      const sets = sortRecordSets(zone.records.map((s) => structuredClone(s)));
      const start = startName === undefined ? 0 : firstAtOrAfter(sets, canonicalName(startName), startType, startIdentifier);
      const page = sets.slice(start, start + maxItems);
      const next = sets[start + maxItems];
      return {
        ResourceRecordSets: page.map(recordSet),
        IsTruncated: next !== undefined,
        ...(next ? { NextRecordName: next.name, NextRecordType: next.type, NextRecordIdentifier: next.setIdentifier } : {}),
        MaxItems: maxItems,
      };
    },

    ListHostedZonesByName({ query }) {
      const dnsName = query.get('dnsname') ?? undefined;
      const zoneId = query.get('hostedzoneid') ?? undefined;
      if (zoneId !== undefined && dnsName === undefined) {
        throw new AwsError('InvalidInput', 'The DNSName parameter is required when you specify HostedZoneId.');
      }
      const maxItems = pageSize(query.get('maxitems'), MAX_ZONES);
      const key = (z: { name: string }) => reversedName(z.name);
      const zones = model.hostedZones().sort((a, b) => ascii(key(a), key(b)) || ascii(a.id, b.id));
      const from = dnsName === undefined ? '' : reversedName(canonicalName(dnsName));
      const start = zones.findIndex((z) => key(z) > from || (key(z) === from && (zoneId === undefined || z.id >= zoneId)));
      const rest = start === -1 ? [] : zones.slice(start);
      const next = rest[maxItems];
      return {
        HostedZones: rest.slice(0, maxItems).map(hostedZone),
        DNSName: dnsName,
        HostedZoneId: zoneId,
        IsTruncated: next !== undefined,
        ...(next ? { NextDNSName: next.name, NextHostedZoneId: next.id } : {}),
        MaxItems: maxItems,
      };
    },
  };
}

/** Route 53's ids are at most 32 characters (InvalidInput, as its input validation words it); `/hostedzone/`-style prefixes are stripped. */
function resourceId(raw: string | undefined, member: string): string {
  const id = (raw ?? '').replace(/^\/(hostedzone|change)\//, '');
  if (id.length > 32) throw new AwsError('InvalidInput', constraintMessage(id, member, 'Member must have length less than or equal to 32'));
  return id;
}

/** `maxitems`: the service's maximum when absent or larger; at least 1. */
function pageSize(raw: string | null, max: number): number {
  const n = raw === null ? max : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), max) : max;
}

/**
 * The first record set at or after (name, type, identifier) in list order; a type is only compared between record
 * sets of that name, an identifier only between those of that name and type.
 */
function firstAtOrAfter(sets: RecordSet[], name: string, type: string | undefined, identifier: string | undefined): number {
  const at = sets.findIndex((s) => {
    const byName = ascii(reversedName(s.name), reversedName(name));
    if (byName !== 0) return byName > 0;
    const byType = ascii(s.type, type);
    if (byType !== 0 || type === undefined) return byType >= 0;
    return identifier === undefined || ascii(s.setIdentifier, identifier) >= 0;
  });
  return at === -1 ? sets.length : at;
}

function readChange(change: XmlElement): RecordChange {
  const set = xml.child(change, 'ResourceRecordSet');
  const field = UNSUPPORTED.find((f) => xml.child(set, f) !== undefined);
  if (field) throw new AwsError('InvalidInput', `The sandbox does not support ${field}: only simple and weighted record sets are modelled.`);
  const num = (name: string) => {
    const text = xml.text(set, name);
    return text === undefined ? undefined : Number(text);
  };
  const alias = xml.child(set, 'AliasTarget');
  const values = xml.child(set, 'ResourceRecords');
  const recordSet: RecordSetInput = {
    name: xml.text(set, 'Name') ?? '',
    type: xml.text(set, 'Type') ?? '',
    ttl: num('TTL'),
    setIdentifier: xml.text(set, 'SetIdentifier'),
    weight: num('Weight'),
    values: values ? xml.children(values, 'ResourceRecord').map((r) => xml.text(r, 'Value') ?? '') : undefined,
    alias: alias
      ? { hostedZoneId: xml.text(alias, 'HostedZoneId') ?? '', dnsName: xml.text(alias, 'DNSName') ?? '', evaluateTargetHealth: xml.text(alias, 'EvaluateTargetHealth') === 'true' }
      : undefined,
    healthCheckId: xml.text(set, 'HealthCheckId'),
  };
  return { action: xml.text(change, 'Action') ?? '', recordSet };
}

const changeInfo = (c: ChangeInfo) => ({ Id: `/change/${c.id}`, Status: c.status, SubmittedAt: c.submittedAt, Comment: c.comment });

function hostedZone(z: HostedZone) {
  return {
    Id: `/hostedzone/${z.id}`,
    Name: z.name,
    CallerReference: z.callerReference,
    Config: { Comment: z.comment, PrivateZone: false },
    ResourceRecordSetCount: z.records.length,
  };
}

function recordSet(s: RecordSet) {
  return {
    Name: s.name,
    Type: s.type,
    SetIdentifier: s.setIdentifier,
    Weight: s.weight,
    TTL: s.ttl,
    ResourceRecords: s.alias ? undefined : s.values.map((Value) => ({ Value })),
    AliasTarget: s.alias ? { HostedZoneId: s.alias.hostedZoneId, DNSName: s.alias.dnsName, EvaluateTargetHealth: s.alias.evaluateTargetHealth } : undefined,
    HealthCheckId: s.healthCheckId,
  };
}

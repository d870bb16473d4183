// Route 53's state: hosted zones (with the SOA and NS record sets every zone gets at creation), their record sets,
// and the changes (PENDING until they have propagated, then INSYNC). It is also the RecordSource the sandbox's DNS
// server answers from (dns/records.ts): the DNS view of a zone follows a change once that change is INSYNC ("INSYNC
// indicates that the changes have propagated to all Route 53 DNS servers", API Reference, GetChange), while the API
// (ListResourceRecordSets) shows every accepted change at once ("This action returns the most current version of the
// records. This includes records that are PENDING", API Reference, ListResourceRecordSets).
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AwsError } from '../core/aws-error.js';
import type { DnsRecordSet, RecordSource } from '../dns/records.js';
import { applyBatch, type AliasTargets, type RecordChange, type RecordSet } from './batch.js';
import { ascii, canonicalName, reversedName, withinZone } from './names.js';

export type { AliasTarget, AliasTargets, RecordChange, RecordSet, RecordSetInput, RRType } from './batch.js';

export interface HostedZone {
  /** Bare id (`Z0…`); the API writes it `/hostedzone/Z0…`. */
  id: string;
  /** Canonical, with the trailing dot. */
  name: string;
  callerReference: string;
  comment?: string;
  nameServers: string[];
  /** What the API shows: every accepted change. */
  records: RecordSet[];
  /** What the DNS server answers: the records as of the last change that is INSYNC. */
  served: RecordSet[];
}

export interface ChangeInfo {
  /** Bare id (`C0…`); the API writes it `/change/C0…`. */
  id: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: Date;
  comment?: string;
}

/** Payload of the `change` event, emitted when a change is submitted and when it becomes INSYNC. */
export interface Route53ChangeEvent {
  id: string;
  hostedZoneId: string;
  status: ChangeInfo['status'];
}

export interface Route53Options {
  /** How long a change stays PENDING. */
  changeDelayMs: number;
  /** Load balancers alias records may name (route53/elb-targets.ts); none when absent. */
  aliasTargets?: AliasTargets;
  /** The loopback address a load balancer's DNS name resolves to (RecordSource.loadBalancerAddress). */
  loadBalancerAddress?(dnsName: string): string | undefined;
  /** Whether a load balancer counts as healthy for an alias with EvaluateTargetHealth (RecordSource.aliasTargetHealthy). */
  loadBalancerHealthy?(dnsName: string): boolean | undefined;
}

interface PendingChange extends ChangeInfo {
  hostedZoneId: string;
  seq: number;
  /** The zone's records right after this change, served once it is INSYNC. */
  snapshot?: RecordSet[];
  timer?: NodeJS.Timeout;
}

/** Record types the DNS server answers (dns/records.ts); the others are kept and listed but not served. */
const SERVED_TYPES = new Set<string>(['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA']);
const NO_TARGETS: AliasTargets = { loadBalancers: () => [], elbZones: () => ({}) };

const awsId = (prefix: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `${prefix}0${[...randomBytes(19)].map((b) => alphabet[b % alphabet.length]).join('')}`;
};
const copy = (sets: RecordSet[]): RecordSet[] => sets.map((s) => structuredClone(s));

export class Route53Model implements RecordSource {
  /** Events: `change` (Route53ChangeEvent). */
  readonly events = new EventEmitter();
  private readonly zones: HostedZone[] = [];
  private readonly changes = new Map<string, PendingChange>();
  private readonly health = new Map<string, boolean>();
  private seq = 0;
  private rejections = 0;
  private delayMs: number;

  constructor(private readonly options: Route53Options) {
    this.delayMs = options.changeDelayMs;
  }

  /** How long a change stays PENDING. */
  get changeDelayMs(): number {
    return this.delayMs;
  }

  /** Changes submitted from now on stay PENDING for `ms` (those already PENDING keep their time). */
  setChangeDelay(ms: number): void {
    this.delayMs = ms;
  }

  /**
   * A public hosted zone, as CreateHostedZone makes one: four name servers, the apex NS record set (TTL 172800)
   * and SOA record set (TTL 900), served at once. Not in the request log.
   */
  createHostedZone(name: string, o: { comment?: string; callerReference?: string } = {}): { id: string; name: string; nameServers: string[] } {
    const zoneName = canonicalName(name);
    const n = 2048 + this.zones.length * 4;
    const nameServers = ['com', 'net', 'org', 'co.uk'].map((tld, k) => `ns-${n + k}.awsdns-${String((n + k) % 64).padStart(2, '0')}.${tld}`);
    const records: RecordSet[] = [
      { name: zoneName, type: 'NS', ttl: 172800, values: nameServers.map((s) => `${s}.`) },
      { name: zoneName, type: 'SOA', ttl: 900, values: [`${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
    ];
    const zone: HostedZone = {
      id: awsId('Z'),
      name: zoneName,
      callerReference: o.callerReference ?? `sandbox-${Date.now()}-${this.zones.length}`,
      ...(o.comment === undefined ? {} : { comment: o.comment }),
      nameServers,
      records,
      served: copy(records),
    };
    this.zones.push(zone);
    return { id: zone.id, name: zone.name, nameServers: [...nameServers] };
  }

  /** Zones in creation order (copies). */
  hostedZones(): HostedZone[] {
    return this.zones.map((z) => structuredClone(z));
  }

  /** The zone, or NoSuchHostedZone; `id` bare or `/hostedzone/…`. */
  zone(id: string): HostedZone {
    const bare = id.replace(/^\/hostedzone\//, '');
    const zone = this.zones.find((z) => z.id === bare);
    if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${bare}`, 404);
    return zone;
  }

  /**
   * ChangeResourceRecordSets on a zone: validated and applied as a whole or not at all (batch.ts), PENDING for
   * changeDelayMs (at least until the next turn of the event loop), then INSYNC and served. `immediate` makes it
   * INSYNC at once and answers so (scenario setup). Programmatic calls are not in the request log.
   */
  changeRecordSets(hostedZoneId: string, changes: RecordChange[], o: { comment?: string; immediate?: boolean } = {}): ChangeInfo {
    const zone = this.zone(hostedZoneId);
    if (this.rejections > 0) {
      this.rejections -= 1;
      throw new AwsError('PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.');
    }
    const others = (id: string) => this.zones.find((z) => z.id === id);
    zone.records = applyBatch(zone, changes, this.options.aliasTargets ?? NO_TARGETS, others);
    const change: PendingChange = {
      id: awsId('C'),
      status: 'PENDING',
      submittedAt: new Date(),
      ...(o.comment === undefined ? {} : { comment: o.comment }),
      hostedZoneId: zone.id,
      seq: (this.seq += 1),
      snapshot: copy(zone.records),
    };
    this.changes.set(change.id, change);
    this.events.emit('change', { id: change.id, hostedZoneId: zone.id, status: 'PENDING' } satisfies Route53ChangeEvent);
    // Always PENDING first ("Initially, the status of a change is PENDING"), even with no delay; `immediate` is setup's.
    const answer = this.info(change);
    if (o.immediate) this.insync(change);
    else change.timer = setTimeout(() => this.insync(change), Math.max(0, this.delayMs)).unref();
    return o.immediate ? this.info(change) : answer;
  }

  /** GetChange: the change's status, or NoSuchChange; `id` bare or `/change/…`. */
  change(id: string): ChangeInfo {
    const change = this.changes.get(id.replace(/^\/change\//, ''));
    if (!change) throw new AwsError('NoSuchChange', 'A change with the specified change ID does not exist.', 404);
    return this.info(change);
  }

  /** The next `times` ChangeResourceRecordSets calls (API or programmatic) are refused with PriorRequestNotComplete. */
  rejectNextChanges(times = 1): void {
    this.rejections += times;
  }

  /** A Route 53 health check's status as the DNS server sees it (RecordSource.healthCheckHealthy); undefined: no view. */
  setHealthCheckStatus(healthCheckId: string, healthy: boolean | undefined): void {
    if (healthy === undefined) this.health.delete(healthCheckId);
    else this.health.set(healthCheckId, healthy);
  }

  /** A zone's record sets in ListResourceRecordSets' order (copies): as the API lists them, or as the DNS server serves them. */
  zoneRecordSets(hostedZoneId: string, view: 'api' | 'dns' = 'api'): RecordSet[] {
    const zone = this.zone(hostedZoneId);
    return sortRecordSets(copy(view === 'api' ? zone.records : zone.served));
  }

  /** Clears the PENDING timers (the sandbox's stop()); changes still PENDING stay so. */
  dispose(): void {
    for (const c of this.changes.values()) clearTimeout(c.timer);
  }

  // RecordSource (dns/records.ts): what the DNS server answers.

  recordSets(name: string): DnsRecordSet[] {
    const zone = this.authority(canonicalName(name));
    if (!zone) return [];
    const n = canonicalName(name);
    return sortRecordSets(copy(zone.served.filter((s) => s.name === n && SERVED_TYPES.has(s.type)))) as DnsRecordSet[];
  }

  isAuthoritative(name: string): boolean {
    return this.authority(canonicalName(name)) !== undefined;
  }

  loadBalancerAddress(dnsName: string): string | undefined {
    return this.options.loadBalancerAddress?.(dnsName);
  }

  healthCheckHealthy(healthCheckId: string): boolean | undefined {
    return this.health.get(healthCheckId);
  }

  aliasTargetHealthy(alias: { hostedZoneId: string; dnsName: string }): boolean | undefined {
    const isElb = (this.options.aliasTargets ?? NO_TARGETS).elbZones()[alias.hostedZoneId] !== undefined;
    return isElb ? this.options.loadBalancerHealthy?.(alias.dnsName) : undefined;
  }

  /** The zone that answers for a name: the deepest one holding it (the first created among zones of one name). */
  private authority(name: string): HostedZone | undefined {
    const holding = this.zones.filter((z) => withinZone(name, z.name));
    return holding.reduce<HostedZone | undefined>((best, z) => (!best || z.name.length > best.name.length ? z : best), undefined);
  }

  private info(change: PendingChange): ChangeInfo {
    return { id: change.id, status: change.status, submittedAt: change.submittedAt, ...(change.comment === undefined ? {} : { comment: change.comment }) };
  }

  /** This change and every earlier one of its zone are INSYNC; the zone serves this change's records unless a later one is served. */
  private insync(change: PendingChange): void {
    const zone = this.zones.find((z) => z.id === change.hostedZoneId);
    for (const c of this.changes.values()) {
      if (c.hostedZoneId !== change.hostedZoneId || c.seq > change.seq || c.status === 'INSYNC') continue;
      clearTimeout(c.timer);
      c.status = 'INSYNC';
      if (c === change && zone && change.snapshot) zone.served = change.snapshot;
      delete c.snapshot;
      this.events.emit('change', { id: c.id, hostedZoneId: c.hostedZoneId, status: 'INSYNC' } satisfies Route53ChangeEvent);
    }
  }
}

/** ListResourceRecordSets' order: name with its labels reversed, then type, then set identifier (ASCII). */
export function sortRecordSets(sets: RecordSet[]): RecordSet[] {
  return sets.sort((a, b) => ascii(reversedName(a.name), reversedName(b.name)) || ascii(a.type, b.type) || ascii(a.setIdentifier, b.setIdentifier));
}

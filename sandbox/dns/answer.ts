// What Route 53's authoritative servers answer to one question, from a RecordSource. Transport-free (server.ts
// carries it over UDP and TCP) so the choice of record set can be tested on its own.
//
// Route 53 Developer Guide: "Weighted routing" (each record's share is weight / sum of weights, 0–255; all 0 →
// equal shares), "How Amazon Route 53 chooses records when health checking is configured" (only the healthy records
// with weight > 0 are chosen among; when all of those are unhealthy, the weight-0 ones are considered; when every
// record is unhealthy, all count as healthy), "Choosing between alias and non-alias records" (an alias to an ELB
// answers with the ELB's TTL, 60 s; an alias to a record in the zone with that record's TTL).
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, Question, RecordType } from 'dns-packet';
import type { DnsRecordSet, RecordSource } from './records.js';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';

export interface DnsReply {
  rcode: Rcode;
  /** Set for every name a hosted zone is authoritative for (the AA bit). */
  authoritative: boolean;
  answers: Answer[];
  /** The zone's SOA on a negative answer (RFC 2308), when the source has one. */
  authorities: Answer[];
}

/** Route 53 answers an alias to a load balancer with the load balancer's own TTL. */
export const ELB_ALIAS_TTL = 60;
/** CNAMEs and in-zone aliases followed at most this deep (a loop stops here). */
const MAX_CHAIN = 8;

export const fqdn = (name: string): string => `${name.toLowerCase().replace(/\.$/, '')}.`;

export function answerQuestion(source: RecordSource, question: Question, random: () => number = Math.random): DnsReply {
  const name = fqdn(question.name);
  if (!source.isAuthoritative(name)) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [] };
  const answers: Answer[] = [];
  const rcode = resolveInto(source, random, name, question.type, question.name, answers, 0);
  const negative = rcode === 'NXDOMAIN' || (rcode === 'NOERROR' && answers.length === 0);
  return { rcode, authoritative: true, answers, authorities: negative ? zoneSoa(source, name) : [] };
}

/** Appends the answers for `name`/`type` (owner `owner`, the name as asked); returns the rcode. */
function resolveInto(source: RecordSource, random: () => number, name: string, type: RecordType, owner: string, answers: Answer[], depth: number): Rcode {
  const sets = source.recordSets(name);
  if (sets.length === 0) return 'NXDOMAIN';
  const ofType = sets.filter((s) => s.type === type);
  if (ofType.length > 0) {
    const chosen = chooseRecordSet(source, ofType, random);
    return chosen ? emit(source, random, chosen, type, owner, answers, depth) : 'NOERROR';
  }
  const cnames = type === 'CNAME' ? [] : sets.filter((s) => s.type === 'CNAME');
  const cname = cnames.length > 0 ? chooseRecordSet(source, cnames, random) : undefined;
  const target = cname?.values[0];
  if (!cname || target === undefined) return 'NOERROR';
  answers.push({ type: 'CNAME', class: 'IN', name: owner, ttl: cname.ttl ?? 300, data: target.replace(/\.$/, '') });
  // The target's own records too when a zone here holds them (RFC 1034 §4.3.2); the rcode is the last name's (RFC 6604).
  const next = fqdn(target);
  if (depth >= MAX_CHAIN || !source.isAuthoritative(next)) return 'NOERROR';
  return resolveInto(source, random, next, type, target.replace(/\.$/, ''), answers, depth + 1);
}

function emit(source: RecordSource, random: () => number, set: DnsRecordSet, type: RecordType, owner: string, answers: Answer[], depth: number): Rcode {
  if (set.alias) {
    const address = source.loadBalancerAddress(set.alias.dnsName);
    if (address !== undefined) {
      if ((type === 'A' && isIPv4(address)) || (type === 'AAAA' && isIPv6(address))) {
        answers.push({ type, class: 'IN', name: owner, ttl: ELB_ALIAS_TTL, data: address });
      }
      return 'NOERROR';
    }
    // An alias to another record of a zone here: that record's answer and TTL, under this name.
    const target = fqdn(set.alias.dnsName);
    if (depth < MAX_CHAIN && source.isAuthoritative(target) && source.recordSets(target).length > 0) {
      const sets = source.recordSets(target).filter((s) => s.type === type);
      const chosen = sets.length > 0 ? chooseRecordSet(source, sets, random) : undefined;
      return chosen ? emit(source, random, chosen, type, owner, answers, depth + 1) : 'NOERROR';
    }
    // Route 53 refuses an alias to a target it cannot find; here it can only be a sandbox inconsistency.
    return 'SERVFAIL';
  }
  const ttl = set.ttl ?? 300;
  for (const value of set.values) {
    const answer = recordData(set.type, value, owner, ttl);
    if (answer) answers.push(answer);
  }
  return 'NOERROR';
}

/**
 * One record set of a group with the same name and type: a simple record is itself; a weighted group picks one
 * at random in proportion to weight among the healthy records with weight > 0, else among the healthy weight-0
 * records (equal shares), else, every record being unhealthy, among all as if healthy (weight > 0 first).
 */
export function chooseRecordSet(source: RecordSource, sets: DnsRecordSet[], random: () => number = Math.random): DnsRecordSet | undefined {
  const weighted = sets.filter((s) => s.weight !== undefined);
  if (weighted.length === 0) return sets[0];
  const positive = weighted.filter((s) => (s.weight ?? 0) > 0);
  const zero = weighted.filter((s) => (s.weight ?? 0) === 0);
  const healthy = (s: DnsRecordSet) => isHealthy(source, s);
  const pools: DnsRecordSet[][] = [positive.filter(healthy), zero.filter(healthy), positive, zero];
  const pool = pools.find((p) => p.length > 0) ?? [];
  return pickByWeight(pool, random);
}

/** A record without a health check (and an alias not evaluating its target) is always healthy; unknown counts as healthy. */
export function isHealthy(source: RecordSource, set: DnsRecordSet): boolean {
  if (set.healthCheckId !== undefined && source.healthCheckHealthy?.(set.healthCheckId) === false) return false;
  if (set.alias?.evaluateTargetHealth && source.aliasTargetHealthy?.(set.alias) === false) return false;
  return true;
}

/** Weight / sum of weights; when every weight is 0, equal shares. */
function pickByWeight(pool: DnsRecordSet[], random: () => number): DnsRecordSet | undefined {
  const total = pool.reduce((sum, s) => sum + (s.weight ?? 0), 0);
  if (total === 0) return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))];
  let point = random() * total;
  for (const s of pool) {
    point -= s.weight ?? 0;
    if (point < 0) return s;
  }
  return pool.filter((s) => (s.weight ?? 0) > 0).at(-1);
}

/** A record set's value as dns-packet writes it; values are in Route 53's presentation format. */
function recordData(type: DnsRecordSet['type'], value: string, name: string, ttl: number): Answer | undefined {
  const base = { class: 'IN' as const, name, ttl };
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'NS':
      return { ...base, type, data: value.replace(/\.$/, '') };
    case 'TXT': {
      const parts = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
      return { ...base, type, data: parts.length > 0 ? parts : [value] };
    }
    case 'SOA': {
      const [mname, rname, serial, refresh, retry, expire, minimum] = value.trim().split(/\s+/);
      if (!mname || !rname) return undefined;
      const n = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      return { ...base, type, data: { mname, rname, serial: n(serial), refresh: n(refresh), retry: n(retry), expire: n(expire), minimum: n(minimum) } };
    }
  }
}

/** The SOA of the closest enclosing zone apex the source holds one for, its TTL capped by its minimum (RFC 2308 §3). */
function zoneSoa(source: RecordSource, name: string): Answer[] {
  const labels = name.replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length; i += 1) {
    const apex = `${labels.slice(i).join('.')}.`;
    if (!source.isAuthoritative(apex)) break;
    const soa = source.recordSets(apex).find((s) => s.type === 'SOA');
    const value = soa?.values[0];
    if (!soa || value === undefined) continue;
    const answer = recordData('SOA', value, apex.replace(/\.$/, ''), soa.ttl ?? 900);
    if (answer?.type === 'SOA') answer.ttl = Math.min(answer.ttl ?? 900, answer.data.minimum ?? Infinity);
    return answer ? [answer] : [];
  }
  return [];
}

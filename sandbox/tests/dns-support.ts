// For the DNS tests: a RecordSource held in memory (the Route 53 model implements the same interface), a raw DNS
// client that shows the whole answer (rcode, flags, TTLs) without any resolver's cache in between, and the binomial
// bound that keeps a randomised count from flaking.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type RecordType } from 'dns-packet';
import { fqdn } from '../dns/answer.js';
import type { DnsRecordSet, RecordSource } from '../dns/records.js';

export class MemoryRecords implements RecordSource {
  readonly sets: DnsRecordSet[] = [];
  /** Health check id → status; absent: Route 53 has no view (healthy). */
  readonly health = new Map<string, boolean>();
  /** Alias target DNS name (fqdn) → its health when `evaluateTargetHealth`. */
  readonly targetHealth = new Map<string, boolean>();

  constructor(
    private readonly zones: string[],
    private readonly lbAddress: (dnsName: string) => string | undefined = () => undefined,
  ) {}

  /** Adds a record set, or replaces the one with the same name, type and set identifier. */
  put(set: Omit<DnsRecordSet, 'name'> & { name: string }): this {
    const s = { ...set, name: fqdn(set.name) };
    const i = this.sets.findIndex((x) => x.name === s.name && x.type === s.type && x.setIdentifier === s.setIdentifier);
    if (i >= 0) this.sets[i] = s;
    else this.sets.push(s);
    return this;
  }

  setWeight(name: string, setIdentifier: string, weight: number): void {
    for (const s of this.sets) if (s.name === fqdn(name) && s.setIdentifier === setIdentifier) s.weight = weight;
  }

  recordSets(name: string): DnsRecordSet[] {
    return this.sets.filter((s) => s.name === fqdn(name));
  }

  isAuthoritative(name: string): boolean {
    const n = fqdn(name);
    return this.zones.some((z) => n === fqdn(z) || n.endsWith(`.${fqdn(z)}`));
  }

  loadBalancerAddress(dnsName: string): string | undefined {
    return this.lbAddress(dnsName);
  }

  healthCheckHealthy(id: string): boolean | undefined {
    return this.health.get(id);
  }

  aliasTargetHealthy(alias: { dnsName: string }): boolean | undefined {
    return this.targetHealth.get(fqdn(alias.dnsName));
  }
}

export type Reply = DecodedPacket & { rcode: string; answers: Answer[]; authorities: Answer[] };

/** Sends one question over UDP (one socket, many questions in flight) or TCP; no caching, no retries. */
export class RawDnsClient {
  private readonly socket = createSocket('udp4');
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;

  constructor(private readonly port: number) {
    this.socket.on('message', (msg) => {
      const reply = dnsPacket.decode(msg) as Reply;
      this.pending.get(reply.id ?? -1)?.(reply);
    });
  }

  query(name: string, type: RecordType = 'A', o: { tcp?: boolean; edns?: boolean } = {}): Promise<Reply> {
    const id = this.nextId;
    this.nextId = (this.nextId % 65535) + 1;
    const packet = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }],
      additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
    });
    if (o.tcp) return tcpQuery(this.port, packet);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => (this.pending.delete(id), reject(new Error(`no answer to ${name} ${type} in 5 s`))), 5000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(reply);
      });
      this.socket.send(packet, this.port, '127.0.0.1');
    });
  }

  /** `n` questions, at most `parallel` in flight. */
  async many(n: number, name: string, type: RecordType = 'A', parallel = 50): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (let i = 0; i < n; i += parallel) {
      replies.push(...(await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, () => this.query(name, type)))));
    }
    return replies;
  }

  close(): void {
    this.socket.close();
  }
}

function tcpQuery(port: number, packet: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.setTimeout(5000, () => (socket.destroy(), reject(new Error('no TCP answer in 5 s'))));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        socket.end();
        resolve(dnsPacket.decode(data.subarray(2, 2 + data.readUInt16BE(0))) as Reply);
      }
    });
    const length = Buffer.alloc(2);
    length.writeUInt16BE(packet.length, 0);
    socket.write(Buffer.concat([length, packet]));
  });
}

/** The A addresses of a reply, in order. */
export const addresses = (r: Reply): string[] => r.answers.flatMap((a) => (a.type === 'A' ? [a.data] : []));

/**
 * The smallest k such that a Binomial(n, p) count lands outside n·p ± k with probability at most `risk`: the
 * tolerance of a randomised count that fails once in 1/risk runs at worst. Exact, summing the pmf in log space.
 */
export function binomialTolerance(n: number, p: number, risk = 1e-9): number {
  const logPmf: number[] = [n * Math.log(1 - p)];
  for (let x = 0; x < n; x += 1) logPmf.push((logPmf[x] ?? 0) + Math.log((n - x) / (x + 1)) + Math.log(p / (1 - p)));
  const mean = n * p;
  for (let k = 0; k <= n; k += 1) {
    let outside = 0;
    for (let x = 0; x <= n; x += 1) if (Math.abs(x - mean) > k) outside += Math.exp(logPmf[x] ?? -Infinity);
    if (outside <= risk) return k;
  }
  return n;
}

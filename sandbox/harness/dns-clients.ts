// The load generator's virtual clients resolving a name as real ones do: each asks the sandbox's DNS server
// through its own stub resolver (Node's dns.promises.Resolver, c-ares) and keeps the answer for its TTL, "the
// time interval that the resource record may be cached before the source of the information should again be
// consulted" (RFC 1035 §3.2.1; RFC 2181 §8: 0 means do not cache). One cache per client, as each browser or host
// caches on its own: after a weighted switch a client keeps the old address until its own answer expires, so the
// share still on the old colour decays over one TTL instead of flipping at once.
import { Resolver } from 'node:dns/promises';
import { isIPv4 } from 'node:net';

export interface DnsLoadOptions {
  /** The DNS server, `127.0.0.1:<port>` (DnsServer.server). */
  server: string;
  /**
   * Default true: client i's first answer is kept for TTL × (i + 1) / clients instead of the full TTL, so the
   * clients' caches expire evenly spread over a TTL, as a population of users who looked the name up at different
   * times; false: every client holds its first answer the full TTL (all caches expire together).
   */
  staggerFirstLookup?: boolean;
  /** Per attempt; the resolver tries 3 times. Default 500 ms. */
  lookupTimeoutMs?: number;
}

interface ClientCache {
  resolver?: Resolver;
  address?: string;
  /** Epoch ms. */
  expiresAt: number;
  pending?: Promise<string>;
  lookups: number;
}

export class ClientResolvers {
  private readonly caches: ClientCache[];
  private closed = false;

  constructor(
    private readonly name: string,
    clients: number,
    private readonly o: DnsLoadOptions,
  ) {
    this.caches = Array.from({ length: clients }, () => ({ expiresAt: 0, lookups: 0 }));
  }

  /** The address client `index` connects to now: its cached answer while fresh, else a new lookup's first address. */
  address(index: number): Promise<string> {
    const cache = this.caches[index];
    if (!cache) return Promise.reject(new RangeError(`no client ${index}`));
    if (cache.address !== undefined && Date.now() < cache.expiresAt) return Promise.resolve(cache.address);
    cache.pending ??= this.lookup(index, cache).finally(() => {
      cache.pending = undefined;
    });
    return cache.pending;
  }

  /** Lookups each client has made. */
  lookups(): number[] {
    return this.caches.map((c) => c.lookups);
  }

  close(): void {
    this.closed = true;
    for (const c of this.caches) c.resolver?.cancel();
  }

  private async lookup(index: number, cache: ClientCache): Promise<string> {
    if (this.closed) throw Object.assign(new Error('resolver closed'), { code: 'ECANCELLED' });
    if (!cache.resolver) {
      cache.resolver = new Resolver({ timeout: this.o.lookupTimeoutMs ?? 500, tries: 3 });
      cache.resolver.setServers([this.o.server]);
    }
    const first = cache.lookups === 0;
    cache.lookups += 1;
    // The answer's age counts from the question, not its arrival: a cached answer never outlives the record's
    // state at the time the server could have answered (conservative by the round trip, exact for measurements).
    const askedAt = Date.now();
    const [record] = await cache.resolver.resolve4(this.name, { ttl: true });
    if (!record) throw Object.assign(new Error(`no address for ${this.name}`), { code: 'ENODATA' });
    const share = first && this.o.staggerFirstLookup !== false ? (index + 1) / this.caches.length : 1;
    cache.address = record.address;
    cache.expiresAt = askedAt + record.ttl * 1000 * share;
    return record.address;
  }
}

/** Where a name-addressed URL points: the name to resolve, the port and path to use, the Host header to send. */
export function namedTarget(url: string): { name: string; port: number; path: string; host: string } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '') {
    throw new TypeError(`load generator refuses ${url}: a name to resolve needs a plain http:// URL`);
  }
  return { name: parsed.hostname, port: parsed.port === '' ? 80 : Number(parsed.port), path: `${parsed.pathname}${parsed.search}`, host: parsed.host };
}

/** The generator only ever connects to this machine, whatever a DNS answer says. */
export function isLoopbackAddress(address: string): boolean {
  return (isIPv4(address) && address.startsWith('127.')) || address === '::1';
}

// The sandbox's DNS server: Route 53's authoritative name servers for the hosted zones a RecordSource holds, on
// 127.0.0.1 over UDP and TCP (one port for both, RFC 1035 §4.2), so clients resolve names the way real ones do and
// a weighted switch reaches each of them when its cached answer expires. Answers come from answer.ts; this file
// only carries them: the question echoed, AA for authoritative answers, RD copied, no recursion offered (RA clear),
// EDNS echoed (RFC 6891), a UDP answer too big for the client's size truncated with TC so it retries over TCP.
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { answerQuestion, fqdn, type Rcode } from './answer.js';
import type { RecordSource } from './records.js';

export interface DnsServerOptions {
  source: RecordSource;
  /** UDP and TCP port on 127.0.0.1; 0 (default) picks one free for both. */
  port?: number;
  /** The weighted choice's randomness, [0, 1). Default Math.random. */
  random?: () => number;
}

/** Payload of the `query` event: one question answered. */
export interface DnsQueryEvent {
  /** Lower-case, fully qualified, with the trailing dot. */
  name: string;
  type: string;
  rcode: Rcode;
  /** Each answer as `TYPE data` (e.g. `A 127.0.1.2`, `CNAME shop.example.test`). */
  answers: string[];
  transport: 'udp' | 'tcp';
  /** Epoch ms the answer was made. */
  at: number;
}

export interface DnsServer {
  port: number;
  address: '127.0.0.1';
  /** `127.0.0.1:<port>`, for Resolver.setServers. */
  server: string;
  /** Questions answered for `name` (any case, with or without the trailing dot), or in all when omitted. */
  queryCount(name?: string): number;
  /** Questions answered per name since the start or the last resetCounts(). */
  queryCounts(): Record<string, number>;
  resetCounts(): void;
  /** `query` (DnsQueryEvent) for every question answered. */
  events: EventEmitter;
  stop(): Promise<void>;
}

const NOT_IMPLEMENTED = 4;
const FORMERR = 1;
const RCODES: Record<Rcode, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
/** RFC 1035 §4.2.1 without EDNS; with it, the client's size capped at the DNS Flag Day 2020 default. */
const PLAIN_UDP_LIMIT = 512;
const EDNS_UDP_LIMIT = 1232;

export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const counts = new Map<string, number>();
  const events = new EventEmitter();
  const random = o.random ?? Math.random;

  const reply = (raw: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(raw);
    } catch {
      // Not even a header to answer to: dropped, as a server does with garbage.
      return raw.length >= 2 ? header(raw.readUInt16BE(0), FORMERR) : undefined;
    }
    if (query.type !== 'query') return undefined;
    const opt = query.additionals?.find((a) => a.type === 'OPT');
    const question = query.questions?.[0];
    const rd = query.flags !== undefined ? query.flags & dnsPacket.RECURSION_DESIRED : 0;
    const base: Packet = { type: 'response', id: query.id, questions: query.questions ?? [], additionals: opt ? [ednsOpt()] : [] };
    if (!question || (query.questions?.length ?? 0) !== 1 || (question.class !== undefined && question.class !== 'IN')) {
      return dnsPacket.encode({ ...base, flags: rd | (question ? NOT_IMPLEMENTED : FORMERR) });
    }
    const answer = answerQuestion(o.source, question, random);
    const name = fqdn(question.name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const event: DnsQueryEvent = { name, type: question.type, rcode: answer.rcode, answers: answer.answers.map(describe), transport, at: Date.now() };
    const flags = rd | (answer.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODES[answer.rcode];
    let packet = dnsPacket.encode({ ...base, flags, answers: answer.answers, authorities: answer.authorities });
    const limit = opt?.type === 'OPT' ? Math.min(Math.max(opt.udpPayloadSize, PLAIN_UDP_LIMIT), EDNS_UDP_LIMIT) : PLAIN_UDP_LIMIT;
    if (transport === 'udp' && packet.length > limit) {
      packet = dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE });
    }
    events.emit('query', event);
    return packet;
  };

  const { udp, tcp, port } = await bindBoth(o.port ?? 0);
  udp.on('message', (msg, rinfo) => {
    const out = reply(msg, 'udp');
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  const sockets = new Set<TcpSocket>();
  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Each message is preceded by its two-byte length (RFC 1035 §4.2.2); several may share a connection.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const size = pending.readUInt16BE(0);
        const out = reply(pending.subarray(2, 2 + size), 'tcp');
        pending = pending.subarray(2 + size);
        if (out) socket.write(Buffer.concat([lengthPrefix(out.length), out]));
      }
    });
  });

  return {
    port,
    address: '127.0.0.1',
    server: `127.0.0.1:${port}`,
    queryCount: (name) => (name === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(fqdn(name)) ?? 0)),
    queryCounts: () => Object.fromEntries(counts),
    resetCounts: () => counts.clear(),
    events,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}

/** UDP first (on `port`, or a free one), then TCP on the same port; another pair of ports when TCP's is taken. */
async function bindBoth(port: number): Promise<{ udp: Socket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', () => (udp.off('error', reject), resolve()));
    });
    const chosen = udp.address().port;
    const tcp = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(chosen, '127.0.0.1', () => (tcp.off('error', reject), resolve()));
      });
      udp.on('error', () => undefined);
      return { udp, tcp, port: chosen };
    } catch (error) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (port !== 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw error;
    }
  }
}

/** An answer to an OPT: EDNS version 0, the size this server accepts. */
function ednsOpt(): Answer {
  return { type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_LIMIT, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/** A bare response header (no question): for a message whose question could not be read. */
function header(id: number, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x8000 | rcode, 2);
  return out;
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function describe(a: Answer): string {
  return 'data' in a ? `${a.type} ${typeof a.data === 'string' ? a.data : JSON.stringify(a.data)}` : a.type;
}

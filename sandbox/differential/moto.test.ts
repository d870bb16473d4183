// Differential check: the action's ELBv2 and SSM call sequences replayed against the sandbox and
// against moto, an independent emulator, compared field by field. Every difference must be either
// fixed in the sandbox or listed in known-differences.ts with the AWS documentation showing that moto
// is the one that is wrong; the test fails on any difference not listed, and on any listed one that
// no longer shows (moto fixed it, or the sandbox changed). In CI a missing moto is a failure.
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSandbox, type Sandbox } from '../index.js';
import { expectedDifferences, KNOWN_DIFFERENCES } from './known-differences.js';
import { MotoUnavailable, startMoto, type MotoServer } from './moto-server.js';
import { replay, replaySteps, type ReplayResult } from './replay.js';
import { buildMotoWorld, buildSandboxWorld, tg } from './worlds.js';

const IN_CI = Boolean(process.env.CI);

let moto: MotoServer | undefined;
let motoMissing: MotoUnavailable | undefined;
let sandbox: Sandbox | undefined;
const closers: (() => Promise<void>)[] = [];
let result: ReplayResult | undefined;

/** Listens on loopback; `answer` false accepts connections and never replies (a hanging target). */
async function target(answer: boolean): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = answer
    ? http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'))
    : net.createServer((socket) => void sockets.add(socket));
  server.on('connection', (s: net.Socket) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  try {
    moto = await startMoto();
  } catch (e) {
    if (!(e instanceof MotoUnavailable) || IN_CI) throw e;
    motoMissing = e;
    console.warn(`\n!!! SKIPPING the sandbox-vs-moto differential check: ${e.message}\n!!! In CI (CI set) this is a failure.\n`);
    return;
  }
  // The health-check timeout is long so green's hanging target stays `initial` for the whole replay.
  const sb = await startSandbox({ healthCheckTimeoutMs: 60_000 });
  sandbox = sb;
  const targets = { blue: { id: '127.0.0.1', port: await target(true) }, green: { id: '127.0.0.1', port: await target(false) } };
  const sandboxWorld = await buildSandboxWorld(sb, targets);
  const motoWorld = await buildMotoWorld(moto.endpoint, sandboxWorld.layout);
  const waitForTarget = async (colour: 'blue' | 'green', state: string) => {
    await sb.waitFor(() => sb.targetHealth(sandboxWorld.symbols.get(tg(colour)) as string)[0]?.state === state, {
      timeoutMs: 5_000,
      what: `the sandbox's ${colour} target to be ${state}`,
    });
  };
  result = await replay(replaySteps(waitForTarget), sandboxWorld, motoWorld);
  // For maintainers: DIFF_DUMP=file.json writes what was observed, to compare with the documented list.
  if (process.env.DIFF_DUMP) await writeFile(process.env.DIFF_DUMP, JSON.stringify(result, null, 1));
}, 30_000);

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all(closers.map((close) => close()));
  await moto?.stop();
});

const key = (d: { step: string; path: string; sandbox: unknown; moto: unknown }) => JSON.stringify([d.step, d.path, d.sandbox, d.moto]);

describe('sandbox vs moto', () => {
  test('moto is available (required in CI)', () => {
    if (motoMissing) {
      console.warn(`!!! differential check skipped locally: ${motoMissing.message}`);
      expect(IN_CI).toBe(false);
      return;
    }
    expect(result).toBeDefined();
  });

  test('every difference in the replay is a documented moto deviation, and every documented one still shows', () => {
    if (!result) return expect(IN_CI).toBe(false);
    const observed = new Map(result.differences.map((d) => [key(d), d]));
    const expected = new Map(expectedDifferences().map((d) => [key(d), d]));
    const unexpected = [...observed].filter(([k]) => !expected.has(k)).map(([, d]) => ({ ...d, outcomes: result?.outcomes[d.step] }));
    const noLongerSeen = [...expected].filter(([k]) => !observed.has(k)).map(([, d]) => d);
    expect({ unexpected, noLongerSeen }).toEqual({ unexpected: [], noLongerSeen: [] });
  });

  test('every documented difference cites the AWS documentation that shows moto is wrong', () => {
    for (const known of KNOWN_DIFFERENCES) {
      expect(known.awsSays.length).toBeGreaterThan(0);
      for (const c of known.awsSays) {
        expect(c.url).toMatch(/^https:\/\//);
        expect(c.quote.length).toBeGreaterThan(20);
      }
      expect(known.observed.length).toBeGreaterThan(0);
    }
  });
});

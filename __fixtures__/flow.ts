// A harness for the flow's tests: an in-memory state store, a scripted probe, and helpers that drive
// jest's fake timers. Only type imports from src/ at the top: the code under test (and @actions/core
// behind it) must be imported after `jest.unstable_mockModule`, so the Timeline is loaded lazily.
import { jest } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { systemClock } from '../src/clock.js';
import type { FlowDeps } from '../src/flow/context.js';
import type { Probe, ProbeOptions, ProbeResult } from '../src/health/probe.js';
import type { StateKey, StateStore } from '../src/state.js';
import type { Config } from '../src/types.js';
import { makeConfig } from './config.js';
import { FakeAws, PARAMETER } from './fake-aws.js';

/** The fake clock's start: every flow test begins here. */
export const T0 = Date.parse('2026-11-22T10:00:00.000Z');
export const LOCK = `${PARAMETER}-lock`;

/** The runner's state file as a Map; each save remembers how many AWS calls had been made before it. */
export class MemoryState implements StateStore {
  readonly values: Map<string, string>;
  readonly saves: { key: string; value: string; call: number }[] = [];
  /** Called after every save: tests use it to act at a phase boundary. */
  onSave?: (key: string, value: string) => void;

  constructor(
    private readonly aws?: FakeAws,
    initial: Map<string, string> = new Map(),
  ) {
    this.values = new Map(initial);
  }

  save(key: StateKey, value: string): void {
    this.values.set(key, value);
    this.saves.push({ key, value, call: this.aws?.calls.length ?? 0 });
    this.onSave?.(key, value);
  }

  get(key: StateKey): string {
    return this.values.get(key) ?? '';
  }

  /** What the runner's state file holds right now, as a new store (the kill of main). */
  copy(): MemoryState {
    return new MemoryState(this.aws, this.values);
  }

  /** A key's value by its string name ('' when never saved), so tests need not import StateKey. */
  read(key: string): string {
    return this.values.get(key) ?? '';
  }

  phase(): string {
    return this.read('phase');
  }

  /** Every phase saved, in order. */
  phases(): string[] {
    return this.saves.filter((s) => s.key === 'phase').map((s) => s.value);
  }

  /** The first save of `key`, if any. */
  firstSave(key: string): { key: string; value: string; call: number } | undefined {
    return this.saves.find((s) => s.key === key);
  }
}

/** A probe whose answers the test decides (by default: pass unless the URL is in `failing`); records every call. */
export class ScriptedProbe {
  readonly calls: { url: string; at: number; ok: boolean; options?: ProbeOptions }[] = [];
  readonly failing = new Set<string>();
  /** `nth` counts this URL's probes from 1; `options` are what the flow asked for beyond the check (a header, an expected answer). */
  answer: (url: string, nth: number, options?: ProbeOptions) => boolean = (url) => !this.failing.has(url);

  readonly probe: Probe = async (url, _signal, options) => {
    const at = Date.now();
    const nth = this.calls.filter((c) => c.url === url).length + 1;
    const ok = this.answer(url, nth, options);
    this.calls.push({ url, at, ok, ...(options ? { options } : {}) });
    const result: ProbeResult = {
      ok,
      url,
      status: ok ? 200 : 503,
      durationMs: 2,
      detail: ok ? '200 OK in 2 ms' : 'status 503, expected 200',
      at: new Date(at).toISOString(),
    };
    return result;
  };

  callsTo(url: string): { url: string; at: number; ok: boolean }[] {
    return this.calls.filter((c) => c.url === url);
  }
}

export const IDLE_URL = 'http://green.shop.test/health';
export const BLUE_URL = 'http://blue.shop.test/health';

export interface Harness {
  aws: FakeAws;
  state: MemoryState;
  probe: ScriptedProbe;
  controller: AbortController;
  deps: FlowDeps;
  config: Config;
}

/** A FakeAws, state, probe and Timeline on the system clock (driven by fake timers), wired into FlowDeps. */
export async function harness(opts: { aws?: FakeAws; config?: Partial<Config> } = {}): Promise<Harness> {
  const aws = opts.aws ?? new FakeAws();
  const state = new MemoryState(aws);
  const probe = new ScriptedProbe();
  const controller = new AbortController();
  const { Timeline } = await import('../src/report/timeline.js');
  const deps: FlowDeps = { ports: aws, clock: systemClock, probe: probe.probe, signal: controller.signal, state, timeline: new Timeline(systemClock) };
  return { aws, state, probe, controller, deps, config: makeConfig(opts.config) };
}

/** Advances fake time until the promise settles; returns it (rejections included). */
export async function settle<T>(promise: Promise<T>, stepMs = 10_000, maxMs = 24 * 3_600_000): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await jest.advanceTimersByTimeAsync(0);
  for (let elapsed = 0; !done && elapsed < maxMs; elapsed += stepMs) await jest.advanceTimersByTimeAsync(stepMs);
  return promise;
}

/** Advances fake time in small steps until `condition` holds; fails the test when it never does. */
export async function advanceUntil(condition: () => boolean, what: string, stepMs = 1_000, maxMs = 3_600_000): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
  for (let elapsed = 0; !condition(); elapsed += stepMs) {
    if (elapsed >= maxMs) throw new Error(`fake time ran ${maxMs} ms without reaching: ${what}`);
    await jest.advanceTimersByTimeAsync(stepMs);
  }
}

/** A lock parameter's value as another run writes it. */
export const foreignLock = (expiresAt: number, runId = '41-1'): string =>
  JSON.stringify({
    runId,
    holder: 'acme/shop workflow "Deploy" run 41 (attempt 1)',
    url: 'https://github.com/acme/shop/actions/runs/41',
    acquiredAt: new Date(expiresAt - 3_600_000).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  });

/** An authentication action that must survive every shift untouched. */
export const OIDC: Action = {
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://login.example.com',
    AuthorizationEndpoint: 'https://login.example.com/authorize',
    TokenEndpoint: 'https://login.example.com/token',
    UserInfoEndpoint: 'https://login.example.com/userinfo',
    ClientId: 'shop',
    OnUnauthenticatedRequest: 'authenticate',
  },
};

/** The forward's target groups and weights per colour, for assertions on written actions. */
export function weightsOf(actions: Action[], tg: Record<'blue' | 'green', string>): Record<'blue' | 'green', number> {
  const forward = actions.find((a) => a.Type === 'forward');
  const groups = forward?.ForwardConfig?.TargetGroups ?? [];
  const weight = (arn: string) => groups.filter((g) => g.TargetGroupArn === arn).reduce((sum, g) => sum + (g.Weight ?? 1), 0);
  return { blue: weight(tg.blue), green: weight(tg.green) };
}

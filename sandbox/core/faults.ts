// Injected faults per operation: AWS misbehaving the way it does in production (throttling, 5xx,
// slowness, reset connections, replies lost after the call took effect), for the next N calls or for a
// time window.
import type { ServiceName } from './request-log.js';

export const FAULT_KINDS = ['throttle', 'error', 'latency', 'drop', 'drop-reply', 'hang'] as const;

/**
 * - `throttle`: the call is refused with the service's throttling error (400); it does not run.
 * - `error`: the call is refused with a 500 or 503 (`status`); it does not run.
 * - `latency`: the call runs after `latencyMs`; combines with any other kind.
 * - `drop`: the connection is destroyed before the call runs: it never reached AWS.
 * - `drop-reply`: the call runs and takes effect (state, events), then the connection is destroyed
 *   without a reply, as when a connection resets on the way back.
 * - `hang`: the call runs and takes effect, then no reply is ever sent: the connection stays open, silent,
 *   until the client closes it (its request timeout) or, with `latencyMs`, until the sandbox destroys it then.
 *
 * A call that ran under `drop-reply` or `hang` loses its reply whether it succeeded or failed (an AWS error
 * such as ParameterAlreadyExists is lost too); the request log shows what that reply would have been.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** Operation name (`ModifyListener`) or `*` for every operation. */
  operation: string;
  /** Only this service's operations; all services when absent. */
  service?: ServiceName;
  /** Apply to the next N matching calls. */
  times?: number;
  /** Apply for this long from now. When neither times nor durationMs is given: until cleared. */
  durationMs?: number;
  /** For `error`: 500 (InternalFailure) or 503 (ServiceUnavailable). Default 500. */
  status?: 500 | 503;
  /** For `latency`: added delay. For `hang`: how long the silent connection is held before it is destroyed (default: until the client closes it). */
  latencyMs?: number;
}

interface ActiveFault extends FaultSpec {
  id: string;
  remaining?: number;
  until?: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  add(spec: FaultSpec): string {
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) {
      throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}; expected one of ${FAULT_KINDS.join(', ')}`);
    }
    const id = `fault-${this.nextId++}`;
    this.faults.push({
      ...spec,
      id,
      remaining: spec.times,
      until: spec.durationMs === undefined ? undefined : this.now() + spec.durationMs,
    });
    return id;
  }

  remove(id: string): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  list(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The faults that apply to this call, consuming one use of each counted fault. */
  take(service: ServiceName, operation: string): FaultSpec[] {
    const now = this.now();
    this.faults = this.faults.filter((f) => f.until === undefined || f.until > now);
    const hits = this.faults.filter(
      (f) => (f.operation === '*' || f.operation === operation) && (f.service === undefined || f.service === service),
    );
    for (const f of hits) if (f.remaining !== undefined) f.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
    return hits;
  }
}

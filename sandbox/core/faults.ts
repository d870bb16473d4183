// Injected faults per operation: AWS misbehaving the way it does in production (throttling, 5xx,
// slowness, reset connections), for the next N calls or for a time window.
import type { ServiceName } from './request-log.js';

export type FaultKind = 'throttle' | 'error' | 'latency' | 'drop';

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
  /** For `latency`: added delay. */
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
    if (!['throttle', 'error', 'latency', 'drop'].includes(spec.kind)) {
      throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}; expected throttle, error, latency or drop`);
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

// Every AWS call the endpoint receives, so tests and the bench can count requests per deploy.
import { EventEmitter } from 'node:events';

export type ServiceName = 'elbv2' | 'ecs' | 'ssm' | 'cloudwatch' | 'route53';

export interface RequestLogEntry {
  service: ServiceName;
  operation: string;
  /** Epoch ms when the request arrived. */
  at: number;
  durationMs: number;
  /** HTTP status sent; 0 when no reply was sent (faults `drop`, `drop-reply`, `hang`). */
  status: number;
  /** AWS error code of the reply sent. */
  errorCode?: string;
  /** The injected fault that shaped this response, if any. */
  fault?: string;
  /**
   * Only for `drop-reply` and `hang`: the operation ran (and took effect if `lostReply.status` is 200) but this reply
   * never reached the client. Absent when the operation did not run (`drop`) or its reply was sent.
   */
  lostReply?: { status: number; errorCode?: string };
}

export class RequestLog extends EventEmitter {
  private entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    this.emit('request', entry);
  }

  list(filter: { service?: ServiceName; operation?: string; since?: number } = {}): RequestLogEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.service === undefined || e.service === filter.service) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.since === undefined || e.at >= filter.since),
    );
  }

  /** Calls per operation, e.g. `{ ModifyListener: 2, DescribeServices: 7 }`. */
  countByOperation(filter: { service?: ServiceName; since?: number } = {}): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.list(filter)) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
    return counts;
  }

  clear(): void {
    this.entries = [];
  }
}

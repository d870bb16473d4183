// Faults injected into the GitHub fake per operation, for the next N calls: GitHub refusing a call with one of its
// error answers, answering late, or never answering, so tests can show the action neither fails a deploy because
// GitHub misbehaved nor waits on GitHub for longer than it allows.
import { ROUTES, routeNamed, type Route } from './routes.js';

export const GITHUB_FAULT_KINDS = ['error', 'latency', 'hang'] as const;
export type GitHubFaultKind = (typeof GITHUB_FAULT_KINDS)[number];
export const GITHUB_FAULT_STATUSES = [500, 502, 403, 409, 422] as const;
export type GitHubFaultStatus = (typeof GITHUB_FAULT_STATUSES)[number];

/**
 * - `error`: the call is refused with `status` and GitHub's body for it; it does not run.
 * - `latency`: the call runs after `latencyMs`; combines with the others.
 * - `hang`: the call runs and takes effect, then no reply is ever sent: the connection stays open, silent, until
 *   the client gives up (its timeout or abort signal) or the fake stops. The request log shows the reply it lost.
 */
export interface GitHubFaultSpec {
  kind: GitHubFaultKind;
  /** Octokit's name (`createDeployment`), the route as GitHub's docs write it (`POST /repos/{owner}/{repo}/deployments`), or `*`. */
  operation: string;
  /** Applies to the next N matching calls. Default 1. */
  times?: number;
  /** For `error`. Default 500. */
  status?: GitHubFaultStatus;
  /** For `latency`. */
  latencyMs?: number;
}

interface ActiveFault extends GitHubFaultSpec {
  id: string;
  remaining: number;
}

export class GitHubFaults {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: GitHubFaultSpec): string {
    if (!(GITHUB_FAULT_KINDS as readonly string[]).includes(spec.kind)) {
      throw new Error(`unknown GitHub fault kind ${JSON.stringify(spec.kind)}; expected one of ${GITHUB_FAULT_KINDS.join(', ')}`);
    }
    if (spec.operation !== '*' && !ROUTES.some((r) => routeNamed(r, spec.operation))) {
      throw new Error(`unknown GitHub operation ${JSON.stringify(spec.operation)}; expected * or one of ${ROUTES.map((r) => r.operation).join(', ')}`);
    }
    if (spec.status !== undefined && !(GITHUB_FAULT_STATUSES as readonly number[]).includes(spec.status)) {
      throw new Error(`unsupported fault status ${spec.status}; expected one of ${GITHUB_FAULT_STATUSES.join(', ')}`);
    }
    const id = `github-fault-${this.nextId++}`;
    this.faults.push({ ...spec, id, remaining: spec.times ?? 1 });
    return id;
  }

  remove(id: string): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  list(): GitHubFaultSpec[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The faults that apply to this call, consuming one use of each. */
  take(route: Route): GitHubFaultSpec[] {
    const hits = this.faults.filter((f) => f.operation === '*' || routeNamed(route, f.operation));
    for (const f of hits) f.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return hits;
  }
}

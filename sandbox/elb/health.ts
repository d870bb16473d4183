// Target health checks as ALB runs them: HTTP GET on the group's path every interval, per target,
// with the group's timeout, matcher and thresholds. A new target becomes healthy after one pass;
// `unhealthyThreshold` consecutive failures make it unhealthy, `healthyThreshold` passes bring it back.
import http from 'node:http';
import type { ElbModel, Target, TargetGroup } from './model.js';

type CheckResult = { ok: true } | { ok: false; reason: string; description: string };

const TICK_MS = 25;

export class HealthChecker {
  private timer?: NodeJS.Timeout;
  private readonly lastCheck = new WeakMap<Target, number>();
  private readonly checking = new WeakSet<Target>();
  private readonly requests = new Set<http.ClientRequest>();

  constructor(private readonly model: ElbModel) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const req of this.requests) req.destroy();
    this.requests.clear();
  }

  private tick(): void {
    const now = Date.now();
    for (const tg of this.model.targetGroups) {
      const inUse = this.model.isInUse(tg.arn);
      for (const target of tg.targets) {
        if (target.state === 'draining') continue;
        if (!inUse) {
          if (target.state !== 'unused') {
            target.okStreak = 0;
            target.failStreak = 0;
            this.model.setTargetState(tg.arn, target, 'unused', 'Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer');
          }
          continue;
        }
        if (target.state === 'unused') {
          this.model.setTargetState(tg.arn, target, 'initial', 'Elb.InitialHealthChecking', 'Initial health checks in progress');
        }
        if (this.checking.has(target)) continue;
        if (now - (this.lastCheck.get(target) ?? 0) < tg.healthCheck.intervalMs) continue;
        this.lastCheck.set(target, now);
        this.checking.add(target);
        void this.probe(tg, target).then((result) => {
          this.checking.delete(target);
          // A check that ends after the group stopped being in use (a rule deleted meanwhile) counts for nothing.
          if (target.state !== 'draining' && target.state !== 'unused' && tg.targets.includes(target)) this.apply(tg, target, result);
        });
      }
    }
  }

  private apply(tg: TargetGroup, target: Target, result: CheckResult): void {
    const { healthyThreshold, unhealthyThreshold } = tg.healthCheck;
    if (result.ok) {
      target.okStreak += 1;
      target.failStreak = 0;
      const becomesHealthy = target.state === 'initial' || (target.state === 'unhealthy' && target.okStreak >= healthyThreshold);
      if (becomesHealthy || target.state === 'healthy') this.model.setTargetState(tg.arn, target, 'healthy');
      return;
    }
    target.failStreak += 1;
    target.okStreak = 0;
    if (target.state === 'initial' && target.failStreak < unhealthyThreshold) {
      this.model.setTargetState(tg.arn, target, 'initial', 'Elb.InitialHealthChecking', 'Initial health checks in progress');
    } else if (target.state === 'healthy' && target.failStreak < unhealthyThreshold) {
      // Still healthy until the threshold is reached.
    } else {
      this.model.setTargetState(tg.arn, target, 'unhealthy', result.reason, result.description);
    }
  }

  private probe(tg: TargetGroup, target: Target): Promise<CheckResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: CheckResult) => {
        if (settled) return;
        settled = true;
        this.requests.delete(req);
        resolve(r);
      };
      const req = http.get(
        {
          host: target.id,
          port: target.port,
          path: tg.healthCheck.path,
          agent: false,
          headers: { 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' },
        },
        (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          if (matches(tg.healthCheck.matcher, code)) done({ ok: true });
          else done({ ok: false, reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${code}]` });
        },
      );
      this.requests.add(req);
      req.setTimeout(tg.healthCheck.timeoutMs, () => {
        done({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' });
        req.destroy();
      });
      req.on('error', () => done({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }));
    });
  }
}

/** AWS matcher syntax: `200`, `200,202`, `200-299`. */
export function matches(matcher: string, code: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    if (lo === undefined || Number.isNaN(lo)) return false;
    return hi === undefined ? code === lo : code >= lo && code <= hi;
  });
}

// ECS's built-in blue/green, canary and linear deployments on one service, simulated. UpdateService
// with a new task definition on such a service starts a service deployment that walks the lifecycle
// stages on this controller's own tick: the new revision's tasks start in the alternate target group,
// the test rule and then the production rule are rewritten (native-traffic.ts), PAUSE hooks wait for
// ContinueServiceDeployment (or time out), and CLEAN_UP swaps the target groups. While a deployment is
// in flight the rolling scheduler leaves the service alone (Scheduler.delegate); this controller still
// launches and stops tasks through it, and hands the service back for the end of CLEAN_UP and for a
// rollback, whose draining and stopping is exactly what the rolling scheduler already does.
// Behaviour the AWS docs leave open follows the reference's `EMU:` choices.
import { AwsError } from '../core/aws-error.js';
import type { Account } from '../core/ids.js';
import type { ElbModel } from '../elb/model.js';
import type { Deployment, EcsModel, Service, Task } from './model.js';
import { hookTimeout } from './native-config.js';
import { pauseHookId, TERMINAL_STATUSES, urlSafeId, type DeploymentStatus, type HookDetail, type ServiceDeploymentEvent, type ServiceDeploymentRecord } from './native-model.js';
import { plan, type Step } from './native-plan.js';
import { newRevision, newServiceDeployment } from './native-records.js';
import { nonForwardActions, shiftRule } from './native-traffic.js';
import type { Scheduler } from './scheduler.js';
import { elbFailureReason, liveTasks, servingTasks } from './service-tasks.js';

export interface NativeTimings {
  tickMs: number;
  /** How long one ECS minute (bake times, step bakes, hook timeouts) lasts in the sandbox. */
  minuteMs: number;
}

/** The controller's working state for a deployment that has not ended. */
interface Flight {
  record: ServiceDeploymentRecord;
  service: Service;
  steps: Step[];
  index: number;
  phase: 'enter' | 'hooks' | 'work' | 'wait';
  workStarted: boolean;
  waitUntil: number;
  newDeploymentId: string;
  sourceDeploymentId: string;
  oldTg: string;
  newTg: string;
  productionRule: string;
  testRule?: string;
}

const HOOK_ID = /^ecs-[a-zA-Z]+-[A-Za-z0-9_-]+$/;
const SUPERSEDED = 'Service deployment stopped because a newer service deployment started.';

export class NativeDeployments {
  private timer?: NodeJS.Timeout;
  private readonly flights = new Map<string, Flight>();

  constructor(
    private readonly ecs: EcsModel,
    private readonly elb: ElbModel,
    private readonly scheduler: Scheduler,
    private readonly account: Account,
    private readonly timings: NativeTimings,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.timings.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A service UpdateService deploys through this controller: ECS controller, non-ROLLING, advancedConfiguration. */
  isNative(service: Service): boolean {
    return (
      (service.deploymentController?.type ?? 'ECS') === 'ECS' &&
      service.native !== undefined &&
      service.native.strategy !== 'ROLLING' &&
      service.loadBalancers[0]?.advancedConfiguration !== undefined
    );
  }

  /**
   * Records the service's running revision (created by the rolling scheduler) as revision 1 with a
   * SUCCESSFUL service deployment, as CreateService would have left it.
   */
  adopt(service: Service): ServiceDeploymentRecord {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const lb = service.loadBalancers[0];
    if (!primary || !lb || !service.native) throw new Error(`sandbox bug: ${service.name} has no primary deployment to adopt`);
    const revision = newRevision(this.ecs, this.account, service, primary, lb.targetGroupArn);
    service.native.productionDeploymentId = primary.id;
    const now = new Date();
    const record = newServiceDeployment(this.ecs, this.account, service, revision, [], 'SUCCESSFUL', this.scheduler.failureThreshold(service.desiredCount));
    Object.assign(record, { createdAt: service.createdAt, startedAt: service.createdAt, finishedAt: now, updatedAt: now, productionWeight: 100, testWeight: 100 });
    service.native.currentServiceDeployment = record.arn;
    return record;
  }

  /** UpdateService with a new task definition (or forceNewDeployment) on a native service. */
  begin(service: Service, taskDefinitionArn: string): ServiceDeploymentRecord {
    const native = service.native;
    const lb = service.loadBalancers[0];
    const advanced = lb?.advancedConfiguration;
    if (!native || !lb || !advanced) throw new Error(`sandbox bug: ${service.name} is not a built-in blue/green service`);
    // A deployment still in flight is superseded (reference 8, EMU): STOPPED, its hookIds invalid.
    const previous = [...this.flights.values()].filter((f) => f.service === service);
    for (const f of previous) this.finish(f, 'STOPPED', SUPERSEDED);
    const sourceId = native.productionDeploymentId ?? service.deployments.find((d) => d.status === 'PRIMARY')?.id ?? '';
    const others = service.deployments.filter((d) => d.id !== sourceId && this.unstopped(d.id).length > 0);
    const sources = [sourceId, ...others.map((d) => d.id)].flatMap((id) => this.ecs.serviceRevisions.find((r) => r.deploymentId === id)?.arn ?? []);

    const deployment = this.scheduler.newDeployment(service, taskDefinitionArn);
    this.scheduler.delegate(service, true);
    const target = newRevision(this.ecs, this.account, service, deployment, advanced.alternateTargetGroupArn);
    const record = newServiceDeployment(this.ecs, this.account, service, target, sources, 'PENDING', this.scheduler.failureThreshold(service.desiredCount));
    native.currentServiceDeployment = record.arn;
    const flight: Flight = {
      record,
      service,
      steps: plan(native, previous.length > 0 || others.length > 0, this.timings.minuteMs),
      index: 0,
      phase: 'enter',
      workStarted: false,
      waitUntil: 0,
      newDeploymentId: deployment.id,
      sourceDeploymentId: sourceId,
      oldTg: lb.targetGroupArn,
      newTg: advanced.alternateTargetGroupArn,
      productionRule: advanced.productionListenerRule,
      ...(advanced.testListenerRule ? { testRule: advanced.testListenerRule } : {}),
    };
    this.flights.set(record.arn, flight);
    this.emit(record);
    return record;
  }

  /** ContinueServiceDeployment. */
  continueDeployment(arn: unknown, hookId: unknown, action: unknown = 'CONTINUE'): void {
    if (typeof hookId !== 'string' || !HOOK_ID.test(hookId)) throw new AwsError('InvalidParameterException', 'Invalid hookId: hookId must follow the format: ecs-{hookType}-{id}');
    if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw new AwsError('InvalidParameterException', 'Invalid action. Valid values are: CONTINUE, ROLLBACK');
    const record = this.record(arn);
    if (TERMINAL_STATUSES.includes(record.status)) {
      throw new AwsError('ClientException', 'Continuing a service deployment is not allowed for service deployment in terminal states.');
    }
    const flight = this.flights.get(record.arn);
    const hook = record.allHooks.find((h) => h.hookId === hookId);
    if (!flight || record.status !== 'IN_PROGRESS' || hook?.status !== 'AWAITING_ACTION') {
      throw new AwsError('ClientException', 'Provided hookId is either completed, unavailable, or not associated with the given Resource ARN');
    }
    this.setHook(record, hook, action === 'CONTINUE' ? 'SUCCEEDED' : 'FAILED');
    if (action === 'ROLLBACK') this.requestRollback(flight, `Service deployment rolled back because ${hook.stage} pause hook was rolled back.`);
  }

  /** StopServiceDeployment: ROLLBACK (the default) or ABORT (stops where it is; the emulator's invention). */
  stopDeployment(arn: unknown, stopType: unknown = 'ROLLBACK'): void {
    if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw new AwsError('InvalidParameterException', 'Invalid stopType. Valid values are: ABORT, ROLLBACK');
    const record = this.record(arn);
    if (TERMINAL_STATUSES.includes(record.status)) {
      throw new AwsError('ConflictException', `The service deployment is in a terminal state (${record.status}) and cannot be stopped.`);
    }
    const flight = this.flights.get(record.arn);
    if (!flight || !['PENDING', 'IN_PROGRESS'].includes(record.status)) return; // already stopping or rolling back
    if (stopType === 'ABORT') {
      this.failAwaitingHooks(record);
      this.setStatus(record, 'STOP_REQUESTED', 'Service deployment stop requested.');
    } else {
      this.requestRollback(flight, 'Service deployment rolled back because StopServiceDeployment was called with stopType ROLLBACK.');
    }
  }

  record(arn: unknown): ServiceDeploymentRecord {
    const record = this.ecs.serviceDeployments.find((d) => d.arn === arn);
    if (!record) throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
    return record;
  }

  tick(): void {
    for (const f of [...this.flights.values()]) {
      // A few transitions per tick at most: each one is visible (and emitted) on its own.
      for (let i = 0; i < 8 && this.flights.has(f.record.arn) && this.advance(f); i++);
    }
  }

  /** One transition if one is due; true when another may follow at once. */
  private advance(f: Flight): boolean {
    const r = f.record;
    if (f.service.status !== 'ACTIVE') {
      this.finish(f, 'STOPPED', 'Service deployment stopped because the service was deleted.');
      return false;
    }
    switch (r.status) {
      case 'PENDING':
        r.startedAt = new Date();
        this.setStatus(r, 'IN_PROGRESS');
        return true;
      case 'IN_PROGRESS':
        return this.walk(f);
      case 'ROLLBACK_REQUESTED':
        this.beginRollback(f);
        return false;
      case 'ROLLBACK_IN_PROGRESS':
        if (this.unstopped(f.newDeploymentId).length === 0) this.finish(f, 'ROLLBACK_SUCCESSFUL');
        return false;
      case 'STOP_REQUESTED':
        this.finish(f, 'STOPPED');
        return false;
      default:
        return false;
    }
  }

  private walk(f: Flight): boolean {
    const r = f.record;
    const step = f.steps[f.index];
    if (!step) return false;
    const stageIndex = f.steps.findIndex((s) => s.stage === 'SCALE_UP');
    // Leaving IN_PROGRESS ends the tick: ROLLBACK_REQUESTED is seen for a tick before the rollback starts.
    if (f.index > stageIndex && step.stage !== 'CLEAN_UP' && !this.tendNewTasks(f, false)) return false;
    switch (f.phase) {
      case 'enter':
        r.lifecycleStage = step.stage;
        r.hooks = this.hooksAt(r, step.stage);
        r.allHooks.push(...r.hooks);
        f.phase = 'hooks';
        f.workStarted = false;
        this.emit(r);
        for (const h of r.hooks) this.emit(r, h);
        return true;
      case 'hooks': {
        for (const h of r.hooks.filter((x) => x.status === 'AWAITING_ACTION' && Date.now() >= x.expiresAt.getTime())) {
          this.setHook(r, h, 'TIMED_OUT');
          if (h.timeoutAction === 'ROLLBACK') {
            this.requestRollback(f, `Service deployment rolled back because ${step.stage} pause hook timed out.`);
            return false;
          }
        }
        if (r.hooks.some((h) => h.status === 'AWAITING_ACTION')) return false;
        f.phase = 'work';
        return true;
      }
      case 'work': {
        const first = !f.workStarted;
        f.workStarted = true;
        if (!this.work(f, step, first)) return false;
        if (r.status !== 'IN_PROGRESS') return false;
        f.phase = 'wait';
        f.waitUntil = Date.now() + (step.waitMs ?? 0);
        return true;
      }
      case 'wait':
        if (Date.now() < f.waitUntil) return false;
        f.index += 1;
        f.phase = 'enter';
        return true;
    }
  }

  /** The stage's own work; true when it is done (or the deployment left IN_PROGRESS). */
  private work(f: Flight, step: Step, first: boolean): boolean {
    const r = f.record;
    switch (step.stage) {
      case 'RECONCILE_SERVICE':
        return this.reconcileService(f, first);
      case 'SCALE_UP':
        return this.tendNewTasks(f, true) && servingTasks(this.ecs, this.newDeployment(f) ?? noDeployment).every((t) => this.healthyIn(f.newTg, t));
      case 'TEST_TRAFFIC_SHIFT':
        // The first shift checks both rules; without a test rule that is the production shift.
        if (f.testRule && !this.networkingValid(f)) return true;
        if (f.testRule) shiftRule(this.elb, f.testRule, f.newTg, f.oldTg, 100);
        r.testWeight = 100;
        return true;
      case 'PRODUCTION_TRAFFIC_SHIFT':
        if (!this.networkingValid(f)) return true;
        shiftRule(this.elb, f.productionRule, f.newTg, f.oldTg, step.percent ?? 100);
        r.productionWeight = step.percent ?? 100;
        this.emit(r);
        return true;
      case 'CLEAN_UP':
        if (first) this.cleanUp(f);
        if (f.service.deployments.some((d) => d.id !== f.newDeploymentId && this.unstopped(d.id).length > 0)) return false;
        this.finish(f, 'SUCCESSFUL');
        return true;
      default:
        return true;
    }
  }

  /**
   * RECONCILE_SERVICE: back to one production revision before anything else: both rules to the
   * primary target group, and every task of a superseded or aborted revision drained and stopped.
   */
  private reconcileService(f: Flight, first: boolean): boolean {
    const leftovers = f.service.deployments.filter((d) => d.id !== f.sourceDeploymentId && d.id !== f.newDeploymentId);
    if (first) {
      shiftRule(this.elb, f.productionRule, f.oldTg, f.newTg, 100);
      if (f.testRule) shiftRule(this.elb, f.testRule, f.oldTg, f.newTg, 100);
      for (const d of leftovers) for (const t of liveTasks(this.ecs, d)) void this.scheduler.stopTask(f.service, t, `Scaling activity initiated by (deployment ${f.newDeploymentId})`);
    }
    if (leftovers.some((d) => this.unstopped(d.id).length > 0)) return false;
    f.service.deployments = f.service.deployments.filter((d) => !leftovers.includes(d));
    return true;
  }

  /**
   * Keeps the new revision at the desired count in the alternate group: tasks that crash (counted by
   * the scheduler) are replaced, and during SCALE_UP (`checkHealth`) so are those failing their health
   * checks there; too many failures roll back, like the circuit breaker. Later, a task that only turns
   * unhealthy is left to whoever gates the deployment (a PAUSE hook, StopServiceDeployment).
   * False when the deployment left IN_PROGRESS.
   */
  private tendNewTasks(f: Flight, checkHealth: boolean): boolean {
    const { service, record } = f;
    const d = this.newDeployment(f);
    if (!d) return false;
    const graceMs = service.healthCheckGracePeriodSeconds * 1000;
    for (const t of checkHealth ? liveTasks(this.ecs, d) : []) {
      if (t.lastStatus !== 'RUNNING' || t.failedHealthChecksIn !== undefined || Date.now() - (t.startedAt?.getTime() ?? 0) < graceMs) continue;
      if (!this.elb.targetGroup(f.newTg)?.targets.some((x) => x.port === t.port && x.state === 'unhealthy')) continue;
      t.failedHealthChecksIn = f.newTg;
      this.ecs.addEvent(service, `(task ${t.id}) failed ELB health checks in (target-group ${f.newTg})`);
      d.failedTasks += 1;
      void this.scheduler.stopTask(service, t, elbFailureReason(f.newTg));
    }
    record.failedTasks = d.failedTasks;
    if (d.failedTasks >= record.failureThreshold) {
      this.requestRollback(f, 'Service deployment rolled back because the circuit breaker threshold was exceeded.');
      return false;
    }
    d.desiredCount = service.desiredCount;
    const serving = servingTasks(this.ecs, d);
    const missing = service.desiredCount - serving.length;
    if (missing > 0) {
      const started = Array.from({ length: missing }, () => this.scheduler.launch(service, d, [f.newTg]));
      this.ecs.addEvent(service, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
    }
    for (const t of serving.slice(service.desiredCount)) void this.scheduler.stopTask(service, t, `Scaling activity initiated by (deployment ${d.id})`);
    return true;
  }

  /** A rule mixing forward with other actions cannot be shifted: the deployment rolls back (reference 2.6 EMU). */
  private networkingValid(f: Flight): boolean {
    for (const rule of [f.productionRule, f.testRule]) {
      if (rule === undefined) continue;
      const others = nonForwardActions(this.elb, rule);
      if (others.length === 0 && this.elb.rule(rule)) continue;
      const why = others.length > 0 ? `listener rule ${rule} has actions other than forward (${others.join(', ')}), which ECS cannot shift` : `listener rule ${rule} was not found`;
      this.requestRollback(f, `Service deployment rolled back because of invalid networking configuration: ${why}.`);
      return false;
    }
    return true;
  }

  /** CLEAN_UP: the new revision becomes production; the rolling scheduler drains and stops the old one. */
  private cleanUp(f: Flight): void {
    const lb = f.service.loadBalancers[0];
    const advanced = lb?.advancedConfiguration;
    if (!lb || !advanced || !f.service.native) return;
    lb.targetGroupArn = f.newTg;
    advanced.alternateTargetGroupArn = f.oldTg;
    f.service.native.productionDeploymentId = f.newDeploymentId;
    this.scheduler.delegate(f.service, false);
    this.scheduler.reconcile(f.service);
  }

  private requestRollback(f: Flight, reason: string): void {
    const r = f.record;
    if (r.status !== 'PENDING' && r.status !== 'IN_PROGRESS') return;
    const source = this.ecs.serviceRevisions.find((x) => x.deploymentId === f.sourceDeploymentId);
    r.rollback = { reason, startedAt: new Date(), serviceRevisionArn: source?.arn ?? '' };
    this.failAwaitingHooks(r);
    this.setStatus(r, 'ROLLBACK_REQUESTED', reason);
  }

  /**
   * ROLLBACK_IN_PROGRESS (reference 5, EMU): both rules back to the source revision's group, the
   * service back on its task definition (and target groups, after CLEAN_UP's swap); the rolling
   * scheduler then drains and stops the new revision's tasks (and restarts the old one's if gone).
   */
  private beginRollback(f: Flight): void {
    const { service, record } = f;
    const lb = service.loadBalancers[0];
    const advanced = lb?.advancedConfiguration;
    if (lb && advanced && lb.targetGroupArn !== f.oldTg) {
      lb.targetGroupArn = f.oldTg;
      advanced.alternateTargetGroupArn = f.newTg;
    }
    if (service.native) service.native.productionDeploymentId = f.sourceDeploymentId;
    shiftRule(this.elb, f.productionRule, f.oldTg, f.newTg, 100);
    if (f.testRule) shiftRule(this.elb, f.testRule, f.oldTg, f.newTg, 100);
    record.productionWeight = 0;
    record.testWeight = 0;
    const source = service.deployments.find((d) => d.id === f.sourceDeploymentId);
    const target = this.newDeployment(f);
    if (target) {
      target.status = 'ACTIVE';
      target.rolloutState = 'FAILED';
      target.rolloutStateReason = record.statusReason ?? 'Service deployment rolled back.';
      target.updatedAt = new Date();
    }
    if (source) {
      source.status = 'PRIMARY';
      service.taskDefinitionArn = source.taskDefinitionArn;
      service.deployments = [source, ...service.deployments.filter((d) => d !== source)];
    }
    this.setStatus(record, 'ROLLBACK_IN_PROGRESS');
    this.scheduler.delegate(service, false);
    this.scheduler.reconcile(service);
  }

  private finish(f: Flight, status: DeploymentStatus, reason?: string): void {
    const r = f.record;
    const now = new Date();
    r.finishedAt = now;
    if (status === 'STOPPED') r.stoppedAt = now;
    this.flights.delete(r.arn);
    this.failAwaitingHooks(r);
    this.setStatus(r, status, reason);
  }

  private hooksAt(r: ServiceDeploymentRecord, stage: string): HookDetail[] {
    return r.configuration.lifecycleHooks
      .filter((h) => h.lifecycleStages.includes(stage))
      .map((h) => {
        const timeout = hookTimeout(h);
        const detail: HookDetail = {
          hookId: h.targetType === 'PAUSE' ? pauseHookId() : `ecs-lambda-${urlSafeId(43)}`,
          targetType: h.targetType,
          // The sandbox cannot invoke Lambda: such a hook succeeds at once.
          status: h.targetType === 'PAUSE' ? 'AWAITING_ACTION' : 'SUCCEEDED',
          expiresAt: new Date(Date.now() + timeout.timeoutInMinutes * this.timings.minuteMs),
          timeoutAction: timeout.action,
          stage,
        };
        if (h.hookTargetArn) detail.targetArn = h.hookTargetArn;
        return detail;
      });
  }

  private failAwaitingHooks(r: ServiceDeploymentRecord): void {
    for (const h of r.hooks) if (h.status === 'AWAITING_ACTION') this.setHook(r, h, 'FAILED');
  }

  private setHook(r: ServiceDeploymentRecord, hook: HookDetail, status: HookDetail['status']): void {
    hook.status = status;
    r.updatedAt = new Date();
    this.emit(r, hook);
  }

  private setStatus(r: ServiceDeploymentRecord, status: DeploymentStatus, reason?: string): void {
    r.status = status;
    if (reason !== undefined) r.statusReason = reason;
    r.updatedAt = new Date();
    this.emit(r);
  }

  private emit(r: ServiceDeploymentRecord, hook?: HookDetail): void {
    this.ecs.emit('serviceDeployment', {
      arn: r.arn,
      service: r.serviceName,
      status: r.status,
      lifecycleStage: hook?.stage ?? r.lifecycleStage,
      ...(hook ? { hookId: hook.hookId, hookStatus: hook.status } : {}),
      at: Date.now(),
    } satisfies ServiceDeploymentEvent);
  }

  private newDeployment(f: Flight): Deployment | undefined {
    return f.service.deployments.find((d) => d.id === f.newDeploymentId);
  }

  /** Tasks of an `ecs-svc/<N>` deployment that have not stopped yet. */
  private unstopped(deploymentId: string): Task[] {
    return this.ecs.tasks.filter((t) => t.deploymentId === deploymentId && !t.standalone && t.lastStatus !== 'STOPPED');
  }

  private healthyIn(tgArn: string, task: Task): boolean {
    return task.lastStatus === 'RUNNING' && (this.elb.targetGroup(tgArn)?.targets.some((t) => t.port === task.port && t.state === 'healthy') ?? false);
  }
}

const noDeployment = { id: '' } as Deployment;

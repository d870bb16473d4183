// The ECS service scheduler, simulated: it starts tasks for the PRIMARY deployment up to the desired
// count within maximumPercent, registers them in the service's target group, drains and stops the old
// deployment's tasks once the new ones are healthy (keeping minimumHealthyPercent), marks the rollout
// COMPLETED, replaces tasks that fail ELB health checks (replacement first, then the failing task once
// the replacement is healthy, as ECS does when maximumPercent leaves room), and trips the deployment
// circuit breaker (FAILED, with ECS's service events) when tasks keep failing. Like ECS, it says the
// service has reached a steady state after each rollout, and again after tasks were started or stopped
// outside one (a desired count moved by Application Auto Scaling, a replaced task).
// While a built-in blue/green deployment is in flight (native.ts) it leaves the service to that
// controller (`delegate`), which still launches and stops tasks through it.
import { randomBytes } from 'node:crypto';
import { arns, ecsDeploymentId, type Account } from '../core/ids.js';
import type { ElbModel } from '../elb/model.js';
import type { Deployment, EcsModel, Service, Task } from './model.js';
import { taskLimits } from './capacity.js';
import { activeTasks, elbFailureReason, failingTargetGroup, healthyInService, liveTasks, servingTasks } from './service-tasks.js';
import { startTaskProcess, type TaskProcess } from './task-process.js';

export interface SchedulerTimings {
  /** How often services are reconciled. */
  tickMs: number;
  /** SIGTERM → SIGKILL grace when stopping a task (ECS's stopTimeout). */
  stopTimeoutMs: number;
  /** Failed tasks that trip the circuit breaker; ECS uses max(3, ceil(desired / 2)) up to 200. */
  circuitBreakerThreshold?: number;
}

export class Scheduler {
  private timer?: NodeJS.Timeout;
  readonly processes = new Map<string, TaskProcess>();
  private stopping = false;
  /** Services that started or stopped tasks since they last reached a steady state. */
  private readonly unsteady = new WeakSet<Service>();
  /** Services whose tasks another controller (native.ts) manages for now: reconcile leaves them alone. */
  private readonly delegated = new WeakSet<Service>();

  constructor(
    private readonly ecs: EcsModel,
    private readonly elb: ElbModel,
    private readonly account: Account,
    private readonly taskServerPath: string,
    private readonly timings: SchedulerTimings,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      for (const s of this.ecs.services) this.reconcile(s);
    }, this.timings.tickMs);
  }

  /** Kills every task process at once (the sandbox is going away: no draining). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const exits = [...this.processes.values()].map((p) => {
      p.child.kill('SIGKILL');
      return p.exited;
    });
    await Promise.all(exits);
    this.processes.clear();
  }

  /** Hands the service to another controller (true) or takes it back (false). */
  delegate(service: Service, on: boolean): void {
    if (on) this.delegated.add(service);
    else this.delegated.delete(service);
  }

  isDelegated(service: Service): boolean {
    return this.delegated.has(service);
  }

  /** Failed tasks that trip the circuit breaker for this desired count. */
  failureThreshold(desiredCount: number): number {
    return this.timings.circuitBreakerThreshold ?? Math.min(200, Math.max(3, Math.ceil(desiredCount / 2)));
  }

  /** Starts a new PRIMARY deployment (UpdateService with a new task definition). */
  newDeployment(service: Service, taskDefinitionArn: string, id = ecsDeploymentId()): Deployment {
    const now = new Date();
    for (const d of service.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    const deployment: Deployment = {
      id,
      status: 'PRIMARY',
      taskDefinitionArn,
      desiredCount: service.desiredCount,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
    };
    service.deployments.unshift(deployment);
    service.taskDefinitionArn = taskDefinitionArn;
    this.ecs.emit('deployment', { service: service.name, id, rolloutState: 'IN_PROGRESS' });
    return deployment;
  }

  setBehaviour(task: Task, behaviour: string): void {
    this.processes.get(task.arn)?.setBehaviour(behaviour);
  }

  reconcile(service: Service): void {
    if (this.stopping || service.status !== 'ACTIVE' || this.delegated.has(service)) return;
    // First: a failure it counts can trip the circuit breaker and start a rollback deployment.
    this.noticeUnhealthy(service);
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    primary.desiredCount = service.desiredCount;
    const limits = taskLimits(service);
    this.forgetLostReplacements(service);

    // Start tasks up to the desired count within maximumPercent; each new task first replaces one that
    // fails its health checks (ECS starts replacements before it stops the unhealthy tasks).
    const serving = servingTasks(this.ecs, primary);
    const room = limits.maxTasks - activeTasks(this.ecs, service).length;
    const toStart = Math.min(service.desiredCount - serving.length, room);
    if (primary.rolloutState !== 'FAILED' && toStart > 0) {
      const started = Array.from({ length: toStart }, () => this.launch(service, primary));
      this.unsteady.add(service);
      this.ecs.addEvent(service, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
      const unreplaced = liveTasks(this.ecs, primary).filter((t) => t.failedHealthChecksIn !== undefined && t.replacementArn === undefined);
      started.forEach((t, i) => {
        const failing = unreplaced[i];
        if (failing) failing.replacementArn = t.arn;
      });
    }
    if (serving.length > service.desiredCount) {
      for (const t of serving.slice(service.desiredCount)) void this.stopTask(service, t, `Scaling activity initiated by (deployment ${primary.id})`);
    }
    this.retireUnhealthy(service, primary);
    this.scaleDownOldDeployments(service, primary, limits.minHealthy);
    service.deployments = service.deployments.filter(
      (d) => d.status === 'PRIMARY' || this.ecs.tasks.some((t) => t.deploymentId === d.id && t.lastStatus !== 'STOPPED'),
    );

    const live = liveTasks(this.ecs, primary);
    const settled =
      service.deployments.length === 1 &&
      live.length === service.desiredCount &&
      live.every((t) => t.failedHealthChecksIn === undefined && healthyInService(this.elb, service, t)) &&
      !this.ecs.tasks.some((t) => t.deploymentId === primary.id && t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED');
    if (primary.rolloutState === 'IN_PROGRESS' && settled) {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = new Date();
      this.unsteady.delete(service);
      this.ecs.addEvent(service, `(deployment ${primary.id}) deployment completed.`);
      this.ecs.addEvent(service, 'has reached a steady state.');
      this.ecs.emit('deployment', { service: service.name, id: primary.id, rolloutState: 'COMPLETED' });
    } else if (primary.rolloutState === 'COMPLETED' && settled && this.unsteady.has(service)) {
      // ECS says so again after a scaling activity or a replacement, outside any deployment.
      this.unsteady.delete(service);
      this.ecs.addEvent(service, 'has reached a steady state.');
    }
  }

  /**
   * Old deployments keep just enough tasks that healthy capacity never drops below minimumHealthyPercent
   * while the primary's tasks start: healthy ones first; one failing its checks only while primary
   * tasks that can take its place are still starting.
   */
  private scaleDownOldDeployments(service: Service, primary: Deployment, minHealthy: number): void {
    const primaryServing = servingTasks(this.ecs, primary);
    const healthyPrimary = primaryServing.filter((t) => healthyInService(this.elb, service, t)).length;
    const primaryStarting = primaryServing.length > healthyPrimary;
    const rank = (t: Task) => (t.failedHealthChecksIn !== undefined ? 2 : healthyInService(this.elb, service, t) ? 0 : 1);
    const old = service.deployments.filter((d) => d.status !== 'PRIMARY').flatMap((d) => liveTasks(this.ecs, d));
    let keep = Math.max(0, minHealthy - healthyPrimary);
    for (const t of old.sort((a, b) => rank(a) - rank(b))) {
      if (keep > 0 && (t.failedHealthChecksIn === undefined || primaryStarting)) {
        keep -= 1;
        continue;
      }
      const reason = t.failedHealthChecksIn === undefined ? `Scaling activity initiated by (deployment ${primary.id})` : elbFailureReason(t.failedHealthChecksIn);
      void this.stopTask(service, t, reason);
    }
  }

  /**
   * ECS notices tasks that fail their target group's health checks (after the grace period): one event
   * and one failed task for the circuit breaker each. They keep running until replaced (retireUnhealthy).
   */
  private noticeUnhealthy(service: Service): void {
    const graceMs = service.healthCheckGracePeriodSeconds * 1000;
    for (const task of activeTasks(this.ecs, service)) {
      if (task.lastStatus !== 'RUNNING' || task.failedHealthChecksIn !== undefined) continue;
      if (Date.now() - (task.startedAt?.getTime() ?? 0) < graceMs) continue;
      const failing = failingTargetGroup(this.elb, service, task);
      if (!failing) continue;
      task.failedHealthChecksIn = failing;
      this.ecs.addEvent(service, `(task ${task.id}) failed ELB health checks in (target-group ${failing})`);
      this.countFailure(service, task.deploymentId);
    }
  }

  /** A replacement that stopped or failed its own checks replaces nothing: the failing task needs another. */
  private forgetLostReplacements(service: Service): void {
    for (const task of activeTasks(this.ecs, service)) {
      if (task.replacementArn === undefined) continue;
      const replacement = this.ecs.tasks.find((t) => t.arn === task.replacementArn);
      if (!replacement || replacement.desiredStatus !== 'RUNNING' || replacement.failedHealthChecksIn !== undefined) task.replacementArn = undefined;
    }
  }

  /**
   * Stops the primary's failing tasks once their replacements are healthy in the target group, and at
   * once those that got no replacement (no room under maximumPercent, not needed, or a FAILED rollout).
   */
  private retireUnhealthy(service: Service, primary: Deployment): void {
    for (const task of liveTasks(this.ecs, primary)) {
      if (task.failedHealthChecksIn === undefined) continue;
      // A replacement stopped in this very pass (scaled down) replaces nothing either.
      const replacement = this.ecs.tasks.find((t) => t.arn === task.replacementArn && t.desiredStatus === 'RUNNING');
      if (replacement && !healthyInService(this.elb, service, replacement)) continue;
      void this.stopTask(service, task, elbFailureReason(task.failedHealthChecksIn));
    }
  }

  /** Starts one task of the deployment, registered in the service's target groups or in `targetGroupArns`. */
  launch(service: Service, deployment: Deployment, targetGroupArns = service.loadBalancers.map((lb) => lb.targetGroupArn)): Task {
    const td = this.ecs.taskDefinition(deployment.taskDefinitionArn);
    const container = ((td?.input.containerDefinitions as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    const env: Record<string, string> = {};
    for (const kv of (container.environment as { name?: string; value?: string }[] | undefined) ?? []) {
      if (kv.name) env[kv.name] = kv.value ?? '';
    }
    const tg = targetGroupArns[0] === undefined ? undefined : this.elb.targetGroup(targetGroupArns[0]);
    env.SANDBOX_HEALTH_PATH ??= tg?.healthCheck.path ?? '/health';
    // A built-in blue/green service's tasks answer with their target group's suffix (`a`, `b`).
    const native = service.loadBalancers[0]?.advancedConfiguration !== undefined && tg ? /-([^-]+)$/.exec(tg.name)?.[1] : undefined;
    env.SANDBOX_COLOUR ??= native ?? /-(blue|green)$/.exec(service.name)?.[1] ?? service.name;
    const id = randomBytes(16).toString('hex');
    const task: Task = {
      arn: arns.task(this.account, service.clusterName, id),
      id,
      clusterArn: service.clusterArn,
      clusterName: service.clusterName,
      serviceName: service.name,
      deploymentId: deployment.id,
      taskDefinitionArn: deployment.taskDefinitionArn,
      containerName: String(container.name ?? 'app'),
      image: String(container.image ?? 'sandbox'),
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: new Date(),
      registeredIn: [],
    };
    this.ecs.tasks.push(task);
    const proc = startTaskProcess(this.taskServerPath, env);
    this.processes.set(task.arn, proc);
    task.lastStatus = 'PENDING';
    proc.ready.then(
      (port) => {
        if (task.desiredStatus !== 'RUNNING') return;
        task.port = port;
        task.lastStatus = 'RUNNING';
        task.startedAt = new Date();
        this.ecs.emit('task', { arn: task.arn, lastStatus: task.lastStatus });
        for (const arn of targetGroupArns) {
          this.elb.registerTarget(arn, '127.0.0.1', port);
          task.registeredIn.push(arn);
          this.ecs.addEvent(service, `registered 1 targets in (target-group ${arn})`);
        }
      },
      () => undefined,
    );
    void proc.exited.then((code) => {
      this.processes.delete(task.arn);
      if (task.desiredStatus === 'STOPPED' || this.stopping) return;
      // The essential container exited on its own: ECS counts a failed task and replaces it.
      task.desiredStatus = 'STOPPED';
      task.exitCode = typeof code === 'number' ? code : undefined;
      task.stopCode = 'EssentialContainerExited';
      task.stoppedReason = 'Essential container in task exited';
      task.stoppingAt = new Date();
      for (const arn of task.registeredIn) if (task.port) void this.elb.deregisterTarget(arn, '127.0.0.1', task.port);
      this.finishStop(service, task);
      this.countFailure(service, task.deploymentId);
    });
    return task;
  }

  private countFailure(service: Service, deploymentId: string): void {
    const d = service.deployments.find((x) => x.id === deploymentId);
    if (!d) return;
    d.failedTasks += 1;
    d.updatedAt = new Date();
    // A delegated service's controller reads the count and decides itself (native.ts rolls back).
    if (this.delegated.has(service)) return;
    const threshold = this.failureThreshold(d.desiredCount);
    if (!service.circuitBreaker.enable || d.rolloutState !== 'IN_PROGRESS' || d.failedTasks < threshold) return;
    d.rolloutState = 'FAILED';
    d.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    this.ecs.addEvent(service, 'is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.');
    this.ecs.addEvent(service, `(deployment ${d.id}) deployment failed: tasks failed to start.`);
    this.ecs.emit('deployment', { service: service.name, id: d.id, rolloutState: 'FAILED' });
    const previous = service.deployments.find((x) => x.status === 'ACTIVE');
    if (service.circuitBreaker.rollback && d.status === 'PRIMARY' && previous) {
      const rollback = this.newDeployment(service, previous.taskDefinitionArn);
      this.ecs.addEvent(service, `rolling back to deployment ${previous.id}.`);
      void rollback;
    }
  }

  /** ECS's stop sequence: deregister and drain for the group's delay, then SIGTERM, then SIGKILL. */
  async stopTask(service: Service, task: Task, reason: string): Promise<void> {
    if (task.desiredStatus === 'STOPPED') return;
    this.unsteady.add(service);
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = new Date();
    task.stoppedReason = reason;
    task.stopCode = 'ServiceSchedulerInitiated';
    if (task.registeredIn.length > 0 && task.port) {
      task.lastStatus = 'DEACTIVATING';
      this.ecs.addEvent(service, 'has begun draining connections on 1 tasks.');
      await Promise.all(task.registeredIn.map((arn) => this.elb.deregisterTarget(arn, '127.0.0.1', task.port ?? 0)));
      for (const arn of task.registeredIn) this.ecs.addEvent(service, `deregistered 1 targets in (target-group ${arn})`);
    }
    task.lastStatus = 'STOPPING';
    const proc = this.processes.get(task.arn);
    if (proc) {
      proc.child.kill('SIGTERM');
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), this.timings.stopTimeoutMs);
      await proc.exited;
      clearTimeout(timer);
      task.exitCode = 0;
    }
    this.finishStop(service, task);
    this.ecs.addEvent(service, `has stopped 1 running tasks: (task ${task.id}).`);
  }

  private finishStop(_service: Service, task: Task): void {
    task.lastStatus = 'STOPPED';
    task.stoppedAt = new Date();
    this.ecs.emit('task', { arn: task.arn, lastStatus: task.lastStatus });
  }
}

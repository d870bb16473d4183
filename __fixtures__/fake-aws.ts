// An in-memory AWS behind the flow's ports: stateful, so a test can follow the listener, the record and
// the services through a whole deploy, and inject a failure at any call.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AlarmState, AwsPorts, ListenerAddress, ListenerRule, NewRule, ParameterVersion, RunTaskRequest, ServiceDeployment, ServiceInfo, TargetHealth, TaskState } from '../src/aws/ports.js';
import type { MetricQuery, MetricSeries } from '../src/aws/metrics-port.js';
import { RuleRefused } from '../src/aws/aws-error.js';
import type { Colour, TrafficTarget } from '../src/types.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const LB = 'app/shop/50dc6c495c0c9188';
export const LISTENER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/${LB}/f2f7dc8efc522ab2`;
export const TEST_LISTENER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/${LB}/aaaaaaaaaaaaaaaa`;
export const RULE = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/${LB}/f2f7dc8efc522ab2/9683b2d02a6cabee`;
export const LB_DNS = 'shop-1234567890.us-east-1.elb.amazonaws.com';
export const TG: Record<Colour, string> = {
  blue: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/shop-blue/73e2d6bc24d8a067`,
  green: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/shop-green/83e2d6bc24d8a068`,
};
export const SERVICES: Record<Colour, string> = { blue: 'shop-blue', green: 'shop-green' };
export const PARAMETER = '/shop/live-color';
/** The action inputs that name this pair (a deploy of it with the defaults). */
export const PAIR_INPUTS: Readonly<Record<string, string>> = {
  cluster: 'shop',
  'blue-service': SERVICES.blue,
  'green-service': SERVICES.green,
  'blue-target-group-arn': TG.blue,
  'green-target-group-arn': TG.green,
  'listener-arn': LISTENER,
  'state-parameter': PARAMETER,
  'aws-region': REGION,
};
export const taskDefArn = (revision: number): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/shop:${revision}`;

/** A plain forward to one target group, in the shape AWS returns (both TargetGroupArn and ForwardConfig). */
export const forwardTo = (tg: string): Action => ({
  Type: 'forward',
  Order: 1,
  TargetGroupArn: tg,
  ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
});

export const weighted = (weights: Partial<Record<Colour, number>>): Action => ({
  Type: 'forward',
  Order: 1,
  ForwardConfig: {
    TargetGroups: (Object.entries(weights) as [Colour, number][]).map(([c, w]) => ({ TargetGroupArn: TG[c], Weight: w })),
    TargetGroupStickinessConfig: { Enabled: false },
  },
});

interface ServiceState {
  name: string;
  desiredCount: number;
  /** loadBalancers[].targetGroupArn: by default the colour's own group. */
  targetGroupArns: string[];
  taskDefinitionArn: string;
  deployments: ServiceDeployment[];
  events: string[];
  /** Describes left before the PRIMARY rollout settles; then it becomes `outcome`. */
  pendingDescribes: number;
  /** deploymentController.type when not ECS. */
  controller?: string;
}

/** One port call: its operation, a deep copy of its arguments, and the (fake) time it was made. */
export type Call = { op: string; args: unknown[]; at: number };

/** Every operation that changes something in AWS; the rest only read. */
export const MUTATING_OPS: readonly string[] = [
  'ecs.registerTaskDefinition',
  'ecs.updateService',
  'ecs.runTask',
  'ecs.stopTask',
  'elb.writeActions',
  'elb.createRule',
  'elb.writeRule',
  'elb.deleteRule',
  'ssm.put',
  'ssm.putIfAbsent',
  'ssm.delete',
];
type Fault = (op: string, args: unknown[]) => Error | undefined;
/** One minute of one target group as the ALB publishes it. */
export interface PublishedMinute {
  requests: number;
  target5xx?: number;
  target4xx?: number;
  connectionErrors?: number;
  p99Seconds?: number;
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeAws implements AwsPorts {
  readonly calls: Call[] = [];
  readonly actions = new Map<string, Action[]>();
  readonly parameters = new Map<string, { value: string; version: number; lastModified?: string }>();
  /** Every version SSM keeps of each parameter (the last 100), oldest first. */
  readonly history = new Map<string, ParameterVersion[]>();
  /** Listener rules other than the default ones (their actions live in `actions`, under the rule's ARN). */
  readonly rules = new Map<string, { listenerArn: string; priority: number; conditions: NonNullable<NewRule['conditions']>; tags: Record<string, string> }>();
  /** Set: GetParameterHistory fails with this error (e.g. AccessDenied). */
  historyFailure?: Error;
  private nextRule = 1;
  readonly services = new Map<string, ServiceState>();
  readonly taskDefinitions = new Map<string, TaskDefinition>();
  readonly alarmStates = new Map<string, AlarmState>();
  /** Per target group: the targets' states, or a function of whether a listener forwards to it. */
  readonly health = new Map<string, TargetHealth[] | ((attached: boolean) => TargetHealth[])>();
  /** How a new rollout ends, per service name; IN_PROGRESS never ends. */
  rolloutOutcome = new Map<string, 'COMPLETED' | 'FAILED' | 'REPLACED' | 'IN_PROGRESS'>();
  faults: Fault[] = [];
  /** Checked after an operation took effect: an error here is a reply lost on the way back (the change stands). */
  lostReplies: Fault[] = [];
  /** When set, what a writeActions call actually stores (e.g. to mimic a write that does not take as sent). */
  onWrite?: (target: TrafficTarget, actions: Action[]) => Action[];
  private nextRevision = 2;
  private nextDeployment = 1;

  constructor(opts: { live?: Colour; record?: string | null; listenerActions?: Action[]; rule?: boolean; testListener?: boolean; idleDesired?: number } = {}) {
    const live = opts.live ?? 'blue';
    const idle: Colour = live === 'blue' ? 'green' : 'blue';
    const actions = opts.listenerActions ?? [forwardTo(TG[live])];
    if (opts.rule) {
      this.actions.set(LISTENER, [{ Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no' } }]);
      this.actions.set(RULE, actions);
      this.rules.set(RULE, { listenerArn: LISTENER, priority: 10, conditions: [{ Field: 'host-header', Values: ['shop.example.com'], HostHeaderConfig: { Values: ['shop.example.com'] } }], tags: {} });
    } else {
      this.actions.set(LISTENER, actions);
    }
    if (opts.testListener) this.actions.set(TEST_LISTENER, [forwardTo(TG[live])]);
    // Written a day before the flow tests' clock starts: the last time traffic moved.
    if (opts.record !== null) this.setRecord(opts.record ?? live, '2026-11-21T10:00:00.000Z');
    this.taskDefinitions.set(taskDefArn(1), {
      taskDefinitionArn: taskDefArn(1),
      family: 'shop',
      revision: 1,
      status: 'ACTIVE',
      containerDefinitions: [{ name: 'app', image: 'shop:1' }],
    });
    this.addService(SERVICES[live], 2, taskDefArn(1));
    this.addService(SERVICES[idle], opts.idleDesired ?? 2, taskDefArn(1));
    for (const c of ['blue', 'green'] as Colour[]) this.health.set(TG[c], [healthy('10.0.0.1'), healthy('10.0.0.2')]);
  }

  /** Writes a version of the record as SSM would have at `at` (a history to read). */
  setRecord(value: string, at: string, description?: string, name = PARAMETER): void {
    const versions = this.history.get(name) ?? [];
    const version = (versions.at(-1)?.version ?? 0) + 1;
    versions.push({ version, value, modifiedAt: at, ...(description ? { description } : {}) });
    this.history.set(name, versions.slice(-100));
    this.parameters.set(name, { value, version, lastModified: at });
  }

  /** The verification rules on the listener now (rules whose conditions carry the header). */
  verificationRules(): string[] {
    return [...this.rules.entries()].filter(([, r]) => r.conditions.some((c) => c.Field === 'http-header')).map(([arn]) => arn);
  }

  addService(name: string, desiredCount: number, taskDefinitionArn: string): void {
    const colour = (Object.keys(SERVICES) as Colour[]).find((c) => SERVICES[c] === name);
    this.services.set(name, {
      name,
      desiredCount,
      targetGroupArns: colour ? [TG[colour]] : [],
      taskDefinitionArn,
      deployments: [{ id: `ecs-svc/${this.nextDeployment++}`, status: 'PRIMARY', taskDefinitionArn, rolloutState: 'COMPLETED', desiredCount, runningCount: desiredCount, failedTasks: 0 }],
      events: [`2026-11-22T00:00:00.000Z (service ${name}) has reached a steady state.`],
      pendingDescribes: 0,
    });
  }

  private record(op: string, ...args: unknown[]): void {
    this.calls.push({ op, args: clone(args), at: Date.now() });
    for (const fault of this.faults) {
      const error = fault(op, args);
      if (error) throw error;
    }
  }

  private replyLost(op: string, ...args: unknown[]): void {
    for (const fault of this.lostReplies) {
      const error = fault(op, args);
      if (error) throw error;
    }
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  /** The calls of one operation, in order. */
  callsOf(op: string): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** The calls that changed something (see MUTATING_OPS). */
  mutations(): Call[] {
    return this.calls.filter((c) => MUTATING_OPS.includes(c.op));
  }

  /** The action lists written to a listener or rule, in order. */
  writes(target = LISTENER): Action[][] {
    return this.callsOf('elb.writeActions')
      .filter((c) => (c.args[0] as TrafficTarget).arn === target)
      .map((c) => c.args[1] as Action[]);
  }

  listenerActions(target = LISTENER): Action[] {
    return clone(this.actions.get(target) ?? []);
  }

  private attached(tg: string): boolean {
    return [...this.actions.values()].some((actions) =>
      actions.some((a) => a.TargetGroupArn === tg || a.ForwardConfig?.TargetGroups?.some((g) => g.TargetGroupArn === tg)),
    );
  }

  /** engine: ecs has its own fake (fake-builtin.ts): the pair and traffic flows never call this port. */
  deployments: AwsPorts['deployments'] = new Proxy({} as AwsPorts['deployments'], {
    get: (_t, method) => (method === 'then' ? undefined : async () => Promise.reject(new Error(`FakeAws does not model deployments.${String(method)}`))),
  });

  ecs = {
    describeService: async (cluster: string, service: string): Promise<ServiceInfo> => {
      this.record('ecs.describeService', cluster, service);
      const s = this.services.get(service);
      if (!s) throw new Error(`Service ${service} not found in cluster ${cluster} (MISSING)`);
      const primary = s.deployments.find((d) => d.status === 'PRIMARY');
      if (primary && primary.rolloutState === 'IN_PROGRESS') {
        if (s.pendingDescribes > 0) s.pendingDescribes--;
        else this.settle(s, primary);
      }
      const current = s.deployments.find((d) => d.status === 'PRIMARY');
      return clone({
        serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${s.name}`,
        serviceName: s.name,
        status: 'ACTIVE',
        desiredCount: s.desiredCount,
        runningCount: current?.runningCount ?? 0,
        taskDefinitionArn: s.taskDefinitionArn,
        targetGroupArns: s.targetGroupArns,
        deployments: s.deployments,
        events: s.events,
        ...(s.controller ? { controller: s.controller } : {}),
        placement: { launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } } },
      });
    },
    describeTaskDefinition: async (reference: string): Promise<TaskDefinition> => {
      this.record('ecs.describeTaskDefinition', reference);
      const found = this.taskDefinitions.get(reference) ?? [...this.taskDefinitions.values()].find((t) => `${t.family}:${t.revision}` === reference);
      if (!found) throw new Error(`Task definition ${reference} not found`);
      return clone(found);
    },
    registerTaskDefinition: async (input: RegisterTaskDefinitionCommandInput): Promise<string> => {
      this.record('ecs.registerTaskDefinition', input);
      const revision = this.nextRevision++;
      const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${input.family}:${revision}`;
      this.taskDefinitions.set(arn, { ...(input as TaskDefinition), taskDefinitionArn: arn, revision, status: 'ACTIVE' });
      return arn;
    },
    updateService: async (cluster: string, service: string, change: { taskDefinitionArn?: string; desiredCount?: number }): Promise<string> => {
      this.record('ecs.updateService', cluster, service, change);
      const s = this.services.get(service);
      if (!s) throw new Error(`Service ${service} not found`);
      if (change.desiredCount !== undefined) s.desiredCount = change.desiredCount;
      if (change.taskDefinitionArn) {
        s.taskDefinitionArn = change.taskDefinitionArn;
        for (const d of s.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
        const id = `ecs-svc/${this.nextDeployment++}`;
        s.deployments.unshift({ id, status: 'PRIMARY', taskDefinitionArn: change.taskDefinitionArn, rolloutState: 'IN_PROGRESS', desiredCount: s.desiredCount, runningCount: 0, failedTasks: 0 });
        s.pendingDescribes = 1;
        return id;
      }
      const primary = s.deployments.find((d) => d.status === 'PRIMARY');
      if (primary) {
        primary.desiredCount = s.desiredCount;
        primary.runningCount = s.desiredCount;
      }
      return primary?.id ?? 'none';
    },
    runTask: async (request: RunTaskRequest): Promise<string> => {
      this.record('ecs.runTask', request);
      if (this.runTaskFailure) throw new Error(`ECS started no task of ${request.taskDefinitionArn}: ${this.runTaskFailure}.`);
      const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${request.cluster}/${(this.tasks.size + 1).toString(16).padStart(32, '0')}`;
      this.tasks.set(arn, { request, describes: 0 });
      return arn;
    },
    describeTask: async (cluster: string, taskArn: string): Promise<TaskState> => {
      this.record('ecs.describeTask', cluster, taskArn);
      const task = this.tasks.get(taskArn);
      if (!task) throw new Error(`task ${taskArn} MISSING`);
      task.describes++;
      const { exitCode, runningDescribes, stoppedReason } = this.taskScript;
      if (task.stopped || task.describes > runningDescribes) {
        const stoppedByUs = task.stopped !== undefined;
        return {
          taskArn,
          lastStatus: 'STOPPED',
          stopCode: stoppedByUs ? 'UserInitiated' : 'EssentialContainerExited',
          stoppedReason: task.stopped ?? stoppedReason,
          containers: [{ name: task.request.containerName, ...(stoppedByUs ? { exitCode: 143 } : exitCode === undefined ? { reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' } : { exitCode }) }],
        };
      }
      return { taskArn, lastStatus: task.describes === 1 ? 'PROVISIONING' : 'RUNNING', containers: [{ name: task.request.containerName, lastStatus: 'RUNNING' }] };
    },
    stopTask: async (cluster: string, taskArn: string, reason: string): Promise<void> => {
      this.record('ecs.stopTask', cluster, taskArn, reason);
      const task = this.tasks.get(taskArn);
      if (task) task.stopped = reason;
    },
  };

  /** Standalone tasks (RunTask): what was asked, and how far they got. */
  readonly tasks = new Map<string, { request: RunTaskRequest; describes: number; stopped?: string }>();
  /** How a standalone task ends: after this many RUNNING describes, with this exit code (undefined: it never ran). */
  taskScript: { exitCode?: number; runningDescribes: number; stoppedReason: string } = { exitCode: 0, runningDescribes: 2, stoppedReason: 'Essential container in task exited' };
  /** Set: RunTask places no task and reports this reason (e.g. RESOURCE:MEMORY). */
  runTaskFailure?: string;

  private settle(s: ServiceState, primary: ServiceDeployment): void {
    const outcome = this.rolloutOutcome.get(s.name) ?? 'COMPLETED';
    if (outcome === 'IN_PROGRESS') {
      primary.runningCount = Math.min(1, primary.desiredCount);
    } else if (outcome === 'COMPLETED') {
      primary.rolloutState = 'COMPLETED';
      primary.runningCount = primary.desiredCount;
      s.deployments = [primary];
      s.events.unshift(`2026-11-22T00:05:00.000Z (service ${s.name}) has reached a steady state.`);
    } else if (outcome === 'FAILED') {
      primary.rolloutState = 'FAILED';
      primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
      primary.failedTasks = 3;
      s.events.unshift(`2026-11-22T00:05:00.000Z (service ${s.name}) is unable to consistently start tasks successfully.`);
    } else {
      const previous = s.deployments.find((d) => d.status === 'ACTIVE');
      primary.status = 'INACTIVE';
      if (previous) {
        previous.status = 'PRIMARY';
        previous.id = `ecs-svc/${this.nextDeployment++}`;
        previous.rolloutState = 'COMPLETED';
      }
    }
  }

  elb = {
    readActions: async (target: TrafficTarget): Promise<Action[]> => {
      this.record('elb.readActions', target);
      const actions = this.actions.get(target.arn);
      if (!actions) throw new Error(`${target.kind === 'rule' ? 'RuleNotFound' : 'ListenerNotFound'}: ${target.arn}`);
      return clone(actions);
    },
    writeActions: async (target: TrafficTarget, actions: Action[]): Promise<void> => {
      // The run's verification rule is recorded apart (elb.writeRule): elb.writeActions counts the
      // production and test forwards, which is what most tests follow.
      this.record(this.verificationRules().includes(target.arn) ? 'elb.writeRule' : 'elb.writeActions', target, actions);
      if (!this.actions.has(target.arn)) throw new Error(`ListenerNotFound: ${target.arn}`);
      for (const a of actions) {
        for (const g of a.ForwardConfig?.TargetGroups ?? []) {
          if ((g.Weight ?? 1) < 0 || (g.Weight ?? 1) > 999) throw new Error('ValidationError: weight out of range');
        }
      }
      const stored = this.onWrite ? this.onWrite(target, clone(actions)) : actions;
      // AWS fills ForwardConfig into a plain forward: mimic it so read-back compares semantically.
      this.actions.set(target.arn, clone(stored).map((a) => (a.Type === 'forward' && !a.ForwardConfig && a.TargetGroupArn ? forwardTo(a.TargetGroupArn) : a)));
    },
    describeTargetHealth: async (tg: string): Promise<TargetHealth[]> => {
      this.record('elb.describeTargetHealth', tg);
      const h = this.health.get(tg);
      if (!h) throw new Error(`TargetGroupNotFound: ${tg}`);
      return clone(typeof h === 'function' ? h(this.attached(tg)) : h);
    },
    assertListenerExists: async (arn: string): Promise<void> => {
      this.record('elb.assertListenerExists', arn);
      if (!this.actions.has(arn)) throw new Error(`ListenerNotFound: ${arn}`);
    },
    listenerRules: async (listenerArn: string): Promise<ListenerRule[]> => {
      this.record('elb.listenerRules', listenerArn);
      if (!this.actions.has(listenerArn)) throw new Error(`ListenerNotFound: ${listenerArn}`);
      const rules = [...this.rules.entries()]
        .filter(([, r]) => r.listenerArn === listenerArn)
        .sort(([, a], [, b]) => a.priority - b.priority)
        .map(([arn, r]) => ({ arn, priority: String(r.priority), isDefault: false, conditions: clone(r.conditions), actions: clone(this.actions.get(arn) ?? []) }));
      return [...rules, { arn: `${listenerArn.replace(':listener/', ':listener-rule/')}/default`, priority: 'default', isDefault: true, conditions: [], actions: clone(this.actions.get(listenerArn) ?? []) }];
    },
    createRule: async (rule: NewRule): Promise<string> => {
      this.record('elb.createRule', rule);
      if ([...this.rules.values()].some((r) => r.listenerArn === rule.listenerArn && r.priority === rule.priority)) {
        throw new RuleRefused('priority-in-use', `priority ${rule.priority} is in use (PriorityInUse)`);
      }
      const arn = `${rule.listenerArn.replace(':listener/', ':listener-rule/')}/${(this.nextRule++).toString(16).padStart(16, '0')}`;
      this.rules.set(arn, { listenerArn: rule.listenerArn, priority: rule.priority, conditions: clone(rule.conditions), tags: { ...rule.tags } });
      this.actions.set(arn, clone(rule.actions));
      this.replyLost('elb.createRule', rule);
      return arn;
    },
    deleteRule: async (ruleArn: string): Promise<boolean> => {
      this.record('elb.deleteRule', ruleArn);
      const existed = this.rules.delete(ruleArn);
      this.actions.delete(ruleArn);
      this.replyLost('elb.deleteRule', ruleArn);
      return existed;
    },
    ruleTags: async (ruleArns: string[]): Promise<Record<string, Record<string, string>>> => {
      this.record('elb.ruleTags', ruleArns);
      return Object.fromEntries(ruleArns.filter((arn) => this.rules.has(arn)).map((arn) => [arn, { ...this.rules.get(arn)?.tags }]));
    },
    listenerAddress: async (listenerArn: string): Promise<ListenerAddress> => {
      this.record('elb.listenerAddress', listenerArn);
      return { loadBalancerArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/${LB}`, port: 443, protocol: 'HTTPS', dnsName: LB_DNS };
    },
  };

  ssm = {
    get: async (name: string) => {
      this.record('ssm.get', name);
      const p = this.parameters.get(name);
      return p ? { ...p } : undefined;
    },
    history: async (name: string): Promise<ParameterVersion[] | undefined> => {
      this.record('ssm.history', name);
      if (this.historyFailure) throw this.historyFailure;
      return this.parameters.has(name) ? clone(this.history.get(name) ?? []) : undefined;
    },
    put: async (name: string, value: string, description?: string) => {
      this.record('ssm.put', name, value);
      this.setRecord(value, new Date().toISOString(), description, name);
    },
    putIfAbsent: async (name: string, value: string) => {
      this.record('ssm.putIfAbsent', name, value);
      if (this.parameters.has(name)) return false;
      this.setRecord(value, new Date().toISOString(), undefined, name);
      return true;
    },
    delete: async (name: string) => {
      this.record('ssm.delete', name);
      this.parameters.delete(name);
      this.history.delete(name);
    },
  };

  alarms = {
    describe: async (names: string[]): Promise<AlarmState[]> => {
      this.record('alarms.describe', names);
      return names.map((n) => {
        const a = this.alarmStates.get(n);
        if (!a) throw new Error(`Alarm ${n} not found`);
        return { ...a };
      });
    },
  };

  /**
   * What the ALB publishes per target group ARN and minute start (undefined: no requests, no datapoints).
   * Error series have datapoints only in minutes with errors, as on AWS.
   */
  published?: (targetGroupArn: string, minuteStart: number) => PublishedMinute | undefined;

  metrics = {
    read: async (queries: MetricQuery[], startMs: number, endMs: number): Promise<MetricSeries[]> => {
      this.record('metrics.read', queries.map((q) => q.id), startMs, endMs);
      return queries.map((q) => {
        const points = new Map<number, number>();
        const tg = Object.values(TG).find((arn) => arn.endsWith(q.dimensions.TargetGroup ?? '\u0000'));
        for (let t = startMs; tg && t < endMs; t += 60_000) {
          const m = this.published?.(tg, t);
          const value = m && { RequestCount: m.requests, HTTPCode_Target_5XX_Count: m.target5xx, HTTPCode_Target_4XX_Count: m.target4xx, TargetConnectionErrorCount: m.connectionErrors, TargetResponseTime: m.p99Seconds }[q.metricName];
          if (value !== undefined && (value > 0 || q.metricName === 'TargetResponseTime')) points.set(t, value);
        }
        return { id: q.id, points };
      });
    },
  };

  /** The colour the listener (or rule) sends 100% to, or 'split'. */
  liveColour(target = LISTENER): Colour | 'split' | 'none' {
    const forward = (this.actions.get(target) ?? []).find((a) => a.Type === 'forward');
    const groups = forward?.ForwardConfig?.TargetGroups ?? (forward?.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : []);
    const live = groups.filter((g) => (g.Weight ?? 1) > 0).map((g) => (g.TargetGroupArn === TG.blue ? 'blue' : 'green'));
    if (live.length === 0) return 'none';
    return live.length > 1 ? 'split' : (live[0] as Colour);
  }
}

export const healthy = (id: string): TargetHealth => ({ id, port: 8080, state: 'healthy' });
export const unhealthy = (id: string, reason = 'Target.ResponseCodeMismatch'): TargetHealth => ({ id, port: 8080, state: 'unhealthy', reason });

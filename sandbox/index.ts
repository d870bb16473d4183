// The local AWS sandbox: an AWS endpoint (ELBv2, ECS, SSM, CloudWatch, Route 53) on loopback, an ECS simulator whose
// tasks are real processes, ALB target health checks, a reverse proxy per listener that records CloudWatch's ALB
// metrics, and a fake of GitHub's deployments API (`github`). Start it in-process with startSandbox(); point the SDK
// (or dist/) at `endpoint` via AWS_ENDPOINT_URL and `@actions/github` at `github.url` via GITHUB_API_URL (env()).
import { EventEmitter } from 'node:events';
import { AlarmModel, cloudWatchOperations, type AlarmStateValue } from './cloudwatch/api.js';
import { AlbMetrics } from './cloudwatch/metrics.js';
import { FaultInjector, type FaultSpec } from './core/faults.js';
import { RequestLog, type RequestLogEntry, type ServiceName } from './core/request-log.js';
import type { World } from './core/world.js';
import { ecsOperations } from './ecs/api.js';
import { EcsModel } from './ecs/model.js';
import { NativeDeployments } from './ecs/native.js';
import { Scheduler } from './ecs/scheduler.js';
import { StandaloneTasks } from './ecs/standalone.js';
import { PlainTargets, type TargetPair, type TargetPairOptions } from './target-pair.js';
import { locateTaskServer } from './ecs/task-process.js';
import { elbOperations } from './elb/api.js';
import { HealthChecker } from './elb/health.js';
import { ElbModel, forwardTargets, type Target } from './elb/model.js';
import { DataPlane } from './elb/proxy.js';
import { controlRoutes } from './endpoint/control-api.js';
import { startEndpoint } from './endpoint/server.js';
import { startGitHubFake, type GitHubFake, type GitHubFakeOptions } from './github/server.js';
import { registerTaskDefinition, type TaskDefinitionOptions } from './resources.js';
import { createBlueGreen, type BlueGreenOptions, type BlueGreenScenario } from './scenario.js';
import { createNativeService, type NativeScenario, type NativeServiceOptions, type ServiceDeploymentView } from './native-scenario.js';
import { putParameter, SsmModel, ssmOperations } from './ssm/api.js';
import { createRoute53, route53Operations, type Route53Model, type Route53SandboxOptions } from './route53/sandbox.js';
import { snapshotState, type SandboxState } from './state.js';
import { waitFor } from './wait.js';

export type { BlueGreenOptions, BlueGreenScenario, BlueGreenScenarioJson } from './scenario.js';
export type { TargetPair, TargetPairOptions } from './target-pair.js';
export type { NativeScenario, NativeScenarioJson, NativeServiceOptions, ServiceDeploymentView } from './native-scenario.js';
export type { ServiceDeploymentEvent } from './ecs/native-model.js';
export type { FaultSpec, FaultKind } from './core/faults.js';
export type { RequestLogEntry, ServiceName } from './core/request-log.js';
export type { SandboxState } from './state.js';
export type { GitHubFake, GitHubFakeOptions, GitHubRequest, GitHubFaultSpec, Deployment, DeploymentStatus } from './github/server.js';
export { waitFor, WaitTimeout } from './wait.js';

export interface SandboxOptions extends Route53SandboxOptions {
  region?: string;
  accountId?: string;
  /** Port of the AWS endpoint; 0 (default) picks a free one. */
  port?: number;
  /** Target group defaults (each scenario may override): 1000 ms interval, 500 ms timeout, thresholds 2/2. */
  healthCheckIntervalMs?: number;
  healthCheckTimeoutMs?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  /** How long a deregistered target drains before its task is stopped. Default 1000 ms. */
  deregistrationDelayMs?: number;
  /** ECS scheduler reconcile period. Default 100 ms. */
  ecsTickMs?: number;
  /** SIGTERM → SIGKILL grace for stopping tasks. Default 2000 ms. */
  stopTimeoutMs?: number;
  /** Failed tasks that trip the deployment circuit breaker. Default ECS's max(3, ceil(desired/2)). */
  circuitBreakerThreshold?: number;
  /**
   * How long one ECS "minute" lasts here: bakeTimeInMinutes, canaryBakeTimeInMinutes, stepBakeTimeInMinutes and
   * PAUSE hook timeouts are multiplied by it, and CloudWatch's minute too (GetMetricData's Period 60). Default 60_000.
   */
  minuteMs?: number;
  /** GetMetricData sees a request's ALB metrics this long after the request ended. Default 0.75 × minuteMs. */
  metricsPublicationDelayMs?: number;
  /** ELBv2 quota "Rules per Application Load Balancer, excluding default rules" (CreateRule's TooManyRules). Default 100. */
  maxRulesPerLoadBalancer?: number;
  /** The GitHub fake's refs and default branch. */
  github?: GitHubFakeOptions;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT: put it in AWS_ENDPOINT_URL. */
  endpoint: string;
  region: string;
  accountId: string;
  /** For the SDK against this sandbox (endpoint, region, fake keys), GITHUB_API_URL, and BLUE_GREEN_SANDBOX_MINUTE_MS unless minuteMs is 60_000. */
  env(): Record<string, string>;
  /** The ALB's CloudWatch metrics: `setPublicationDelay(ms)` (a huge delay withholds every datapoint). */
  metrics: Pick<AlbMetrics, 'minuteMs' | 'publicationDelayMs' | 'setPublicationDelay'>;
  /** The fake of GitHub's deployments API (sandbox/github/server.ts); the action's token is any string. */
  github: GitHubFake;
  /** Route 53 (route53/model.ts): hosted zones, record sets, changes; the DNS server's RecordSource. See README. */
  route53: Route53Model;
  /** A pair of target groups without ECS (target-pair.ts), for `engine: traffic`; resolves once blue's targets are healthy. */
  createTargetPair(opts: TargetPairOptions): Promise<TargetPair>;
  /** Builds the blue-green setup (see scenario.ts) and resolves once blue's targets are healthy. */
  createBlueGreen(opts: BlueGreenOptions): Promise<BlueGreenScenario>;
  /** One service with ECS's built-in blue/green (see native-scenario.ts); resolves once v1's tasks are healthy. */
  createNativeService(opts: NativeServiceOptions): Promise<NativeScenario>;
  /** The service's built-in deployments (copies), newest first, with every hook each one created. */
  serviceDeployments(serviceArnOrName: string): ServiceDeploymentView[];
  registerTaskDefinition(opts: TaskDefinitionOptions): string;
  injectFault(spec: FaultSpec): string;
  removeFault(id: string): void;
  clearFaults(): void;
  faults(): FaultSpec[];
  requests(filter?: { service?: ServiceName; operation?: string; since?: number }): RequestLogEntry[];
  requestCounts(filter?: { service?: ServiceName; since?: number }): Record<string, number>;
  clearRequests(): void;
  /**
   * Sets a service's desired count as Application Auto Scaling does (UpdateService with only `desiredCount`,
   * not through the endpoint, so not in the request log): the scheduler starts or stops tasks, with ECS's events.
   * Throws when no ACTIVE service matches, or several do (name the cluster).
   */
  setDesiredCount(selector: { cluster?: string; service: string }, desiredCount: number): void;
  /** Changes the behaviour of a service's running tasks (new tasks still follow their task definition). Returns how many. */
  setTaskBehaviour(selector: { cluster?: string; service: string }, behaviour: string): number;
  /**
   * The next RunTask places no task and answers `failures: [{arn, reason}]`, as ECS does when it finds no
   * capacity (e.g. `RESOURCE:MEMORY`). Once per call.
   */
  failNextRunTask(reason: string): void;
  /** The last lines a standalone task's process wrote (ECS would send them to the task's log driver). */
  taskOutput(taskArn: string): string[];
  /**
   * Writes a new version of a String parameter (created if absent, else overwritten, as PutParameter with
   * Overwrite) whose LastModifiedDate is `at`, e.g. long ago; not in the request log. Returns its version.
   */
  putParameterAt(name: string, value: string, at: Date): number;
  /** Creates or updates a CloudWatch alarm's state. */
  setAlarm(name: string, state: AlarmStateValue, reason?: string): void;
  /** Current targets of a target group (copies). */
  targetHealth(targetGroupArn: string): Target[];
  /** Target group ARN → weight of the forward in a listener's default action or a rule. */
  forwardWeights(listenerOrRuleArn: string): Record<string, number>;
  /** Marks a service INACTIVE (as DeleteService does), stopping its tasks. */
  deleteService(cluster: string, service: string): void;
  state(): SandboxState;
  /** Resolves when `check` returns a truthy value; rejects after the timeout naming `what`. */
  waitFor<T>(check: () => T | undefined | null | false, o?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T>;
  /**
   * Events: `request` (RequestLogEntry), `targetHealth`, `listenerModified`, `ruleCreated`, `ruleModified`,
   * `ruleDeleted` (`{ruleArn, listenerArn}`), `deployment`, `task`, `serviceEvent`, `parameterChanged`, and `serviceDeployment`
   * (`{arn, service, status, lifecycleStage, hookId?, hookStatus?, at}` on each built-in deployment
   * transition and each PAUSE hook change).
   */
  events: EventEmitter;
  /** Kills every task process and closes every server. */
  stop(): Promise<void>;
  /** Internals, for tests of the sandbox itself. */
  world: World;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const account = { region: opts.region ?? 'us-east-1', accountId: opts.accountId ?? '123456789012' };
  const elb = new ElbModel(opts.maxRulesPerLoadBalancer);
  const ecs = new EcsModel();
  const ssm = new SsmModel();
  const alarms = new AlarmModel();
  const route53 = createRoute53(elb, account.region, opts);
  const minuteMs = opts.minuteMs ?? 60_000;
  const metrics = new AlbMetrics(minuteMs, opts.metricsPublicationDelayMs ?? 0.75 * minuteMs);
  const dataPlane = new DataPlane(elb, metrics);
  const scheduler = new Scheduler(ecs, elb, account, locateTaskServer(), {
    tickMs: opts.ecsTickMs ?? 100,
    stopTimeoutMs: opts.stopTimeoutMs ?? 2000,
    circuitBreakerThreshold: opts.circuitBreakerThreshold,
  });
  const native = new NativeDeployments(ecs, elb, scheduler, account, { tickMs: opts.ecsTickMs ?? 100, minuteMs });
  const world: World = {
    account, elb, ecs, ssm, alarms, scheduler, native, dataPlane,
    targetGroupDefaults: {
      healthCheckIntervalMs: opts.healthCheckIntervalMs ?? 1000,
      healthCheckTimeoutMs: opts.healthCheckTimeoutMs ?? 500,
      healthyThreshold: opts.healthyThreshold ?? 2,
      unhealthyThreshold: opts.unhealthyThreshold ?? 2,
      deregistrationDelayMs: opts.deregistrationDelayMs ?? 1000,
    },
  };
  const log = new RequestLog();
  const faults = new FaultInjector();
  const events = new EventEmitter();
  const forward = (emitter: EventEmitter, names: string[]) => {
    for (const n of names) emitter.on(n, (e: unknown) => events.emit(n, e));
  };
  forward(log, ['request']);
  forward(elb.events, ['targetHealth', 'listenerModified', 'ruleCreated', 'ruleModified', 'ruleDeleted']);
  forward(ecs, ['deployment', 'task', 'serviceEvent', 'serviceDeployment']);
  forward(ssm, ['parameterChanged']);

  const health = new HealthChecker(elb);
  const holder: { sandbox?: Sandbox } = {};
  const plainTargets = new PlainTargets(world, locateTaskServer());
  const standalone = new StandaloneTasks(ecs, account, locateTaskServer(), opts.stopTimeoutMs ?? 2000);
  const runTaskFailures: string[] = [];
  const ecsOps = ecsOperations(ecs, scheduler, account, standalone, runTaskFailures, native);
  const updateService = ecsOps.UpdateService;
  if (!updateService) throw new Error('sandbox bug: ECS has no UpdateService');
  const server = await startEndpoint(
    {
      log,
      faults,
      operations: {
        elbv2: elbOperations(elb, account),
        ecs: ecsOps,
        ssm: ssmOperations(ssm, account),
        cloudwatch: cloudWatchOperations(alarms, account, metrics),
        route53: route53Operations(route53),
      },
      control: controlRoutes(() => holder.sandbox as Sandbox),
    },
    opts.port ?? 0,
  );
  const github = await startGitHubFake(opts.github);
  health.start();
  scheduler.start();
  native.start();

  const servicesMatching = (sel: { cluster?: string; service: string }) =>
    ecs.services.filter((s) => s.name === sel.service && (sel.cluster === undefined || s.clusterName === sel.cluster || s.clusterArn === sel.cluster));

  const sandbox: Sandbox = {
    endpoint: server.url,
    region: account.region,
    accountId: account.accountId,
    world,
    events,
    github,
    metrics,
    route53,
    env: () => ({
      ...github.env(),
      AWS_ENDPOINT_URL: server.url,
      AWS_REGION: account.region,
      AWS_DEFAULT_REGION: account.region,
      AWS_ACCESS_KEY_ID: 'AKIASANDBOXEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'sandbox-secret-access-key',
      ...(minuteMs === 60_000 ? {} : { BLUE_GREEN_SANDBOX_MINUTE_MS: String(minuteMs) }),
    }),
    createBlueGreen: (o) => createBlueGreen(world, o),
    createNativeService: (o) => createNativeService(world, o),
    serviceDeployments(ref) {
      return ecs.serviceDeployments
        .filter((d) => d.serviceArn === ref || d.serviceName === ref)
        .reverse()
        .map(({ configuration: _c, allHooks, hooks: _h, ...rest }) => ({ ...structuredClone(rest), hooks: structuredClone(allHooks) }));
    },
    createTargetPair: (o) => plainTargets.create(o),
    registerTaskDefinition: (o) => registerTaskDefinition(world, o),
    injectFault: (spec) => faults.add(spec),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    requests: (f) => log.list(f),
    requestCounts: (f) => log.countByOperation(f),
    clearRequests: () => log.clear(),
    failNextRunTask: (reason) => void runTaskFailures.push(reason),
    taskOutput: (taskArn) => [...(ecs.tasks.find((t) => t.arn === taskArn)?.standalone?.output ?? [])],
    setDesiredCount(sel, desiredCount) {
      const [service, ...more] = servicesMatching(sel).filter((s) => s.status === 'ACTIVE');
      if (!service) throw new Error(`no ACTIVE service ${sel.service}${sel.cluster === undefined ? '' : ` in cluster ${sel.cluster}`}`);
      if (more.length > 0) throw new Error(`service ${sel.service} is in several clusters; name the cluster`);
      // The operation itself, so validation and the scheduler's response cannot drift from UpdateService's.
      updateService({ cluster: service.clusterArn, service: service.arn, desiredCount });
    },
    setTaskBehaviour(sel, behaviour) {
      const services = servicesMatching(sel);
      const tasks = ecs.tasks.filter(
        (t) => t.desiredStatus === 'RUNNING' && services.some((s) => s.name === t.serviceName && s.clusterArn === t.clusterArn),
      );
      for (const t of tasks) scheduler.setBehaviour(t, behaviour);
      return tasks.length;
    },
    putParameterAt: (name, value, at) =>
      putParameter(ssm, account, { Name: name, Value: value, Overwrite: true, ...(ssm.parameters.has(name) ? {} : { Type: 'String' }) }, at).Version,
    setAlarm: (name, state, reason) => alarms.set(name, state, reason),
    targetHealth: (arn) => (elb.targetGroup(arn)?.targets ?? []).map((t) => ({ ...t })),
    forwardWeights(arn) {
      const listener = elb.listener(arn);
      const actions = listener ? listener.defaultActions : elb.rule(arn)?.rule.actions;
      if (!actions) throw new Error(`no listener or rule ${arn}`);
      return Object.fromEntries(forwardTargets(actions).map((g) => [g.arn, g.weight]));
    },
    deleteService(cluster, service) {
      for (const s of servicesMatching({ cluster, service })) {
        scheduler.delegate(s, false); // a built-in deployment in flight ends with the service (native.ts)
        s.desiredCount = 0;
        scheduler.reconcile(s);
        s.status = 'INACTIVE';
      }
    },
    state: () => snapshotState(world),
    waitFor: (check, o) => waitFor(check, o),
    async stop() {
      health.stop();
      native.stop();
      route53.dispose();
      await Promise.all([scheduler.stop(), standalone.shutdown(), plainTargets.shutdown()]);
      elb.dispose();
      await Promise.all([dataPlane.close(), server.close(), github.stop()]);
    },
  };
  holder.sandbox = sandbox;
  return sandbox;
}

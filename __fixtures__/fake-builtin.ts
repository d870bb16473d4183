// An in-memory ECS built-in blue/green for the engine: ecs flow tests: one service, and each deployment a
// script of stages that advances one step per describe (as a poller sees ECS move), pausing where the
// script says until ContinueServiceDeployment, and rolling back on ROLLBACK or StopServiceDeployment.
import type { BuiltInService, ServiceDeploymentsPort, ServiceDeploymentState, ServiceDeploymentSummary } from '../src/aws/ports.js';
import { REGION, ACCOUNT, RULE, TG, taskDefArn } from './fake-aws.js';

export const TEST_RULE = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/shop/50dc6c495c0c9188/aaaaaaaaaaaaaaaa/1111b2d02a6cabee`;

/** One step of a deployment's script: a stage, optionally paused there, with the production weight ECS requests. */
export interface ScriptStep {
  stage: string;
  pause?: boolean;
  productionWeight?: number;
  /** ECS acts on its own here: rolls back (a hook timed out, its alarm) or stops the deployment. */
  ecs?: { status: 'ROLLBACK_REQUESTED' | 'STOPPED'; reason: string };
}

export const BLUE_GREEN_SCRIPT: ScriptStep[] = [
  { stage: 'PRE_SCALE_UP' },
  { stage: 'SCALE_UP' },
  { stage: 'POST_SCALE_UP' },
  { stage: 'TEST_TRAFFIC_SHIFT' },
  { stage: 'POST_TEST_TRAFFIC_SHIFT', pause: true },
  { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' },
  { stage: 'PRODUCTION_TRAFFIC_SHIFT', productionWeight: 100 },
  { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', productionWeight: 100 },
  { stage: 'BAKE_TIME', productionWeight: 100 },
  { stage: 'CLEAN_UP', productionWeight: 100 },
];

interface Running {
  state: ServiceDeploymentState;
  script: ScriptStep[];
  step: number;
  taskDefinitionArn: string;
  hookSeq: number;
}

export class FakeDeployments implements ServiceDeploymentsPort {
  readonly calls: string[] = [];
  readonly running: Running[] = [];
  service: BuiltInService = {
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/shop/shop-blue`,
    serviceName: 'shop-blue',
    status: 'ACTIVE',
    controller: 'ECS',
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 1,
    hooks: [{ targetType: 'PAUSE', stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 60, timeoutAction: 'ROLLBACK' }],
    loadBalancers: [{ targetGroupArn: TG.blue, alternateTargetGroupArn: TG.green, productionListenerRule: RULE, testListenerRule: TEST_RULE }],
    taskDefinitionArn: taskDefArn(1),
    desiredCount: 2,
    runningCount: 2,
  };
  /** The script the next deployment follows. */
  script: ScriptStep[] = BLUE_GREEN_SCRIPT;
  /** Deployments ECS finished before the test (newest first), for mode: rollback. */
  history: ServiceDeploymentState[] = [];
  private seq = 0;

  /** What UpdateService does here: a new deployment of the task definition, PENDING until first described. */
  start(taskDefinitionArn: string): string {
    this.seq += 1;
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/shop/shop-blue/d${this.seq}`;
    this.running.unshift({
      state: { arn, status: 'PENDING', createdAt: Date.now(), sources: [{ arn: 'rev-source', productionWeight: 100 }], target: { arn: `rev-${this.seq}`, productionWeight: 0, requestedTaskCount: 2 }, hooks: [] },
      script: this.script,
      step: -1,
      taskDefinitionArn,
      hookSeq: 0,
    });
    return arn;
  }

  private find(arn: string): Running {
    const r = this.running.find((x) => x.state.arn === arn);
    if (!r) throw Object.assign(new Error('The service deployment does not exist.'), { name: 'ServiceDeploymentNotFoundException' });
    return r;
  }

  /** One step forward, unless paused or finished. */
  private advance(r: Running): void {
    const s = r.state;
    if (['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'STOPPED', 'ROLLBACK_FAILED'].includes(s.status)) return;
    if (s.status === 'ROLLBACK_REQUESTED') {
      s.status = 'ROLLBACK_IN_PROGRESS';
      return;
    }
    if (s.status === 'ROLLBACK_IN_PROGRESS') {
      s.status = 'ROLLBACK_SUCCESSFUL';
      if (s.target) s.target.productionWeight = 0;
      s.finishedAt = Date.now();
      return;
    }
    if (s.hooks.some((h) => h.status === 'AWAITING_ACTION')) return;
    r.step += 1;
    const next = r.script[r.step];
    if (!next) {
      s.status = 'SUCCESSFUL';
      s.finishedAt = Date.now();
      return;
    }
    s.status = next.ecs?.status ?? 'IN_PROGRESS';
    if (next.ecs) s.statusReason = next.ecs.reason;
    s.lifecycleStage = next.stage;
    if (s.target && next.productionWeight !== undefined) s.target.productionWeight = next.productionWeight;
    r.hookSeq += 1;
    s.hooks = next.pause ? [{ hookId: `ecs-pause-${r.state.arn.slice(-2)}h${r.hookSeq}`, targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: Date.now() + 3_600_000, timeoutAction: 'ROLLBACK' }] : [];
  }

  describeService = async (): Promise<BuiltInService> => {
    this.calls.push('describeService');
    return structuredClone(this.service);
  };

  list = async (_cluster: string, _service: string, filter: { statuses?: string[]; createdAfter?: number } = {}): Promise<ServiceDeploymentSummary[]> => {
    this.calls.push(`list ${filter.statuses?.join(',') ?? 'all'}`);
    return [...this.running.map((r) => r.state), ...this.history]
      .filter((d) => !filter.statuses || filter.statuses.includes(d.status))
      .map((d) => ({ arn: d.arn, status: d.status, ...(d.createdAt ? { createdAt: d.createdAt } : {}), ...(d.target ? { targetRevisionArn: d.target.arn } : {}) }));
  };

  describe = async (arn: string): Promise<ServiceDeploymentState> => {
    this.calls.push('describe');
    const done = this.history.find((d) => d.arn === arn);
    if (done) return structuredClone(done);
    const r = this.find(arn);
    const seen = structuredClone(r.state);
    this.advance(r);
    return seen;
  };

  resume = async (arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void> => {
    this.calls.push(`resume ${action} at ${this.find(arn).state.lifecycleStage ?? '?'}`);
    const r = this.find(arn);
    const hook = r.state.hooks.find((h) => h.hookId === hookId && h.status === 'AWAITING_ACTION');
    if (!hook) throw Object.assign(new Error('Provided hookId is either completed, unavailable, or not associated with the given Resource ARN'), { name: 'ClientException' });
    hook.status = action === 'CONTINUE' ? 'SUCCEEDED' : 'FAILED';
    if (action === 'ROLLBACK') r.state.status = 'ROLLBACK_REQUESTED';
  };

  rollBack = async (arn: string): Promise<void> => {
    this.calls.push(`stop at ${this.find(arn).state.lifecycleStage ?? '?'}`);
    const r = this.find(arn);
    if (['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'STOPPED', 'ROLLBACK_FAILED'].includes(r.state.status)) throw Object.assign(new Error('conflict'), { name: 'ConflictException' });
    r.state.status = 'ROLLBACK_REQUESTED';
  };

  revisionTaskDefinition = async (revisionArn: string): Promise<string> => {
    this.calls.push('revisionTaskDefinition');
    if (revisionArn === 'rev-source') return taskDefArn(1);
    const r = this.running.find((x) => x.state.target?.arn === revisionArn);
    return r?.taskDefinitionArn ?? taskDefArn(1);
  };
}

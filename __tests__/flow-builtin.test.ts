// engine: ecs, the parts that decide without a running ECS: the service check (every misconfiguration an
// input error saying what to change), how a rollback is asked for in each state, the post step's safety
// net, and the status lines. The deployment itself is followed end to end against the sandbox (e2e/builtin-engine.test.ts).
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { BuiltInService, ServiceDeploymentsPort, ServiceDeploymentState, SsmPort } from '../src/aws/ports.js';

const core = await import('../__fixtures__/core.js');
jest.unstable_mockModule('@actions/core', () => core);

const { checkBuiltInService } = await import('../src/engines/ecs/service.js');
const { requestRollback } = await import('../src/engines/ecs/rollback.js');
const { postBuiltIn } = await import('../src/engines/ecs/post.js');
const { describeDeployment } = await import('../src/engines/ecs/modes.js');
const { makeConfig } = await import('../__fixtures__/config.js');
const { MemoryState } = await import('../__fixtures__/flow.js');

const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-a/0123456789abcdef';
const TG_B = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-b/fedcba9876543210';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const TEST_RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/alb/50dc6c495c0c9188/0123456789abcdef/1111b2d02a6cabee';
const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/shop/NCWGC2ZR-taawPAYrIaU5';

const config = makeConfig({ engine: 'ecs', service: 'shop', health: { ...makeConfig().health, url: 'https://test.shop.example.com/health' } });

const service = (over: Partial<BuiltInService> = {}): BuiltInService => ({
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/shop/shop',
  serviceName: 'shop',
  status: 'ACTIVE',
  controller: 'ECS',
  strategy: 'BLUE_GREEN',
  bakeTimeInMinutes: 5,
  hooks: [{ targetType: 'PAUSE', stages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutInMinutes: 60, timeoutAction: 'ROLLBACK' }],
  loadBalancers: [{ targetGroupArn: TG_A, alternateTargetGroupArn: TG_B, productionListenerRule: RULE, testListenerRule: TEST_RULE }],
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1',
  desiredCount: 2,
  runningCount: 2,
  ...over,
});

const deployment = (over: Partial<ServiceDeploymentState> = {}): ServiceDeploymentState => ({ arn: ARN, status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', sources: [], hooks: [], ...over });

/** A ServiceDeploymentsPort whose describe answers from a list (the last one repeats), recording every call. */
function fakePort(states: ServiceDeploymentState[], over: Partial<ServiceDeploymentsPort> = {}) {
  const calls: string[] = [];
  let i = 0;
  const port: ServiceDeploymentsPort = {
    describeService: async () => service(),
    list: async () => {
      calls.push('list');
      return [{ arn: ARN, status: 'IN_PROGRESS' }];
    },
    describe: async () => {
      calls.push('describe');
      const s = states[Math.min(i, states.length - 1)] as ServiceDeploymentState;
      i += 1;
      return s;
    },
    resume: async (_arn, hookId, action) => {
      calls.push(`resume ${hookId} ${action}`);
    },
    rollBack: async () => {
      calls.push('stop ROLLBACK');
    },
    revisionTaskDefinition: async () => 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1',
    ...over,
  };
  return { port, calls };
}

const awsError = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => {
  jest.clearAllMocks();
});

describe('the service check', () => {
  it('accepts a BLUE_GREEN service with a PAUSE at POST_TEST_TRAFFIC_SHIFT: the new revision goes to the alternate group', () => {
    const setup = checkBuiltInService(config, service(), [{ Type: 'forward' }]);
    expect(setup).toMatchObject({ newTargetGroup: TG_B, liveTargetGroup: TG_A, productionRule: RULE, testRule: TEST_RULE });
    expect([...setup.pauseStages]).toEqual(['POST_TEST_TRAFFIC_SHIFT']);
  });

  it('lists every problem at once, each with its fix, as an input error on `service`', () => {
    let error: Error | undefined;
    try {
      checkBuiltInService(config, service({ controller: 'CODE_DEPLOY', strategy: 'ROLLING', hooks: [], loadBalancers: [{ targetGroupArn: TG_A }] }), undefined);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('InputError');
    expect(error?.message).toContain("Input 'service' is invalid");
    expect(error?.message).toContain('deploymentController.type is CODE_DEPLOY: set it to ECS');
    expect(error?.message).toContain('deploymentConfiguration.strategy is ROLLING: set it to BLUE_GREEN, CANARY or LINEAR');
    expect(error?.message).toContain('has no advancedConfiguration');
    expect(error?.message).toContain('no PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT: add {targetType: PAUSE, lifecycleStages: [POST_TEST_TRAFFIC_SHIFT]');
  });

  it('needs a test rule when health-check-url must reach the new revision', () => {
    const lb = { targetGroupArn: TG_A, alternateTargetGroupArn: TG_B, productionListenerRule: RULE };
    expect(() => checkBuiltInService(config, service({ loadBalancers: [lb] }), [{ Type: 'forward' }])).toThrow(/has no testListenerRule, so health-check-url/);
    expect(() => checkBuiltInService({ ...config, health: { ...config.health, url: undefined } } as typeof config, service({ loadBalancers: [lb] }), [{ Type: 'forward' }])).not.toThrow();
  });

  it('refuses a production rule that mixes forward with authentication, which AWS documents as unsupported', () => {
    expect(() => checkBuiltInService(config, service(), [{ Type: 'authenticate-oidc' }, { Type: 'forward' }])).toThrow(/mixes forward with authenticate-oidc: AWS documents that built-in blue\/green does not support/);
  });

  it('refuses a production listener (NLB style) where an ALB rule is needed', () => {
    const listener = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/nlb/50dc6c495c0c9188/f2f7dc8efc522ab2';
    expect(() => checkBuiltInService(config, service({ loadBalancers: [{ targetGroupArn: TG_A, alternateTargetGroupArn: TG_B, productionListenerRule: listener, testListenerRule: TEST_RULE }] }), undefined)).toThrow(/is not an Application Load Balancer listener rule ARN/);
  });
});

describe('asking ECS to roll back', () => {
  it('answers a waiting PAUSE hook with ROLLBACK', async () => {
    const { port, calls } = fakePort([deployment({ hooks: [{ hookId: 'ecs-pause-abc', targetType: 'PAUSE', status: 'AWAITING_ACTION' }] })]);
    expect(await requestRollback(port, ARN)).toBe('continue-rollback');
    expect(calls).toEqual(['describe', 'resume ecs-pause-abc ROLLBACK']);
  });

  it('stops with ROLLBACK between pauses, and when the hook was answered in between', async () => {
    const between = fakePort([deployment({ lifecycleStage: 'BAKE_TIME' })]);
    expect(await requestRollback(between.port, ARN)).toBe('stop-rollback');
    expect(between.calls).toEqual(['describe', 'stop ROLLBACK']);
    const raced = fakePort([deployment({ hooks: [{ hookId: 'ecs-pause-abc', targetType: 'PAUSE', status: 'AWAITING_ACTION' }] })], {
      resume: async () => Promise.reject(awsError('ClientException')),
    });
    expect(await requestRollback(raced.port, ARN)).toBe('stop-rollback');
  });

  it('does nothing to a deployment already rolling back or finished (also when it finishes during the call)', async () => {
    expect(await requestRollback(fakePort([deployment({ status: 'ROLLBACK_IN_PROGRESS' })]).port, ARN)).toBe('already-rolling-back');
    expect(await requestRollback(fakePort([deployment({ status: 'SUCCESSFUL' })]).port, ARN)).toBe('finished');
    const late = fakePort([deployment({ lifecycleStage: 'CLEAN_UP' })], { rollBack: async () => Promise.reject(awsError('ConflictException')) });
    expect(await requestRollback(late.port, ARN)).toBe('finished');
  });
});

describe('the post step of engine: ecs', () => {
  const ssm: SsmPort = { get: async () => undefined, history: async () => undefined, put: async () => undefined, putIfAbsent: async () => true, delete: async () => undefined };
  const saved = (values: Record<string, string>) => new MemoryState(undefined, new Map(Object.entries(values)));
  const inFlight = JSON.stringify({ cluster: 'shop', service: 'shop', startedAfter: Date.now() - 10_000, arn: ARN });

  it('rolls back a deployment main left waiting at a pause, and reports what ECS shows then', async () => {
    const paused = deployment({ hooks: [{ hookId: 'ecs-pause-abc', targetType: 'PAUSE', status: 'AWAITING_ACTION' }] });
    const { port, calls } = fakePort([paused, paused, deployment({ status: 'ROLLBACK_IN_PROGRESS' }), deployment({ status: 'ROLLBACK_SUCCESSFUL' })]);
    const state = saved({ phase: 'deploying', 'service-deployment': inFlight });
    const result = await postBuiltIn({ deployments: port, ssm }, state, { pollMs: 1 });
    expect(calls).toContain('resume ecs-pause-abc ROLLBACK');
    expect(result).toMatchObject({ restored: true, outcome: 'restored' });
    expect(result.failure).toContain("Main did not finish (phase 'deploying'); the post step rolled back service deployment");
    expect(result.failure).toContain('ECS reports ROLLBACK_SUCCESSFUL (read back)');
    expect(state.values.get('phase')).toBe('done');
  });

  it('finds the deployment by time when main died before it knew the ARN', async () => {
    const { port, calls } = fakePort([deployment({ lifecycleStage: 'SCALE_UP' }), deployment({ lifecycleStage: 'SCALE_UP' }), deployment({ status: 'ROLLBACK_SUCCESSFUL' })]);
    const state = saved({ phase: 'deploying', 'service-deployment': JSON.stringify({ cluster: 'shop', service: 'shop', startedAfter: Date.now() - 5_000 }) });
    const result = await postBuiltIn({ deployments: port, ssm }, state, { pollMs: 1 });
    expect(calls.slice(0, 3)).toEqual(['list', 'describe', 'describe']);
    expect(calls).toContain('stop ROLLBACK');
    expect(result.outcome).toBe('restored');
  });

  it('leaves a finished deployment alone, and does nothing after main reported', async () => {
    const done = fakePort([deployment({ status: 'SUCCESSFUL' })]);
    const result = await postBuiltIn({ deployments: done.port, ssm }, saved({ phase: 'deploying', 'service-deployment': inFlight }), { pollMs: 1 });
    expect(result).toMatchObject({ restored: false, outcome: 'settled' });
    expect(done.calls).not.toContain('stop ROLLBACK');
    const reported = fakePort([]);
    expect(await postBuiltIn({ deployments: reported.port, ssm }, saved({ phase: 'done', 'service-deployment': inFlight }))).toEqual({ restored: false });
    expect(reported.calls).toEqual([]);
  });

  it('says plainly when it could not roll back', async () => {
    const { port } = fakePort([deployment()], { resume: async () => Promise.reject(new Error('AccessDenied')), rollBack: async () => Promise.reject(new Error('AccessDeniedException: not authorized')) });
    const result = await postBuiltIn({ deployments: port, ssm }, saved({ phase: 'deploying', 'service-deployment': inFlight }), { pollMs: 1 });
    expect(result.outcome).toBe('not-restored');
    expect(result.failure).toContain('could not roll back');
    expect(result.failure).toContain('Check the service in the ECS console');
  });
});

describe('status lines', () => {
  it("name the stage, both revisions' weights and the hook waiting with its expiry", () => {
    const lines = describeDeployment(
      deployment({
        lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
        target: { arn: 'arn:aws:ecs:us-east-1:1:service-revision/shop/shop/2', productionWeight: 10, testWeight: 100, runningTaskCount: 2, requestedTaskCount: 2 },
        sources: [{ arn: 'arn:aws:ecs:us-east-1:1:service-revision/shop/shop/1', productionWeight: 90, testWeight: 0, runningTaskCount: 2, requestedTaskCount: 2 }],
        hooks: [{ hookId: 'ecs-pause-abc', targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: Date.parse('2026-11-28T12:00:00Z'), timeoutAction: 'ROLLBACK' }],
      }),
    );
    expect(lines).toEqual([
      `Newest deployment ${ARN}: IN_PROGRESS at PRE_PRODUCTION_TRAFFIC_SHIFT.`,
      'New revision 2: production 10%, test 100%, 2/2 tasks.',
      'Previous revision 1: production 90%, test 0%, 2/2 tasks.',
      'Waiting: PAUSE hook ecs-pause-abc until 2026-11-28T12:00:00.000Z (then ROLLBACK).',
    ]);
  });
});

// A blue-green pair without ECS, for the action's `engine: traffic`: two target groups filled by something
// else (an Auto Scaling group's instances, say), here plain task-server processes registered as targets and
// health-checked like any other, behind the same ALB listeners and SSM record as createBlueGreen's.
import { ssmOperations } from './ssm/api.js';
import type { World } from './core/world.js';
import { createListener, createLoadBalancer, createTargetGroup, forwardTo } from './resources.js';
import { startTaskProcess, type TaskProcess } from './ecs/task-process.js';
import { waitFor } from './wait.js';

type Colour = 'blue' | 'green';

export interface TargetPairOptions {
  /** Letters, digits and hyphens: names the target groups, the ALB and the parameter. */
  name: string;
  /** How many processes blue starts with (v1, healthy). Default 2. */
  targets?: number;
  withTestListener?: boolean;
}

export interface TargetPair {
  targetGroups: Record<Colour, string>;
  listenerArn: string;
  testListenerArn?: string;
  prodUrl: string;
  testUrl?: string;
  parameterName: string;
  /** Replaces a colour's targets with `count` new processes of this version and behaviour; resolves once registered. */
  replaceTargets(colour: Colour, o: { count: number; version: string; behaviour?: string }): Promise<void>;
}

/** The processes behind every pair's targets; `shutdown` kills them (sandbox.stop). */
export class PlainTargets {
  private readonly running = new Map<string, { proc: TaskProcess; port: number }[]>();

  constructor(
    private readonly world: World,
    private readonly taskServerPath: string,
  ) {}

  async create(o: TargetPairOptions): Promise<TargetPair> {
    const world = this.world;
    const tgs = { blue: createTargetGroup(world, { name: `${o.name}-blue` }), green: createTargetGroup(world, { name: `${o.name}-green` }) };
    const lb = createLoadBalancer(world, `${o.name}-alb`);
    const prod = await createListener(world, lb, [forwardTo([[tgs.blue.arn, 100], [tgs.green.arn, 0]])]);
    const test = o.withTestListener ? await createListener(world, lb, [forwardTo([[tgs.green.arn, 100], [tgs.blue.arn, 0]])]) : undefined;
    const parameterName = `/${o.name}/live-color`;
    ssmOperations(world.ssm, world.account).PutParameter?.({ Name: parameterName, Value: 'blue', Type: 'String', Overwrite: true });
    const pair: TargetPair = {
      targetGroups: { blue: tgs.blue.arn, green: tgs.green.arn },
      listenerArn: prod.arn,
      ...(test ? { testListenerArn: test.arn, testUrl: `http://127.0.0.1:${test.port}` } : {}),
      prodUrl: `http://127.0.0.1:${prod.port}`,
      parameterName,
      replaceTargets: (colour, r) => this.replace(tgs[colour].arn, colour, r),
    };
    const count = o.targets ?? 2;
    await pair.replaceTargets('blue', { count, version: 'v1' });
    await waitFor(() => tgs.blue.targets.filter((t) => t.state === 'healthy').length === count, { timeoutMs: 30_000, what: `blue's ${count} targets healthy` });
    return pair;
  }

  async shutdown(): Promise<void> {
    const all = [...this.running.values()].flat();
    this.running.clear();
    await Promise.all(all.map(({ proc }) => (proc.child.kill('SIGKILL'), proc.exited)));
  }

  /** New processes first, registered; then the old ones deregistered (drained) and stopped, as a rolling instance refresh. */
  async replace(tgArn: string, colour: Colour, o: { count: number; version: string; behaviour?: string }): Promise<void> {
    const started = Array.from({ length: o.count }, () =>
      startTaskProcess(this.taskServerPath, { SANDBOX_VERSION: o.version, SANDBOX_BEHAVIOUR: o.behaviour ?? 'healthy', SANDBOX_COLOUR: colour }),
    );
    const fresh = await Promise.all(started.map(async (proc) => ({ proc, port: await proc.ready })));
    for (const t of fresh) this.world.elb.registerTarget(tgArn, '127.0.0.1', t.port);
    const old = this.running.get(tgArn) ?? [];
    this.running.set(tgArn, fresh);
    await Promise.all(old.map((t) => this.world.elb.deregisterTarget(tgArn, '127.0.0.1', t.port)));
    await Promise.all(old.map(({ proc }) => (proc.child.kill('SIGTERM'), proc.exited)));
  }
}

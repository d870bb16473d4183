// Two load balancers for DNS blue-green (`engine: dns`): each colour has its own target group behind its own ALB,
// and each ALB has a loopback address of its own (127.0.1.N) with its listener on a port both share, so a client
// that resolves the shared name connects to `<resolved address>:<port>` and the DNS answer alone picks the colour.
// The targets are plain task-server processes (PlainTargets), as for createTargetPair.
import type { World } from './core/world.js';
import { createListenersOnSharedPort, createLoadBalancer, createTargetGroup, forwardTo } from './resources.js';
import type { PlainTargets } from './target-pair.js';
import { waitFor } from './wait.js';

type Colour = 'blue' | 'green';

export interface DnsPairOptions {
  /** Letters, digits and hyphens: names the target groups (`<name>-blue`, …) and ALBs (`<name>-blue-alb`, …). */
  name: string;
  /** Processes blue starts with (v1, healthy). Default 2. */
  targets?: number;
  /** Processes green starts with (v2, healthy). Default 0: fill it later with replaceTargets. */
  greenTargets?: number;
}

export interface DnsPairLoadBalancer {
  arn: string;
  /** DescribeLoadBalancers' DNSName: what a Route 53 alias record names (ElbModel.loadBalancerAddress resolves it). */
  dnsName: string;
  /** Its own loopback address. */
  address: string;
  listenerArn: string;
  /** http://<address>:<port>, straight to this colour. */
  url: string;
}

export interface DnsPair {
  targetGroups: Record<Colour, string>;
  loadBalancers: Record<Colour, DnsPairLoadBalancer>;
  /** The port both listeners serve on. */
  port: number;
  /** Replaces a colour's targets with `count` new processes of this version and behaviour; resolves once registered. */
  replaceTargets(colour: Colour, o: { count: number; version: string; behaviour?: string }): Promise<void>;
}

/** Resolves once each colour's starting targets are healthy. */
export async function createDnsPair(world: World, targets: PlainTargets, o: DnsPairOptions): Promise<DnsPair> {
  const colours: Colour[] = ['blue', 'green'];
  const tgs = { blue: createTargetGroup(world, { name: `${o.name}-blue` }), green: createTargetGroup(world, { name: `${o.name}-green` }) };
  const lbs = { blue: createLoadBalancer(world, `${o.name}-blue-alb`, { ownAddress: true }), green: createLoadBalancer(world, `${o.name}-green-alb`, { ownAddress: true }) };
  const [blue, green] = await createListenersOnSharedPort(
    world,
    colours.map((c) => ({ lb: lbs[c], defaultActions: [forwardTo([[tgs[c].arn, 100]])] })),
  );
  if (!blue || !green) throw new Error('sandbox bug: createListenersOnSharedPort returned fewer listeners than asked');
  const listeners = { blue, green };
  const view = (c: Colour): DnsPairLoadBalancer => {
    const address = lbs[c].address ?? '127.0.0.1';
    return { arn: lbs[c].arn, dnsName: lbs[c].dnsName, address, listenerArn: listeners[c].arn, url: `http://${address}:${blue.port}` };
  };
  const pair: DnsPair = {
    targetGroups: { blue: tgs.blue.arn, green: tgs.green.arn },
    loadBalancers: { blue: view('blue'), green: view('green') },
    port: blue.port,
    replaceTargets: (colour, r) => targets.replace(tgs[colour].arn, colour, r),
  };
  const counts = { blue: o.targets ?? 2, green: o.greenTargets ?? 0 };
  for (const c of colours) {
    if (counts[c] === 0) continue;
    await pair.replaceTargets(c, { count: counts[c], version: c === 'blue' ? 'v1' : 'v2' });
    await waitFor(() => tgs[c].targets.filter((t) => t.state === 'healthy').length === counts[c], { timeoutMs: 30_000, what: `${c}'s ${counts[c]} targets healthy` });
  }
  return pair;
}

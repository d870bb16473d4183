// Checks across inputs: each is valid alone, but together they must describe one blue-green pair
// behind one ALB in one region.
import { InputError } from '../errors.js';
import type { Mode, TaskDefinitionSource, VerifyRouteInput } from '../types.js';
import {
  partitionOf,
  ruleBelongsToListener,
  type EcsResource,
  type ListenerArn,
  type ListenerRuleArn,
  type ParsedArn,
  type TargetGroupArn,
} from './aws-resources.js';
import type { InputName, InputReader } from './contract.js';
import { COLOR_PLACEHOLDER } from './health.js';
import { containerListing, containerNames, loadTaskDefinitionFile } from './task-definition.js';

export function checkServices(inputs: InputReader, cluster?: EcsResource, blue?: EcsResource, green?: EcsResource): void {
  if (blue && green && blue.name === green.name) {
    inputs.report(new InputError('green-service', green.value, 'a different service from blue-service: each colour needs its own'));
  }
  for (const [name, service] of [['blue-service', blue], ['green-service', green]] as const) {
    if (cluster && service?.clusterName && service.clusterName !== cluster.name) {
      inputs.report(
        new InputError(name, service.value, `a service of the cluster in the cluster input (${cluster.name}); this ARN names cluster ${service.clusterName}`),
      );
    }
  }
}

export interface LoadBalancerInputs {
  blue?: TargetGroupArn;
  green?: TargetGroupArn;
  listener?: ListenerArn;
  rule?: ListenerRuleArn;
  testListener?: ListenerArn;
}

export function checkLoadBalancer(inputs: InputReader, { blue, green, listener, rule, testListener }: LoadBalancerInputs): void {
  if (blue && green && blue.arn === green.arn) {
    inputs.report(new InputError('green-target-group-arn', green.arn, 'a different target group from blue-target-group-arn: each colour needs its own'));
  }
  if (!listener) return;
  if (rule && !ruleBelongsToListener(rule, listener)) {
    inputs.report(
      new InputError('listener-rule-arn', rule.arn, `a rule of the listener in listener-arn (${listener.arn}); this rule belongs to another listener`),
    );
  }
  if (testListener?.arn === listener.arn) {
    inputs.report(
      new InputError('test-listener-arn', testListener.arn, 'a listener other than listener-arn (the test listener sends traffic to the idle colour)'),
    );
  } else if (testListener && testListener.loadBalancerId !== listener.loadBalancerId) {
    // ALB quotas: one load balancer per target group, so the test listener must be on the same ALB.
    inputs.report(
      new InputError(
        'test-listener-arn',
        testListener.arn,
        `a listener of the same load balancer as listener-arn (${listener.loadBalancerName}): a target group can serve only one load balancer`,
      ),
    );
  }
  // Target groups and listeners of one ALB live in one account.
  const sameAccount: [InputName, ParsedArn | undefined][] = [
    ['blue-target-group-arn', blue],
    ['green-target-group-arn', green],
    ['listener-rule-arn', rule],
    ['test-listener-arn', testListener],
  ];
  for (const [name, arn] of sameAccount) {
    if (arn && arn.account !== listener.account) {
      inputs.report(new InputError(name, arn.arn, `a resource in account ${listener.account}, the account of listener-arn`));
    }
  }
}

/** Every ARN must be in aws-region and its partition: the action's clients talk to that region only. */
export function checkRegion(inputs: InputReader, region: string, arns: [InputName, ParsedArn | undefined][]): void {
  const partition = partitionOf(region);
  for (const [name, arn] of arns) {
    if (!arn) continue;
    if (arn.region !== region) {
      inputs.report(new InputError(name, arn.arn, `a resource in ${region} (aws-region): this ARN is in ${arn.region}`));
    } else if (arn.partition !== partition) {
      inputs.report(new InputError(name, arn.arn, `an ARN of partition ${partition}, which holds ${region}`));
    }
  }
}

/** `image` and `container-name` come as a pair, and a file must have that container. */
export function checkImageRendering(
  inputs: InputReader,
  taskDefinition: TaskDefinitionSource | undefined,
  containerName: string | undefined,
  image: string | undefined,
): void {
  if (image !== undefined && containerName === undefined) {
    inputs.report(new InputError('container-name', '', `the container to render image ${image} into: image needs container-name`));
  } else if (containerName !== undefined && image === undefined) {
    inputs.report(new InputError('image', '', `the image to render into container ${containerName}: container-name needs image`));
  }
  if (image !== undefined && /\s/.test(image)) {
    inputs.report(new InputError('image', image, 'an image reference without spaces, such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3'));
  }
  if (taskDefinition?.kind === 'file' && containerName !== undefined) {
    const names = inputs.attempt(() => containerNames(loadTaskDefinitionFile(taskDefinition.path)));
    if (names && !names.includes(containerName)) {
      inputs.report(new InputError('container-name', containerName, `${containerListing(names)} (${taskDefinition.path})`));
    }
  }
}

/**
 * The pre-switch check must look at the colour being checked. A URL without `{color}` reaches what
 * production serves — the live colour — so it would pass for any release however broken, unless it goes
 * through the test listener or the verification rule (the header route adds the run's secret header, and
 * proves the URL reaches that rule before it trusts it). Only the modes that verify a colour use it.
 */
export function checkProbeSeesTarget(inputs: InputReader, mode: Mode | undefined, url: string | undefined, testListener: ListenerArn | undefined, route: VerifyRouteInput | undefined): void {
  if (route === 'forward' && testListener) {
    inputs.report(new InputError('verify-route', 'forward', 'auto or header with test-listener-arn: the idle colour is checked through the test listener (auto) or the verification rule (header); forward is for setups with neither'));
  }
  if (mode === 'status' || url === undefined || url.includes(COLOR_PLACEHOLDER) || testListener || route !== 'forward') return;
  inputs.report(
    new InputError(
      'health-check-url',
      url,
      `a URL that reaches only the colour being checked: without ${COLOR_PLACEHOLDER}, test-listener-arn or the verification rule (verify-route: forward) it reaches what production serves, the live colour, and would pass for any release. ` +
        `Put ${COLOR_PLACEHOLDER} in it (e.g. https://${COLOR_PLACEHOLDER}.internal.example.com/health, an address per colour), set test-listener-arn and give the test listener's address here, or set verify-route: auto (the default) and give the production address`,
    ),
  );
}

// The action's inputs for a sandbox blue-green scenario: what a workflow would pass, pointed at the sandbox's
// listeners. Shared by the demo and the bench so both deploy exactly the same way.
import type { BlueGreenScenario } from '../scenario.js';
import type { NativeScenario } from '../native-scenario.js';

export interface DeployTimings {
  /** `health-check-interval`, e.g. `500ms`. */
  interval: string;
  /** `health-check-timeout`; at most the interval. */
  timeout: string;
  healthyThreshold: number;
  unhealthyThreshold: number;
  bakeTime: string;
}

/** Fast enough for a demo on one machine, slow enough that a loaded 2-core box does not time probes out. */
export const DEMO_TIMINGS: Readonly<DeployTimings> = {
  interval: '500ms',
  timeout: '400ms',
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  bakeTime: '6s',
};

/** The pair's own inputs and the probes' timings for `mode: deploy` of `taskDefinitionArn`: how the idle colour is reached is the caller's. */
export function pairInputs(sc: BlueGreenScenario, taskDefinitionArn: string, timings: DeployTimings): Record<string, string> {
  return {
    cluster: sc.clusterName,
    'blue-service': sc.services.blue.name,
    'green-service': sc.services.green.name,
    'blue-target-group-arn': sc.targetGroups.blue,
    'green-target-group-arn': sc.targetGroups.green,
    'listener-arn': sc.listenerArn,
    'state-parameter': sc.parameterName,
    'task-definition': taskDefinitionArn,
    'health-check-interval': timings.interval,
    'health-check-timeout': timings.timeout,
    'healthy-threshold': String(timings.healthyThreshold),
    'unhealthy-threshold': String(timings.unhealthyThreshold),
    'bake-time': timings.bakeTime,
    'wait-timeout': '2m',
  };
}

/**
 * Inputs for `mode: deploy` of `taskDefinitionArn`. Before the switch the idle colour is checked through the test
 * listener's health path; after it, the production listener's `/` is probed: user-facing traffic, which is what a
 * `degrade-after-traffic` task starts failing on.
 */
export function deployInputs(sc: BlueGreenScenario, taskDefinitionArn: string, timings: DeployTimings): Record<string, string> {
  if (!sc.testUrl || !sc.testListenerArn) throw new Error('deployInputs needs a scenario created with withTestListener: true');
  return {
    ...pairInputs(sc, taskDefinitionArn, timings),
    'test-listener-arn': sc.testListenerArn,
    'health-check-url': `${sc.testUrl}/health`,
    'post-switch-health-check-url': `${sc.prodUrl}/`,
  };
}

/**
 * Inputs for `engine: ecs`, `mode: deploy` of `taskDefinitionArn` on a built-in blue/green service: the gate probes
 * the test rule's health path (it reaches only the new revision), the watch the production listener's `/`.
 */
export function builtInInputs(sc: NativeScenario, taskDefinitionArn: string, timings: Omit<DeployTimings, 'bakeTime'> & { bakeTime?: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    engine: 'ecs',
    cluster: sc.clusterName,
    service: sc.serviceName,
    'task-definition': taskDefinitionArn,
    'health-check-url': `${sc.testUrl ?? ''}/health`,
    'post-switch-health-check-url': `${sc.prodUrl}/`,
    'health-check-interval': timings.interval,
    'health-check-timeout': timings.timeout,
    'healthy-threshold': String(timings.healthyThreshold),
    'unhealthy-threshold': String(timings.unhealthyThreshold),
    ...(timings.bakeTime ? { 'bake-time': timings.bakeTime } : {}),
    'wait-timeout': '2m',
    ...extra,
  };
}

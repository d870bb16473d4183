// One sandbox per test file with timings small enough that a whole deploy takes seconds, and the action
// inputs that match them. Everything the end-to-end tests run goes through the built dist/ (never src/).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type BlueGreenOptions, type BlueGreenScenario, type Sandbox } from '../../sandbox/index.js';

/** The repository root: action.yml and dist/ live here. */
export const ACTION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Target groups check every 250 ms with thresholds 2/2, so a new task is healthy ~0.5 s after it
 * listens; a deregistered target drains for 300 ms. ECS reconciles every 100 ms (the default).
 */
export const SANDBOX_TIMINGS = {
  healthCheckIntervalMs: 250,
  healthCheckTimeoutMs: 200,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  deregistrationDelayMs: 300,
  stopTimeoutMs: 1000,
} as const;

export const startE2eSandbox = (): Promise<Sandbox> => startSandbox(SANDBOX_TIMINGS);

/** The action's probe period and failure threshold: the rollback's detection window is their product. */
export const HEALTH_INTERVAL_MS = 500;
export const UNHEALTHY_THRESHOLD = 2;

/** Inputs that fit the sandbox's timings; each test overrides what its scenario is about. */
export const FAST_INPUTS: Readonly<Record<string, string>> = {
  'health-check-interval': `${HEALTH_INTERVAL_MS}ms`,
  'health-check-timeout': '400ms',
  'healthy-threshold': '2',
  'unhealthy-threshold': String(UNHEALTHY_THRESHOLD),
  'bake-time': '3s',
  // A rollout takes about a second here; a stuck one fails the run well inside the step's time limit.
  'wait-timeout': '30s',
};

/** A blue-green pair with a test listener (the idle colour's pre-switch checks go through it). */
export function createScenario(sandbox: Sandbox, name: string, options: Partial<BlueGreenOptions> = {}): Promise<BlueGreenScenario> {
  return sandbox.createBlueGreen({ name, desiredCount: 2, withTestListener: true, ...options });
}

/**
 * Every input the action needs for this pair. The pre-switch check goes through the test listener (which
 * the action points at the idle colour); the post-switch check through the production listener, so it
 * sees what users see. Both hit the target groups' health path, which is not "user traffic" for tasks
 * that degrade after their first user request.
 */
export function inputsFor(sc: BlueGreenScenario, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    cluster: sc.clusterName,
    'blue-service': sc.services.blue.name,
    'green-service': sc.services.green.name,
    'blue-target-group-arn': sc.targetGroups.blue,
    'green-target-group-arn': sc.targetGroups.green,
    'listener-arn': sc.listenerArn,
    ...(sc.testListenerArn ? { 'test-listener-arn': sc.testListenerArn } : {}),
    ...(sc.testUrl ? { 'health-check-url': `${sc.testUrl}/health` } : {}),
    'post-switch-health-check-url': `${sc.prodUrl}/health`,
    'state-parameter': sc.parameterName,
    ...FAST_INPUTS,
    ...overrides,
  };
}

/** Stops the pair's tasks once a test is done with it, so later tests in the file get the CPU. */
export function retire(sandbox: Sandbox, sc: BlueGreenScenario): void {
  for (const colour of ['blue', 'green'] as const) sandbox.deleteService(sc.clusterName, sc.services[colour].name);
}

// A valid Config for the flow's tests, matching the FakeAws fixture's resources.
import type { Config } from '../src/types.js';
import { LISTENER, PARAMETER, REGION, SERVICES, TG } from './fake-aws.js';

export function makeConfig(overrides: Partial<Config> = {}): Config {
  return {
    mode: 'deploy',
    engine: 'pair',
    cluster: 'shop',
    region: REGION,
    services: { ...SERVICES },
    targetGroups: { ...TG },
    listenerArn: LISTENER,
    verifyRoute: 'auto',
    stateParameter: PARAMETER,
    taskDefinition: { kind: 'live' },
    containerName: 'app',
    image: 'shop:2',
    health: {
      url: 'http://{color}.shop.test/health',
      headers: {},
      expectedStatus: [{ min: 200, max: 200 }],
      intervalMs: 10_000,
      timeoutMs: 5_000,
      healthyThreshold: 3,
      unhealthyThreshold: 3,
    },
    trafficShift: { kind: 'all-at-once' },
    bakeTimeMs: 300_000,
    alarms: [],
    waitTimeoutMs: 900_000,
    forceNewDeployment: false,
    scaleDownPrevious: false,
    scaleDownDelayMs: 0,
    lock: true,
    dryRun: false,
    commands: { timeoutMs: 600_000 },
    preDeployTask: { tags: [], startedBy: 'ecs-blue-green-action', environment: [] },
    serviceSettings: {},
    run: { id: '42-1', description: 'acme/shop workflow "Deploy" run 42 (attempt 1)' },
    ...overrides,
  };
}

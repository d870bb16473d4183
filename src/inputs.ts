// Every input, validated up front into one typed Config before anything touches AWS. All bad inputs
// are reported together, so a user fixes their workflow in one pass.
import * as core from '@actions/core';
import { parseDuration, positiveDuration } from './duration.js';
import { InputError } from './errors.js';
import {
  parseAlarmNames,
  parseCluster,
  parseListenerArn,
  parseListenerRuleArn,
  parseRegion,
  parseService,
  parseStateParameter,
  parseTargetGroupArn,
  type EcsResource,
  type ParsedArn,
} from './inputs/aws-resources.js';
import { checkImageRendering, checkLoadBalancer, checkProbeSeesTarget, checkRegion, checkServices } from './inputs/consistency.js';
import { InputReader, type InputName, type Parse } from './inputs/contract.js';
import { targetGroupName } from './report/summary.js';
import { credentialValues } from './inputs/credentials.js';
import { parseCount, parseExpectedBody, parseExpectedStatus, parseHeaders, parseHealthCheckUrl } from './inputs/health.js';
import { readRunIdentity } from './inputs/run-identity.js';
import { readCommands } from './inputs/commands.js';
import { refuseColourPlaceholder, refuseFor, refuseForBuiltIn, refuseIfGiven } from './inputs/engine-inputs.js';
import { inputsFor } from './engines/inputs.js';
import { readAnalysis } from './inputs/analysis.js';
import { readGitHubDeployment } from './inputs/github.js';
import { parseColour, parseEngine, parseMode, parseSwitch, parseVerifyRoute } from './inputs/scalars.js';
import { parseTaskDefinitionArn, parseTaskDefinitionSource, taskDefinitionArnRegion } from './inputs/task-definition.js';
import { parseTrafficShift } from './inputs/traffic-shift.js';
import { ECS_TASK_INPUTS, readPreDeployTask, readServiceSettings } from './inputs/task-options.js';
import type { Config, HealthCheckConfig, Mode } from './types.js';

export { INPUT_DEFAULTS, REQUIRED_INPUTS, type InputName } from './inputs/contract.js';
export { loadTaskDefinitionFile, renderImage } from './inputs/task-definition.js';

const MAX_THRESHOLD = 100;

/** Several bad inputs at once: `errors` holds each, the message lists them one per line. */
export class InputErrors extends Error {
  override name = 'InputErrors';
  constructor(readonly errors: InputError[]) {
    super([`The inputs have ${errors.length} problems:`, ...errors.map((e) => `- ${e.message}`)].join('\n'));
  }
}

/** Masks (core.setSecret) every credential-like value in the environment. */
export function maskCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const secret of credentialValues(env)) core.setSecret(secret);
}

/**
 * Validates every input into one Config, applying the action.yml defaults itself so tests and the
 * post step see the same values. Throws InputError for one bad input, InputErrors for several.
 */
export function readConfig(
  getInput: (name: string) => string = (name) => core.getInput(name),
  env: NodeJS.ProcessEnv = process.env,
): Config {
  maskCredentialsFromEnv(env);
  const inputs = new InputReader(getInput);

  const mode = inputs.read('mode', parseMode);
  const engine = inputs.read('engine', parseEngine);
  // The engine says which inputs it takes (engines/<name>/inputs.ts) and refuses the ones it would ignore
  // (see refuseFor). An engine input that is not valid is reported; the rest is checked as for the default.
  const takes = inputsFor(engine ?? 'pair');
  const pair = takes.ecs === 'two-services';
  const builtIn = !takes.colours;
  const requiredWith = <T>(name: InputName, parse: Parse<T>): T | undefined => inputs.required(name, parse, `a value: this input is required with engine: ${engine ? takes.label : 'pair'}`);
  const region = readRegion(inputs, env);
  const cluster = takes.ecs === 'none' ? refuseFor<EcsResource>(inputs, takes, 'cluster') : requiredWith('cluster', parseCluster);
  const service = takes.ecs === 'one-service' ? requiredWith('service', parseService) : refuseFor<EcsResource>(inputs, takes, 'service');
  const blueService = pair ? requiredWith('blue-service', parseService) : refuseFor<EcsResource>(inputs, takes, 'blue-service');
  const greenService = pair ? requiredWith('green-service', parseService) : refuseFor<EcsResource>(inputs, takes, 'green-service');
  const pairInput = <T>(name: InputName, parse: Parse<T>, optional = false): T | undefined =>
    builtIn ? refuseFor<T>(inputs, takes, name) : optional ? inputs.optional(name, parse) : requiredWith(name, parse);
  const blueTargetGroup = pairInput('blue-target-group-arn', parseTargetGroupArn);
  const greenTargetGroup = pairInput('green-target-group-arn', parseTargetGroupArn);
  const listener = pairInput('listener-arn', parseListenerArn);
  const listenerRule = pairInput('listener-rule-arn', parseListenerRuleArn, true);
  const testListener = pairInput('test-listener-arn', parseListenerArn, true);
  const stateParameter = builtIn ? inputs.optional('state-parameter', parseStateParameter) : requiredWith('state-parameter', parseStateParameter);
  if (pair) checkServices(inputs, cluster, blueService, greenService);
  if (!builtIn) checkLoadBalancer(inputs, { blue: blueTargetGroup, green: greenTargetGroup, listener, rule: listenerRule, testListener });
  if (builtIn) refuseForBuiltIn(inputs, mode);

  const deploys = takes.deploys;
  const taskDefinition = deploys ? inputs.read('task-definition', (_, value) => parseTaskDefinitionSource(value)) : refuseFor(inputs, takes, 'task-definition', { kind: 'live' } as const);
  const containerName = deploys ? inputs.optional('container-name', (_, value) => value) : refuseFor<string>(inputs, takes, 'container-name');
  const image = deploys ? inputs.optional('image', (_, value) => value) : refuseFor<string>(inputs, takes, 'image');
  if (deploys) checkImageRendering(inputs, taskDefinition, containerName, image);
  if (!deploys) {
    refuseFor(inputs, takes, 'pre-deploy-task-command');
    for (const name of ECS_TASK_INPUTS) refuseIfGiven(inputs, name, `no value with engine: ${takes.label}: there is no ECS task or service for the action to start or update`);
    if (mode === 'prepare' || mode === 'promote') {
      inputs.report(new InputError('mode', mode, `deploy, rollback or status with engine: ${takes.label}: there is nothing to prepare, the target groups are filled by something else (mode: deploy verifies the idle group and switches)`));
    }
    if (inputs.raw('scale-down-previous').toLowerCase() !== 'false') refuseFor(inputs, takes, 'scale-down-previous');
  }

  if (region) {
    const arns: [InputName, ParsedArn | undefined][] = [
      ['cluster', cluster?.arn],
      ['service', service?.arn],
      ['blue-service', blueService?.arn],
      ['green-service', greenService?.arn],
      ['blue-target-group-arn', blueTargetGroup],
      ['green-target-group-arn', greenTargetGroup],
      ['listener-arn', listener],
      ['listener-rule-arn', listenerRule],
      ['test-listener-arn', testListener],
    ];
    checkRegion(inputs, region, arns);
    const taskRegion = taskDefinition?.kind === 'reference' ? taskDefinitionArnRegion(taskDefinition.value) : undefined;
    if (taskRegion !== undefined && taskRegion !== region) {
      inputs.report(
        new InputError('task-definition', inputs.raw('task-definition'), `a task definition in ${region} (aws-region): this one is in ${taskRegion}`),
      );
    }
  }

  const health = readHealth(inputs);
  // engine: ecs checks the new revision through the service's own test listener rule.
  const verifyRoute = builtIn ? refuseFor(inputs, takes, 'verify-route', 'auto' as const) : inputs.read('verify-route', parseVerifyRoute);
  if (builtIn) refuseColourPlaceholder(inputs);
  else checkProbeSeesTarget(inputs, mode, health?.url, testListener, verifyRoute);
  const trafficShift = inputs.read('traffic-shift', parseTrafficShift);
  const bakeTimeMs = inputs.read('bake-time', parseDuration);
  const alarms = inputs.read('cloudwatch-alarms', parseAlarmNames);
  const analysis = readAnalysis(inputs, { mode, trafficShift, bakeTimeMs, ownShift: !builtIn }, env);
  const waitTimeoutMs = inputs.read('wait-timeout', positiveDuration('the longest wait for the ECS service to become stable'));
  const forceNewDeployment = deploys ? inputs.read('force-new-deployment', parseSwitch) : refuseFor(inputs, takes, 'force-new-deployment', false);
  const scaleDownPrevious = inputs.read('scale-down-previous', parseSwitch);
  const scaleDownDelayMs = inputs.read('scale-down-delay', parseDuration);
  const lock = inputs.read('lock', parseSwitch);
  const dryRun = inputs.read('dry-run', parseSwitch);
  const expectedLiveColour = inputs.optional('expected-live-color', parseColour);
  if (expectedLiveColour && mode && mode !== 'rollback') {
    inputs.report(new InputError('expected-live-color', expectedLiveColour, "to be set only with mode: rollback (it guards the flip; other modes do not use it)"));
  }

  const commands = readCommands(inputs);
  const promoting = mode === 'promote';
  const preDeployTask = readPreDeployTask(inputs, deploys && !promoting && inputs.raw('pre-deploy-task-command') !== '', !deploys || promoting);
  const serviceSettings = deploys && !promoting ? readServiceSettings(inputs) : {};
  const github = readGitHubDeployment(inputs);

  const expectedTaskDefinitionArn = readPromoteInputs(inputs, mode);
  const expectedRegion = expectedTaskDefinitionArn ? taskDefinitionArnRegion(expectedTaskDefinitionArn) : undefined;
  if (region && expectedRegion !== undefined && expectedRegion !== region) {
    inputs.report(new InputError('expected-task-definition-arn', expectedTaskDefinitionArn ?? '', `a task definition in ${region} (aws-region): this one is in ${expectedRegion}`));
  }

  const [first, ...others] = inputs.errors;
  if (first) throw others.length > 0 ? new InputErrors(inputs.errors) : first;

  // engine: ecs has no colours, target groups or listener of its own (ECS's service holds them): those
  // fields stay empty, and the ecs flow never reads them.
  const groups = builtIn ? { blue: '', green: '' } : { blue: checked(blueTargetGroup).arn, green: checked(greenTargetGroup).arn };
  const ecsService = builtIn ? checked(service).value : undefined;
  return {
    mode: checked(mode),
    engine: checked(engine),
    cluster: takes.ecs === 'none' ? '' : checked(cluster).value,
    ...(ecsService ? { service: ecsService } : {}),
    region: checked(region),
    // With engine: traffic the colours are their target groups: messages name those.
    services: pair ? { blue: checked(blueService).value, green: checked(greenService).value } : ecsService ? { blue: ecsService, green: ecsService } : { blue: targetGroupName(groups.blue), green: targetGroupName(groups.green) },
    targetGroups: groups,
    listenerArn: builtIn ? '' : checked(listener).arn,
    ...(listenerRule ? { listenerRuleArn: listenerRule.arn } : {}),
    ...(testListener ? { testListenerArn: testListener.arn } : {}),
    verifyRoute: checked(verifyRoute),
    stateParameter: builtIn ? (stateParameter ?? '') : checked(stateParameter),
    taskDefinition: checked(taskDefinition),
    ...(containerName !== undefined ? { containerName } : {}),
    ...(image !== undefined ? { image } : {}),
    health: checked(health),
    trafficShift: checked(trafficShift),
    bakeTimeMs: checked(bakeTimeMs),
    alarms: checked(alarms),
    waitTimeoutMs: checked(waitTimeoutMs),
    forceNewDeployment: checked(forceNewDeployment),
    scaleDownPrevious: checked(scaleDownPrevious),
    scaleDownDelayMs: checked(scaleDownDelayMs),
    // engine: ecs holds the lock only in a state parameter it is given.
    lock: checked(lock) && (!builtIn || stateParameter !== undefined),
    dryRun: checked(dryRun),
    commands: checked(commands),
    preDeployTask,
    serviceSettings,
    ...(github ? { github } : {}),
    ...(analysis ? { analysis } : {}),
    ...(expectedLiveColour ? { expectedLiveColour } : {}),
    ...(expectedTaskDefinitionArn ? { expectedTaskDefinitionArn } : {}),
    run: readRunIdentity(env),
  };
}

/** A value that passed validation; reaching the throw would be a bug in readConfig itself. */
function checked<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('readConfig used an input that was not validated');
  return value;
}

function readRegion(inputs: InputReader, env: NodeJS.ProcessEnv): string | undefined {
  const value = inputs.raw('aws-region') || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || '';
  if (value === '') {
    inputs.report(
      new InputError(
        'aws-region',
        '',
        'a region such as us-east-1: set aws-region, or configure AWS credentials first (aws-actions/configure-aws-credentials sets AWS_REGION)',
      ),
    );
    return undefined;
  }
  return inputs.attempt(() => parseRegion('aws-region', value));
}


/**
 * `mode: promote` switches to exactly what `mode: prepare` deployed: it needs that task definition's ARN,
 * and the inputs that choose or build a release, or run before the idle service is updated, would be
 * ignored — so they are refused rather than silently dropped.
 */
const PROMOTE_REFUSES: readonly InputName[] = ['task-definition', 'container-name', 'image', 'pre-deploy-command', 'pre-deploy-task-command', 'force-new-deployment', ...ECS_TASK_INPUTS];

function readPromoteInputs(inputs: InputReader, mode: Mode | undefined): string | undefined {
  const expected = inputs.optional('expected-task-definition-arn', parseTaskDefinitionArn);
  if (mode === 'promote') {
    if (inputs.raw('expected-task-definition-arn') === '') {
      inputs.report(new InputError('expected-task-definition-arn', '', 'the task-definition-arn output of the mode: prepare step: promote switches to exactly what prepare deployed'));
    }
    for (const name of PROMOTE_REFUSES) {
      refuseIfGiven(inputs, name, 'no value with mode: promote: the release was chosen, built and deployed by mode: prepare (give it there); promote checks it with expected-task-definition-arn');
    }
  } else if (expected !== undefined && mode !== undefined) {
    inputs.report(new InputError('expected-task-definition-arn', expected, 'to be set only with mode: promote (it names what mode: prepare deployed)'));
  }
  return expected;
}

function readHealth(inputs: InputReader): HealthCheckConfig | undefined {
  const url = inputs.optional('health-check-url', parseHealthCheckUrl);
  const postSwitchUrl = inputs.optional('post-switch-health-check-url', parseHealthCheckUrl) ?? url;
  const headers = inputs.read('health-check-headers', (input, value) => parseHeaders(input, value, (secret) => core.setSecret(secret)));
  const expectedStatus = inputs.read('health-check-expected-status', parseExpectedStatus);
  const expectedBody = inputs.optional('health-check-expected-body', parseExpectedBody);
  const intervalMs = inputs.read('health-check-interval', positiveDuration('the time between two probes'));
  const timeoutMs = inputs.read('health-check-timeout', positiveDuration('the time one probe may take'));
  const healthyThreshold = inputs.read('healthy-threshold', (input, value) => parseCount(input, value, 1, MAX_THRESHOLD));
  const unhealthyThreshold = inputs.read('unhealthy-threshold', (input, value) => parseCount(input, value, 1, MAX_THRESHOLD));

  if (intervalMs !== undefined && timeoutMs !== undefined && timeoutMs > intervalMs) {
    inputs.report(
      new InputError(
        'health-check-timeout',
        inputs.raw('health-check-timeout'),
        `at most health-check-interval (${inputs.raw('health-check-interval')}): a probe must end before the next one starts`,
      ),
    );
  }
  if (
    headers === undefined ||
    expectedStatus === undefined ||
    intervalMs === undefined ||
    timeoutMs === undefined ||
    healthyThreshold === undefined ||
    unhealthyThreshold === undefined
  ) {
    return undefined;
  }
  return {
    ...(url !== undefined ? { url } : {}),
    ...(postSwitchUrl !== undefined ? { postSwitchUrl } : {}),
    headers,
    expectedStatus,
    ...(expectedBody !== undefined ? { expectedBody } : {}),
    intervalMs,
    timeoutMs,
    healthyThreshold,
    unhealthyThreshold,
  };
}

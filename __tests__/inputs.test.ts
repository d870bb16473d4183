import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LISTENER, PAIR_INPUTS, TG_BLUE, TG_GREEN, inputErrorsOf } from '../__fixtures__/inputs.js';

const setSecret = jest.fn<(secret: string) => void>();
const getInput = jest.fn<(name: string) => string>(() => '');
jest.unstable_mockModule('@actions/core', () => ({ setSecret, getInput }));

const { readConfig, InputErrors, maskCredentialsFromEnv, loadTaskDefinitionFile, renderImage, INPUT_DEFAULTS, REQUIRED_INPUTS } =
  await import('../src/inputs.js');
type InputErrorT = import('../src/errors.js').InputError;

const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const TEST_LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/50dc6c495c0c9188/0123456789abcdef';

const BASE: Record<string, string> = { ...PAIR_INPUTS };

const configWith = (overrides: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) => {
  const inputs: Record<string, string> = { ...BASE, ...overrides };
  return readConfig((name) => inputs[name] ?? '', env);
};

/** Every InputError readConfig threw, whether alone or aggregated. */
const errorsOf = (overrides: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputErrorT[] => inputErrorsOf(() => configWith(overrides, env));

/** The single InputError readConfig threw; fails when there were several. */
function errorOf(overrides: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputErrorT {
  const errors = errorsOf(overrides, env);
  expect(errors.map((e) => e.message)).toHaveLength(1);
  return errors[0] as InputErrorT;
}

/** One InputError naming `input`, with the value shown in the message. */
function expectRejected(input: string, value: string, overrides: Record<string, string> = { [input]: value }): InputErrorT {
  const error = errorOf(overrides);
  expect(error.input).toBe(input);
  expect(error.message).toContain(`'${input}'`);
  expect(error.message).toContain(JSON.stringify(value));
  return error;
}

const workDir = mkdtempSync(join(tmpdir(), 'inputs-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
const writeFixture = (name: string, content: unknown): string => {
  const path = join(workDir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

// What `aws ecs describe-task-definition --task-definition web --include TAGS` prints.
const DESCRIBED = {
  taskDefinition: {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    containerDefinitions: [
      { name: 'web', image: 'nginx:1.25', essential: true, portMappings: [{ containerPort: 80, protocol: 'tcp' }] },
      { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: true },
    ],
    family: 'web',
    taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
    networkMode: 'awsvpc',
    revision: 7,
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.task-iam-role' }],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    registeredAt: '2026-11-01T12:00:00.000Z',
    registeredBy: 'arn:aws:sts::123456789012:assumed-role/deployer/gha',
  },
  tags: [{ key: 'team', value: 'payments' }],
};
const READ_ONLY = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'];

beforeEach(() => {
  setSecret.mockClear();
  getInput.mockReset();
  getInput.mockReturnValue('');
});

describe('readConfig defaults', () => {
  it('builds the whole Config from the required inputs and the contract defaults', () => {
    const config = configWith();
    expect(config).toEqual({
      mode: 'deploy',
      cluster: 'prod',
      region: 'us-east-1',
      services: { blue: 'app-blue', green: 'app-green' },
      targetGroups: { blue: TG_BLUE, green: TG_GREEN },
      listenerArn: LISTENER,
      stateParameter: '/app/live-color',
      taskDefinition: { kind: 'live' },
      health: {
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
      verifyRoute: 'auto',
      forceNewDeployment: false,
      scaleDownPrevious: false,
      scaleDownDelayMs: 0,
      lock: true,
      dryRun: false,
      engine: 'pair',
      commands: { timeoutMs: 600_000 },
      preDeployTask: { tags: [], startedBy: 'ecs-blue-green-action', environment: [] },
      serviceSettings: {},
      run: expect.objectContaining({ id: expect.stringMatching(/^local-\d+-\d+-[0-9a-f]{8}$/) }),
    });
  });

  it('treats empty and whitespace-only inputs as absent, so defaults apply', () => {
    const config = configWith({ mode: '  ', 'bake-time': '', lock: ' ', 'traffic-shift': '\n' });
    expect(config.mode).toBe('deploy');
    expect(config.bakeTimeMs).toBe(300_000);
    expect(config.lock).toBe(true);
    expect(config.trafficShift).toEqual({ kind: 'all-at-once' });
  });

  it('trims values', () => {
    expect(configWith({ cluster: '  prod \n' }).cluster).toBe('prod');
  });

  it('reads inputs through core.getInput when no reader is given', () => {
    getInput.mockImplementation((name) => BASE[name] ?? '');
    const config = readConfig();
    expect(config.listenerArn).toBe(LISTENER);
    expect(getInput).toHaveBeenCalledWith('listener-arn');
    expect(getInput).toHaveBeenCalledWith('health-check-url');
  });

  it.each([1, 2])('lets an unexpected failure of the input reader (call %d) propagate unchanged', (failingCall) => {
    const boom = new Error('runner broke');
    let calls = 0;
    expect(() =>
      readConfig((name) => {
        if (name === 'cluster' && ++calls === failingCall) throw boom;
        return BASE[name] ?? '';
      }, {}),
    ).toThrow(boom);
  });

  it.each(['deploy', 'rollback', 'status', 'ROLLBACK', 'Status'])('accepts mode %s', (mode) => {
    expect(configWith({ mode }).mode).toBe(mode.toLowerCase());
  });

  it('rejects an unknown mode', () => {
    const error = expectRejected('mode', 'redeploy');
    expect(error.message).toContain('deploy, prepare, promote, rollback, status');
  });
});

/** Required in every mode with engine: pair (the default) and traffic; action.yml marks none required, since engine: ecs refuses them. */
const PAIR_REQUIRED = ['blue-target-group-arn', 'green-target-group-arn', 'listener-arn', 'state-parameter'] as const;

describe('required inputs', () => {
  it('action.yml marks no input required: each engine requires its own', () => {
    expect(REQUIRED_INPUTS).toEqual([]);
  });

  it.each(PAIR_REQUIRED)('%s is required in every mode with engine: pair', (input) => {
    for (const mode of ['deploy', 'rollback', 'status']) {
      const error = errorOf({ mode, [input]: '' });
      expect(error.input).toBe(input);
      expect(error.message).toContain(`'${input}'`);
      expect(error.message).toContain('required');
    }
  });

  it('reports every missing input at once in one InputErrors', () => {
    let caught: unknown;
    try {
      readConfig(() => '', {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputErrors);
    const aggregate = caught as InstanceType<typeof InputErrors>;
    expect(aggregate.errors.map((e) => e.input).sort()).toEqual([...PAIR_REQUIRED, 'aws-region', 'cluster', 'blue-service', 'green-service'].sort());
    const lines = aggregate.message.split('\n');
    expect(lines[0]).toBe('The inputs have 8 problems:');
    expect(lines.slice(1)).toEqual(aggregate.errors.map((e) => `- ${e.message}`));
  });

  it('collects errors of different kinds together', () => {
    const errors = errorsOf({ 'bake-time': 'soon', lock: 'maybe', 'listener-arn': 'nope', 'traffic-shift': 'all' });
    expect(errors.map((e) => e.input)).toEqual(['listener-arn', 'traffic-shift', 'bake-time', 'lock']);
  });
});

describe('AWS resource identifiers', () => {
  it.each([
    ['blue-target-group-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-blue/0123456789abcde'],
    ['blue-target-group-arn', 'arn:aws:elasticloadbalancing:us-east-1:12345678901:targetgroup/app-blue/0123456789abcdef'],
    ['blue-target-group-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app_blue/0123456789abcdef'],
    ['blue-target-group-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/-app/0123456789abcdef'],
    ['blue-target-group-arn', `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${'a'.repeat(33)}/0123456789abcdef`],
    ['blue-target-group-arn', 'arn:aws-foo:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-blue/0123456789abcdef'],
    ['green-target-group-arn', 'app-green'],
    ['green-target-group-arn', LISTENER],
    ['listener-arn', TG_BLUE],
    ['listener-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/my-nlb/50dc6c495c0c9188/f2f7dc8efc522ab2'],
    ['listener-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/50dc6c495c0c9188'],
    ['listener-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/50DC6C495C0C9188/f2f7dc8efc522ab2'],
    ['listener-rule-arn', LISTENER],
    ['listener-rule-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/my-alb/50dc6c495c0c9188/f2f7dc8efc522ab2'],
    ['test-listener-arn', RULE],
    ['cluster', 'my cluster'],
    ['cluster', 'prod.eu'],
    ['cluster', 'c'.repeat(256)],
    ['cluster', 'arn:aws:ecs:us-east-1:123456789012:service/prod/app-blue'],
    ['blue-service', 'app/blue'],
    ['green-service', 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc'],
    ['state-parameter', 'app/live-color'],
    ['state-parameter', 'aws-live-color'],
    ['state-parameter', 'AWS.live'],
    ['state-parameter', 'ssm-color'],
    ['state-parameter', '/aws/service/color'],
    ['state-parameter', '/SSM/color'],
    ['state-parameter', '/app/live color'],
    ['state-parameter', '/app//color'],
    ['state-parameter', '/app/color/'],
    ['state-parameter', `/${'a'.repeat(1011)}`],
    ['state-parameter', `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`],
    ['state-parameter', 'arn:aws:ssm:us-east-1:123456789012:parameter/app/color'],
  ])('%s rejects %s', (input, value) => {
    expectRejected(input, value);
  });

  it('names the expected format with an example', () => {
    expect(expectRejected('listener-arn', 'oops').expected).toMatch(/listener\/app\/my-alb\//);
    expect(expectRejected('blue-target-group-arn', 'oops').expected).toMatch(/targetgroup\/my-blue\//);
    expect(expectRejected('state-parameter', 'awsx').expected).toMatch(/not starting with 'aws' or 'ssm'/);
  });

  it.each([
    ['cluster', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod'],
    ['blue-service', 'arn:aws:ecs:us-east-1:123456789012:service/prod/app-blue'],
    ['blue-service', 'arn:aws:ecs:us-east-1:123456789012:service/app-blue'],
    ['state-parameter', 'app-live-color'],
    ['state-parameter', 'a.b_c-D9'],
    ['state-parameter', `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`],
  ])('%s accepts %s', (input, value) => {
    const config = configWith({ [input]: value });
    expect(JSON.stringify(config)).toContain(value);
  });

  it('keeps optional ARNs when given', () => {
    const config = configWith({ 'listener-rule-arn': RULE, 'test-listener-arn': TEST_LISTENER });
    expect(config.listenerRuleArn).toBe(RULE);
    expect(config.testListenerArn).toBe(TEST_LISTENER);
  });

  it('needs a different target group per colour', () => {
    const error = expectRejected('green-target-group-arn', TG_BLUE);
    expect(error.message).toContain('each colour needs its own');
  });

  it('needs a different service per colour, whatever form names them', () => {
    expectRejected('green-service', 'app-blue');
    const error = expectRejected('green-service', 'arn:aws:ecs:us-east-1:123456789012:service/prod/app-blue');
    expect(error.message).toContain('blue-service');
  });

  it('rejects a service ARN of another cluster', () => {
    const value = 'arn:aws:ecs:us-east-1:123456789012:service/staging/app-blue';
    const error = expectRejected('blue-service', value);
    expect(error.message).toContain('staging');
    expect(error.message).toContain('prod');
  });

  it('accepts a service ARN of the cluster given as an ARN', () => {
    const config = configWith({
      cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      'green-service': 'arn:aws:ecs:us-east-1:123456789012:service/prod/app-green',
    });
    expect(config.services.green).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/app-green');
  });
});

describe('listener rule and test listener', () => {
  it('rejects a rule of another listener of the same load balancer', () => {
    const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/my-alb/50dc6c495c0c9188/0123456789abcdef/9683b2d02a6cabee';
    const error = expectRejected('listener-rule-arn', rule);
    expect(error.message).toContain(LISTENER);
    expect(error.message).toContain('belongs to another listener');
  });

  it('rejects a rule of another load balancer', () => {
    const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/other-alb/60dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
    expectRejected('listener-rule-arn', rule);
  });

  it('rejects a test listener equal to the production listener', () => {
    expect(expectRejected('test-listener-arn', LISTENER).message).toContain('other than listener-arn');
  });

  it('rejects a test listener of another load balancer (a target group serves one ALB)', () => {
    const other = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/other-alb/60dc6c495c0c9188/0123456789abcdef';
    expect(expectRejected('test-listener-arn', other).message).toContain('same load balancer');
  });

  it('rejects target groups in another account than the listener', () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/app-green/fedcba9876543210';
    expect(expectRejected('green-target-group-arn', tg).message).toContain('account 123456789012');
  });
});

describe('aws-region', () => {
  const withoutRegion = { 'aws-region': '' };

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(configWith(withoutRegion, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('us-east-1');
    expect(configWith(withoutRegion, { AWS_DEFAULT_REGION: 'us-east-1' }).region).toBe('us-east-1');
  });

  it('prefers the input to the environment', () => {
    expect(configWith({}, { AWS_REGION: 'eu-west-1' }).region).toBe('us-east-1');
  });

  it('asks to set aws-region or configure credentials when no region is known', () => {
    const error = errorOf(withoutRegion);
    expect(error.input).toBe('aws-region');
    expect(error.message).toContain('set aws-region');
    expect(error.message).toContain('configure AWS credentials');
  });

  it.each(['useast1', 'US-EAST-1', 'us-east', 'us_east_1', 'east-1'])('rejects region %s', (value) => {
    expectRejected('aws-region', value);
  });

  it('names aws-region when the environment region is malformed', () => {
    expect(errorOf(withoutRegion, { AWS_REGION: 'moon-1' }).input).toBe('aws-region');
  });

  it.each([
    ['eu-central-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
    ['ap-southeast-2', 'aws'],
  ])('accepts %s with %s ARNs', (region, partition) => {
    const inRegion = (arn: string) => arn.replace('arn:aws:', `arn:${partition}:`).replace('us-east-1', region);
    const config = configWith({
      'aws-region': region,
      'blue-target-group-arn': inRegion(TG_BLUE),
      'green-target-group-arn': inRegion(TG_GREEN),
      'listener-arn': inRegion(LISTENER),
      'listener-rule-arn': inRegion(RULE),
    });
    expect(config.region).toBe(region);
    expect(config.listenerRuleArn).toBe(inRegion(RULE));
  });

  it('rejects every ARN outside aws-region, naming each input', () => {
    const elsewhere = (arn: string) => arn.replace('us-east-1', 'eu-west-1');
    const errors = errorsOf({
      cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod',
      'blue-service': 'arn:aws:ecs:eu-west-1:123456789012:service/prod/app-blue',
      'green-target-group-arn': elsewhere(TG_GREEN),
      'listener-arn': elsewhere(LISTENER),
      'listener-rule-arn': elsewhere(RULE),
      'test-listener-arn': elsewhere(TEST_LISTENER),
    });
    expect(errors.map((e) => e.input)).toEqual([
      'cluster',
      'blue-service',
      'green-target-group-arn',
      'listener-arn',
      'listener-rule-arn',
      'test-listener-arn',
    ]);
    for (const error of errors) {
      expect(error.message).toContain('a resource in us-east-1 (aws-region): this ARN is in eu-west-1');
      expect(error.message).toContain(JSON.stringify(error.value));
    }
  });

  it('rejects an ARN of the wrong partition for the region', () => {
    const error = expectRejected('blue-target-group-arn', TG_BLUE.replace('arn:aws:', 'arn:aws-cn:'));
    expect(error.message).toContain('partition aws');
  });

  it('rejects a task definition ARN in another region', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3';
    expect(expectRejected('task-definition', arn).message).toContain('this one is in eu-west-1');
  });
});

describe('task-definition', () => {
  it.each([
    'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42',
    'web:42',
    'web',
    'my_app-2:1',
  ])('treats %s as a reference to a registered task definition', (value) => {
    expect(configWith({ 'task-definition': value }).taskDefinition).toEqual({ kind: 'reference', value });
  });

  it.each(['arn:aws:ecs:us-east-1:123456789012:task-definition/web', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:0'])(
    'rejects the malformed ARN %s',
    (value) => {
      expect(expectRejected('task-definition', value).message).toContain('task-definition/my-app:42');
    },
  );

  it('accepts a JSON file and keeps its absolute path', () => {
    const path = writeFixture('described.json', DESCRIBED);
    expect(configWith({ 'task-definition': path }).taskDefinition).toEqual({ kind: 'file', path });
  });

  it('rejects a missing file, naming the input, the path and the reason', () => {
    const path = join(workDir, 'missing.json');
    const error = expectRejected('task-definition', path);
    expect(error.message).toContain('ENOENT');
  });

  it('rejects a file that is not JSON, with the parser message', () => {
    const path = writeFixture('broken.json', '{ "family": "web", ');
    const error = expectRejected('task-definition', path);
    expect(error.message).toMatch(/valid JSON \(.*JSON.*\)/);
  });

  it.each([
    ['array.json', []],
    ['string.json', '"web"'],
    ['no-family.json', { containerDefinitions: [{ name: 'web' }] }],
    ['no-containers.json', { family: 'web' }],
    ['bad-containers.json', { family: 'web', containerDefinitions: ['web'] }],
  ])('rejects %s, which is no task definition', (name, content) => {
    const path = writeFixture(name, content);
    expectRejected('task-definition', path);
  });

  it('reads a relative path against the working directory, and a bare family-like name as a family', () => {
    const previous = process.cwd();
    process.chdir(workDir);
    try {
      writeFixture('web', DESCRIBED);
      expect(configWith({ 'task-definition': './web' }).taskDefinition).toEqual({ kind: 'file', path: join(workDir, 'web') });
      expect(configWith({ 'task-definition': 'web' }).taskDefinition).toEqual({ kind: 'reference', value: 'web' });
    } finally {
      process.chdir(previous);
    }
  });

  it('renders an image into a container the file has', () => {
    const path = writeFixture('described.json', DESCRIBED);
    const config = configWith({ 'task-definition': path, 'container-name': 'web', image: 'nginx:1.27' });
    expect(config.containerName).toBe('web');
    expect(config.image).toBe('nginx:1.27');
  });

  it('lists the containers found when container-name is not one of them', () => {
    const path = writeFixture('described.json', DESCRIBED);
    const error = expectRejected('container-name', 'api', { 'task-definition': path, 'container-name': 'api', image: 'api:2' });
    expect(error.message).toContain('web, log-router');
    expect(error.message).toContain(path);
  });

  it('says so when the file has no named containers', () => {
    const path = writeFixture('unnamed.json', { family: 'web', containerDefinitions: [{ image: 'x' }] });
    const error = expectRejected('container-name', 'web', { 'task-definition': path, 'container-name': 'web', image: 'x:1' });
    expect(error.message).toContain('no named containers');
  });

  it('needs image and container-name together', () => {
    const noContainer = errorOf({ image: 'nginx:1.27' });
    expect(noContainer.input).toBe('container-name');
    expect(noContainer.message).toContain('nginx:1.27');
    const noImage = errorOf({ 'container-name': 'web' });
    expect(noImage.input).toBe('image');
    expect(noImage.message).toContain('web');
  });

  it('rejects an image with spaces', () => {
    expectRejected('image', 'nginx 1.27', { image: 'nginx 1.27', 'container-name': 'web' });
  });

  it('accepts image and container-name with the live task definition (checked later, against AWS)', () => {
    const config = configWith({ image: 'nginx:1.27', 'container-name': 'web' });
    expect(config.taskDefinition).toEqual({ kind: 'live' });
    expect(config.containerName).toBe('web');
  });
});

describe('loadTaskDefinitionFile and renderImage', () => {
  it('unwraps the describe-task-definition envelope, drops read-only fields and keeps the tags', () => {
    const path = writeFixture('envelope.json', DESCRIBED);
    const registration = loadTaskDefinitionFile(path);
    for (const field of READ_ONLY) expect(registration).not.toHaveProperty(field);
    expect(registration).toEqual({
      family: 'web',
      containerDefinitions: DESCRIBED.taskDefinition.containerDefinitions,
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      networkMode: 'awsvpc',
      volumes: [],
      placementConstraints: [],
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'team', value: 'payments' }],
    });
  });

  it('accepts the bare definition, with top-level tags kept and deregisteredAt dropped', () => {
    const path = writeFixture('bare.json', {
      ...DESCRIBED.taskDefinition,
      deregisteredAt: '2026-11-02T00:00:00Z',
      tags: [{ key: 'env', value: 'prod' }],
    });
    const registration = loadTaskDefinitionFile(path);
    expect(registration.tags).toEqual([{ key: 'env', value: 'prod' }]);
    expect(registration).not.toHaveProperty('deregisteredAt');
    expect(registration.family).toBe('web');
  });

  it('drops an empty tag list', () => {
    const path = writeFixture('no-tags.json', { taskDefinition: DESCRIBED.taskDefinition, tags: [] });
    expect(loadTaskDefinitionFile(path)).not.toHaveProperty('tags');
  });

  it('throws an InputError naming task-definition for a missing file', () => {
    expect(() => loadTaskDefinitionFile(join(workDir, 'nope.json'))).toThrow(/'task-definition'.*ENOENT/);
  });

  it('renders the image into one container and leaves the input untouched', () => {
    const registration = loadTaskDefinitionFile(writeFixture('render.json', DESCRIBED));
    const before = JSON.stringify(registration);
    const rendered = renderImage(registration, 'web', 'nginx:1.27');
    expect(JSON.stringify(registration)).toBe(before);
    const containers = rendered.containerDefinitions as { name: string; image: string }[];
    expect(containers.map((c) => c.image)).toEqual(['nginx:1.27', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable']);
    expect(rendered.family).toBe('web');
  });

  it('renderImage names the containers when the one asked for is missing', () => {
    const registration = loadTaskDefinitionFile(writeFixture('render.json', DESCRIBED));
    expect(() => renderImage(registration, 'api', 'api:1')).toThrow(/'container-name'.*"api".*web, log-router/);
    expect(() => renderImage({ family: 'x' }, 'api', 'api:1')).toThrow(/no named containers/);
  });

  it('reads the fixture from disk unchanged', () => {
    const path = writeFixture('unchanged.json', DESCRIBED);
    loadTaskDefinitionFile(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(DESCRIBED);
  });
});

describe('health check inputs', () => {
  it('keeps {color} in the URL and defaults the post-switch URL to it', () => {
    const url = 'https://{color}.example.com/health';
    const config = configWith({ 'health-check-url': url });
    expect(config.health.url).toBe(url);
    expect(config.health.postSwitchUrl).toBe(url);
  });

  it('keeps a separate post-switch URL', () => {
    const config = configWith({
      'health-check-url': 'http://10.0.0.1:8443/ready',
      'test-listener-arn': TEST_LISTENER,
      'post-switch-health-check-url': 'https://app.example.com/health',
    });
    expect(config.health.url).toBe('http://10.0.0.1:8443/ready');
    expect(config.health.postSwitchUrl).toBe('https://app.example.com/health');
  });

  // Reproduced against dist/: such a URL probed the live colour, so the gate passed for any release.
  it.each(['deploy', 'rollback'])('in %s mode with verify-route: forward refuses a health-check-url that can only reach the live colour, before any AWS call', (mode) => {
    const url = 'https://app.example.com/health';
    const error = expectRejected('health-check-url', url, { mode, 'health-check-url': url, 'verify-route': 'forward' });
    expect(error.message).toContain('without {color}, test-listener-arn or the verification rule (verify-route: forward) it reaches what production serves, the live colour');
    expect(error.message).toContain('would pass for any release');
    expect(error.message).toContain('Put {color} in it');
    expect(error.message).toContain("set test-listener-arn and give the test listener's address here");
    expect(error.message).toContain('or set verify-route: auto (the default) and give the production address');
  });

  it('accepts the production address as health-check-url with the verification rule (verify-route auto or header): the run proves it reaches the rule', () => {
    expect(configWith({ 'health-check-url': 'https://app.example.com/health' })).toMatchObject({ verifyRoute: 'auto', health: { url: 'https://app.example.com/health' } });
    expect(configWith({ 'health-check-url': 'https://app.example.com/health', 'verify-route': 'header', 'test-listener-arn': TEST_LISTENER }).verifyRoute).toBe('header');
  });

  it('refuses verify-route: forward beside a test listener, and a value it does not know, naming the choices', () => {
    expect(expectRejected('verify-route', 'forward', { 'verify-route': 'forward', 'test-listener-arn': TEST_LISTENER }).message).toContain('forward is for setups with neither');
    expect(expectRejected('verify-route', 'rule', { 'verify-route': 'rule' }).message).toContain('auto (the test listener when test-listener-arn is set, else header)');
    expect(configWith({ 'verify-route': 'HEADER' }).verifyRoute).toBe('header');
  });

  it('accepts a URL without {color} when a test listener carries the pre-switch check, and any URL in status mode', () => {
    expect(configWith({ 'health-check-url': 'https://app.example.com:8443/health', 'test-listener-arn': TEST_LISTENER }).health.url).toBe('https://app.example.com:8443/health');
    expect(configWith({ mode: 'status', 'health-check-url': 'https://app.example.com/health' }).mode).toBe('status');
  });

  it('accepts a post-switch URL without {color}: after the switch production serves the new colour', () => {
    const config = configWith({ 'health-check-url': 'https://{color}.example.com/health', 'post-switch-health-check-url': 'https://app.example.com/health' });
    expect(config.health.postSwitchUrl).toBe('https://app.example.com/health');
  });

  it.each([
    ['health-check-url', 'https://{colour}.example.com/'],
    ['post-switch-health-check-url', 'https://example.com/{foo}/health'],
  ])('%s rejects an unknown placeholder in %s, naming the only one', (input, value) => {
    const error = expectRejected(input, value);
    expect(error.message).toContain('only placeholder is {color}');
  });

  it.each(['ftp://example.com/health', 'example.com/health', '/health', 'https://'])('rejects the non-HTTP URL %s', (value) => {
    expectRejected('health-check-url', value);
  });

  it('rejects a URL with credentials without echoing the password', () => {
    const error = errorOf({ 'health-check-url': 'https://user:hunter2secret@example.com/health' });
    expect(error.input).toBe('health-check-url');
    expect(error.message).toContain('health-check-headers');
    expect(error.message).not.toContain('hunter2secret');
  });

  it('parses header lines, ignores blank lines, and masks every value', () => {
    const config = configWith({
      'health-check-headers': 'Authorization: Bearer abc.def:ghi\n\n  X-Api-Key :  k3y-v4lue-123 \r\nHost: app.example.com\nX-Empty:',
    });
    expect(config.health.headers).toEqual({
      Authorization: 'Bearer abc.def:ghi',
      'X-Api-Key': 'k3y-v4lue-123',
      Host: 'app.example.com',
      'X-Empty': '',
    });
    expect(setSecret).toHaveBeenCalledWith('Bearer abc.def:ghi');
    expect(setSecret).toHaveBeenCalledWith('k3y-v4lue-123');
    expect(setSecret).toHaveBeenCalledWith('app.example.com');
    expect(setSecret).not.toHaveBeenCalledWith('');
  });

  it('names the bad line numbers and never a header value, in any error', () => {
    const secrets = ['s3cret-token-value', 'Bearer pasted-without-name', 'hidden-in-bad-name', 'dup-secret-2', 'ctl\u0001secret'];
    const headers = [
      `Authorization: ${secrets[0]}`,
      secrets[1],
      `Bad Name ${secrets[2]}: x`,
      `authorization: ${secrets[3]}`,
      `X-Ctl: ${secrets[4]}`,
    ].join('\n');
    const errors = errorsOf({ 'health-check-headers': headers, 'bake-time': 'never' });
    const headerError = errors.find((e) => e.input === 'health-check-headers') as InputErrorT;
    expect(headerError.message).toContain('line 2');
    expect(headerError.message).toContain('line 3');
    expect(headerError.message).toContain('line 4 repeats the header authorization');
    expect(headerError.message).toContain('line 5 has control characters');
    expect(setSecret).toHaveBeenCalledWith(`Bad Name ${secrets[2]}: x`);
    for (const secret of secrets) {
      expect(setSecret.mock.calls.some(([masked]) => masked.includes(secret))).toBe(true);
      for (const error of errors) {
        expect(error.message).not.toContain(secret);
        expect(error.value).not.toContain(secret);
      }
    }
  });

  it('says one line when only one header line is bad', () => {
    const error = errorOf({ 'health-check-headers': 'no colon here' });
    expect(error.value).toBe('(one line; values are not shown)');
    expect(error.message).toContain("line 1 has no ':'");
    expect(error.message).not.toContain('no colon here');
  });

  it.each([
    ['200', [{ min: 200, max: 200 }]],
    ['200-299,304', [{ min: 200, max: 299 }, { min: 304, max: 304 }]],
    [' 200 - 204 , 301 ', [{ min: 200, max: 204 }, { min: 301, max: 301 }]],
    ['100-599', [{ min: 100, max: 599 }]],
  ])('reads expected status %j', (value, ranges) => {
    expect(configWith({ 'health-check-expected-status': value }).health.expectedStatus).toEqual(ranges);
  });

  it.each(['99', '600', '299-200', '2xx', '200,', 'ok', '200-', '1000', '099'])('rejects expected status %j', (value) => {
    expect(expectRejected('health-check-expected-status', value).message).toContain('between 100 and 599');
  });

  it('compiles the expected body as a regular expression', () => {
    const body = configWith({ 'health-check-expected-body': '"status":\\s*"(ok|UP)"' }).health.expectedBody;
    expect(body).toBeInstanceOf(RegExp);
    expect(body?.test('{"status": "UP"}')).toBe(true);
  });

  it('rejects an expected body that does not compile, with the reason', () => {
    expect(expectRejected('health-check-expected-body', '(unclosed').message).toMatch(/regular expression.*Unterminated group/);
  });

  it('reads interval and timeout', () => {
    const config = configWith({ 'health-check-interval': '2s', 'health-check-timeout': '1500ms' });
    expect(config.health.intervalMs).toBe(2_000);
    expect(config.health.timeoutMs).toBe(1_500);
  });

  it.each([
    ['health-check-timeout', '0s'],
    ['health-check-timeout', 'fast'],
    ['health-check-interval', '0'],
  ])('%s rejects %s', (input, value) => {
    expectRejected(input, value);
  });

  it('rejects a timeout longer than the interval, explaining why', () => {
    const error = expectRejected('health-check-timeout', '15s', { 'health-check-timeout': '15s' });
    expect(error.message).toContain('at most health-check-interval (10s)');
    expect(error.message).toContain('before the next one starts');
  });

  it('accepts a timeout equal to the interval', () => {
    expect(configWith({ 'health-check-timeout': '10s' }).health.timeoutMs).toBe(10_000);
  });

  it.each(['healthy-threshold', 'unhealthy-threshold'])('%s takes whole numbers from 1 to 100', (input) => {
    expect(configWith({ [input]: '1' }).health).toEqual(expect.objectContaining({ [input === 'healthy-threshold' ? 'healthyThreshold' : 'unhealthyThreshold']: 1 }));
    expect(configWith({ [input]: '100' }).health).toEqual(expect.objectContaining({ [input === 'healthy-threshold' ? 'healthyThreshold' : 'unhealthyThreshold']: 100 }));
    for (const bad of ['0', '101', '1.5', 'three', '-1']) {
      expect(expectRejected(input, bad).message).toContain('from 1 to 100');
    }
  });
});

describe('traffic-shift grammar', () => {
  it.each([
    ['all-at-once', { kind: 'all-at-once' }],
    ['ALL-AT-ONCE', { kind: 'all-at-once' }],
    ['canary 10% 5m', { kind: 'canary', percent: 10, waitMs: 300_000 }],
    ['Canary 1% 1h30m', { kind: 'canary', percent: 1, waitMs: 5_400_000 }],
    ['  linear   25 %   2m  ', { kind: 'linear', percent: 25, waitMs: 120_000 }],
    ['LINEAR 99% 30s', { kind: 'linear', percent: 99, waitMs: 30_000 }],
    ['linear 33% 90s', { kind: 'linear', percent: 33, waitMs: 90_000 }],
    ['canary\t5%\t1h 30m', { kind: 'canary', percent: 5, waitMs: 5_400_000 }],
    ['canary 10%5m', { kind: 'canary', percent: 10, waitMs: 300_000 }],
  ])('reads %j', (value, shift) => {
    expect(configWith({ 'traffic-shift': value }).trafficShift).toEqual(shift);
  });

  it.each([
    ['canary 0% 5m', 'from 1 to 99'],
    ['canary 100% 5m', 'from 1 to 99'],
    ['linear 150% 1m', 'from 1 to 99'],
    ['canary 10 5m', 'canary <percent>% <wait>'],
    ['canary 10%', 'canary <percent>% <wait>'],
    ['canary -5% 1m', 'canary <percent>% <wait>'],
    ['canary 10.5% 1m', 'canary <percent>% <wait>'],
    ['blue-green', 'canary <percent>% <wait>'],
    ['all at once', 'canary <percent>% <wait>'],
    ['canary 10% soon', "as in 'canary 10% 5m'"],
    ['linear 10% 0s', 'a wait longer than 0'],
  ])('rejects %j', (value, hint) => {
    expect(expectRejected('traffic-shift', value).message).toContain(hint);
  });
});

describe('durations, alarms and switches', () => {
  it('reads bake-time, wait-timeout and scale-down-delay', () => {
    const config = configWith({ 'bake-time': '0', 'wait-timeout': '30m', 'scale-down-delay': '1h' });
    expect(config.bakeTimeMs).toBe(0);
    expect(config.waitTimeoutMs).toBe(1_800_000);
    expect(config.scaleDownDelayMs).toBe(3_600_000);
  });

  it.each([
    ['bake-time', '-5m'],
    ['scale-down-delay', '5 minutes'],
    ['wait-timeout', 'forever'],
  ])('%s rejects %s', (input, value) => {
    expect(expectRejected(input, value).message).toContain('a duration with a unit, such as 30s, 5m, 1h30m or 500ms');
  });

  it.each([
    ['wait-timeout', '30'],
    ['bake-time', '300'],
    ['health-check-interval', '10'],
    ['health-check-timeout', '5'],
    ['scale-down-delay', '60'],
  ])('%s refuses the bare number %s and asks for a unit', (input, value) => {
    const message = expectRejected(input, value).message;
    expect(message).toContain(`Input '${input}' is invalid: got "${value}"`);
    expect(message).toContain(`write ${value}s for seconds or ${value}m for minutes`);
  });

  it('refuses a bare number as the wait of a canary or linear shift', () => {
    expect(expectRejected('traffic-shift', 'canary 10% 5').message).toContain("a wait with a unit after the percent (a bare number is ambiguous): 'canary 10% 5s' or 'canary 10% 5m'");
  });

  it('rejects a zero wait-timeout', () => {
    expect(expectRejected('wait-timeout', '0s').message).toContain('longer than 0');
  });

  it('splits alarm names on newlines and commas, trims, drops blanks and repeats', () => {
    const config = configWith({ 'cloudwatch-alarms': ' app-5xx ,app-latency\n\n  app-5xx\r\nTarget: Unhealthy hosts,' });
    expect(config.alarms).toEqual(['app-5xx', 'app-latency', 'Target: Unhealthy hosts']);
  });

  it('rejects an alarm name over 255 characters, showing that name', () => {
    const long = 'a'.repeat(256);
    const error = errorOf({ 'cloudwatch-alarms': `ok-alarm\n${long}` });
    expect(error.input).toBe('cloudwatch-alarms');
    expect(error.value).toBe(long);
    expect(error.message).toContain('1-255 characters');
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['Yes', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['no', false],
    ['0', false],
  ])('reads the switch value %s as %s', (value, expected) => {
    const config = configWith({ 'scale-down-previous': value, lock: value, 'dry-run': value });
    expect([config.scaleDownPrevious, config.lock, config.dryRun]).toEqual([expected, expected, expected]);
  });

  it.each(['scale-down-previous', 'lock', 'dry-run'])('%s rejects values that are not yes or no', (input) => {
    expect(expectRejected(input, 'maybe').message).toContain('true or false');
    expectRejected(input, 'on');
  });
});

describe('run identity', () => {
  const GITHUB = {
    GITHUB_RUN_ID: '123456789',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
  };

  it('identifies the run attempt and the job, and links to the run', () => {
    expect(configWith({}, { ...GITHUB, GITHUB_JOB: 'deploy' }).run).toEqual({
      id: expect.stringMatching(/^123456789-2-deploy-[0-9a-f]{8}$/),
      description: 'octo/shop workflow "Deploy" run 42 (attempt 2) job deploy by octocat',
      url: 'https://github.com/octo/shop/actions/runs/123456789',
    });
  });

  // Run id + attempt is shared by every job of a run and every leg of a matrix: two of them deploying
  // the same pair both "held" the lock, and the first to finish deleted it.
  it('gives two jobs of one run, and two legs of one matrix job, different ids', () => {
    const env = { ...GITHUB, GITHUB_JOB: 'deploy' };
    const legs = [configWith({}, env).run.id, configWith({}, env).run.id, configWith({}, { ...env, GITHUB_JOB: 'deploy-eu' }).run.id];
    expect(new Set(legs).size).toBe(3);
  });

  it('assumes the first attempt and omits what is unknown', () => {
    const run = configWith({}, { GITHUB_RUN_ID: '77' }).run;
    expect(run).toEqual({ id: expect.stringMatching(/^77-1-[0-9a-f]{8}$/), description: 'run id 77' });
  });

  it('falls back to a local identity outside GitHub Actions', () => {
    const run = configWith({}, {}).run;
    expect(run.id).toMatch(new RegExp(`^local-${process.pid}-\\d{13}-[0-9a-f]{8}$`));
    expect(run.description).toBe(`local run (pid ${process.pid})`);
    expect(run.url).toBeUndefined();
  });
});

describe('maskCredentialsFromEnv', () => {
  const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAKCAgEAwJ8\n-----END PRIVATE KEY-----';
  const ENV = {
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLETOKEN',
    GITHUB_TOKEN: 'ghs_exampleexampleexample',
    DB_PASSWORD: 'correct horse battery',
    npm_config_api_key: 'npm-key-1234567',
    DEPLOY_KEY: PEM,
    AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/abc',
    FEATURE_KEY: 'on',
    AWS_REGION: 'us-east-1',
    PATH: '/usr/bin:/bin',
    HOME: '/home/runner',
    EMPTY_SECRET: '',
  };

  it('masks credential-like values, and each line of a multi-line key', () => {
    maskCredentialsFromEnv(ENV);
    const masked = setSecret.mock.calls.map(([value]) => value);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'GITHUB_TOKEN', 'DB_PASSWORD', 'npm_config_api_key', 'DEPLOY_KEY'] as const) {
      expect(masked).toContain(ENV[name]);
    }
    expect(masked).toEqual(expect.arrayContaining(['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'AKCAgEAwJ8']));
    for (const name of ['AWS_WEB_IDENTITY_TOKEN_FILE', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'FEATURE_KEY', 'AWS_REGION', 'PATH', 'HOME'] as const) {
      expect(masked).not.toContain(ENV[name]);
    }
    expect(masked).not.toContain('');
  });

  it('masks the AWS credentials even when short', () => {
    maskCredentialsFromEnv({ AWS_SESSION_TOKEN: 'abc' });
    expect(setSecret).toHaveBeenCalledWith('abc');
  });

  it('uses process.env by default', () => {
    process.env.INPUTS_TEST_SECRET = 'process-env-secret-value';
    try {
      maskCredentialsFromEnv();
      expect(setSecret).toHaveBeenCalledWith('process-env-secret-value');
    } finally {
      delete process.env.INPUTS_TEST_SECRET;
    }
  });

  it('is called by readConfig, before any input can fail', () => {
    errorsOf({ cluster: '' }, { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' });
    expect(setSecret).toHaveBeenCalledWith('wJalrXUtnFEMI/K7MDENG');
  });
});

describe('action.yml', () => {
  const action = parseYaml(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
    name: string;
    description: string;
    branding: { icon: string; color: string };
    inputs: Record<string, { description: string; required?: boolean; default?: string }>;
    outputs: Record<string, { description: string }>;
    runs: Record<string, string>;
  };

  it('declares exactly the inputs readConfig reads, with the same defaults and required flags', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(spec.description.length).toBeGreaterThan(10);
      const fallback = INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS];
      expect([name, spec.default ?? '']).toEqual([name, fallback]);
      expect([name, spec.required === true]).toEqual([name, REQUIRED_INPUTS.includes(name as keyof typeof INPUT_DEFAULTS)]);
      if (spec.required) expect(spec).not.toHaveProperty('default');
    }
  });

  it('reads every declared input', () => {
    getInput.mockImplementation((name) => BASE[name] ?? '');
    readConfig();
    const read = new Set(getInput.mock.calls.map(([name]) => name));
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('declares the outputs of the contract, each described', () => {
    expect(Object.keys(action.outputs)).toEqual(['status', 'live-color', 'previous-color', 'target-color', 'task-definition-arn', 'rolled-back', 'rollback-reason', 'switched-at', 'service-deployment-arn', 'pre-deploy-task-arn']);
    for (const output of Object.values(action.outputs)) expect(output.description).toBeTruthy();
  });

  it('runs main and post on node24, with post always', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' });
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });
});

describe('expected-live-color', () => {
  it('is a colour, accepted with mode: rollback', () => {
    expect(configWith({ mode: 'rollback', 'expected-live-color': 'Green' }).expectedLiveColour).toBe('green');
    expect(configWith({ mode: 'rollback' }).expectedLiveColour).toBeUndefined();
    expect(expectRejected('expected-live-color', 'purple', { mode: 'rollback', 'expected-live-color': 'purple' }).message).toContain('expected blue or green');
  });

  it('is refused in the other modes, which do not use it', () => {
    expect(expectRejected('expected-live-color', 'blue', { 'expected-live-color': 'blue' }).message).toContain('only with mode: rollback');
    expect(expectRejected('expected-live-color', 'blue', { mode: 'status', 'expected-live-color': 'blue' }).input).toBe('expected-live-color');
  });
});

describe('the team\'s commands', () => {
  it('reads each command as written (several lines) and the timeout', () => {
    const config = configWith({
      'pre-deploy-command': './migrate.sh expand',
      'smoke-test-command': 'npm ci\nnpx playwright test',
      'post-deploy-command': './migrate.sh contract',
      'rollback-command': './notify.sh',
      'command-timeout': '15m',
    });
    expect(config.commands).toEqual({
      preDeploy: './migrate.sh expand',
      smokeTest: 'npm ci\nnpx playwright test',
      postDeploy: './migrate.sh contract',
      rollback: './notify.sh',
      timeoutMs: 900_000,
    });
  });

  it('refuses a command-timeout without a unit, or of zero', () => {
    expect(expectRejected('command-timeout', '600').message).toContain('unit');
    expect(expectRejected('command-timeout', '0').message).toContain('longer than 0');
  });
});

describe('mode: prepare and mode: promote', () => {
  const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7';

  it('promote needs expected-task-definition-arn, a full task definition ARN in the region', () => {
    expect(configWith({ mode: 'promote', 'expected-task-definition-arn': ARN }).expectedTaskDefinitionArn).toBe(ARN);
    expect(expectRejected('expected-task-definition-arn', '', { mode: 'promote' }).message).toContain('task-definition-arn output of the mode: prepare step');
    expect(expectRejected('expected-task-definition-arn', 'shop:7', { mode: 'promote', 'expected-task-definition-arn': 'shop:7' }).message).toContain('a task definition ARN');
    const other = ARN.replace('us-east-1', 'eu-west-1');
    expect(expectRejected('expected-task-definition-arn', other, { mode: 'promote', 'expected-task-definition-arn': other }).message).toContain('this one is in eu-west-1');
  });

  it('promote refuses the inputs that choose or build a release: prepare did that', () => {
    const errors = errorsOf({ mode: 'promote', 'expected-task-definition-arn': ARN, 'task-definition': 'shop:8', 'container-name': 'app', image: 'shop:8', 'pre-deploy-command': './expand.sh', 'force-new-deployment': 'true' });
    expect(errors.map((e) => e.input).sort()).toEqual(['container-name', 'force-new-deployment', 'image', 'pre-deploy-command', 'task-definition']);
    expect(errors[0]?.message).toContain('no value with mode: promote');
  });

  it('expected-task-definition-arn belongs to promote only', () => {
    expect(expectRejected('expected-task-definition-arn', ARN, { 'expected-task-definition-arn': ARN }).message).toContain('only with mode: promote');
    expect(configWith({ mode: 'prepare' }).mode).toBe('prepare');
  });
});

describe('GitHub deployment records', () => {
  it('are off by default, and the token is masked whenever it is given', () => {
    expect(configWith({ 'github-token': 'ghs_abc' }).github).toBeUndefined();
    expect(setSecret).toHaveBeenCalledWith('ghs_abc');
  });

  it('with github-deployment: the environment, the URL and the token', () => {
    const config = configWith({ 'github-deployment': 'true', environment: 'production', 'environment-url': 'https://shop.example.com/', 'github-token': 'ghs_abc' });
    expect(config.github).toEqual({ token: 'ghs_abc', environment: 'production', environmentUrl: 'https://shop.example.com/' });
  });

  it('need an environment and a token, and a URL GitHub can show', () => {
    const errors = errorsOf({ 'github-deployment': 'true', 'environment-url': 'shop.example.com' });
    expect(errors.map((e) => e.input).sort()).toEqual(['environment', 'environment-url', 'github-token']);
    expect(errors.find((e) => e.input === 'github-token')?.message).toContain('deployments: write');
  });
});

describe('pre-deploy-task-command', () => {
  it('runs a command line in the image\'s shell, and a JSON array as is', () => {
    expect(configWith({ 'pre-deploy-task-command': 'npm run migrate && echo done' }).commands.preDeployTask).toEqual(['sh', '-c', 'npm run migrate && echo done']);
    expect(configWith({ 'pre-deploy-task-command': '["/app/migrate", "--up"]' }).commands.preDeployTask).toEqual(['/app/migrate', '--up']);
  });

  it('refuses a JSON array that is not strings, or empty', () => {
    expect(expectRejected('pre-deploy-task-command', '[1, 2]').message).toContain('a JSON array of strings');
    expect(expectRejected('pre-deploy-task-command', '[]').message).toContain('a JSON array of strings');
    expect(expectRejected('pre-deploy-task-command', '["unterminated"').message).toContain('a JSON array of strings');
  });
});

describe('YAML task definition files', () => {
  const yamlDefinition = [
    'family: shop',
    'networkMode: awsvpc',
    'requiresCompatibilities: [FARGATE]',
    'cpu: "256"',
    'memory: "512"',
    'containerDefinitions:',
    '  - name: app',
    '    image: shop:1',
    '    essential: true',
    '    portMappings:',
    '      - containerPort: 8080',
    'taskDefinitionArn: arn:aws:ecs:us-east-1:123456789012:task-definition/shop:3',
    '',
  ].join('\n');

  it('reads a .yml or .yaml file once the parser is loaded, as the JSON one', async () => {
    const { prepareYaml } = await import('../src/inputs/yaml-files.js');
    const path = writeFixture('td.yaml', yamlDefinition);
    await prepareYaml(path);
    const config = configWith({ 'task-definition': path, 'container-name': 'app', image: 'shop:2' });
    expect(config.taskDefinition).toEqual({ kind: 'file', path });
    const loaded = loadTaskDefinitionFile(path);
    expect(loaded).toMatchObject({ family: 'shop', cpu: '256', containerDefinitions: [{ name: 'app', image: 'shop:1', portMappings: [{ containerPort: 8080 }] }] });
    expect(loaded).not.toHaveProperty('taskDefinitionArn');
  });

  it('names the format in the error for a file that does not parse, or is not a mapping', async () => {
    const { prepareYaml } = await import('../src/inputs/yaml-files.js');
    const broken = writeFixture('broken.yml', 'family: [unclosed\n');
    await prepareYaml(broken);
    expect(expectRejected('task-definition', broken).message).toContain('valid YAML');
    const list = writeFixture('list.yml', '- a\n- b\n');
    expect(expectRejected('task-definition', list).message).toContain('a YAML object (a mapping)');
  });
});

describe('engine', () => {
  const TRAFFIC: Record<string, string> = { ...BASE, engine: 'traffic', cluster: '', 'blue-service': '', 'green-service': '' };

  it('pair (the default) needs the cluster and both services', () => {
    expect(configWith().engine).toBe('pair');
    for (const input of ['cluster', 'blue-service', 'green-service']) {
      expect(expectRejected(input, '', { [input]: '' }).message).toContain('required with engine: pair');
    }
  });

  it('traffic needs no ECS input, and names the colours by their target groups', () => {
    const config = readConfig((name) => TRAFFIC[name] ?? '', {});
    expect(config).toMatchObject({ engine: 'traffic', cluster: '', services: { blue: 'app-blue', green: 'app-green' }, taskDefinition: { kind: 'live' } });
  });

  it('traffic refuses every input it would ignore, and the modes that deploy a release', () => {
    const errors = (() => {
      try {
        readConfig((name) => ({ ...TRAFFIC, cluster: 'prod', 'blue-service': 'a', 'task-definition': 'shop:3', image: 'x', 'container-name': 'app', 'pre-deploy-task-command': 'migrate', 'scale-down-previous': 'true', 'force-new-deployment': 'true' })[name] ?? '', {});
      } catch (error) {
        return (error as InstanceType<typeof InputErrors>).errors;
      }
      return [];
    })();
    expect(errors.map((e) => e.input).sort()).toEqual(['blue-service', 'cluster', 'container-name', 'force-new-deployment', 'image', 'pre-deploy-task-command', 'scale-down-previous', 'task-definition']);
    expect(errors[0]?.message).toContain('no value with engine: traffic');
    expect(() => readConfig((name) => ({ ...TRAFFIC, mode: 'prepare' })[name] ?? '', {})).toThrow(/nothing to prepare/);
  });

  const ECS: Record<string, string> = { engine: 'ecs', cluster: 'prod', service: 'shop', 'aws-region': 'us-east-1', 'health-check-url': 'https://test.shop.example.com/health' };
  const ecsErrors = (inputs: Record<string, string>) => {
    try {
      readConfig((name) => inputs[name] ?? '', {});
    } catch (error) {
      return error instanceof InputErrors ? error.errors : [error as InputErrorT];
    }
    return [];
  };

  it('ecs needs the cluster and the one service; state-parameter is optional and with it the lock', () => {
    const config = readConfig((name) => ECS[name] ?? '', {});
    expect(config).toMatchObject({ engine: 'ecs', cluster: 'prod', service: 'shop', stateParameter: '', lock: false, listenerArn: '', targetGroups: { blue: '', green: '' }, health: { url: 'https://test.shop.example.com/health' } });
    expect(readConfig((name) => ({ ...ECS, 'state-parameter': '/shop/live' })[name] ?? '', {})).toMatchObject({ stateParameter: '/shop/live', lock: true });
    expect(ecsErrors({ ...ECS, service: '' }).map((e) => [e.input, e.message.includes('required with engine: ecs')])).toEqual([['service', true]]);
    expect(ecsErrors({ ...ECS, cluster: '' }).map((e) => e.input)).toEqual(['cluster']);
  });

  it("ecs refuses the pair's inputs, what ECS's strategy decides, and the modes it has no use for", () => {
    const errors = ecsErrors({
      ...ECS,
      'blue-service': 'a',
      'green-service': 'b',
      'blue-target-group-arn': TG_BLUE,
      'green-target-group-arn': TG_GREEN,
      'listener-arn': LISTENER,
      'listener-rule-arn': RULE,
      'test-listener-arn': TEST_LISTENER,
      'traffic-shift': 'canary 10% 5m',
      'scale-down-previous': 'true',
      'scale-down-delay': '5m',
      'expected-live-color': 'blue',
      'verify-route': 'header',
    });
    expect(errors.map((e) => e.input).sort()).toEqual(
      ['blue-service', 'blue-target-group-arn', 'expected-live-color', 'green-service', 'green-target-group-arn', 'listener-arn', 'listener-rule-arn', 'scale-down-delay', 'scale-down-previous', 'test-listener-arn', 'traffic-shift', 'verify-route'].sort(),
    );
    expect(errors.find((e) => e.input === 'listener-arn')?.message).toContain("the service's own loadBalancers[].advancedConfiguration names its two target groups and listener rules");
    expect(errors.find((e) => e.input === 'traffic-shift')?.message).toContain('deploymentConfiguration.strategy decides');
    // prepare stops at the POST_TEST_TRAFFIC_SHIFT pause, promote continues it (flow-builtin-approval.test.ts).
    expect(ecsErrors({ ...ECS, mode: 'prepare' })).toEqual([]);
    expect(ecsErrors({ ...ECS, mode: 'promote' }).map((e) => e.input)).toEqual(['expected-task-definition-arn']);
    expect(ecsErrors({ ...ECS, mode: 'rollback', 'expected-live-color': 'green' }).map((e) => e.message)).toEqual([expect.stringContaining('there are no fixed colours')]);
    expect(ecsErrors({ ...ECS, mode: 'rollback' })).toEqual([]);
  });

  it('ecs refuses {color} in the URLs: the test rule reaches only the new revision', () => {
    const [error] = ecsErrors({ ...ECS, 'health-check-url': 'https://{color}.shop.example.com/health' });
    expect(error?.input).toBe('health-check-url');
    expect(error?.message).toContain('no {color} with engine: ecs');
  });

  it('the pair refuses `service`, which is for engine: ecs', () => {
    expect(expectRejected('service', 'shop').message).toContain('`service` is for engine: ecs');
  });

  it('an unknown engine names the three', () => {
    expect(expectRejected('engine', 'nope').message).toContain("pair (two ECS services), traffic (two target groups filled by something else) or ecs (one service using ECS's built-in blue/green)");
  });
});


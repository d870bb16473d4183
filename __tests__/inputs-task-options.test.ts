// The inputs the official ECS deploy action's users expect: the pre-deploy task's tags, startedBy,
// environment and EBS volume, and the services' managed tags, tag propagation and EBS volume. Each is
// validated before any AWS call, and refused where it would be ignored.
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LISTENER, PAIR_INPUTS, TG_BLUE, TG_GREEN, inputErrorsOf } from '../__fixtures__/inputs.js';

const setSecret = jest.fn<(secret: string) => void>();
const getInput = jest.fn<(name: string) => string>(() => '');
jest.unstable_mockModule('@actions/core', () => ({ setSecret, getInput }));

const { readConfig } = await import('../src/inputs.js');
type InputErrorT = import('../src/errors.js').InputError;

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7';

const BASE: Record<string, string> = { ...PAIR_INPUTS };
const TASK = { 'pre-deploy-task-command': 'npm run migrate' };
const TRAFFIC: Record<string, string> = { engine: 'traffic', 'blue-target-group-arn': TG_BLUE, 'green-target-group-arn': TG_GREEN, 'listener-arn': LISTENER, 'state-parameter': '/app/live-color', 'aws-region': 'us-east-1' };

const configWith = (overrides: Record<string, string> = {}, base = BASE) => readConfig((name) => ({ ...base, ...overrides })[name] ?? '', {});

const errorsOf = (overrides: Record<string, string>, base = BASE): InputErrorT[] => inputErrorsOf(() => configWith(overrides, base));

beforeEach(() => {
  setSecret.mockClear();
});

describe('pre-deploy-task-* inputs', () => {
  it('reads tags, startedBy, environment and the EBS volume of the task', () => {
    const config = configWith({
      ...TASK,
      'pre-deploy-task-tags': '[{"key": "team", "value": "payments"}, {"key": "cost-centre", "value": "42"}]',
      'pre-deploy-task-started-by': 'release_42',
      'pre-deploy-task-environment': 'MIGRATION_TARGET=v2\n\nDSN=postgres://db/app?x=1',
      'pre-deploy-task-managed-ebs-volume-name': 'scratch',
      'pre-deploy-task-managed-ebs-volume': `{"roleArn": "${ROLE}", "sizeInGiB": 20}`,
    });
    expect(config.preDeployTask).toEqual({
      tags: [{ key: 'team', value: 'payments' }, { key: 'cost-centre', value: '42' }],
      startedBy: 'release_42',
      environment: [{ name: 'MIGRATION_TARGET', value: 'v2' }, { name: 'DSN', value: 'postgres://db/app?x=1' }],
      volume: { name: 'scratch', managedEBSVolume: { roleArn: ROLE, sizeInGiB: 20 } },
    });
  });

  it('accepts Key=Value lines for tags, and defaults startedBy to ecs-blue-green-action', () => {
    const config = configWith({ ...TASK, 'pre-deploy-task-tags': 'team=payments\nrelease = v2' });
    expect(config.preDeployTask).toEqual({ tags: [{ key: 'team', value: 'payments' }, { key: 'release', value: 'v2' }], startedBy: 'ecs-blue-green-action', environment: [] });
  });

  it.each([
    ['pre-deploy-task-tags', '{"key": "a"}', /a JSON array of \{"key": "\.\.\.", "value": "\.\.\."\}/],
    ['pre-deploy-task-tags', '[{"Key": "a", "Value": "b"}]', /a JSON array of/],
    ['pre-deploy-task-tags', 'no-equals-sign', /lines of Key=Value/],
    ['pre-deploy-task-tags', JSON.stringify(Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }))), /at most 50 tags/],
    ['pre-deploy-task-tags', `${'k'.repeat(129)}=v`, /a key of 1 to 128 characters/],
    ['pre-deploy-task-tags', `k=${'v'.repeat(257)}`, /a value of at most 256 characters/],
    ['pre-deploy-task-tags', 'aws:team=x', /no key or value starting with aws:/],
    ['pre-deploy-task-tags', 'team=AWS:x', /no key or value starting with aws:/],
    ['pre-deploy-task-tags', 'team=a\nteam=b', /each key once/],
    ['pre-deploy-task-tags', 'team=a;b', /only letters, numbers, spaces/],
    ['pre-deploy-task-started-by', 'release 42', /up to 128 letters, numbers, hyphens/],
    ['pre-deploy-task-started-by', 'x'.repeat(129), /up to 128 letters/],
    ['pre-deploy-task-environment', '1ST=x', /each NAME letters, digits and _/],
    ['pre-deploy-task-environment', 'A=1\nA=2', /each NAME once/],
    ['pre-deploy-task-managed-ebs-volume', '{"sizeInGiB": 20}', /a "roleArn": the ARN of the ECS infrastructure IAM role/],
    ['pre-deploy-task-managed-ebs-volume', '[1]', /a JSON object/],
    ['pre-deploy-task-managed-ebs-volume', '{nope', /a JSON object such as/],
    ['pre-deploy-task-managed-ebs-volume-name', 'bad name', /the name of a task definition volume with configuredAtLaunch: true/],
  ])('%s %j is refused up front', (input, value, expected) => {
    const volume: Record<string, string> = input.includes('ebs') ? { 'pre-deploy-task-managed-ebs-volume-name': 'scratch', 'pre-deploy-task-managed-ebs-volume': `{"roleArn": "${ROLE}"}` } : {};
    const [error, ...more] = errorsOf({ ...TASK, ...volume, [input]: value });
    expect(more).toEqual([]);
    expect(error?.input).toBe(input);
    expect(error?.message).toMatch(expected);
  });

  it('never shows an environment value in an error', () => {
    const [error] = errorsOf({ ...TASK, 'pre-deploy-task-environment': 'GOOD=fine\nBAD NAME=s3cr3t-value' });
    expect(error?.message).not.toContain('s3cr3t');
    expect(error?.message).toContain('BAD NAME=…');
    const [refused] = errorsOf({ 'pre-deploy-task-environment': 'TOKEN=s3cr3t-value' });
    expect(refused?.message).not.toContain('s3cr3t');
    expect(refused?.message).toMatch(/no value without pre-deploy-task-command/);
  });

  it.each([
    ['pre-deploy-task-managed-ebs-volume-name', { 'pre-deploy-task-managed-ebs-volume': `{"roleArn": "${ROLE}"}` }],
    ['pre-deploy-task-managed-ebs-volume', { 'pre-deploy-task-managed-ebs-volume-name': 'scratch' }],
  ])('wants %s with the other half of the volume', (missing, given) => {
    const [error, ...more] = errorsOf({ ...TASK, ...given });
    expect(more).toEqual([]);
    expect(error?.input).toBe(missing);
    expect(error?.message).toMatch(/the volume's name and its configuration go together/);
  });

  it('refuses every pre-deploy-task-* input without pre-deploy-task-command (it would be ignored)', () => {
    const errors = errorsOf({ 'pre-deploy-task-tags': 'a=b', 'pre-deploy-task-started-by': 'me', 'pre-deploy-task-managed-ebs-volume-name': 'scratch' });
    expect(errors.map((e) => e.input).sort()).toEqual(['pre-deploy-task-managed-ebs-volume-name', 'pre-deploy-task-started-by', 'pre-deploy-task-tags']);
  });
});

describe('service settings: enable-ecs-managed-tags, propagate-tags, service-managed-ebs-volume', () => {
  it('are empty unless given: the services keep their own settings', () => {
    expect(configWith().serviceSettings).toEqual({});
  });

  it('are read for the UpdateService that deploys', () => {
    const config = configWith({
      'enable-ecs-managed-tags': 'true',
      'propagate-tags': 'service',
      'service-managed-ebs-volume-name': 'data',
      'service-managed-ebs-volume': `{"roleArn": "${ROLE}", "volumeType": "gp3"}`,
    });
    expect(config.serviceSettings).toEqual({ enableECSManagedTags: true, propagateTags: 'SERVICE', volume: { name: 'data', managedEBSVolume: { roleArn: ROLE, volumeType: 'gp3' } } });
    expect(configWith({ 'enable-ecs-managed-tags': 'false' }).serviceSettings).toEqual({ enableECSManagedTags: false });
  });

  it.each([
    ['enable-ecs-managed-tags', 'maybe', /true or false/],
    ['propagate-tags', 'TASK', /TASK_DEFINITION, SERVICE or NONE/],
    ['service-managed-ebs-volume', '{"sizeInGiB": 1}', /a "roleArn"/],
  ])('%s %j is refused', (input, value, expected) => {
    const volume: Record<string, string> = input === 'service-managed-ebs-volume' ? { 'service-managed-ebs-volume-name': 'data' } : {};
    const [error, ...more] = errorsOf({ ...volume, [input]: value });
    expect(more).toEqual([]);
    expect(error?.input).toBe(input);
    expect(error?.message).toMatch(expected);
  });

  it('work with engine: ecs', () => {
    const config = configWith({ engine: 'ecs', service: 'shop', 'blue-service': '', 'green-service': '', 'blue-target-group-arn': '', 'green-target-group-arn': '', 'listener-arn': '', 'state-parameter': '', 'propagate-tags': 'TASK_DEFINITION' });
    expect(config.serviceSettings).toEqual({ propagateTags: 'TASK_DEFINITION' });
  });
});

describe('refusals', () => {
  const ALL: Record<string, string> = {
    'pre-deploy-task-tags': 'a=b',
    'pre-deploy-task-started-by': 'me',
    'pre-deploy-task-environment': 'A=secret-value',
    'pre-deploy-task-managed-ebs-volume-name': 'scratch',
    'pre-deploy-task-managed-ebs-volume': `{"roleArn": "${ROLE}"}`,
    'enable-ecs-managed-tags': 'true',
    'propagate-tags': 'NONE',
    'service-managed-ebs-volume-name': 'data',
    'service-managed-ebs-volume': `{"roleArn": "${ROLE}"}`,
  };

  it('engine: traffic refuses every one (no ECS task or service), showing no environment value', () => {
    const errors = errorsOf(ALL, TRAFFIC);
    expect(errors.map((e) => e.input).sort()).toEqual(Object.keys(ALL).sort());
    for (const e of errors) expect(e.message).toMatch(/no value with engine: traffic/);
    expect(errors.map((e) => e.message).join('\n')).not.toContain('secret-value');
  });

  it('mode: promote refuses every one, like task-definition (give them to mode: prepare)', () => {
    const errors = errorsOf({ ...ALL, mode: 'promote', 'expected-task-definition-arn': TASK_DEF });
    expect(errors.map((e) => e.input).sort()).toEqual(Object.keys(ALL).sort());
    for (const e of errors) expect(e.message).toMatch(/no value with mode: promote/);
  });
});

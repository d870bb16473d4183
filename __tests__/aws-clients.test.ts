import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  clientConfig,
  createAwsPorts,
  createRestorePorts,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  lazyPort,
} from '../src/aws/clients.js';

// The clients exactly as the adapters' connect() builds them from clientConfig.
const createAwsClients = (region: string, options?: Parameters<typeof clientConfig>[1]) => {
  const config = clientConfig(region, options);
  return { ecs: new ECSClient(config), elb: new ElasticLoadBalancingV2Client(config), ssm: new SSMClient(config), cloudwatch: new CloudWatchClient(config) };
};

const saved = { ...process.env };
const retryMode = async (strategy: Promise<unknown>) => ((await strategy) as { mode?: string }).mode;
afterEach(() => {
  process.env = { ...saved };
});

describe('clientConfig', () => {
  it('bounds every request and makes the bound an error, not a warning', () => {
    expect(clientConfig('eu-west-1')).toEqual({
      region: 'eu-west-1',
      requestHandler: { requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS, connectionTimeout: DEFAULT_CONNECTION_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
    expect(clientConfig('us-east-1', { requestTimeoutMs: 1500, connectionTimeoutMs: 500 }).requestHandler).toMatchObject({
      requestTimeout: 1500,
      connectionTimeout: 500,
    });
  });

  it('leaves an empty region to the SDK and sets no retry options of its own', () => {
    const config = clientConfig('');
    expect(config).not.toHaveProperty('region');
    expect(config).not.toHaveProperty('maxAttempts');
    expect(config).not.toHaveProperty('retryMode');
  });
});

describe('createAwsClients', () => {
  it('builds the four clients in the region, honouring AWS_MAX_ATTEMPTS and AWS_RETRY_MODE', async () => {
    process.env.AWS_MAX_ATTEMPTS = '7';
    process.env.AWS_RETRY_MODE = 'adaptive';
    const clients = createAwsClients('eu-west-1');
    for (const client of [clients.ecs, clients.elb, clients.ssm, clients.cloudwatch]) {
      await expect(client.config.region()).resolves.toBe('eu-west-1');
      await expect(client.config.maxAttempts()).resolves.toBe(7);
    }
    expect(await retryMode(clients.ssm.config.retryStrategy())).toBe('adaptive');
  });

  it('uses the SDK defaults (standard, 3 attempts) without those variables', async () => {
    delete process.env.AWS_MAX_ATTEMPTS;
    delete process.env.AWS_RETRY_MODE;
    const { ecs } = createAwsClients('eu-west-1');
    await expect(ecs.config.maxAttempts()).resolves.toBe(3);
    expect(await retryMode(ecs.config.retryStrategy())).toBe('standard');
  });
});

describe('createAwsPorts', () => {
  it('returns the six ports, and the restore ports only ELBv2 and SSM', () => {
    const ports = createAwsPorts('eu-west-1');
    expect(Object.keys(ports).sort()).toEqual(['alarms', 'deployments', 'ecs', 'elb', 'metrics', 'ssm']);
    expect(typeof ports.elb.writeActions).toBe('function');
    expect(Object.keys(createRestorePorts('eu-west-1')).sort()).toEqual(['elb', 'ssm']);
  });
});

describe('lazyPort', () => {
  it('loads the implementation once, on the first call, and forwards every call', async () => {
    const get = async (name: string) => ({ value: name, version: 1 });
    const load = jest.fn(async () => ({ get }));
    const port = lazyPort('SSM', load);
    expect(load).not.toHaveBeenCalled();
    await expect(port.get('a')).resolves.toEqual({ value: 'a', version: 1 });
    await expect(port.get('b')).resolves.toEqual({ value: 'b', version: 1 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('is not a thenable, and says so when a method does not exist', async () => {
    const port = lazyPort('SSM', async () => ({}) as { missing: () => Promise<void> });
    expect((port as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(Promise.resolve(port)).resolves.toBe(port);
    await expect(port.missing()).rejects.toThrow('The port has no method missing');
  });

  it('loads the real adapters: a call reaches the endpoint through the loaded SDK client', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    process.env.AWS_MAX_ATTEMPTS = '1';
    const { ssm } = createAwsPorts('eu-west-1', { connectionTimeoutMs: 500 });
    await expect(ssm.get('x')).rejects.toMatchObject({
      name: 'AwsAccessFailed',
      // The real client tags its errors: the message names the AWS operation, not the port's method.
      message: expect.stringMatching(/^Could not reach AWS SSM \(AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:9\) for ssm:GetParameter: .*ECONNREFUSED.*Check 'aws-region'/),
    });
  });

  it('explains rejected credentials and missing permissions, and passes other errors through', async () => {
    const fail = (error: object) => lazyPort('ELBv2', async () => ({ readActions: async () => Promise.reject(Object.defineProperty(error, '$operation', { value: 'elasticloadbalancing:DescribeRules' })) }));
    await expect(fail({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }).readActions()).rejects.toThrow(
      /AWS rejected the credentials for elasticloadbalancing:DescribeRules: Could not load credentials from any providers\. Configure credentials/,
    );
    await expect(fail({ name: 'AccessDenied', message: 'not authorized to perform: elasticloadbalancing:DescribeRules' }).readActions()).rejects.toThrow(
      /Not allowed to call elasticloadbalancing:DescribeRules: not authorized to perform: elasticloadbalancing:DescribeRules\. Grant it/,
    );
    const other = { name: 'ListenerNotFound', message: 'gone' };
    await expect(fail(other).readActions()).rejects.toBe(other);
  });
});

// A real socket that accepts connections and never answers: the request timeout must end the call.
describe('an endpoint that never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with a TimeoutError after the bound instead of hanging', async () => {
    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_MAX_ATTEMPTS = '1';
    const { ssm } = createAwsClients('eu-west-1', { requestTimeoutMs: 250 });
    const started = Date.now();
    await expect(ssm.send(new GetParameterCommand({ Name: 'x' }))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    ssm.destroy();
  });
});

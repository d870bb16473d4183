// SDK clients pointed at a sandbox, with fake static credentials, as the action's adapters build them.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Sandbox } from '../index.js';

export function clientsFor(sandbox: Sandbox, o: { maxAttempts?: number; requestTimeoutMs?: number } = {}) {
  const config = {
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox' },
    maxAttempts: o.maxAttempts,
    // Without throwOnRequestTimeout the SDK only warns when the timeout passes and keeps waiting.
    ...(o.requestTimeoutMs === undefined ? {} : { requestHandler: { requestTimeout: o.requestTimeoutMs, throwOnRequestTimeout: true } }),
  };
  return {
    elb: new ElasticLoadBalancingV2Client(config),
    ecs: new ECSClient(config),
    ssm: new SSMClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}

/** The rejection of a promise, for asserting on AWS error names and HTTP statuses. */
export async function rejectionOf(p: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}

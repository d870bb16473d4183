// The ports over the real SDK clients. Each adapter module (and with it its SDK client, the bulk of
// the bundle) is imported on the port's first call, not at start-up: the bundler splits each into a
// chunk of its own, so the action reaches its first AWS request after loading one client, not four,
// and the post step never loads ECS or CloudWatch at all.
import { explainAwsError } from './aws-error.js';
import { clientConfig, type AwsClientOptions } from './client-config.js';
import type { AwsPorts, RestorePorts } from './ports.js';

export { clientConfig, DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type AwsClientOptions } from './client-config.js';

/**
 * A port whose implementation is loaded on the first call of any of its methods. It is also the one
 * place every AWS call passes through, so network, credential and permission errors are explained here.
 */
export function lazyPort<P extends object>(service: string, load: () => Promise<P>): P {
  let loaded: Promise<P> | undefined;
  return new Proxy({} as P, {
    get: (_target, method) => {
      // Not a thenable: `await port` must not try to call a lazily loaded `then`.
      if (method === 'then' || typeof method === 'symbol') return undefined;
      return async (...args: unknown[]) => {
        loaded ??= load();
        const port = (await loaded) as Record<string, (...a: unknown[]) => unknown>;
        const fn = port[method];
        if (typeof fn !== 'function') throw new TypeError(`The port has no method ${method}`);
        try {
          return await fn(...args);
        } catch (error) {
          throw explainAwsError(error, service);
        }
      };
    },
  });
}

/** Only the ports a restore needs (ELBv2, SSM): all the post step uses, so its bundle holds no other client. */
export function createRestorePorts(region: string, options?: AwsClientOptions): RestorePorts {
  const config = clientConfig(region, options);
  return {
    elb: lazyPort('ELBv2', async () => (await import(/* webpackMode: "eager" */ './elbv2.js')).connect(config)),
    ssm: lazyPort('SSM', async () => (await import(/* webpackMode: "eager" */ './ssm.js')).connect(config)),
  };
}

/** The post step of engine: ecs: the service deployments (to roll back one main left in flight) and SSM (the lock). */
export function createBuiltInPostPorts(region: string, options?: AwsClientOptions): Pick<AwsPorts, 'deployments' | 'ssm'> {
  const config = clientConfig(region, options);
  return {
    ssm: lazyPort('SSM', async () => (await import(/* webpackMode: "eager" */ './ssm.js')).connect(config)),
    deployments: lazyPort('ECS', async () => (await import(/* webpackMode: "eager" */ './service-deployments.js')).connect(config)),
  };
}

export function createAwsPorts(region: string, options?: AwsClientOptions): AwsPorts {
  const config = clientConfig(region, options);
  return {
    ...createRestorePorts(region, options),
    ecs: lazyPort('ECS', async () => (await import(/* webpackMode: "eager" */ './ecs.js')).connect(config)),
    deployments: lazyPort('ECS', async () => (await import(/* webpackMode: "eager" */ './service-deployments.js')).connect(config)),
    alarms: lazyPort('CloudWatch', async () => (await import(/* webpackMode: "eager" */ './cloudwatch.js')).connect(config)),
    metrics: lazyPort('CloudWatch', async () => (await import(/* webpackMode: "eager" */ './metrics.js')).connect(config)),
  };
}

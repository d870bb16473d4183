// Before the verification rule is created: a health-check-url whose host is a load balancer's own DNS name
// can be judged without a request. The production load balancer's name on another port is another of its
// listeners; another load balancer's name never reaches this listener. Anything else (a custom domain, an
// IP address, a CDN) only the route's proof can judge.
import * as core from '@actions/core';
import { isIP } from 'node:net';
import type { ElbPort } from '../../aws/ports.js';
import { errorMessage, InputError } from '../../errors.js';
import type { Config } from '../../types.js';

const ELB_NAME = /\.elb\.amazonaws\.com(\.cn)?$/i;

export async function checkRouteAddress(elb: ElbPort, config: Config, url: string): Promise<void> {
  const target = new URL(url);
  const host = target.hostname.toLowerCase();
  if (isIP(host.replace(/^\[|\]$/g, ''))) return;
  let address;
  try {
    address = await elb.listenerAddress(config.listenerArn);
  } catch (error) {
    // Only a shortcut: the proof that follows decides anyway.
    core.info(`Could not read the production load balancer's DNS name (${errorMessage(error)}); the route's proof decides.`);
    return;
  }
  const dns = address.dnsName?.toLowerCase();
  if (!dns) return;
  const ways = `give the production listener's address, set test-listener-arn and give the test listener's address, or put {color} in the URL (an address per colour)`;
  if (host === dns || host === `dualstack.${dns}`) {
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    if (address.port !== undefined && port !== address.port) {
      throw new InputError('health-check-url', url, `a URL on listener-arn's port (${address.port}): port ${port} of ${dns} is another listener of the load balancer, and the verification rule is only on listener-arn; ${ways}`);
    }
    return;
  }
  if (ELB_NAME.test(host)) {
    throw new InputError('health-check-url', url, `an address of listener-arn's load balancer (${dns}): ${host} is another load balancer, which the verification rule cannot route; ${ways}`);
  }
}

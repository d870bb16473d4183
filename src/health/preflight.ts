// Before anything changes: every health-check URL must name a host that resolves, for both colours.
// A typo in a host name would otherwise surface only after the idle colour was redeployed, as a
// verification failure; resolving it first turns it into an input error. Reachability itself is
// not checked here: the idle colour may rightly have nothing listening yet.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { InputError } from '../errors.js';
import { COLOURS, type Config } from '../types.js';
import { describeNetworkError, substituteColour } from './probe.js';

export type Lookup = (host: string) => Promise<unknown>;

export async function checkHealthCheckHosts(config: Config, lookup: Lookup = (host) => dnsLookup(host)): Promise<void> {
  const urls: [string, string | undefined][] = [
    ['health-check-url', config.health.url],
    ['post-switch-health-check-url', config.health.postSwitchUrl],
  ];
  const checked = new Set<string>();
  for (const [input, template] of urls) {
    if (!template) continue;
    for (const colour of COLOURS) {
      const url = substituteColour(template, colour);
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) || checked.has(host)) continue;
      checked.add(host);
      try {
        await lookup(host);
      } catch (error) {
        throw new InputError(input, url, `a URL whose host resolves (looking up ${host} failed: ${describeNetworkError(error)}); check the host name and the {color} placeholder`);
      }
    }
  }
}

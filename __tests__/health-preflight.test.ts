import { describe, expect, it, jest } from '@jest/globals';
import { checkHealthCheckHosts } from '../src/health/preflight.js';
import { InputError } from '../src/errors.js';
import { makeConfig } from '../__fixtures__/config.js';

const health = (url?: string, postSwitchUrl?: string) => ({ ...makeConfig().health, url, postSwitchUrl });

describe('checkHealthCheckHosts', () => {
  it('looks up each host once, for both colours, and skips IP addresses', async () => {
    const lookup = jest.fn(async (_host: string) => ({ address: '10.0.0.1' }));
    const config = makeConfig({ health: health('https://{color}.shop.example/health', 'http://127.0.0.1:8080/{color}') });
    await checkHealthCheckHosts(config, lookup);
    expect(lookup.mock.calls.map(([host]) => host)).toEqual(['blue.shop.example', 'green.shop.example']);
  });

  it('fails with an input error naming the input, the URL and the lookup failure', async () => {
    const lookup = jest.fn(async (host: string) => {
      if (host === 'green.shop.exmaple') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return {};
    });
    const config = makeConfig({ health: health('https://blue.shop.example/health', 'https://{color}.shop.exmaple/health') });
    const error = await checkHealthCheckHosts(config, lookup).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('post-switch-health-check-url');
    expect((error as Error).message).toContain('https://green.shop.exmaple/health');
    expect((error as Error).message).toMatch(/looking up green\.shop\.exmaple failed: host not found/);
  });

  it('does nothing without health-check URLs', async () => {
    const lookup = jest.fn(async () => ({}));
    await checkHealthCheckHosts(makeConfig({ health: health(undefined, undefined) }), lookup);
    expect(lookup).not.toHaveBeenCalled();
  });
});

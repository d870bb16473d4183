// `github-deployment`: record the run as a GitHub deployment, with the environment it is for and a token
// that may write it (masked as soon as it is read).
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import type { GitHubDeploymentConfig } from '../types.js';
import { parseSwitch } from './scalars.js';
import type { InputName, InputReader } from './contract.js';

export /** GitHub deployment records: opt-in, with the environment they are for and a token that may write them. */
function readGitHubDeployment(inputs: InputReader): GitHubDeploymentConfig | undefined {
  const enabled = inputs.read('github-deployment', parseSwitch);
  const environment = inputs.optional('environment', (input, value) => {
    if (value.length > 255) throw new InputError(input, `${value.slice(0, 40)}…`, 'a GitHub environment name of at most 255 characters');
    return value;
  });
  const environmentUrl = inputs.optional('environment-url', parseEnvironmentUrl);
  // The runner fills the default with the job's token; outside a runner the expression stays unevaluated.
  const raw = inputs.raw('github-token');
  const token = raw.includes('${{') ? '' : raw;
  if (token) core.setSecret(token);
  if (!enabled) return undefined;
  if (!environment) inputs.report(new InputError('environment', '', 'the GitHub environment the deployments are recorded for (e.g. production), because github-deployment is true'));
  if (!token) inputs.report(new InputError('github-token', '', 'a token with deployments: write (the default is the job\'s GITHUB_TOKEN: give the job `permissions: deployments: write`)'));
  if (!environment || !token) return undefined;
  return { token, environment, ...(environmentUrl ? { environmentUrl } : {}) };
}

function parseEnvironmentUrl(input: InputName, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new InputError(input, value, 'an http(s) URL such as https://shop.example.com/ (GitHub shows it as "View deployment")');
  return value;
}

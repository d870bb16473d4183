// The team's commands: bash scripts at their points of the deploy, a one-off ECS task's command, and the
// bound on each.
import { positiveDuration } from '../duration.js';
import { InputError } from '../errors.js';
import type { TeamCommands } from '../types.js';
import type { InputName, InputReader } from './contract.js';

/**
 * `pre-deploy-task-command`: a JSON array is the container's command as is (`["npm","run","migrate"]`, for
 * images without a shell); anything else runs in the image's shell, `sh -c '<text>'`.
 */
function parseTaskCommand(input: InputName, value: string): string[] {
  if (!value.startsWith('[')) return ['sh', '-c', value];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string')) {
    throw new InputError(input, value, 'a JSON array of strings such as ["npm", "run", "migrate"], or a shell command line (run with sh -c)');
  }
  return parsed as string[];
}

export function readCommands(inputs: InputReader): TeamCommands | undefined {
  const timeoutMs = inputs.read('command-timeout', positiveDuration('the longest time one of the commands may run'));
  if (timeoutMs === undefined) return undefined;
  const command = (name: InputName) => inputs.optional(name, (_, value) => value);
  const preDeploy = command('pre-deploy-command');
  const smokeTest = command('smoke-test-command');
  const postDeploy = command('post-deploy-command');
  const rollback = command('rollback-command');
  const preDeployTask = inputs.optional('pre-deploy-task-command', parseTaskCommand);
  return {
    ...(preDeploy ? { preDeploy } : {}),
    ...(preDeployTask ? { preDeployTask } : {}),
    ...(smokeTest ? { smokeTest } : {}),
    ...(postDeploy ? { postDeploy } : {}),
    ...(rollback ? { rollback } : {}),
    timeoutMs,
  };
}

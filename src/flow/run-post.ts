// The post entrypoint's logic, kept apart from run.ts so the post bundle carries only what a restore
// needs (no ECS or CloudWatch client, no deploy flow).
import * as core from '@actions/core';
import { createBuiltInPostPorts, createRestorePorts } from '../aws/clients.js';
import type { AwsPorts, RestorePorts } from '../aws/ports.js';
import { oneLine } from '../report/format.js';
import { errorMessage } from '../errors.js';
import { substituteColour } from '../health/probe.js';
import { readJson, runnerState, savedColour, StateKey, type PostContext, type StateStore } from '../state.js';
import { rollbackCommandFailure, runCommandRecorded } from './commands.js';
import { POST_TITLES } from './post-result.js';
import { postEngineFor } from '../engines/post.js';

export interface PostOverrides {
  ports?: (context: PostContext) => RestorePorts;
  /** engine: ecs */
  builtInPorts?: (context: PostContext) => Pick<AwsPorts, 'deployments' | 'ssm'>;
  state?: StateStore;
}

export async function runPost(overrides: PostOverrides = {}): Promise<void> {
  const state = overrides.state ?? runnerState;
  const context = readJson<PostContext>(state, StateKey.Context);
  if (!context) {
    core.info('Main saved no state (it stopped before talking to AWS): nothing to do.');
    return;
  }
  const engine = postEngineFor(context, {
    restore: (c) => (overrides.ports ? overrides.ports(c) : createRestorePorts(c.region)),
    builtIn: (c) => (overrides.builtInPorts ? overrides.builtInPorts(c) : createBuiltInPostPorts(c.region)),
  });
  const result = await engine.finish(state);
  // Post put traffic back where main found it: that is a rollback, and the team's command hears of it.
  if (result.restored && context.rollbackCommand) await runRollbackCommandInPost(context.rollbackCommand, state, result.failure ?? 'the post step restored traffic', engine.hasColours);
  // Main died with a GitHub deployment record open: close it with what post found.
  if (state.get(StateKey.GitHubDeployment)) {
    const { closeOpenRecord } = await import('../github/deployments.js');
    const token = core.getInput('github-token');
    if (token) core.setSecret(token);
    await closeOpenRecord(state, token, result.failure ?? 'The run ended before its final status reached GitHub; see the run log.');
  }
  // An error annotation, not a failed step: post acts only when main did not finish, and main's step
  // has failed already; post's own exit code stays 0 (its tidy-up never turns a job red).
  if (result.failure) core.error(oneLine(result.failure), { title: POST_TITLES[result.outcome ?? 'not-restored'] });
}

/** `rollback-command` after post restored traffic; its failure is a warning, as in main. Loaded only when configured. */
async function runRollbackCommandInPost(command: NonNullable<PostContext['rollbackCommand']>, state: StateStore, reason: string, hasColours: boolean): Promise<void> {
  const live = savedColour(state, StateKey.PreviousColour);
  const target = savedColour(state, StateKey.NewColour);
  // The listener engines restore only with both colours saved; engine: ecs has none (ECS rolled back its deployment).
  if (hasColours && (!live || !target)) return;
  try {
    const url = command.healthCheckUrl && target ? substituteColour(command.healthCheckUrl, target) : hasColours ? undefined : command.healthCheckUrl;
    const context = { ...(live ? { live } : {}), ...(target ? { target } : {}), ...(url ? { targetUrl: url } : {}), rollbackReason: oneLine(reason) };
    const record = await core.group('Run rollback-command', () => runCommandRecorded('rollback-command', 'rollback', command.script, context, command.timeoutMs));
    if (record.result !== 'passed') core.warning(`The rollback itself is done; ${rollbackCommandFailure(record, command.timeoutMs)}`, { title: 'rollback-command failed' });
  } catch (error) {
    core.warning(`The rollback itself is done; rollback-command could not run: ${errorMessage(error)}`, { title: 'rollback-command failed' });
  }
}

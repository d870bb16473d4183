// The post entrypoint's logic, kept apart from run.ts so the post bundle carries only what a restore
// needs (no ECS or CloudWatch client, no deploy flow).
import * as core from '@actions/core';
import { createRestorePorts } from '../aws/clients.js';
import type { RestorePorts } from '../aws/ports.js';
import { failStep } from '../report/annotations.js';
import { readJson, runnerState, StateKey, type PostContext, type StateStore } from '../state.js';
import { post } from './post.js';

export interface PostOverrides {
  ports?: (context: PostContext) => RestorePorts;
  state?: StateStore;
}

export async function runPost(overrides: PostOverrides = {}): Promise<void> {
  const state = overrides.state ?? runnerState;
  const context = readJson<PostContext>(state, StateKey.Context);
  if (!context) {
    core.info('Main saved no state (it stopped before talking to AWS): nothing to do.');
    return;
  }
  const ports = overrides.ports ? overrides.ports(context) : createRestorePorts(context.region);
  const result = await post(context, ports, state);
  if (result.failure) {
    failStep(result.failure, result.restored ? 'Post step restored traffic' : 'Post step could not restore traffic');
  }
}

// The post step's engine picker: which engine's safety net finishes what main left, from the context main
// saved (not re-validated inputs). Apart from engines/index.ts so the post bundle carries only the
// listener's restore, and engine: ecs's post only when that engine ran (one lazy chunk).
import type { AwsPorts, RestorePorts } from '../aws/ports.js';
import type { PostContext, StateStore } from '../state.js';
import type { PostResult } from '../flow/post-result.js';
import { post } from './listener/post.js';

export interface PostEngine {
  /** Restore users if main left them moved but not settled; always release the lock. */
  finish(state: StateStore): Promise<PostResult>;
  /** The listener engines' rollback-command hears both colours, and runs only when post knows them; engine: ecs has none. */
  readonly hasColours: boolean;
}

export interface PostPorts {
  restore: (context: PostContext) => RestorePorts;
  builtIn: (context: PostContext) => Pick<AwsPorts, 'deployments' | 'ssm'>;
}

export function postEngineFor(context: PostContext, ports: PostPorts): PostEngine {
  if (context.builtIn) {
    return { hasColours: false, finish: async (state) => (await import('./ecs/post.js')).postBuiltIn(ports.builtIn(context), state) };
  }
  return { hasColours: true, finish: (state) => post(context, ports.restore(context), state) };
}

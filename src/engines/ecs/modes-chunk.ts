// engine: ecs as run.ts loads it: one module (one chunk) holding its five modes, so a pair deploy's start-up
// carries none of it and the chunks do not each repeat the shared parts.
export { builtInDeploy } from './deploy.js';
export { builtInRollback, builtInStatus } from './modes.js';
export { builtInPrepare, builtInPromote } from './approval.js';

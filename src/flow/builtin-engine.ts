// engine: ecs as run.ts loads it: one module (one chunk) holding its three modes, so a pair deploy's start-up
// carries none of it and the chunks do not each repeat the shared parts.
export { builtInDeploy } from './builtin-deploy.js';
export { builtInRollback, builtInStatus } from './builtin-modes.js';

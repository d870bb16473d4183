// engine: ecs: ECS's built-in blue/green on one service deploys the new revision and moves users; the
// action gates its PAUSE lifecycle hooks. Its flows are one chunk loaded only when this engine runs, so the
// other engines' start-up carries none of it.
import type { Mode } from '../../types.js';
import type { Engine, Flow } from '../engine.js';

const lazily =
  (mode: Mode): Flow =>
  async (config, deps) => {
    const flows = await import('./modes-chunk.js');
    return { deploy: flows.builtInDeploy, prepare: flows.builtInPrepare, promote: flows.builtInPromote, rollback: flows.builtInRollback, status: flows.builtInStatus }[mode](config, deps);
  };

export const ecsEngine: Engine = {
  modes: { deploy: lazily('deploy'), prepare: lazily('prepare'), promote: lazily('promote'), rollback: lazily('rollback'), status: lazily('status') },
  subject: (config) => `${config.service ?? ''} (ECS built-in blue/green)`,
  configuration: (config) => ({
    where: [
      ['engine', "ecs (ECS's built-in blue/green on one service; the action gates its PAUSE hooks)"],
      ['cluster', config.cluster || undefined],
      ['service', config.service],
    ],
    shift: "the service's strategy (ECS moves the weights)",
  }),
  postContext: (config) => ({ builtIn: { cluster: config.cluster, service: config.service ?? '' } }),
  // No colours: ECS's service deployment says where users are, and a run that failed before it started one moved nobody.
  whereUsersAre: () => Promise.resolve(undefined),
};

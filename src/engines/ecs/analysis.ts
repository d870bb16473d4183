// engine: ecs, real-user analysis: from the moment ECS moves production traffic to the new revision, its
// target group against the previous revision's, through ECS's step bakes (a rolling check beside the watch),
// before each further step (the step's minutes judged at the PRE_PRODUCTION_TRAFFIC_SHIFT pause) and in the
// bake at POST_PRODUCTION_TRAFFIC_SHIFT.
import type { Analysis } from '../../analysis/analysis.js';
import { minimumWindowMs, type AnalysisConfig } from '../../analysis/config.js';
import type { BuiltInService } from '../../aws/ports.js';
import type { Config } from '../../types.js';
import type { WatchCheck } from '../../health/gate.js';
import { startAnalysis } from '../../flow/analysis-gate.js';
import type { FollowOptions } from './follow.js';

export class BuiltInAnalysis {
  private analysis?: Analysis;
  private rolling?: WatchCheck;
  private stepFrom?: number;

  constructor(private readonly o: FollowOptions) {}

  /** The analysis once production traffic reached the new revision; undefined before, or when not configured. */
  get current(): Analysis | undefined {
    return this.analysis;
  }

  /** ECS's requested production weight on the new revision went above 0 (read back). */
  async productionMoved(now: number): Promise<void> {
    const { config, deps, notes, setup } = this.o;
    if (this.analysis || !config.analysis) return;
    this.analysis = await startAnalysis(
      config,
      deps,
      notes,
      {
        fresh: { label: 'new revision', targetGroupArn: setup.newTargetGroup },
        previous: { label: 'previous revision', targetGroupArn: setup.liveTargetGroup },
        listenerOrRuleArn: setup.productionRule,
      },
      now,
    );
    this.rolling = this.analysis?.rollingCheck(now);
    this.stepFrom = now;
  }

  /** Beside the watch between pauses: passes until the analysis started. */
  readonly check: WatchCheck = {
    name: 'real-user analysis',
    unhealthyThreshold: 1,
    run: async (signal) => (this.rolling ? this.rolling.run(signal) : { ok: true, detail: 'no production traffic on the new revision yet' }),
  };

  /**
   * At a PRE_PRODUCTION_TRAFFIC_SHIFT pause after users reached the new revision: the whole minutes since the
   * last step are judged (waiting for their publication) before ECS may move more users.
   */
  async concludeStep(during: string): Promise<void> {
    if (!this.analysis || this.stepFrom === undefined) return;
    // A step ECS ended sooner than analysis can judge (its bake is checked up front, but a step may also end
    // early) is held at this pause until it could have: the hook keeps ECS from moving more users meanwhile.
    const length = Math.max(this.o.deps.clock.now() - this.stepFrom, minimumWindowMs(this.o.config.analysis as AnalysisConfig));
    await this.analysis.window(this.stepFrom, length, during).conclude();
    this.stepFrom = this.o.deps.clock.now();
  }
}

/**
 * With analysis, ECS's own step bakes are analysis windows: a canary or linear step shorter than
 * analysis-failure-limit + 1 minutes would move more users before a failing minute could be judged.
 */
export function analysisWindowProblems(config: Config, service: BuiltInService): string[] {
  const a = config.analysis;
  if (!a) return [];
  const need = a.failureLimit + 1;
  const step = service.strategy === 'CANARY' ? ['canaryConfiguration.canaryBakeTimeInMinutes', service.canary?.bakeTimeInMinutes] as const : service.strategy === 'LINEAR' ? ['linearConfiguration.stepBakeTimeInMinutes', service.linear?.stepBakeTimeInMinutes] as const : undefined;
  if (!step || step[1] === undefined || step[1] >= need) return [];
  return [`its ${step[0]} is ${step[1]}: with analysis-failure-limit ${a.failureLimit} the real-user analysis needs steps of at least ${need} minutes (whole CloudWatch minutes, ${a.failureLimit} failing ones in a row must fit in a step whatever second it starts at); lengthen the step, or lower analysis-failure-limit`];
}

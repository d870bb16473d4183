// The domain's shared vocabulary. Every module speaks in these types; the AWS SDK's own types
// appear only where we pass AWS shapes through unchanged (listener actions, task definitions).
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AnalysisConfig } from './analysis/config.js';

export type Colour = 'blue' | 'green';
export const COLOURS: readonly Colour[] = ['blue', 'green'];
export const otherColour = (c: Colour): Colour => (c === 'blue' ? 'green' : 'blue');
export const isColour = (v: unknown): v is Colour => v === 'blue' || v === 'green';

/** `prepare` deploys and verifies the idle colour and stops; `promote` switches to what prepare left. */
export type Mode = 'deploy' | 'prepare' | 'promote' | 'rollback' | 'status';

/**
 * Who fills the idle colour. `pair`: the action deploys to two ECS services. `traffic`: something else (an
 * Auto Scaling group, say) fills the two target groups; the action verifies and moves traffic, no ECS call.
 * `ecs`: ECS's built-in blue/green on one service moves the weights; the action gates it at its PAUSE hooks.
 */
export type Engine = 'pair' | 'traffic' | 'ecs';

/**
 * How the idle colour is checked before it takes traffic, without a per-colour address: `auto` (the test
 * listener when there is one, else `header`), `header` (a rule on the production listener that forwards to
 * the idle colour only for requests carrying the run's secret header), `forward` (the idle colour joins the
 * production forward at weight 0 so the ALB health-checks it).
 */
export type VerifyRouteInput = 'auto' | 'header' | 'forward';

/** How traffic moves from the live colour to the new one. Percent is what the new colour gets per step. */
export type TrafficShift =
  | { kind: 'all-at-once' }
  | { kind: 'canary'; percent: number; waitMs: number }
  | { kind: 'linear'; percent: number; waitMs: number };

/** An inclusive range of HTTP status codes; `200` is {min: 200, max: 200}. */
export interface StatusRange {
  min: number;
  max: number;
}

export interface HealthCheckConfig {
  /** Checked against the idle colour before the switch; `{color}` is already *not* substituted here. */
  url?: string;
  /** Checked during shift waits and bake; defaults to `url`. `{color}` not substituted. */
  postSwitchUrl?: string;
  /** Header name → value; values are masked with core.setSecret when read. */
  headers: Record<string, string>;
  expectedStatus: StatusRange[];
  expectedBody?: RegExp;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export type TaskDefinitionSource =
  | { kind: 'live' }
  | { kind: 'file'; path: string }
  | { kind: 'reference'; value: string };

/** The team's own commands, each run by `bash -eo pipefail` in the workspace at its point of the deploy. */
export interface TeamCommands {
  /** Before the idle service is updated (an "expand" migration, a backup). */
  preDeploy?: string;
  /** The command of a one-off ECS task of the new task definition, run before the idle service is updated. */
  preDeployTask?: string[];
  /** After the idle colour passed its checks, before any production weight moves. */
  smokeTest?: string;
  /** After the bake passed (a "contract" migration, a cache warm-up). */
  postDeploy?: string;
  /** After any rollback, with the reason; its failure is a warning. */
  rollback?: string;
  /** Bound on each command; the whole process tree is stopped when it runs out. */
  timeoutMs: number;
}

/** An ECS tag, as RunTask and TagResource take it. */
export interface EcsTag {
  key: string;
  value: string;
}

/** `propagate-tags`: where ECS copies tags to tasks from. RunTask takes only TASK_DEFINITION or NONE. */
export type PropagateTags = 'TASK_DEFINITION' | 'SERVICE' | 'NONE';

/** A volume of the task definition (`configuredAtLaunch: true`) and the EBS volume ECS creates for it. */
export interface ManagedVolume {
  name: string;
  /** ServiceManagedEBSVolumeConfiguration or TaskManagedEBSVolumeConfiguration as given (`roleArn` checked). */
  managedEBSVolume: Record<string, unknown>;
}

/** `pre-deploy-task-*`: how the one-off task is started besides its command. */
export interface PreDeployTaskOptions {
  tags: EcsTag[];
  startedBy: string;
  /** Added to the container override's environment; the values are never logged. */
  environment: { name: string; value: string }[];
  volume?: ManagedVolume;
}

/** `enable-ecs-managed-tags`, `propagate-tags`, `service-managed-ebs-volume*`: sent with UpdateService only when given. */
export interface ServiceSettings {
  enableECSManagedTags?: boolean;
  propagateTags?: PropagateTags;
  volume?: ManagedVolume;
}

/** `github-deployment: true`: the run is recorded as a GitHub deployment of the commit, with statuses. */
export interface GitHubDeploymentConfig {
  /** Masked when read. */
  token: string;
  environment: string;
  environmentUrl?: string;
}

/** One validated configuration, built from the inputs before anything else runs. */
export interface Config {
  mode: Mode;
  engine: Engine;
  cluster: string;
  /** engine: ecs: the one service whose built-in blue/green deployment the action gates. */
  service?: string;
  region: string;
  services: Record<Colour, string>;
  targetGroups: Record<Colour, string>;
  listenerArn: string;
  listenerRuleArn?: string;
  testListenerArn?: string;
  verifyRoute: VerifyRouteInput;
  stateParameter: string;
  taskDefinition: TaskDefinitionSource;
  containerName?: string;
  image?: string;
  health: HealthCheckConfig;
  trafficShift: TrafficShift;
  bakeTimeMs: number;
  alarms: string[];
  waitTimeoutMs: number;
  /** `force-new-deployment`: start new tasks even when the service already runs the task definition. */
  forceNewDeployment: boolean;
  scaleDownPrevious: boolean;
  scaleDownDelayMs: number;
  lock: boolean;
  dryRun: boolean;
  commands: TeamCommands;
  preDeployTask: PreDeployTaskOptions;
  /** Sent with the UpdateService that deploys (the idle service; engine: ecs, the service). */
  serviceSettings: ServiceSettings;
  github?: GitHubDeploymentConfig;
  /** Real-user analysis from the ALB's per-target-group metrics, when any of its bounds is set. */
  analysis?: AnalysisConfig;
  /** `mode: promote`: the task definition `mode: prepare` deployed to the idle colour; anything else there is refused. */
  expectedTaskDefinitionArn?: string;
  /** `mode: rollback` acts only while this colour is live (a queued rollback must not undo a rollback). */
  expectedLiveColour?: Colour;
  /** Who is deploying, for the lock and the summary: from GITHUB_* variables. */
  run: RunIdentity;
}

export interface RunIdentity {
  /**
   * Unique to this execution of the step, e.g. `123456789-1-deploy-1a2b3c4d` (run, attempt, job, a
   * random part): the lock is held under it, so two jobs of one run exclude each other.
   */
  id: string;
  /** Human description, e.g. `owner/repo workflow "Deploy" run 42 (attempt 1)`. */
  description: string;
  /** Link to the run when known. */
  url?: string;
}

/** Where the forward action being shifted lives. */
export type TrafficTarget = { kind: 'listener'; arn: string } | { kind: 'rule'; arn: string };

/** The listener's default actions (or the rule's actions) exactly as AWS returned them, before any change. */
export interface ListenerSnapshot {
  target: TrafficTarget;
  actions: Action[];
  takenAt: string;
}

/** Weight per colour, 0-100, summing to 100. */
export type TrafficSplit = Record<Colour, number>;

/** Injected time, so the flow runs under jest's fake timers and the sandbox alike. */
export interface Clock {
  now(): number;
  /** Resolves after ms; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

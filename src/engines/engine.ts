// One shape for engines. An engine answers two questions — how the idle colour gets the new version (two
// ECS services; nothing, something else fills it; ECS's own deployment) and who moves users (the
// listener's forward; ECS) — and the shared phases (inputs, lock, verification, commands, reporting, post,
// GitHub records) ask the engine, never which engine runs. `engines/index.ts` is the one place that picks
// (and `engines/post.ts` for the post step, whose bundle stays small).
import type { AwsPorts, ServiceInfo } from '../aws/ports.js';
import type { WatchCheck } from '../health/gate.js';
import type { ServiceStatus } from '../report/summary.js';
import type { PostContext } from '../state.js';
import type { Colour, Config, Mode } from '../types.js';
import type { FlowDeps, FlowResult } from '../flow/context.js';

export type Flow = (config: Config, deps: FlowDeps) => Promise<FlowResult>;

/** A line of the configuration echo: name, value (left out when undefined). */
export type ConfigLine = [string, string | undefined];

export interface Engine {
  /** The five modes. */
  readonly modes: Record<Mode, Flow>;
  /** What the job summary's title says is deployed. */
  subject(config: Config): string;
  /** The configuration echo's lines about what is deployed where, and how traffic shifts. */
  configuration(config: Config): { where: ConfigLine[]; shift: string };
  /** What the post step needs to finish what main left, saved before anything changes. */
  postContext(config: Config): Pick<PostContext, 'builtIn' | 'target'>;
  /** Where users are, read back, after a run that failed before it changed anything; undefined when the engine cannot say. */
  whereUsersAre(ports: AwsPorts, config: Config): Promise<Colour | 'split' | undefined>;
}

/** What mode: status shows of a colour, and how many of its targets are healthy. */
export type ColourStatus = ServiceStatus & { healthy: number };

/**
 * How the idle colour gets the new version, for the engines whose two colours are fixed and whose users the
 * listener's forward moves (engines/listener/): two ECS services (pair) or two target groups something else
 * fills (traffic).
 */
export interface IdleColours {
  /** The ECS service behind a colour, when the engine deploys one; undefined when something else fills it. */
  service(ports: AwsPorts, config: Config, colour: Colour): Promise<ServiceInfo | undefined>;
  /** mode: status: what runs in a colour. */
  describe(ports: AwsPorts, config: Config, colour: Colour): Promise<ColourStatus>;
  /** The timeline's name for describing both colours. */
  readonly describeStep: string;
  /** What the watch adds to the probes, alarms and target health while a colour serves users. */
  watchChecks(ports: AwsPorts, config: Config, colour: Colour): WatchCheck[];
  /** Before traffic moves to `to`: it can carry `from`'s load (scaled and healthy). Returns the count ensured. */
  ensureCapacity(config: Config, deps: FlowDeps, to: Colour, from: Colour): Promise<number>;
}

/** Which inputs an engine takes: the inputs phase (src/inputs.ts) reads them by this shape, not by the engine's name. */
export interface EngineInputs {
  /** `engine: <label>` in messages. */
  readonly label: string;
  /** What the engine is, in the list of valid `engine` values. */
  readonly summary: string;
  /** What the action deploys in ECS: two services (blue-service, green-service), one (service), or nothing (no cluster). */
  readonly ecs: 'two-services' | 'one-service' | 'none';
  /** Colours of its own: target group inputs behind the listener inputs, and a required state-parameter. */
  readonly colours: boolean;
  /** It registers and deploys a task definition (task-definition, image, the task and service settings). */
  readonly deploys: boolean;
  /** Why an input it has no use for is refused (it would be ignored). */
  readonly notWith: string;
}

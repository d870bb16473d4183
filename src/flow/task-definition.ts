// Resolve what the idle colour will run: a file, a reference, or the live service's task definition,
// with `image` rendered into `container-name`. Registering happens only when something changed.
import * as core from '@actions/core';
import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsPort, ServiceChange } from '../aws/ports.js';
import { loadTaskDefinitionFile, renderImage } from '../inputs.js';
import type { Config } from '../types.js';

export interface ResolvedTaskDefinition {
  /** Set when an existing revision is used as is. */
  arn?: string;
  /** Set when a new revision must be registered. */
  register?: RegisterTaskDefinitionCommandInput;
  /** One line for the plan and the summary. */
  description: string;
  /** `container=image` of every container: what the summary names when the release fails. */
  images: string[];
}

/** `container=image` per container of a task definition (described or about to be registered). */
export function containerImages(taskDefinition: { containerDefinitions?: { name?: string; image?: string }[] } | Record<string, unknown>): string[] {
  const containers = (taskDefinition as { containerDefinitions?: unknown }).containerDefinitions;
  if (!Array.isArray(containers)) return [];
  return containers.map((c: { name?: unknown; image?: unknown }) => `${typeof c.name === 'string' ? c.name : '?'}=${typeof c.image === 'string' ? c.image : '?'}`);
}

// Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept.
const READ_ONLY_FIELDS = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'] as const;

export function toRegisterInput(taskDefinition: TaskDefinition | Record<string, unknown>): RegisterTaskDefinitionCommandInput {
  const copy: Record<string, unknown> = { ...taskDefinition };
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  return copy as unknown as RegisterTaskDefinitionCommandInput;
}

export async function resolveTaskDefinition(ecs: EcsPort, config: Config, liveTaskDefinitionArn: string): Promise<ResolvedTaskDefinition> {
  const { containerName, image } = config;
  const source = config.taskDefinition;
  if (source.kind === 'file') {
    const parsed = loadTaskDefinitionFile(source.path);
    const rendered = containerName && image ? renderImage(parsed, containerName, image) : parsed;
    return { register: toRegisterInput(rendered), description: `${source.path}${image ? ` with ${containerName}=${image}` : ''} (new revision)`, images: containerImages(rendered) };
  }
  const reference = source.kind === 'reference' ? source.value : liveTaskDefinitionArn;
  const label = source.kind === 'reference' ? reference : `the live service's ${liveTaskDefinitionArn}`;
  if (!(containerName && image)) {
    // A reference without a new image deploys that revision as it is: no new registration.
    const described = await ecs.describeTaskDefinition(reference);
    const arn = described.taskDefinitionArn ?? reference;
    return { arn, description: label, images: containerImages(described) };
  }
  const described = await ecs.describeTaskDefinition(reference);
  const rendered = renderImage(described as Record<string, unknown>, containerName, image);
  core.debug(`Rendering ${image} into container ${containerName} of ${described.taskDefinitionArn}`);
  return { register: toRegisterInput(rendered), description: `${label} with ${containerName}=${image} (new revision)`, images: containerImages(rendered) };
}

/** Registers when needed; returns the ARN the idle service will run. */
export async function materialise(ecs: EcsPort, resolved: ResolvedTaskDefinition): Promise<string> {
  if (resolved.arn) return resolved.arn;
  const arn = await ecs.registerTaskDefinition(resolved.register as RegisterTaskDefinitionCommandInput);
  core.info(`Registered ${arn}`);
  return arn;
}

/** What the deploying UpdateService sends besides the task definition and count. */
export type DeploySettings = Omit<ServiceChange, 'taskDefinitionArn' | 'desiredCount'>;

/** `force-new-deployment`, `enable-ecs-managed-tags`, `propagate-tags`, `service-managed-ebs-volume*`: only those given. */
export function deploySettings(config: Config): DeploySettings {
  return { ...(config.forceNewDeployment ? { forceNewDeployment: true } : {}), ...config.serviceSettings };
}

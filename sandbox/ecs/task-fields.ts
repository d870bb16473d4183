// The tagging and volume fields RunTask and UpdateService take, validated as ECS does and recorded so a test
// can read back what a task or service was given. ECS API Reference: Tag (at most 50, key 1–128, value ≤256,
// no `aws:` prefix), RunTask (`propagateTags` TASK_DEFINITION or NONE: "An error will be received if you
// specify the SERVICE option when running a task"), UpdateService (`propagateTags` SERVICE, TASK_DEFINITION
// or NONE; `volumeConfigurations` start a deployment when they differ), TaskManagedEBSVolumeConfiguration /
// ServiceManagedEBSVolumeConfiguration (`roleArn` required; the volume's name must be a task definition
// volume with `configuredAtLaunch`).
import { AwsError } from '../core/aws-error.js';
import type { TaskDefinitionRecord } from './model.js';

export interface Tag {
  key: string;
  value: string;
}

export interface VolumeConfiguration {
  name: string;
  managedEBSVolume: Record<string, unknown>;
}

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/** RunTask's `tags` (or an empty list). */
export function validTags(value: unknown): Tag[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('tags must be a list.');
  if (value.length > 50) throw invalid('The number of tags exceeds the limit of 50.');
  return value.map((t: unknown) => {
    const { key, value: v } = (t ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw invalid('Tag keys must be between 1 and 128 characters.');
    if (v !== undefined && (typeof v !== 'string' || v.length > 256)) throw invalid('Tag values must be at most 256 characters.');
    if (/^aws:/i.test(key) || /^aws:/i.test(String(v ?? ''))) throw invalid('Tag keys and values may not begin with aws: (reserved for AWS use).');
    return { key, value: typeof v === 'string' ? v : '' };
  });
}

/** `propagateTags`: RunTask takes TASK_DEFINITION or NONE, UpdateService also SERVICE. */
export function validPropagateTags(value: unknown, operation: 'RunTask' | 'UpdateService'): string | undefined {
  if (value === undefined) return undefined;
  const allowed = operation === 'RunTask' ? ['TASK_DEFINITION', 'NONE'] : ['TASK_DEFINITION', 'SERVICE', 'NONE'];
  if (operation === 'RunTask' && value === 'SERVICE') throw invalid('The specified propagateTags value SERVICE is not supported when running a task. Specify TASK_DEFINITION or NONE.');
  if (typeof value !== 'string' || !allowed.includes(value)) throw invalid(`Invalid propagateTags: must be one of ${allowed.join(', ')}.`);
  return value;
}

export function validManagedTags(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid('enableECSManagedTags must be a boolean.');
  return value;
}

/** `volumeConfigurations`: each names a `configuredAtLaunch` volume of the task definition and carries a roleArn. */
export function validVolumes(value: unknown, definition: TaskDefinitionRecord): VolumeConfiguration[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid('volumeConfigurations must be a list.');
  const volumes = (definition.input.volumes as { name?: string; configuredAtLaunch?: boolean }[] | undefined) ?? [];
  return value.map((v: unknown) => {
    const { name, managedEBSVolume } = (v ?? {}) as { name?: unknown; managedEBSVolume?: unknown };
    if (typeof name !== 'string' || name === '') throw invalid('volumeConfigurations.name cannot be empty.');
    const volume = volumes.find((x) => x.name === name);
    if (!volume) throw invalid(`The volume ${name} specified in volumeConfigurations is not in the task definition ${definition.arn}.`);
    if (volume.configuredAtLaunch !== true) throw invalid(`The volume ${name} in the task definition is not configured at launch (configuredAtLaunch: true).`);
    const managed = managedEBSVolume as Record<string, unknown> | undefined;
    if (typeof managed !== 'object' || managed === null) throw invalid(`volumeConfigurations ${name}: managedEBSVolume is required.`);
    if (typeof managed.roleArn !== 'string' || managed.roleArn === '') throw invalid(`volumeConfigurations ${name}: managedEBSVolume.roleArn is required.`);
    return { name, managedEBSVolume: structuredClone(managed) };
  });
}

/**
 * The tags a new task gets: its own, the task definition's with propagateTags TASK_DEFINITION, and with
 * enableECSManagedTags the cluster name ECS adds (Developer Guide, "Amazon ECS-managed tags").
 */
export function taskTags(own: Tag[], options: { propagateTags?: string; managed?: boolean; definition: TaskDefinitionRecord; clusterName: string }): Tag[] {
  const fromDefinition = options.propagateTags === 'TASK_DEFINITION' ? ((options.definition.input.tags as Tag[] | undefined) ?? []) : [];
  const merged = new Map<string, string>();
  for (const t of [...fromDefinition, ...own]) merged.set(t.key, t.value ?? '');
  if (options.managed) merged.set('aws:ecs:clusterName', options.clusterName);
  return [...merged].map(([key, value]) => ({ key, value }));
}

// `task-definition`: the live service's, a registered one (ARN, family[:revision]) or a JSON or YAML file
// in the shape `aws ecs describe-task-definition` prints, which must register as it is.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { TaskDefinitionSource } from '../types.js';
import { isYamlPath, parseYaml } from './yaml-files.js';

const INPUT = 'task-definition';
const FAMILY = '[a-zA-Z0-9_-]{1,255}';
const TASK_DEFINITION_ARN = new RegExp(
  String.raw`^arn:(aws|aws-cn|aws-us-gov):ecs:([a-z0-9-]+):(\d{12}):task-definition/${FAMILY}:[1-9]\d*$`,
);
const FAMILY_REFERENCE = new RegExp(String.raw`^${FAMILY}(?::[1-9]\d*)?$`);

/** What describe-task-definition prints but RegisterTaskDefinition refuses. */
const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

/** The region of a task definition ARN, for the region check; undefined for other references. */
export function taskDefinitionArnRegion(value: string): string | undefined {
  return TASK_DEFINITION_ARN.exec(value)?.[2];
}

/** `expected-task-definition-arn`: the full ARN `mode: prepare` reported (its `task-definition-arn` output). */
export function parseTaskDefinitionArn(input: string, value: string): string {
  if (!TASK_DEFINITION_ARN.test(value)) {
    throw new InputError(input, value, "a task definition ARN such as arn:aws:ecs:us-east-1:123456789012:task-definition/my-app:42 (the task-definition-arn output of the mode: prepare step)");
  }
  return value;
}

export function parseTaskDefinitionSource(value: string): TaskDefinitionSource {
  if (value === '') return { kind: 'live' };
  if (value.startsWith('arn:')) {
    if (!TASK_DEFINITION_ARN.test(value)) {
      throw new InputError(
        INPUT,
        value,
        'a task definition ARN such as arn:aws:ecs:us-east-1:123456789012:task-definition/my-app:42, family[:revision], or a JSON or YAML file path',
      );
    }
    return { kind: 'reference', value };
  }
  if (FAMILY_REFERENCE.test(value)) return { kind: 'reference', value };
  // Relative paths resolve against the working directory, which the runner sets to the workspace.
  loadTaskDefinitionFile(value);
  return { kind: 'file', path: resolve(value) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a task definition file into RegisterTaskDefinition's input: accepts the bare definition or
 * the `{ "taskDefinition": {...}, "tags": [...] }` envelope, drops the read-only fields, and keeps
 * non-empty `tags` (from the envelope or the definition) as the `tags` field RegisterTaskDefinition takes.
 */
export function loadTaskDefinitionFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(INPUT, path, `a task definition ARN, family[:revision], or a readable JSON or YAML file (reading ${resolve(path)} failed: ${reason})`);
  }
  const format = isYamlPath(path) ? 'YAML' : 'JSON';
  let parsed: unknown;
  try {
    parsed = format === 'YAML' ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new InputError(INPUT, path, `a task definition file holding valid ${format} (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  if (!isObject(parsed)) throw new InputError(INPUT, path, `a task definition file holding a ${format} object (a mapping)`);

  const envelope = isObject(parsed.taskDefinition) ? parsed : undefined;
  const definition = envelope ? (parsed.taskDefinition as Record<string, unknown>) : parsed;
  const tags = envelope?.tags ?? definition.tags;

  const registration: Record<string, unknown> = { ...definition };
  for (const field of READ_ONLY_FIELDS) delete registration[field];
  delete registration.tags;
  if (Array.isArray(tags) && tags.length > 0) registration.tags = tags;

  if (typeof registration.family !== 'string' || registration.family === '') {
    throw new InputError(INPUT, path, "a task definition with a 'family'");
  }
  if (!Array.isArray(registration.containerDefinitions) || !registration.containerDefinitions.every(isObject)) {
    throw new InputError(INPUT, path, "a task definition with a 'containerDefinitions' array of objects");
  }
  return registration;
}

/** The names of the task definition's containers, in order. */
export function containerNames(taskDefinition: Record<string, unknown>): string[] {
  const containers = taskDefinition.containerDefinitions;
  if (!Array.isArray(containers)) return [];
  return containers.filter(isObject).flatMap((c) => (typeof c.name === 'string' ? [c.name] : []));
}

/** A copy of the task definition with `image` in the named container; the input is not changed. */
export function renderImage(
  taskDefinition: Record<string, unknown>,
  containerName: string,
  image: string,
): Record<string, unknown> {
  const names = containerNames(taskDefinition);
  if (!names.includes(containerName)) {
    throw new InputError('container-name', containerName, containerListing(names));
  }
  const containers = taskDefinition.containerDefinitions as unknown[];
  return {
    ...taskDefinition,
    containerDefinitions: containers.map((c) => (isObject(c) && c.name === containerName ? { ...c, image } : c)),
  };
}

export function containerListing(names: string[]): string {
  return names.length > 0
    ? `the name of a container in the task definition: ${names.join(', ')}`
    : 'the name of a container in the task definition, which has no named containers';
}

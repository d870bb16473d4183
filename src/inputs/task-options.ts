// What the official ECS deploy action lets a workflow say about the tasks it starts, here: the one-off task
// of `pre-deploy-task-command` (its tags, startedBy, extra environment and a managed EBS volume) and the
// services (ECS managed tags, tag propagation and a managed EBS volume). Limits are ECS's own (API
// Reference: Tag, RunTask, TaskManagedEBSVolumeConfiguration), checked before anything changes so a bad
// value costs no AWS call.
import { InputError } from '../errors.js';
import type { EcsTag, ManagedVolume, PreDeployTaskOptions, PropagateTags, ServiceSettings } from '../types.js';
import { INPUT_DEFAULTS, type InputName, type InputReader } from './contract.js';
import { refuseIfGiven } from './engine-inputs.js';
import { parseSwitch } from './scalars.js';

export const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;
/** API Reference, Tag: letters, numbers, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const STARTED_BY = /^[a-zA-Z0-9_-]{1,128}$/;
/** A task definition volume's name (RegisterTaskDefinition, Volume.name). */
const VOLUME_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const TAG_FORMS = 'a JSON array of {"key": "...", "value": "..."} (as the official action\'s run-task-tags), or lines of Key=Value';

/** `pre-deploy-task-tags`: a JSON array of {key, value}, or `Key=Value` lines. */
export function parseTags(input: InputName, value: string): EcsTag[] {
  const tags = value.startsWith('[') ? tagsFromJson(input, value) : tagsFromLines(input, value);
  if (tags.length > MAX_TAGS) throw new InputError(input, `${tags.length} tags`, `at most ${MAX_TAGS} tags (ECS's limit per task)`);
  const seen = new Set<string>();
  for (const { key, value: tagValue } of tags) {
    const problem =
      key.length === 0 || key.length > MAX_KEY ? `a key of 1 to ${MAX_KEY} characters`
      : tagValue.length > MAX_VALUE ? `a value of at most ${MAX_VALUE} characters (tag ${key})`
      : /^aws:/i.test(key) || /^aws:/i.test(tagValue) ? `no key or value starting with aws: (ECS reserves that prefix; tag ${key})`
      : !TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(tagValue) ? `only letters, numbers, spaces and _ . : / = + - @ in keys and values (tag ${key})`
      : seen.has(key) ? `each key once (${key} is given twice)`
      : undefined;
    if (problem) throw new InputError(input, key, problem);
    seen.add(key);
  }
  return tags;
}

function tagsFromJson(input: InputName, value: string): EcsTag[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InputError(input, value, `${TAG_FORMS} (${(error as Error).message})`);
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const tags = list.map((t: unknown) => {
    const tag = t as { key?: unknown; value?: unknown } | null;
    if (typeof tag?.key !== 'string' || (tag.value !== undefined && typeof tag.value !== 'string')) return undefined;
    return { key: tag.key, value: tag.value ?? '' };
  });
  if (!Array.isArray(parsed) || tags.some((t) => t === undefined)) throw new InputError(input, value, TAG_FORMS);
  return tags as EcsTag[];
}

function tagsFromLines(input: InputName, value: string): EcsTag[] {
  return lines(value).map((line) => {
    const at = line.indexOf('=');
    if (at <= 0) throw new InputError(input, line, TAG_FORMS);
    return { key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
  });
}

/** `pre-deploy-task-environment`: `NAME=value` lines. A bad line is named by its name only, never its value. */
export function parseEnvironment(input: InputName, value: string): { name: string; value: string }[] {
  const seen = new Set<string>();
  return lines(value).map((line) => {
    const at = line.indexOf('=');
    const name = at < 0 ? line : line.slice(0, at).trim();
    if (at < 0) throw new InputError(input, `${name.slice(0, 40)}…`, 'lines of NAME=value (the line has no =)');
    if (!ENV_NAME.test(name)) throw new InputError(input, `${name.slice(0, 40)}=…`, 'lines of NAME=value, each NAME letters, digits and _ (not starting with a digit)');
    if (seen.has(name)) throw new InputError(input, `${name}=…`, `each NAME once (${name} is given twice)`);
    seen.add(name);
    return { name, value: line.slice(at + 1) };
  });
}

/** `pre-deploy-task-started-by`: RunTask's `startedBy`. */
export function parseStartedBy(input: InputName, value: string): string {
  if (!STARTED_BY.test(value)) throw new InputError(input, value, 'up to 128 letters, numbers, hyphens (-) and underscores (_), as RunTask takes in startedBy');
  return value;
}

export function parsePropagateTags(input: InputName, value: string): PropagateTags {
  const upper = value.toUpperCase();
  if (upper === 'TASK_DEFINITION' || upper === 'SERVICE' || upper === 'NONE') return upper;
  throw new InputError(input, value, 'TASK_DEFINITION, SERVICE or NONE (empty: leave the services as they are)');
}

/** A managed EBS volume's JSON (ServiceManagedEBSVolumeConfiguration / TaskManagedEBSVolumeConfiguration): an object with `roleArn`. */
export function parseManagedVolume(input: InputName, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InputError(input, value, `a JSON object such as {"roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole", "sizeInGiB": 20} (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(input, value, 'a JSON object (the managedEBSVolume of a volume configuration)');
  const role = (parsed as { roleArn?: unknown }).roleArn;
  if (typeof role !== 'string' || !IAM_ROLE_ARN.test(role)) {
    throw new InputError(input, value, "a \"roleArn\": the ARN of the ECS infrastructure IAM role that manages the volume (ECS requires it), e.g. arn:aws:iam::123456789012:role/ecsInfrastructureRole");
  }
  return parsed as Record<string, unknown>;
}

/** `<prefix>-name` and `<prefix>`: both or neither; the name is the task definition volume's (configuredAtLaunch). */
function readVolume(inputs: InputReader, nameInput: InputName, jsonInput: InputName): ManagedVolume | undefined {
  const name = inputs.optional(nameInput, (input, value) => {
    if (!VOLUME_NAME.test(value)) throw new InputError(input, value, 'the name of a task definition volume with configuredAtLaunch: true (up to 255 letters, numbers, hyphens and underscores)');
    return value;
  });
  const managedEBSVolume = inputs.optional(jsonInput, parseManagedVolume);
  const [given, missing] = inputs.raw(nameInput) !== '' ? [nameInput, jsonInput] : [jsonInput, nameInput];
  if ((inputs.raw(nameInput) === '') !== (inputs.raw(jsonInput) === '')) {
    inputs.report(new InputError(missing, '', `a value with ${given}: the volume's name and its configuration go together`));
  }
  return name && managedEBSVolume ? { name, managedEBSVolume } : undefined;
}

/** The `pre-deploy-task-*` options; each is refused without `pre-deploy-task-command` (it would be ignored). */
export function readPreDeployTask(inputs: InputReader, hasCommand: boolean, refuse: boolean): PreDeployTaskOptions {
  const names: InputName[] = ['pre-deploy-task-tags', 'pre-deploy-task-started-by', 'pre-deploy-task-environment', 'pre-deploy-task-managed-ebs-volume-name', 'pre-deploy-task-managed-ebs-volume'];
  if (!hasCommand && !refuse) {
    for (const name of names) refuseIfGiven(inputs, name, 'no value without pre-deploy-task-command: it configures that one-off task');
  }
  if (!hasCommand) return { tags: [], startedBy: INPUT_DEFAULTS['pre-deploy-task-started-by'], environment: [] };
  const volume = readVolume(inputs, 'pre-deploy-task-managed-ebs-volume-name', 'pre-deploy-task-managed-ebs-volume');
  return {
    tags: inputs.optional('pre-deploy-task-tags', parseTags) ?? [],
    startedBy: inputs.read('pre-deploy-task-started-by', parseStartedBy) ?? INPUT_DEFAULTS['pre-deploy-task-started-by'],
    environment: inputs.optional('pre-deploy-task-environment', parseEnvironment) ?? [],
    ...(volume ? { volume } : {}),
  };
}

/** `enable-ecs-managed-tags`, `propagate-tags` and the service's managed EBS volume: each only when given. */
export function readServiceSettings(inputs: InputReader): ServiceSettings {
  const managedTags = inputs.optional('enable-ecs-managed-tags', parseSwitch);
  const propagateTags = inputs.optional('propagate-tags', parsePropagateTags);
  const volume = readVolume(inputs, 'service-managed-ebs-volume-name', 'service-managed-ebs-volume');
  return { ...(managedTags !== undefined ? { enableECSManagedTags: managedTags } : {}), ...(propagateTags ? { propagateTags } : {}), ...(volume ? { volume } : {}) };
}

/** The inputs of this file that engine: traffic refuses (no ECS task or service to apply them to). */
export const ECS_TASK_INPUTS: readonly InputName[] = [
  'pre-deploy-task-tags',
  'pre-deploy-task-started-by',
  'pre-deploy-task-environment',
  'pre-deploy-task-managed-ebs-volume-name',
  'pre-deploy-task-managed-ebs-volume',
  'enable-ecs-managed-tags',
  'propagate-tags',
  'service-managed-ebs-volume-name',
  'service-managed-ebs-volume',
];

const lines = (value: string): string[] => value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');

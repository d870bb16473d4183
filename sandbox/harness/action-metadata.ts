// Reads action.yml the way the runner does for a `node*` action: entry points, post-if, inputs with defaults.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionMetadata {
  /** `runs.using`, e.g. `node24`: which Node the runner runs the steps on. */
  using: string;
  /** Absolute path of `runs.main`. */
  main: string;
  /** Absolute path of `runs.post`, when the action has one. */
  post?: string;
  /** `runs.post-if`, `always()` when not set (the runner's default). */
  postIf: string;
  /** Declared inputs by their action.yml name, with the default when one is declared. */
  inputs: Map<string, { default?: string }>;
}

/** action.yml cannot be run by this emulation (missing file, not a node action, an expression default). */
export class ActionMetadataError extends Error {
  override name = 'ActionMetadataError';
}

export async function readActionMetadata(actionDir: string): Promise<ActionMetadata> {
  const file = join(actionDir, 'action.yml');
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ActionMetadataError(`cannot read ${file}: ${String(error)}; the harness needs the action's metadata file`);
  }
  const runs = field(doc, 'runs');
  const using = String(field(runs, 'using') ?? '');
  if (!/^node\d+$/.test(using)) {
    throw new ActionMetadataError(`${file}: runs.using is ${JSON.stringify(using)}; only node actions can be emulated`);
  }
  const main = field(runs, 'main');
  if (typeof main !== 'string' || main === '') throw new ActionMetadataError(`${file}: runs.main is missing`);
  const post = field(runs, 'post');
  const postIf = field(runs, 'post-if');

  const inputs = new Map<string, { default?: string }>();
  const declared = field(doc, 'inputs');
  if (declared && typeof declared === 'object') {
    for (const [name, spec] of Object.entries(declared as Record<string, unknown>)) {
      const value = field(spec, 'default');
      if (value === undefined || value === null) {
        inputs.set(name, {});
        continue;
      }
      const text = String(value);
      // The runner evaluates `${{ }}` in defaults against the job's contexts; this emulation knows only the
      // job's token (`github.token`, see JOB_TOKEN), substituted by inputEnvironment.
      if (text.includes('${{') && !GITHUB_TOKEN_EXPRESSION.test(text)) {
        throw new ActionMetadataError(`${file}: input '${name}' has an expression default ${JSON.stringify(text)}; the harness cannot evaluate it, pass the input explicitly or extend the harness`);
      }
      inputs.set(name, { default: text });
    }
  }
  return {
    using,
    main: join(actionDir, main),
    ...(typeof post === 'string' && post !== '' ? { post: join(actionDir, post) } : {}),
    postIf: typeof postIf === 'string' && postIf.trim() !== '' ? postIf : 'always()',
    inputs,
  };
}

/**
 * The `INPUT_*` variables the runner gives the step: declared defaults filled in, names upper-cased with spaces
 * turned into underscores and hyphens kept. Names match case-insensitively, as the runner's do; names the action
 * does not declare still reach the process but earn the runner's warning, returned in `unexpected`.
 */
export function inputEnvironment(
  metadata: ActionMetadata,
  given: Record<string, string>,
): { env: Record<string, string>; unexpected: string[] } {
  const values = new Map<string, string>();
  for (const [name, spec] of metadata.inputs) {
    if (spec.default !== undefined) values.set(name.toLowerCase(), GITHUB_TOKEN_EXPRESSION.test(spec.default) ? JOB_TOKEN : spec.default);
  }
  const declared = new Set([...metadata.inputs.keys()].map((name) => name.toLowerCase()));
  const unexpected: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    if (!declared.has(name.toLowerCase())) unexpected.push(name);
    values.set(name.toLowerCase(), value);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of values) env[inputVariableName(name)] = value;
  return { env, unexpected };
}

/** The only expression an input default may use here: the job's GITHUB_TOKEN. */
const GITHUB_TOKEN_EXPRESSION = /^\$\{\{\s*github\.token\s*\}\}$/;

/**
 * What `${{ github.token }}` evaluates to in this emulation: a fixed fake installation token, which the runner
 * masks in every log as it masks the real one (runner.ts adds it to the masks).
 */
export const JOB_TOKEN = 'ghs_SandboxJobToken0000000000000000000000';

/** `listener-arn` → `INPUT_LISTENER-ARN`, `my input` → `INPUT_MY_INPUT` (what `core.getInput` reads). */
export function inputVariableName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export type JobStatus = 'success' | 'failure' | 'cancelled';

/**
 * Evaluates the status functions a `post-if` can use. Anything richer needs the runner's expression engine;
 * refusing it beats guessing.
 */
export function postIfAllows(expression: string, status: JobStatus): boolean {
  const text = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  const value: Record<string, boolean> = {
    'always()': true,
    'success()': status === 'success',
    'failure()': status === 'failure',
    'cancelled()': status === 'cancelled',
    '!cancelled()': status !== 'cancelled',
  };
  const result = value[text];
  if (result === undefined) {
    throw new ActionMetadataError(`post-if ${JSON.stringify(expression)} is not one of ${Object.keys(value).join(', ')}; the harness cannot evaluate it`);
  }
  return result;
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

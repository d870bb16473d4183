// SSM's parameter-name rules, shared by every Parameter Store operation.
import { AwsError } from '../core/aws-error.js';

// SSM answers every name that breaks its character or path rules with this one message, which names
// only "ssm" whatever the name (AWS's own wording, as SDK users report it).
const NAME_RULES =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of ' +
  'sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

/**
 * Reads may name AWS's public parameters (`/aws/service/...`); writes and deletes must not: a name
 * beginning with `aws` (any case, with or without the leading slash) is reserved, one beginning with `ssm` invalid.
 */
export type NameUse = 'read' | 'write';

/** SSM's naming rules: letters, digits, `.-_`, `/`-separated paths that start with `/`, ≤ 15 levels; reserved prefixes for writes. */
export function validateParameterName(name: unknown, use: NameUse): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new AwsError('ValidationException', "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  }
  if (name.length > 2048) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  }
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(name)) throw new AwsError('ValidationException', NAME_RULES);
  if (use === 'write' && /^\/?aws/i.test(name)) {
    throw new AwsError('AccessDeniedException', `No access to reserved parameter name: ${name.replace(/^\//, '')}.`);
  }
  if (use === 'write' && /^\/?ssm/i.test(name)) throw new AwsError('ValidationException', NAME_RULES);
  if (name.includes('/')) {
    if (!name.startsWith('/')) {
      throw new AwsError('ValidationException', use === 'write' ? 'Parameter name must be a fully qualified name.' : NAME_RULES);
    }
    const parts = name.slice(1).split('/');
    if (parts.some((p) => p === '')) throw new AwsError('ValidationException', NAME_RULES);
    if (parts.length > 15) {
      throw new AwsError('HierarchyLevelLimitExceededException', 'Parameter name can have at most 15 levels of hierarchy');
    }
  }
  return name;
}

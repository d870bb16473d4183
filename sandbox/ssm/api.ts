// SSM Parameter Store: the String parameters the action uses for the live colour and its lock.
import { EventEmitter } from 'node:events';
import { AwsError } from '../core/aws-error.js';
import { arns, type Account } from '../core/ids.js';

export interface Parameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  Description?: string;
  DataType: string;
}

type Input = Record<string, unknown>;

export class SsmModel extends EventEmitter {
  readonly parameters = new Map<string, Parameter>();
}

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

export function ssmOperations(model: SsmModel, account: Account): Record<string, (input: Input) => unknown> {
  const describe = (p: Parameter) => ({
    Name: p.Name,
    Type: p.Type,
    Value: p.Value,
    Version: p.Version,
    LastModifiedDate: p.LastModifiedDate,
    ARN: arns.parameter(account, p.Name),
    DataType: p.DataType,
  });
  return {
    GetParameter(input) {
      // `name:version` selects a version; the selector is not part of the name's validation.
      const [base = '', selector] = String(input.Name ?? '').split(':');
      validateParameterName(base, 'read');
      const p = model.parameters.get(base);
      if (!p || (selector !== undefined && String(p.Version) !== selector)) throw new AwsError('ParameterNotFound', '');
      return { Parameter: describe(p) };
    },

    PutParameter(input) {
      const name = validateParameterName(input.Name, 'write');
      const value = input.Value;
      if (typeof value !== 'string' || value.length === 0) {
        throw new AwsError('ValidationException', `1 validation error detected: Value '${String(value ?? '')}' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1`);
      }
      if (value.length > 4096) {
        throw new AwsError('ValidationException', 'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.');
      }
      const type = input.Type as string | undefined;
      if (type !== undefined && !['String', 'StringList', 'SecureString'].includes(type)) {
        throw new AwsError('ValidationException', `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
      }
      if (input.Overwrite === true && Array.isArray(input.Tags) && input.Tags.length > 0) {
        throw new AwsError('ValidationException', 'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.');
      }
      const existing = model.parameters.get(name);
      if (existing && input.Overwrite !== true) {
        throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
      }
      if (!existing && type === undefined) {
        throw new AwsError('ValidationException', 'A parameter type is required when you create a parameter.');
      }
      const p: Parameter = {
        Name: name,
        Type: (type ?? existing?.Type ?? 'String') as Parameter['Type'],
        Value: value,
        Version: (existing?.Version ?? 0) + 1,
        LastModifiedDate: new Date(),
        Description: (input.Description as string | undefined) ?? existing?.Description,
        DataType: (input.DataType as string | undefined) ?? existing?.DataType ?? 'text',
      };
      model.parameters.set(name, p);
      model.emit('parameterChanged', { name, value, version: p.Version });
      return { Version: p.Version, Tier: 'Standard' };
    },

    DeleteParameter(input) {
      const name = validateParameterName(input.Name, 'write');
      if (!model.parameters.delete(name)) throw new AwsError('ParameterNotFound', '');
      model.emit('parameterChanged', { name, value: undefined });
      return {};
    },
  };
}

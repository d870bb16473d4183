// SSM Parameter Store: the String parameters the action uses for the live colour and its lock.
// GetParameterHistory is history.ts's; the versions themselves are model.ts's.
import { AwsError } from '../core/aws-error.js';
import { arns, type Account } from '../core/ids.js';
import { historyOperations } from './history.js';
import type { Parameter, SsmModel } from './model.js';
import { validateParameterName } from './names.js';

export { SsmModel, type Parameter, type ParameterChangedEvent } from './model.js';
export { validateParameterName, type NameUse } from './names.js';

type Input = Record<string, unknown>;

/** The caller every write is attributed to (LastModifiedUser): the account's root, as signatures are not checked. */
export const callerArn = (account: Account): string => `arn:aws:iam::${account.accountId}:root`;

/**
 * PutParameter's validation and write; `at` is the new version's LastModifiedDate (now, except for the
 * sandbox's putParameterAt, which back-dates a version for tests).
 */
export function putParameter(model: SsmModel, account: Account, input: Input, at = new Date()): { Version: number; Tier: 'Standard' } {
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
  // A new version on every successful write, even with an unchanged value.
  const p: Parameter = {
    Name: name,
    Type: (type ?? existing?.Type ?? 'String') as Parameter['Type'],
    Value: value,
    Version: (existing?.Version ?? 0) + 1,
    LastModifiedDate: at,
    Description: (input.Description as string | undefined) ?? existing?.Description,
    DataType: (input.DataType as string | undefined) ?? existing?.DataType ?? 'text',
    LastModifiedUser: callerArn(account),
  };
  model.write(p);
  return { Version: p.Version, Tier: 'Standard' };
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
    ...historyOperations(model),

    GetParameter(input) {
      // `name:version` selects a kept version; the selector is not part of the name's validation.
      const [base = '', selector] = String(input.Name ?? '').split(':');
      validateParameterName(base, 'read');
      const p = selector === undefined ? model.parameters.get(base) : /^\d+$/.test(selector) ? model.version(base, Number(selector)) : undefined;
      if (!p) throw new AwsError('ParameterNotFound', '');
      return { Parameter: describe(p) };
    },

    PutParameter: (input) => putParameter(model, account, input),

    DeleteParameter(input) {
      const name = validateParameterName(input.Name, 'write');
      if (!model.remove(name)) throw new AwsError('ParameterNotFound', '');
      return {};
    },
  };
}

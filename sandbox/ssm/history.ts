// GetParameterHistory: a parameter's kept versions, oldest first, MaxResults (1–50, default 50) at a
// time with an opaque NextToken.
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterHistory.html
// The entries carry what AWS's documented example shows for a String parameter: Labels [], Tier
// Standard, Policies [] and LastModifiedUser as an IAM ARN
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/example_ssm_GetParameterHistory_section.html).
import { AwsError, constraintMessage } from '../core/aws-error.js';
import type { Parameter, SsmModel } from './model.js';
import { validateParameterName } from './names.js';

type Input = Record<string, unknown>;

/** "Valid Range: Minimum value of 1. Maximum value of 50."; 50 when not given (moto's default too). */
const MAX_RESULTS = 50;

export function historyOperations(model: SsmModel): Record<string, (input: Input) => unknown> {
  return {
    GetParameterHistory(input) {
      const name = validateParameterName(input.Name, 'read');
      const max = maxResults(input.MaxResults);
      const versions = model.history.get(name);
      if (!versions) throw new AwsError('ParameterNotFound', '');
      const after = typeof input.NextToken === 'string' && input.NextToken !== '' ? decodeToken(input.NextToken, name) : 0;
      // By version rather than position: a token stays right when versions were added or dropped since.
      const rest = versions.filter((v) => v.Version > after);
      const page = rest.slice(0, max);
      const last = page[page.length - 1];
      return {
        Parameters: page.map(describeVersion),
        ...(rest.length > page.length && last ? { NextToken: encodeToken(name, last.Version) } : {}),
      };
    },
  };
}

function maxResults(raw: unknown): number {
  if (raw === undefined || raw === null) return MAX_RESULTS;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) {
    throw new AwsError('SerializationException', `Value '${String(raw)}' at 'maxResults' is not an integer`);
  }
  if (raw < 1 || raw > MAX_RESULTS) {
    const bound = raw < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_RESULTS}`;
    throw new AwsError('ValidationException', constraintMessage(raw, 'maxResults', `Member must have value ${bound}`));
  }
  return raw;
}

function describeVersion(p: Parameter): Record<string, unknown> {
  return {
    Name: p.Name,
    Type: p.Type,
    LastModifiedDate: p.LastModifiedDate,
    LastModifiedUser: p.LastModifiedUser,
    ...(p.Description === undefined ? {} : { Description: p.Description }),
    Value: p.Value,
    Version: p.Version,
    Labels: [],
    Tier: 'Standard',
    Policies: [],
    DataType: p.DataType,
  };
}

const encodeToken = (name: string, version: number): string => Buffer.from(JSON.stringify({ name, after: version })).toString('base64');

/** A token this parameter's history did not issue is InvalidNextToken ("The specified token isn't valid."). */
function decodeToken(token: string, name: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { name?: unknown; after?: unknown };
    if (decoded.name === name && typeof decoded.after === 'number') return decoded.after;
  } catch {
    // falls through to the error below
  }
  throw new AwsError('InvalidNextToken', "The specified token isn't valid.");
}

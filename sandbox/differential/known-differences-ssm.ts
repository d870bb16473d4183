// The SSM part of KNOWN_DIFFERENCES (known-differences.ts, which explains the list): where moto 5.2.1
// answers Parameter Store calls differently from AWS and moto is the one that is wrong.
import type { KnownDifference } from './known-differences.js';

// Local rather than imported: known-differences.ts imports this file, so a value import back would be a cycle.
const rejectedByAws = (code: string) => ({ path: '(outcome)', sandbox: `error ${code} (400)`, moto: 'succeeded' });

const SSM_PUT = 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html';
// AWS's own example of get-parameter-history output (the AWS CLI example the SSM user guide's code library shows).
const SSM_HISTORY_EXAMPLE = {
  url: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/example_ssm_GetParameterHistory_section.html',
  quote:
    'Output: { "Parameters": [ { "Name": "MyStringParameter", "Type": "String", "LastModifiedDate": 1582154711.976, "LastModifiedUser": "arn:aws:iam::111222333444:user/Mary-Major", "Description": "This is the first version of my String parameter", "Value": "Veni", "Version": 1, "Labels": [], "Tier": "Standard", "Policies": [] }, ...',
};
/** The three versions history-steps.ts compares field by field. */
const HISTORY_ENTRIES = [0, 1, 2];

export const SSM_KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'history-last-modified-user-not-an-arn',
    summary: "moto returns LastModifiedUser 'N/A' in GetParameterHistory; AWS returns the ARN of whoever wrote the version.",
    awsSays: [
      {
        url: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterHistory.html',
        quote: 'LastModifiedUser: Amazon Resource Name (ARN) of the AWS user who last changed the parameter.',
      },
      SSM_HISTORY_EXAMPLE,
    ],
    note: "The sandbox checks no signature, so it attributes every write to the account's root (arn:aws:iam::<account>:root).",
    observed: [
      ...HISTORY_ENTRIES.map((i) => ({ steps: ['ssm.history.small'], path: `Parameters[${i}].LastModifiedUser`, sandbox: 'arn:aws:iam::123456789012:root', moto: 'N/A' })),
    ],
  },
  {
    id: 'history-without-policies',
    summary: 'moto leaves Policies out of a GetParameterHistory entry of a parameter without policies; AWS returns an empty list.',
    awsSays: [SSM_HISTORY_EXAMPLE],
    note: 'The API reference marks Policies optional; the evidence is the output of AWS\'s own documented example, which lists "Policies": [] (and "Labels": [], which moto does return) for every version.',
    observed: [...HISTORY_ENTRIES.map((i) => ({ steps: ['ssm.history.small'], path: `Parameters[${i}].Policies`, sandbox: [], moto: '<absent>' }))],
  },
  {
    id: 'parameter-path-without-leading-slash',
    summary: "moto accepts a hierarchical parameter name without the leading '/' (and answers ParameterNotFound when reading one).",
    awsSays: [
      {
        url: SSM_PUT,
        quote:
          'The fully qualified name includes the complete hierarchy of the parameter path and name. For parameters in a hierarchy, you must include a leading forward slash character (/) when you create or reference a parameter.',
      },
    ],
    observed: [
      { steps: ['ssm.invalid.get.no-leading-slash'], path: 'error.name', sandbox: 'ValidationException', moto: 'ParameterNotFound' },
      { steps: ['ssm.invalid.put.no-leading-slash'], ...rejectedByAws('ValidationException') },
    ],
  },
  {
    id: 'parameter-name-with-space-accepted',
    summary: 'moto accepts a parameter name containing a space.',
    awsSays: [
      {
        url: SSM_PUT,
        quote:
          "Parameter names can't contain spaces. The service removes any spaces specified for the beginning or end of a parameter name. If the specified name for a parameter contains spaces between characters, the request fails with a ValidationException error.",
      },
    ],
    observed: [{ steps: ['ssm.invalid.put.space'], ...rejectedByAws('ValidationException') }],
  },
];

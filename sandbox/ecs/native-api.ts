// The service-deployment operations: ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions, ContinueServiceDeployment, StopServiceDeployment (JSON 1.1, like the rest
// of ECS). Errors and texts follow the reference (section 4); the emulator's own choices are marked.
import { AwsError } from '../core/aws-error.js';
import type { EcsModel } from './model.js';
import type { NativeDeployments } from './native.js';
import { describeServiceDeployment, describeServiceRevision, serviceDeploymentBrief } from './native-describe.js';
import type { DeploymentStatus } from './native-model.js';

type Input = Record<string, unknown>;

const STATUSES: DeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];
const MAX_DESCRIBE = 20;

/** Epoch seconds (possibly fractional, as the SDK sends timestamps) to milliseconds. */
const epochMs = (v: unknown): number | undefined => (typeof v === 'number' ? v * 1000 : typeof v === 'string' && v !== '' ? Date.parse(v) : undefined);

export function nativeOperations(model: EcsModel, native: NativeDeployments): Record<string, (input: Input) => unknown> {
  const desiredOf = (serviceArn: string) => model.services.find((s) => s.arn === serviceArn)?.desiredCount ?? 0;
  const arnList = (value: unknown, member: string): string[] => {
    if (!Array.isArray(value) || value.length === 0) throw new AwsError('InvalidParameterException', `${member} cannot be empty.`);
    if (value.length > MAX_DESCRIBE) throw new AwsError('InvalidParameterException', `The maximum number of ${member} that can be described at once is ${MAX_DESCRIBE}.`);
    return value.map(String);
  };

  return {
    ListServiceDeployments(input) {
      const cluster = model.cluster(typeof input.cluster === 'string' ? input.cluster : undefined);
      if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      if (typeof input.service !== 'string' || input.service === '') throw new AwsError('InvalidParameterException', 'Service cannot be empty.');
      const service = model.service(cluster, input.service);
      if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      const statuses = input.status as string[] | undefined;
      for (const s of statuses ?? []) {
        if (!STATUSES.includes(s as DeploymentStatus)) throw new AwsError('InvalidParameterException', `Invalid status: ${s}. Valid values are: ${STATUSES.join(', ')}`);
      }
      const max = input.maxResults ?? 20;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100.');
      const range = (input.createdAt ?? {}) as { before?: unknown; after?: unknown };
      const before = epochMs(range.before);
      const after = epochMs(range.after);
      // Newest first (sort order ⚠ SILENT in AWS docs; reference 4.1 EMU).
      const matching = model.serviceDeployments
        .filter(
          (d) =>
            d.serviceArn === service.arn &&
            (statuses === undefined || statuses.length === 0 || statuses.includes(d.status)) &&
            (before === undefined || d.createdAt.getTime() < before) &&
            (after === undefined || d.createdAt.getTime() > after),
        )
        .reverse();
      const start = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64').toString('utf8')) : 0;
      if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterException', 'The nextToken is invalid.');
      const page = matching.slice(start, start + max);
      const next = start + max < matching.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
      return { serviceDeployments: page.map(serviceDeploymentBrief), ...(next ? { nextToken: next } : {}) };
    },

    DescribeServiceDeployments(input) {
      const arns = arnList(input.serviceDeploymentArns, 'serviceDeploymentArns');
      const serviceDeployments: unknown[] = [];
      const failures: unknown[] = [];
      for (const arn of arns) {
        const d = model.serviceDeployments.find((x) => x.arn === arn);
        if (d) serviceDeployments.push(describeServiceDeployment(model, d, desiredOf(d.serviceArn)));
        else failures.push({ arn, reason: 'MISSING' });
      }
      return { serviceDeployments, failures };
    },

    DescribeServiceRevisions(input) {
      const arns = arnList(input.serviceRevisionArns, 'serviceRevisionArns');
      const serviceRevisions: unknown[] = [];
      const failures: unknown[] = [];
      for (const arn of arns) {
        const r = model.serviceRevisions.find((x) => x.arn === arn);
        if (r) serviceRevisions.push(describeServiceRevision(model, r));
        else failures.push({ arn, reason: 'MISSING' });
      }
      return { serviceRevisions, failures };
    },

    ContinueServiceDeployment(input) {
      native.continueDeployment(input.serviceDeploymentArn, input.hookId, input.action ?? 'CONTINUE');
      return { serviceDeploymentArn: input.serviceDeploymentArn };
    },

    StopServiceDeployment(input) {
      native.stopDeployment(input.serviceDeploymentArn, input.stopType ?? 'ROLLBACK');
      return { serviceDeploymentArn: input.serviceDeploymentArn };
    },
  };
}

// The ECS operations the action uses, with ECS's errors: ClusterNotFoundException,
// ServiceNotFoundException, ServiceNotActiveException, InvalidParameterException, ClientException.
import { AwsError } from '../core/aws-error.js';
import { arns, type Account } from '../core/ids.js';
import { describeService, describeTask, describeTaskDefinition } from './describe.js';
import type { Cluster, EcsModel, Service } from './model.js';
import type { Scheduler } from './scheduler.js';

type Input = Record<string, unknown>;

export function ecsOperations(model: EcsModel, scheduler: Scheduler, account: Account): Record<string, (input: Input) => unknown> {
  const clusterOrThrow = (ref: unknown): Cluster => {
    const c = model.cluster(typeof ref === 'string' ? ref : undefined);
    if (!c) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return c;
  };
  const serviceOrThrow = (cluster: Cluster, ref: unknown): Service => {
    if (typeof ref !== 'string' || ref === '') throw new AwsError('InvalidParameterException', 'Service cannot be empty.');
    const s = model.service(cluster, ref);
    if (!s) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    return s;
  };
  const nameOf = (ref: string) => ref.split('/').pop() ?? ref;

  return {
    DescribeServices(input) {
      const cluster = clusterOrThrow(input.cluster);
      const refs = input.services as string[] | undefined;
      if (!Array.isArray(refs) || refs.length === 0) throw new AwsError('InvalidParameterException', 'Services cannot be empty.');
      if (refs.length > 10) throw new AwsError('InvalidParameterException', 'The maximum number of services that can be described at once is 10.');
      const services: unknown[] = [];
      const failures: unknown[] = [];
      for (const ref of refs) {
        const s = model.service(cluster, ref);
        if (s) services.push(describeService(model, s));
        else failures.push({ arn: arns.service(account, cluster.name, nameOf(ref)), reason: 'MISSING' });
      }
      return { services, failures };
    },

    DescribeTaskDefinition(input) {
      const ref = input.taskDefinition;
      const td = typeof ref === 'string' ? model.taskDefinition(ref) : undefined;
      if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.');
      return { taskDefinition: describeTaskDefinition(td), tags: [] };
    },

    RegisterTaskDefinition(input) {
      const family = input.family;
      if (typeof family !== 'string' || !/^[a-zA-Z0-9_-]{1,255}$/.test(family)) {
        throw new AwsError('ClientException', 'Family contains invalid characters; up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.');
      }
      const containers = input.containerDefinitions;
      if (!Array.isArray(containers) || containers.length === 0) {
        throw new AwsError('ClientException', 'Container.name should not be null or empty.');
      }
      for (const c of containers as Record<string, unknown>[]) {
        if (typeof c.name !== 'string' || c.name === '') throw new AwsError('ClientException', 'Container.name should not be null or empty.');
        if (typeof c.image !== 'string' || c.image === '') throw new AwsError('ClientException', 'Container.image should not be null or empty.');
      }
      const revision = Math.max(0, ...model.taskDefinitions.filter((t) => t.family === family).map((t) => t.revision)) + 1;
      const td = {
        arn: arns.taskDefinition(account, family, revision),
        family,
        revision,
        status: 'ACTIVE' as const,
        registeredAt: new Date(),
        input: structuredClone(input),
      };
      model.taskDefinitions.push(td);
      return { taskDefinition: describeTaskDefinition(td), tags: (input.tags as unknown[] | undefined) ?? [] };
    },

    UpdateService(input) {
      const cluster = clusterOrThrow(input.cluster);
      const service = serviceOrThrow(cluster, input.service);
      if (service.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
      const desired = input.desiredCount;
      if (desired !== undefined && (typeof desired !== 'number' || !Number.isInteger(desired) || desired < 0)) {
        throw new AwsError('InvalidParameterException', 'Invalid desiredCount: must be a non-negative integer.');
      }
      let tdArn: string | undefined;
      if (input.taskDefinition !== undefined) {
        const td = typeof input.taskDefinition === 'string' ? model.taskDefinition(input.taskDefinition) : undefined;
        if (!td) throw new AwsError('ClientException', 'TaskDefinition not found.');
        if (td.status !== 'ACTIVE') throw new AwsError('ClientException', `TaskDefinition is inactive`);
        tdArn = td.arn;
      }
      const config = deploymentConfiguration(input.deploymentConfiguration);
      if (typeof desired === 'number') service.desiredCount = desired;
      if (config.maximumPercent !== undefined) service.maximumPercent = config.maximumPercent;
      if (config.minimumHealthyPercent !== undefined) service.minimumHealthyPercent = config.minimumHealthyPercent;
      const changed = tdArn !== undefined && tdArn !== service.taskDefinitionArn;
      if (changed || input.forceNewDeployment === true) scheduler.newDeployment(service, tdArn ?? service.taskDefinitionArn);
      scheduler.reconcile(service);
      return { service: describeService(model, service) };
    },

    ListTasks(input) {
      const cluster = clusterOrThrow(input.cluster);
      const serviceName = input.serviceName;
      if (serviceName !== undefined) serviceOrThrow(cluster, serviceName);
      const desired = (input.desiredStatus as string | undefined) ?? 'RUNNING';
      if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired)) {
        throw new AwsError('InvalidParameterException', `Invalid desiredStatus: ${desired}`);
      }
      const family = input.family as string | undefined;
      const tasks = model.tasks.filter(
        (t) =>
          t.clusterArn === cluster.arn &&
          (serviceName === undefined || t.serviceName === nameOf(String(serviceName))) &&
          (family === undefined || t.taskDefinitionArn.includes(`:task-definition/${family}:`)) &&
          (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING') &&
          (desired !== 'PENDING' || ['PROVISIONING', 'PENDING'].includes(t.lastStatus)),
      );
      return { taskArns: tasks.map((t) => t.arn) };
    },

    DescribeTasks(input) {
      const cluster = clusterOrThrow(input.cluster);
      const refs = input.tasks;
      if (!Array.isArray(refs) || refs.length === 0) throw new AwsError('InvalidParameterException', 'Tasks cannot be empty.');
      if (refs.length > 100) throw new AwsError('InvalidParameterException', 'Too many tasks were provided. The maximum is 100.');
      const tasks: unknown[] = [];
      const failures: unknown[] = [];
      for (const ref of refs as string[]) {
        const t = model.tasks.find((x) => x.clusterArn === cluster.arn && (x.arn === ref || x.id === ref));
        if (t) tasks.push(describeTask(t));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : arns.task(account, cluster.name, ref), reason: 'MISSING' });
      }
      return { tasks, failures };
    },
  };
}

/** The percentages of UpdateService's deploymentConfiguration that the scheduler applies (the rest is ignored). */
function deploymentConfiguration(value: unknown): { maximumPercent?: number; minimumHealthyPercent?: number } {
  if (value === undefined || value === null) return {};
  const config = value as Record<string, unknown>;
  const percent = (name: 'maximumPercent' | 'minimumHealthyPercent'): number | undefined => {
    const v = config[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new AwsError('InvalidParameterException', `Invalid deploymentConfiguration.${name}: must be a non-negative integer.`);
    }
    return v;
  };
  return { maximumPercent: percent('maximumPercent'), minimumHealthyPercent: percent('minimumHealthyPercent') };
}

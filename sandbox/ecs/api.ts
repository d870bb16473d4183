// The ECS operations the action uses, with ECS's errors: ClusterNotFoundException,
// ServiceNotFoundException, ServiceNotActiveException, InvalidParameterException, ClientException.
// With `native`, also the service-deployment operations of built-in blue/green (native-api.ts), and
// UpdateService deploys a BLUE_GREEN/CANARY/LINEAR service through that controller.
import { AwsError } from '../core/aws-error.js';
import { arns, type Account } from '../core/ids.js';
import { describeService, describeTask, describeTaskDefinition } from './describe.js';
import type { Cluster, EcsModel, Service } from './model.js';
import type { NativeDeployments } from './native.js';
import { nativeOperations } from './native-api.js';
import { applyNativeConfiguration } from './native-config.js';
import type { Scheduler } from './scheduler.js';
import type { StandaloneTasks } from './standalone.js';
import { taskTags, validManagedTags, validPropagateTags, validTags, validVolumes } from './task-fields.js';

type Input = Record<string, unknown>;

export function ecsOperations(
  model: EcsModel,
  scheduler: Scheduler,
  account: Account,
  standalone?: StandaloneTasks,
  runTaskFailures: string[] = [],
  native?: NativeDeployments,
): Record<string, (input: Input) => unknown> {
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
    ...(native ? nativeOperations(model, native) : {}),

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
      const managedTags = validManagedTags(input.enableECSManagedTags);
      const propagateTags = validPropagateTags(input.propagateTags, 'UpdateService');
      const definition = model.taskDefinition(tdArn ?? service.taskDefinitionArn);
      const volumes = definition ? validVolumes(input.volumeConfigurations, definition) : undefined;
      const config = deploymentConfiguration(input.deploymentConfiguration);
      // Validated before anything changes; changing it alone starts no deployment (BOTO UpdateServiceRequest).
      const nativeConfig = native ? applyNativeConfiguration(service, input.deploymentConfiguration) : undefined;
      if (typeof desired === 'number') service.desiredCount = desired;
      if (config.maximumPercent !== undefined) service.maximumPercent = config.maximumPercent;
      if (config.minimumHealthyPercent !== undefined) service.minimumHealthyPercent = config.minimumHealthyPercent;
      if (nativeConfig) service.native = { ...service.native, ...nativeConfig };
      // Tagging settings start no deployment; a changed volume configuration does (UpdateService).
      if (managedTags !== undefined) service.enableECSManagedTags = managedTags;
      if (propagateTags !== undefined) service.propagateTags = propagateTags;
      const volumesChanged = volumes !== undefined && JSON.stringify(volumes) !== JSON.stringify(service.volumeConfigurations ?? []);
      if (volumes !== undefined) service.volumeConfigurations = volumes;
      const changed = tdArn !== undefined && tdArn !== service.taskDefinitionArn;
      if (changed || volumesChanged || input.forceNewDeployment === true) {
        if (native?.isNative(service)) native.begin(service, tdArn ?? service.taskDefinitionArn);
        else scheduler.newDeployment(service, tdArn ?? service.taskDefinitionArn);
      }
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
      const startedBy = input.startedBy as string | undefined;
      const tasks = model.tasks.filter(
        (t) =>
          t.clusterArn === cluster.arn &&
          (startedBy === undefined || t.standalone?.startedBy === startedBy) &&
          (serviceName === undefined || t.serviceName === nameOf(String(serviceName))) &&
          (family === undefined || t.taskDefinitionArn.includes(`:task-definition/${family}:`)) &&
          (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING') &&
          (desired !== 'PENDING' || ['PROVISIONING', 'PENDING'].includes(t.lastStatus)),
      );
      return { taskArns: tasks.map((t) => t.arn) };
    },

    RunTask(input) {
      if (!standalone) throw new AwsError('InvalidParameterException', 'RunTask is not available in this sandbox.');
      const cluster = clusterOrThrow(input.cluster);
      const ref = input.taskDefinition;
      const td = typeof ref === 'string' ? model.taskDefinition(ref) : undefined;
      if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.');
      if (td.status !== 'ACTIVE') throw new AwsError('ClientException', 'TaskDefinition is inactive');
      const count = input.count ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10) throw new AwsError('InvalidParameterException', 'count must be between 1 and 10.');
      const strategy = input.capacityProviderStrategy as { capacityProvider?: string }[] | undefined;
      if (input.launchType !== undefined && strategy !== undefined) {
        throw new AwsError('InvalidParameterException', 'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
      }
      const launchType = typeof input.launchType === 'string' ? input.launchType : strategy?.[0]?.capacityProvider?.startsWith('FARGATE') ? 'FARGATE' : 'EC2';
      const awsvpc = td.input.networkMode === 'awsvpc' || launchType === 'FARGATE';
      const vpc = (input.networkConfiguration as { awsvpcConfiguration?: { subnets?: unknown[] } } | undefined)?.awsvpcConfiguration;
      if (awsvpc && !vpc) throw new AwsError('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
      if (vpc && (!Array.isArray(vpc.subnets) || vpc.subnets.length === 0)) throw new AwsError('InvalidParameterException', 'subnets can not be empty.');
      const names = new Set(((td.input.containerDefinitions as { name?: string }[] | undefined) ?? []).map((c) => c.name));
      const overrides = new Map<string, { command?: string[]; environment?: Record<string, string> }>();
      for (const o of ((input.overrides as { containerOverrides?: Record<string, unknown>[] } | undefined)?.containerOverrides ?? [])) {
        const name = String(o.name ?? '');
        if (!names.has(name)) throw new AwsError('InvalidParameterException', `Override for container named ${name} is not a container in the TaskDefinition.`);
        const environment = Object.fromEntries(((o.environment as { name?: string; value?: string }[] | undefined) ?? []).flatMap((kv) => (kv.name ? [[kv.name, kv.value ?? '']] : [])));
        overrides.set(name, { ...(Array.isArray(o.command) ? { command: o.command.map(String) } : {}), environment });
      }
      const startedBy = input.startedBy;
      if (startedBy !== undefined && (typeof startedBy !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(startedBy))) {
        throw new AwsError('InvalidParameterException', 'startedBy may contain up to 128 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
      }
      const ownTags = validTags(input.tags);
      const propagateTags = validPropagateTags(input.propagateTags, 'RunTask');
      const managedTags = validManagedTags(input.enableECSManagedTags);
      const volumeConfigurations = validVolumes(input.volumeConfigurations, td);
      const tags = taskTags(ownTags, { ...(propagateTags ? { propagateTags } : {}), ...(managedTags ? { managed: true } : {}), definition: td, clusterName: cluster.name });
      const fields = { tags, ...(managedTags !== undefined ? { enableECSManagedTags: managedTags } : {}), ...(propagateTags ? { propagateTags } : {}), ...(volumeConfigurations ? { volumeConfigurations } : {}) };
      const failure = runTaskFailures.shift();
      if (failure) return { tasks: [], failures: [{ arn: td.arn, reason: failure }] };
      const tasks = Array.from({ length: count }, () =>
        standalone.run({ cluster, taskDefinition: td, launchType, overrides, overridesAsGiven: input.overrides, ...fields, ...(typeof startedBy === 'string' ? { startedBy } : {}), ...(typeof input.group === 'string' ? { group: input.group } : {}) }),
      );
      return { tasks: tasks.map(describeTask), failures: [] };
    },

    StopTask(input) {
      if (!standalone) throw new AwsError('InvalidParameterException', 'StopTask is not available in this sandbox.');
      const cluster = clusterOrThrow(input.cluster);
      const ref = input.task;
      if (typeof ref !== 'string' || ref === '') throw new AwsError('InvalidParameterException', 'Task cannot be empty.');
      const task = model.tasks.find((t) => t.clusterArn === cluster.arn && (t.arn === ref || t.id === ref));
      if (!task) throw new AwsError('InvalidParameterException', 'The referenced task was not found.');
      const reason = typeof input.reason === 'string' && input.reason !== '' ? input.reason : 'Task stopped by user';
      if (task.standalone) standalone.stop(task, reason);
      else {
        const service = model.services.find((s) => s.name === task.serviceName && s.clusterArn === cluster.arn);
        if (service) void scheduler.stopTask(service, task, reason);
      }
      return { task: describeTask(task) };
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
        if (t) tasks.push(describeTask(t, input.include));
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

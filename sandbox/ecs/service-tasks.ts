// Read-only views of a service's tasks the scheduler decides with: which tasks ECS still wants
// running, which count towards the desired count, which the load balancer reports healthy.
import type { ElbModel } from '../elb/model.js';
import type { Deployment, EcsModel, Service, Task } from './model.js';

/** Tasks of a deployment that ECS still wants running (PROVISIONING through RUNNING). */
export function liveTasks(ecs: EcsModel, d: Deployment): Task[] {
  return ecs.tasks.filter((t) => t.deploymentId === d.id && t.desiredStatus === 'RUNNING');
}

/** Live tasks that count towards the desired count: not those failing health checks and being replaced. */
export function servingTasks(ecs: EcsModel, d: Deployment): Task[] {
  return liveTasks(ecs, d).filter((t) => t.failedHealthChecksIn === undefined);
}

/** Every task of the service in RUNNING or PENDING that ECS has not begun to stop: what maximumPercent bounds. */
export function activeTasks(ecs: EcsModel, service: Service): Task[] {
  return ecs.tasks.filter((t) => t.serviceName === service.name && t.clusterArn === service.clusterArn && t.desiredStatus === 'RUNNING');
}

/** RUNNING and healthy in every target group of the service. */
export function healthyInService(elb: ElbModel, service: Service, task: Task): boolean {
  if (task.lastStatus !== 'RUNNING') return false;
  return service.loadBalancers.every((lb) => {
    const tg = elb.targetGroup(lb.targetGroupArn);
    return tg?.targets.some((t) => t.port === task.port && t.state === 'healthy') ?? false;
  });
}

/** The group of the service where the task's target is `unhealthy`, if any. */
export function failingTargetGroup(elb: ElbModel, service: Service, task: Task): string | undefined {
  return service.loadBalancers.find((lb) => elb.targetGroup(lb.targetGroupArn)?.targets.some((t) => t.port === task.port && t.state === 'unhealthy'))
    ?.targetGroupArn;
}

/** ECS's stoppedReason for a task it replaced because of its target group's health checks. */
export const elbFailureReason = (targetGroupArn: string): string => `Task failed ELB health checks in (target-group ${targetGroupArn})`;

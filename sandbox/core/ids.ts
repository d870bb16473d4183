// Identifiers in the formats AWS uses, so ARNs the action logs or parses look like real ones.
import { randomBytes, randomUUID } from 'node:crypto';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const requestId = (): string => randomUUID();

/** ECS deployment ids look like `ecs-svc/` followed by 19 digits. */
export function ecsDeploymentId(): string {
  let digits = String(1 + Math.floor(Math.random() * 8));
  while (digits.length < 19) digits += String(Math.floor(Math.random() * 10));
  return `ecs-svc/${digits}`;
}

export interface Account {
  region: string;
  accountId: string;
}

export const arns = {
  cluster: (a: Account, name: string) => `arn:aws:ecs:${a.region}:${a.accountId}:cluster/${name}`,
  service: (a: Account, cluster: string, name: string) =>
    `arn:aws:ecs:${a.region}:${a.accountId}:service/${cluster}/${name}`,
  task: (a: Account, cluster: string, id: string) => `arn:aws:ecs:${a.region}:${a.accountId}:task/${cluster}/${id}`,
  taskDefinition: (a: Account, family: string, revision: number) =>
    `arn:aws:ecs:${a.region}:${a.accountId}:task-definition/${family}:${revision}`,
  loadBalancer: (a: Account, name: string) =>
    `arn:aws:elasticloadbalancing:${a.region}:${a.accountId}:loadbalancer/app/${name}/${hex(8)}`,
  listener: (a: Account, lbArn: string) =>
    `${lbArn.replace(':loadbalancer/', ':listener/')}/${hex(8)}`,
  rule: (listenerArn: string) => `${listenerArn.replace(':listener/', ':listener-rule/')}/${hex(8)}`,
  targetGroup: (a: Account, name: string) =>
    `arn:aws:elasticloadbalancing:${a.region}:${a.accountId}:targetgroup/${name}/${hex(8)}`,
  parameter: (a: Account, name: string) =>
    `arn:aws:ssm:${a.region}:${a.accountId}:parameter/${name.replace(/^\//, '')}`,
  alarm: (a: Account, name: string) => `arn:aws:cloudwatch:${a.region}:${a.accountId}:alarm:${name}`,
};

// The ECS deployment controllers the action cannot deploy through: UpdateService changes the task definition
// only of a service on the ECS controller. One wording for both engines that refuse them (pair-check.ts,
// builtin-service.ts).

const OTHER_CONTROLLERS: Record<string, string> = {
  CODE_DEPLOY: 'CodeDeploy deploys it (a CodeDeploy deployment creates a new task set); deploy it with CodeDeploy',
  EXTERNAL: 'its tasks come from task sets its external controller creates (CreateTaskSet); deploy it with that controller',
};

/** What deploys a service on `controller` instead of UpdateService's task definition change, and where to turn. */
export function deployedInstead(controller: string): string {
  return OTHER_CONTROLLERS[controller] ?? 'another controller deploys it';
}

// engine: ecs: asking ECS to roll a service deployment back, and waiting until it says it has. Shared by
// main (a failed gate, a failing watch, a cancellation), `mode: rollback` and the post step.
import type { ServiceDeploymentsPort, ServiceDeploymentState } from '../../aws/ports.js';
import { isAwsError } from '../../aws/aws-error.js';
import type { Clock } from '../../types.js';

/** Deployments ECS has finished with: nothing left to continue or roll back. */
export const TERMINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];
/** ECS is already rolling back (a hook timed out, an alarm, someone else's call). */
export const ROLLING_BACK = ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'];
/** Still going: what a new deployment would supersede, and what post must not leave behind. */
export const IN_FLIGHT = ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', ...ROLLING_BACK];

export const awaitingPause = (d: ServiceDeploymentState) => d.hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');

/**
 * Rolls the deployment back the way that fits its state: ContinueServiceDeployment(ROLLBACK) on a PAUSE
 * hook that awaits an action (the hook's own answer), else StopServiceDeployment(ROLLBACK) (ECS rolls back
 * from any stage, rollback option or not). Nothing when it is already rolling back or finished. Returns
 * what it did, for the log; the state is read back afterwards by the caller.
 */
export async function requestRollback(port: ServiceDeploymentsPort, arn: string): Promise<'continue-rollback' | 'stop-rollback' | 'already-rolling-back' | 'finished'> {
  const d = await port.describe(arn);
  if (TERMINAL.includes(d.status)) return 'finished';
  if (ROLLING_BACK.includes(d.status)) return 'already-rolling-back';
  const hook = awaitingPause(d);
  if (hook) {
    try {
      await port.resume(arn, hook.hookId, 'ROLLBACK');
      return 'continue-rollback';
    } catch (error) {
      // The hook timed out or was answered between the read and the call: stopping still rolls back.
      if (!isAwsError(error, 'ClientException', 'InvalidParameterException')) throw error;
    }
  }
  try {
    await port.rollBack(arn);
  } catch (error) {
    // Finished between the read and the call: the read back says how.
    if (!isAwsError(error, 'ConflictException')) throw error;
    return 'finished';
  }
  return 'stop-rollback';
}

/** Polls until the deployment is finished or `deadline`; returns the last state read (finished or not). */
export async function awaitFinished(port: ServiceDeploymentsPort, arn: string, o: { deadline: number; pollMs: number; clock: Clock; signal?: AbortSignal }): Promise<ServiceDeploymentState> {
  for (;;) {
    const d = await port.describe(arn);
    if (TERMINAL.includes(d.status) || o.clock.now() + o.pollMs > o.deadline) return d;
    await o.clock.sleep(o.pollMs, o.signal);
  }
}

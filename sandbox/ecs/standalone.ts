// Standalone tasks (RunTask / StopTask), simulated: a task that is no service's, e.g. a database migration run
// once before a deploy. Its essential container is a REAL process: the container's effective command (the
// RunTask override, else the task definition's `command`) is spawned as is, with the container's environment,
// and its exit code is the container's; when it exits the task stops (`EssentialContainerExited`). A container
// without a command runs the task server (an HTTP server that never exits by itself), so it stops only by
// StopTask (`UserInitiated`). Output is kept (the last lines) where ECS would send it to the log driver.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arns, type Account } from '../core/ids.js';
import type { Cluster, EcsModel, Task, TaskDefinitionRecord } from './model.js';
import { startTaskProcess } from './task-process.js';

/** What RunTask asked for, validated by the operation. */
export interface StandaloneRequest {
  cluster: Cluster;
  taskDefinition: TaskDefinitionRecord;
  launchType: string;
  startedBy?: string;
  group?: string;
  /** Per container name: the override's command and extra environment. */
  overrides: Map<string, { command?: string[]; environment?: Record<string, string> }>;
  overridesAsGiven: unknown;
  /** Recorded as given (task-fields.ts validated them). */
  tags: { key: string; value: string }[];
  enableECSManagedTags?: boolean;
  propagateTags?: string;
  volumeConfigurations?: { name: string; managedEBSVolume: Record<string, unknown> }[];
}

/** Lines of output kept per task. */
const KEEP_LINES = 50;
/** Docker's exit codes for a container ended by a signal: 128 + signal number. */
const SIGNAL_EXIT: Record<string, number> = { SIGTERM: 143, SIGKILL: 137, SIGINT: 130 };

export class StandaloneTasks {
  private readonly processes = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly ecs: EcsModel,
    private readonly account: Account,
    private readonly taskServerPath: string,
    private readonly stopTimeoutMs: number,
  ) {}

  run(request: StandaloneRequest): Task {
    const definition = request.taskDefinition;
    const containers = (definition.input.containerDefinitions as Record<string, unknown>[] | undefined) ?? [];
    // One process per task: the container whose command was overridden, else the first essential one.
    const overridden = [...request.overrides.entries()].find(([, o]) => o.command)?.[0];
    const essential = containers.find((c) => c.name === overridden) ?? containers.find((c) => c.essential !== false) ?? containers[0] ?? {};
    const name = String(essential.name ?? 'app');
    const override = request.overrides.get(name);
    const env: Record<string, string> = {};
    for (const kv of (essential.environment as { name?: string; value?: string }[] | undefined) ?? []) if (kv.name) env[kv.name] = kv.value ?? '';
    Object.assign(env, override?.environment ?? {});
    const command = override?.command ?? (essential.command as string[] | undefined);

    const id = randomBytes(16).toString('hex');
    const task: Task = {
      arn: arns.task(this.account, request.cluster.name, id),
      id,
      clusterArn: request.cluster.arn,
      clusterName: request.cluster.name,
      serviceName: '',
      deploymentId: '',
      taskDefinitionArn: definition.arn,
      containerName: name,
      image: String(essential.image ?? 'sandbox'),
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: new Date(),
      registeredIn: [],
      standalone: {
        group: request.group ?? `family:${definition.family}`,
        launchType: request.launchType,
        overrides: request.overridesAsGiven ?? { containerOverrides: [] },
        output: [],
        ...(request.startedBy !== undefined ? { startedBy: request.startedBy } : {}),
        tags: request.tags,
        ...(request.enableECSManagedTags !== undefined ? { enableECSManagedTags: request.enableECSManagedTags } : {}),
        ...(request.propagateTags !== undefined ? { propagateTags: request.propagateTags } : {}),
        ...(request.volumeConfigurations ? { volumeConfigurations: request.volumeConfigurations } : {}),
      },
    };
    this.ecs.tasks.push(task);
    this.ecs.emit('task', { arn: task.arn, lastStatus: task.lastStatus });
    const child = command && command.length > 0 ? this.spawnCommand(task, command, env) : startTaskProcess(this.taskServerPath, { ...env, SANDBOX_COLOUR: 'standalone' }).child;
    this.processes.set(task.arn, child);
    child.once('spawn', () => this.setStatus(task, 'RUNNING', () => (task.startedAt = new Date())));
    child.once('error', (error) => {
      // The image's entry point could not start (ECS: CannotStartContainerError): the container never ran.
      task.standalone?.output.push(`spawn failed: ${error.message}`);
      this.exited(task, undefined, `CannotStartContainerError: ${error.message}`);
    });
    child.once('exit', (code, signal) => this.exited(task, code ?? (signal ? SIGNAL_EXIT[signal] : undefined)));
    this.setStatus(task, 'PENDING');
    return task;
  }

  /** StopTask: SIGTERM, then SIGKILL after the stop timeout, as ECS stops a container. */
  stop(task: Task, reason: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = new Date();
    task.stopCode = 'UserInitiated';
    task.stoppedReason = reason;
    const child = this.processes.get(task.arn);
    if (!child) return;
    this.setStatus(task, 'STOPPING');
    signalContainer(child, 'SIGTERM');
    const timer = setTimeout(() => signalContainer(child, 'SIGKILL'), this.stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // The container is gone as a whole: whatever its main process left behind goes with it.
      signalContainer(child, 'SIGKILL');
    });
  }

  /** Kills every standalone process at once (the sandbox is going away). */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const exits = [...this.processes.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          signalContainer(child, 'SIGKILL');
        }),
    );
    await Promise.all(exits);
    this.processes.clear();
  }

  private spawnCommand(task: Task, command: string[], env: Record<string, string>): ChildProcess {
    const [file, ...args] = command as [string, ...string[]];
    // Its own process group, which stands for the container: a stop signals every process in it.
    const child = spawn(file, args, { cwd: mkdtempSync(join(tmpdir(), 'sandbox-task-')), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    groupLeaders.add(child);
    const keep = (data: Buffer) => {
      const output = task.standalone?.output;
      if (!output) return;
      output.push(...data.toString('utf8').split('\n').filter((l) => l !== ''));
      output.splice(0, Math.max(0, output.length - KEEP_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  private exited(task: Task, exitCode: number | undefined, reason?: string): void {
    if (task.lastStatus === 'STOPPED') return;
    const child = this.processes.get(task.arn);
    if (child) signalContainer(child, 'SIGKILL');
    this.processes.delete(task.arn);
    if (this.stopping) return;
    if (task.desiredStatus === 'RUNNING') {
      task.desiredStatus = 'STOPPED';
      task.stoppingAt = new Date();
      task.stopCode = reason ? 'TaskFailedToStart' : 'EssentialContainerExited';
      task.stoppedReason = reason ?? 'Essential container in task exited';
    }
    if (exitCode !== undefined && !reason) task.exitCode = exitCode;
    if (reason) task.containerReason = reason;
    this.setStatus(task, 'DEPROVISIONING');
    this.setStatus(task, 'STOPPED', () => (task.stoppedAt = new Date()));
  }

  private setStatus(task: Task, status: Task['lastStatus'], also?: () => void): void {
    if (task.lastStatus === 'STOPPED') return;
    task.lastStatus = status;
    also?.();
    this.ecs.emit('task', { arn: task.arn, lastStatus: task.lastStatus });
  }
}

/** Commands spawned in a process group of their own (the task server is not: it is one process). */
const groupLeaders = new WeakSet<ChildProcess>();

/** Signals the container: the process group of a spawned command, else the process (the task server). */
function signalContainer(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (groupLeaders.has(child)) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

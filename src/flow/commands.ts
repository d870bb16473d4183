// The team's own commands at their points of the deploy: `pre-deploy-command` before the idle service
// is updated, `smoke-test-command` before any production weight moves, `post-deploy-command` after the
// bake, `rollback-command` after a rollback. The runner (and @actions/exec) is loaded only when one is
// configured, so a deploy without commands starts as fast as before.
import * as core from '@actions/core';
import { Cancelled, CommandFailed, errorMessage } from '../errors.js';
import { formatDuration } from '../report/format.js';
import type { CommandRecord } from '../report/summary.js';
import type { Colour, Config } from '../types.js';
import type { FlowDeps, FlowNotes } from './context.js';

export type CommandPoint = 'pre-deploy' | 'smoke-test' | 'post-deploy' | 'rollback';

const INPUT: Record<CommandPoint, string> = {
  'pre-deploy': 'pre-deploy-command',
  'smoke-test': 'smoke-test-command',
  'post-deploy': 'post-deploy-command',
  rollback: 'rollback-command',
};

/** What the command is told, as BLUE_GREEN_* variables. */
export interface CommandContext {
  /** The colour serving production traffic while the command runs (none with engine: ecs). */
  live?: Colour;
  /** The colour this run deploys (for `rollback-command`: the one traffic was taken away from); none with engine: ecs. */
  target?: Colour;
  /** The health-check URL of the target colour, `{color}` substituted; empty when none is configured. */
  targetUrl?: string;
  /** `X-Blue-Green-Verify: <token>` while the verification rule forwards to the target colour (the token is masked). */
  targetHeader?: string;
  taskDefinitionArn?: string;
  rollbackReason?: string;
}

// After SIGINT the runner sends SIGTERM at 7.5 s and kills the step at 10 s: a rollback-command run
// after a cancelled deploy must end before that.
const CANCEL_WINDOW_MS = 9_000;
const CANCEL_KILL_GRACE_MS = 1_000;

export function commandFor(config: Config, point: CommandPoint): string | undefined {
  const { preDeploy, smokeTest, postDeploy, rollback } = config.commands;
  return { 'pre-deploy': preDeploy, 'smoke-test': smokeTest, 'post-deploy': postDeploy, rollback }[point];
}

/** The environment of a command: the job's, less the action's own inputs and saved state, plus BLUE_GREEN_*. */
export function commandEnvironment(point: CommandPoint, ctx: CommandContext, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inherited = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('INPUT_') && !e[0].startsWith('STATE_'));
  return {
    ...Object.fromEntries(inherited),
    BLUE_GREEN_PHASE: point,
    BLUE_GREEN_LIVE_COLOR: ctx.live ?? '',
    BLUE_GREEN_TARGET_COLOR: ctx.target ?? '',
    BLUE_GREEN_TARGET_URL: ctx.targetUrl ?? '',
    BLUE_GREEN_TARGET_HEADER: ctx.targetHeader ?? '',
    BLUE_GREEN_TASK_DEFINITION_ARN: ctx.taskDefinitionArn ?? '',
    ...(point === 'rollback' ? { BLUE_GREEN_ROLLBACK_REASON: ctx.rollbackReason ?? '' } : {}),
  };
}

/**
 * Runs the command configured for `point` (nothing when none is) in its own timeline phase and log
 * group. Throws CommandFailed when it fails or times out, and the cancellation when the job is cancelled.
 */
export async function runTeamCommand(config: Config, deps: FlowDeps, notes: FlowNotes, point: CommandPoint, ctx: CommandContext): Promise<void> {
  const script = commandFor(config, point);
  if (!script) return;
  const input = INPUT[point];
  await deps.timeline.run(`Run ${input}`, async () => {
    const record = await runCommandRecorded(input, point, script, ctx, config.commands.timeoutMs, { signal: deps.signal });
    (notes.commands ??= []).push(record);
    if (record.result === 'cancelled') throw deps.signal.reason instanceof Error ? deps.signal.reason : new Cancelled('SIGINT');
    if (record.result !== 'passed') {
      const why = record.result === 'timed out' ? `ran longer than command-timeout (${formatDuration(config.commands.timeoutMs)}) and was stopped` : `exited with code ${record.exitCode}`;
      // One line: it becomes the rollback reason; the flow appends the output lines to the annotation.
      throw new CommandFailed(`${input} ${why} after ${formatDuration(record.durationMs)}`, input, record.lastLines);
    }
  });
}

/**
 * `rollback-command`, after a rollback: its failure is a warning and a note, never the run's outcome.
 * After a cancellation it gets only what is left of the runner's window.
 */
export async function runRollbackCommand(config: Config, deps: FlowDeps, notes: FlowNotes, ctx: CommandContext): Promise<void> {
  const script = commandFor(config, 'rollback');
  if (!script) return;
  const input = INPUT.rollback;
  const cancelledAt = deps.signal.aborted && deps.signal.reason instanceof Cancelled ? deps.signal.reason.at : undefined;
  const timeoutMs = cancelledAt === undefined ? config.commands.timeoutMs : Math.min(config.commands.timeoutMs, cancelledAt + CANCEL_WINDOW_MS - Date.now());
  if (timeoutMs < 500) {
    const message = `${input} was not run: the job was cancelled and the runner's window to finish is used up.`;
    core.warning(message);
    notes.notes.push(message);
    return;
  }
  try {
    await deps.timeline.run(`Run ${input}`, async () => {
      // A rollback-command after a cancellation runs although the signal is aborted: it is not stopped by it.
      const record = await runCommandRecorded(input, 'rollback', script, ctx, timeoutMs, cancelledAt === undefined ? { signal: deps.signal } : { killGraceMs: CANCEL_KILL_GRACE_MS });
      (notes.commands ??= []).push(record);
      if (record.result !== 'passed') throw new CommandFailed(rollbackCommandFailure(record, timeoutMs), input, record.lastLines);
    });
  } catch (error) {
    const message = `The rollback itself is done; ${errorMessage(error)}`;
    core.warning(message, { title: `${input} failed` });
    notes.notes.push(message.split('\n')[0] ?? message);
  }
}

/** Why a rollback-command did not pass, with its last lines: the text of the warning. */
export function rollbackCommandFailure(record: CommandRecord, timeoutMs: number): string {
  return `${INPUT.rollback} ${record.result === 'timed out' ? `was stopped after ${formatDuration(timeoutMs)}` : `exited with code ${record.exitCode}`}${lastLinesText(record.lastLines)}`;
}

/** Runs one command (the runner is loaded here, on first use) and returns what the summary records of it. */
export async function runCommandRecorded(
  input: string,
  point: CommandPoint,
  script: string,
  ctx: CommandContext,
  timeoutMs: number,
  stop: { signal?: AbortSignal; killGraceMs?: number } = {},
): Promise<CommandRecord> {
  const { runCommand } = await import('../commands/run-command.js');
  core.info(`${input} (timeout ${formatDuration(timeoutMs)}):\n${script.split('\n').map((l) => `  ${l}`).join('\n')}`);
  const result = await runCommand({
    script,
    cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
    env: commandEnvironment(point, ctx),
    timeoutMs,
    ...stop,
  });
  const outcome: CommandRecord['result'] = result.cancelled ? 'cancelled' : result.timedOut ? 'timed out' : result.exitCode === 0 ? 'passed' : 'failed';
  core.info(`${input}: ${outcome} (exit code ${result.exitCode}) after ${formatDuration(result.durationMs)}.`);
  return { input, result: outcome, exitCode: result.exitCode, durationMs: result.durationMs, lastLines: result.lastLines };
}

const lastLinesText = (lines: string[]): string => (lines.length > 0 ? `. Last ${lines.length} line(s) of output:\n${lines.join('\n')}` : ' (no output)');

// The effective configuration, echoed at the start of the run (in a log group), so a person reading a
// failed run sees what the action was told — defaults applied — without opening the workflow file.
// Header values are never printed: only their names.
import { formatDurationInput } from '../duration.js';
import { describeStatusRanges } from '../health/probe.js';
import type { Config } from '../types.js';
import type { ConfigLine, Engine } from '../engines/engine.js';

export function describeConfig(config: Config, engine: Pick<Engine, 'configuration'>): string[] {
  const { where, shift } = engine.configuration(config);
  const lines: ConfigLine[] = [
    ['mode', config.mode],
    ...where,
    ['state parameter', config.stateParameter ? `${config.stateParameter} (lock ${config.lock && !config.dryRun ? `${config.stateParameter}-lock` : 'off'})` : undefined],
    ['region', config.region],
    ['task definition', config.taskDefinition.kind === 'live' ? "the live service's" : config.taskDefinition.kind === 'file' ? config.taskDefinition.path : config.taskDefinition.value],
    ['image', config.image ? `${config.containerName}=${config.image}` : undefined],
    ['health check', config.health.url],
    ['post-switch check', config.health.postSwitchUrl !== config.health.url ? config.health.postSwitchUrl : undefined],
    ['headers', Object.keys(config.health.headers).length > 0 ? `${Object.keys(config.health.headers).join(', ')} (values masked)` : undefined],
    [
      'checks',
      `every ${formatDurationInput(config.health.intervalMs)} (timeout ${formatDurationInput(config.health.timeoutMs)}), ${config.health.healthyThreshold} passes to switch, ${config.health.unhealthyThreshold} failures to roll back, status ${describeStatusRanges(config.health.expectedStatus)}${config.health.expectedBody ? `, body ${config.health.expectedBody.toString()}` : ''}`,
    ],
    ['traffic shift', shift],
    ['bake time', formatDurationInput(config.bakeTimeMs)],
    ['alarms', config.alarms.length > 0 ? config.alarms.join(', ') : undefined],
    ['wait timeout', formatDurationInput(config.waitTimeoutMs)],
    ['scale down previous', config.scaleDownPrevious ? `yes, after ${formatDurationInput(config.scaleDownDelayMs)}` : undefined],
    ...commandLines(config),
    ['dry run', config.dryRun ? 'yes' : undefined],
    ['expected live colour', config.expectedLiveColour],
    ['run', `${config.run.description} (lock id ${config.run.id})`],
  ];
  return lines.filter((l): l is [string, string] => l[1] !== undefined).map(([name, value]) => `${name}: ${value}`);
}

function commandLines(config: Config): [string, string | undefined][] {
  const { preDeploy, smokeTest, postDeploy, rollback, timeoutMs } = config.commands;
  const first = (script: string | undefined) => (script === undefined ? undefined : `${script.split('\n')[0]}${script.includes('\n') ? ' …' : ''} (timeout ${formatDurationInput(timeoutMs)})`);
  return [
    ['pre-deploy command', first(preDeploy)],
    ['pre-deploy task', config.commands.preDeployTask ? JSON.stringify(config.commands.preDeployTask) : undefined],
    ['smoke-test command', first(smokeTest)],
    ['post-deploy command', first(postDeploy)],
    ['rollback command', first(rollback)],
  ];
}

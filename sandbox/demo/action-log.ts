// The action's log, cut down to what tells the story as it happens: group titles (the phases), annotations, and
// the few lines that say where traffic is. Everything else (probe results, target lists, the SDK's Node
// version warning) stays in the job's full log.
import type { Step } from '../harness/runner.js';
import { parseWorkflowCommand } from '../harness/workflow-commands.js';

/** Plain lines worth showing: traffic moved, a rollout finished, post's verdict. */
const STORY_LINES = [/^(Listener|Rule) now:/, /^Traffic restored/, /rollout completed/, /^Main ended/, /^Service deployment /, /^Paused at /, /^ContinueServiceDeployment/, /^StopServiceDeployment/, /^Production traffic reaches/, /^Analysis /];

/** One compact line (or none) for a line the action printed. */
export function storyLine(step: Step, line: string): string | undefined {
  const command = parseWorkflowCommand(line);
  const where = step === 'post' ? '(post) ' : '';
  if (command) {
    switch (command.command) {
      case 'group':
        return `${where}▸ ${command.data}`;
      case 'notice':
      case 'warning':
      case 'error': {
        const title = command.properties.title ? `${command.properties.title}: ` : '';
        return `${where}  ${command.command.toUpperCase()} ${title}${command.data.replace(/\n/g, '\n      ')}`;
      }
      default:
        return undefined;
    }
  }
  if (STORY_LINES.some((pattern) => pattern.test(line))) return `${where}  ${line}`;
  return undefined;
}

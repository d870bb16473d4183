// Parses the `::command props::data` lines a step prints, with the runner's own rules (ActionCommand.TryParseV2):
// leading spaces ignored, properties split on `,` then the first `=`, escapes undone in the runner's order.

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  step: 'main' | 'post';
  level: AnnotationLevel;
  title?: string;
  message: string;
  /** Every property as given (file, line, col, endLine, endColumn, title), keys lower-cased. */
  properties: Record<string, string>;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
}

const KNOWN = new Set(['error', 'warning', 'notice', 'debug', 'add-mask', 'group', 'endgroup', 'stop-commands', 'echo', 'add-matcher', 'remove-matcher']);

// The runner replaces one mapping after another, `%25` last, so `%250A` stays the literal `%0A`.
const DATA_ESCAPES: [string, string][] = [['%0D', '\r'], ['%0A', '\n'], ['%25', '%']];
const PROPERTY_ESCAPES: [string, string][] = [['%0D', '\r'], ['%0A', '\n'], ['%3A', ':'], ['%2C', ','], ['%25', '%']];

function unescape(text: string, mappings: [string, string][]): string {
  return mappings.reduce((value, [escaped, plain]) => value.split(escaped).join(plain), text);
}

/** The command on this line, or undefined when the line is plain log output (or an unknown command). */
export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!KNOWN.has(command)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const entry of info.slice(space + 1).trim().split(',')) {
      const eq = entry.indexOf('=');
      // The runner drops `key=` (an empty value) and entries without `=`.
      if (eq <= 0 || eq === entry.length - 1) continue;
      properties[entry.slice(0, eq).toLowerCase()] = unescape(entry.slice(eq + 1), PROPERTY_ESCAPES);
    }
  }
  return { command, properties, data: unescape(message.slice(end + 2), DATA_ESCAPES) };
}

/**
 * Follows one step's output line by line: annotations, masks, and `::stop-commands::` (which turns command
 * processing off until the step prints `::<token>::`).
 */
export class CommandProcessor {
  readonly annotations: Annotation[] = [];
  readonly masks: string[] = [];
  private stopToken: string | undefined;

  constructor(private readonly step: 'main' | 'post') {}

  /** Feed one complete line (without its newline). */
  line(line: string): void {
    if (this.stopToken !== undefined) {
      if (line.trim() === `::${this.stopToken}::`) this.stopToken = undefined;
      return;
    }
    const parsed = parseWorkflowCommand(line);
    if (!parsed) return;
    switch (parsed.command) {
      case 'error':
      case 'warning':
      case 'notice': {
        const { title } = parsed.properties;
        this.annotations.push({
          step: this.step,
          level: parsed.command,
          ...(title !== undefined ? { title } : {}),
          message: parsed.data,
          properties: parsed.properties,
        });
        break;
      }
      case 'add-mask':
        // The runner ignores blank masks (they would mask everything).
        if (parsed.data.trim() !== '') this.masks.push(parsed.data);
        break;
      case 'stop-commands':
        if (parsed.data !== '') this.stopToken = parsed.data;
        break;
      default:
        break;
    }
  }
}

/** Replaces every mask with `***`, longest first, as the runner's secret masker does for logs and the summary. */
export function applyMasks(text: string, masks: readonly string[]): string {
  return [...masks].sort((a, b) => b.length - a.length).reduce((value, mask) => value.split(mask).join('***'), text);
}

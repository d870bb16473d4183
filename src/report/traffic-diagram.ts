// The job summary's traffic diagram: a mermaid flowchart of the listener's forward before, at the furthest
// the new colour got, and after.
import { COLOURS, otherColour, type Colour, type TrafficSplit } from '../types.js';
import { targetGroupName, timeOfDay } from './format.js';
import type { Report } from './summary.js';

/** The split before the first step: given, or the previous colour with everything. */
function splitBefore(report: Report): TrafficSplit | undefined {
  if (report.trafficBefore) return report.trafficBefore;
  const previous = report.outcome.previousColour;
  if (!previous) return undefined;
  return { [previous]: 100, [otherColour(previous)]: 0 } as TrafficSplit;
}

interface DiagramState {
  label: string;
  split: TrafficSplit;
}

/** Before, the furthest the new colour got (when the run went back from it), and after. */
function diagramStates(report: Report): DiagramState[] {
  const steps = report.trafficSteps;
  const last = steps[steps.length - 1];
  if (!last) return [];
  const before = splitBefore(report);
  const states: DiagramState[] = before ? [{ label: 'Before', split: before }] : [];
  const from: Colour | undefined = before ? (before.blue >= before.green ? 'blue' : 'green') : undefined;
  if (from) {
    const to = otherColour(from);
    const peak = steps.reduce((best, step) => (step.split[to] > best.split[to] ? step : best), last);
    if (peak !== last && peak.split[to] > last.split[to]) {
      states.push({ label: `Furthest · ${timeOfDay(peak.at)}`, split: peak.split });
    }
  }
  states.push({ label: `After · ${timeOfDay(last.at)}`, split: last.split });
  return states;
}

/** A mermaid flowchart: one box per state, the listener's edges labelled with each colour's weight. */
export function renderTrafficDiagram(report: Report): string[] {
  const states = diagramStates(report);
  if (states.length === 0) return [];
  const quote = (value: string) => `"${value.replace(/"/g, '#quot;')}"`;
  const lines = ['```mermaid', 'flowchart LR'];
  states.forEach((state, i) => {
    const id = `s${i}`;
    lines.push(`  subgraph ${id}[${quote(state.label)}]`, '    direction LR', `    ${id}_listener([${quote('listener')}])`);
    for (const colour of COLOURS) {
      const weight = state.split[colour];
      lines.push(`    ${id}_${colour}[${quote(`${colour}<br/>${targetGroupName(report.targetGroups[colour])}`)}]`);
      // Solid edges carry traffic, dotted ones carry none.
      lines.push(`    ${id}_listener ${weight > 0 ? '-->' : '-.->'}|${quote(`${weight}%`)}| ${id}_${colour}`);
    }
    lines.push('  end');
  });
  for (let i = 1; i < states.length; i += 1) lines.push(`  s${i - 1} --> s${i}`);
  lines.push('```');
  return lines;
}

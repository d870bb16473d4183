// Small text helpers shared by outputs, annotations and the job summary.
import { COLOURS, type TrafficSplit } from '../types.js';

/** Collapses newlines and runs of spaces so a reason fits one output line or table cell. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `850 ms`, `12.3 s`, `4m 05s`, `1h 02m`: phase durations for people. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}h ${pad(minutes)}m` : `${minutes}m ${pad(seconds)}s`;
}

/** `12:04:40Z` from an ISO time; anything else is returned unchanged. */
export function timeOfDay(isoTime: string): string {
  const match = /T(\d{2}:\d{2}:\d{2})/.exec(isoTime);
  return match ? `${match[1]}Z` : isoTime;
}

/** `blue 90% / green 10%`. */
export function describeSplit(split: TrafficSplit): string {
  return COLOURS.map((c) => `${c} ${split[c]}%`).join(' / ');
}

/** `targetgroup/web-blue/0123` → `web-blue`; anything not shaped like a target group ARN as is. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

// The action's duration spelling (`500ms`, `2s`, `1m30s`), read back for the demo's and the bench's arithmetic.
// Written here rather than imported from src/ so the demo and the bench run dist/ without compiling the action's sources.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? Number.NaN), 0);
}

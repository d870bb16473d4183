// Normalising a parsed SDK response (or error) so two worlds can be compared, and a field-by-field
// deep diff. What is normalised away is only what differs by construction: ARNs (turned back into
// the replay's symbols), timestamps, opaque page tokens and request metadata ($metadata: request id, attempts).

/** What one call returned: the parsed output, or the error as the SDK surfaced it. */
export type Outcome = { ok: unknown } | { error: { name: string; httpStatus: number | undefined; fault: string | undefined } };

/** One field whose value differs; `<absent>` stands for a field one side does not have. */
export interface Difference {
  step: string;
  path: string;
  sandbox: unknown;
  moto: unknown;
}

export const ABSENT = '<absent>';
export const DATE = '<date>';

export function errorOutcome(e: unknown): Outcome {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  return { error: { name: err.name ?? 'unknown', httpStatus: err.$metadata?.httpStatusCode, fault: err.$fault } };
}

/** Paging tokens are opaque and each service's own (ELBv2 NextMarker, SSM NextToken): only their presence compares. */
const PAGE_TOKENS = ['NextMarker', 'NextToken'];
export const TOKEN = '<token>';

/** A plain, comparable copy: ARNs → symbols, Dates → `<date>`, page tokens → `<token>`, `$metadata` and undefined fields dropped. */
export function normalise(value: unknown, symbolOf: ReadonlyMap<string, string>): unknown {
  if (value instanceof Date) return DATE;
  if (typeof value === 'string') return symbolOf.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => normalise(v, symbolOf));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== '$metadata' && v !== undefined)
        .map(([k, v]) => [k, PAGE_TOKENS.includes(k) && typeof v === 'string' ? TOKEN : normalise(v, symbolOf)]),
    );
  }
  return value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every leaf (or whole subtree present on one side only) where `sandbox` and `moto` differ. */
export function diffValues(step: string, sandbox: unknown, moto: unknown, path = ''): Difference[] {
  if (isRecord(sandbox) && isRecord(moto)) {
    const keys = [...new Set([...Object.keys(sandbox), ...Object.keys(moto)])].sort();
    return keys.flatMap((k) => diffValues(step, k in sandbox ? sandbox[k] : ABSENT, k in moto ? moto[k] : ABSENT, path ? `${path}.${k}` : k));
  }
  if (Array.isArray(sandbox) && Array.isArray(moto)) {
    const length = Math.max(sandbox.length, moto.length);
    return Array.from({ length }, (_, i) =>
      diffValues(step, i < sandbox.length ? sandbox[i] : ABSENT, i < moto.length ? moto[i] : ABSENT, `${path}[${i}]`),
    ).flat();
  }
  return JSON.stringify(sandbox) === JSON.stringify(moto) ? [] : [{ step, path, sandbox, moto }];
}

/** Outcomes of different kinds (one failed, one did not) are one difference, named by what happened. */
export function diffOutcomes(step: string, sandbox: Outcome, moto: Outcome): Difference[] {
  const kind = (o: Outcome) => ('error' in o ? `error ${o.error.name} (${o.error.httpStatus ?? '?'})` : 'succeeded');
  if ('error' in sandbox !== 'error' in moto) return [{ step, path: '(outcome)', sandbox: kind(sandbox), moto: kind(moto) }];
  return 'error' in sandbox && 'error' in moto
    ? diffValues(step, sandbox.error, moto.error, 'error')
    : diffValues(step, (sandbox as { ok: unknown }).ok, (moto as { ok: unknown }).ok);
}

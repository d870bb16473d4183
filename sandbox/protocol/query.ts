// The AWS Query protocol (ELBv2): form-encoded requests with `member.N` lists, XML responses.
// Hand-written because no installed package parses Query requests or writes Query responses.
import { AwsError } from '../core/aws-error.js';

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };
export type QueryObject = { [key: string]: QueryValue };

/** `A.member.1.B=x` → `{ A: [{ B: 'x' }] }`. An empty list is sent as `A=` and stays ''. */
export function parseQueryBody(body: string): QueryObject {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (typeof next !== 'object' || next === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return listify(root) as QueryObject;
}

function listify(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'member') {
    const members = obj.member as Record<string, unknown>;
    return Object.keys(members)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => listify(members[k]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = listify(obj[k]);
  return out;
}

// Typed readers over a parsed request: they throw ValidationError the way AWS does for bad types.
export const q = {
  str(v: QueryValue | undefined): string | undefined {
    return typeof v === 'string' ? v : undefined;
  },
  int(v: QueryValue | undefined, at: string): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
      throw new AwsError('ValidationError', `Value '${String(v)}' at '${at}' is not a valid integer`);
    }
    return Number(v);
  },
  bool(v: QueryValue | undefined): boolean | undefined {
    return typeof v === 'string' ? v === 'true' : undefined;
  },
  list(v: QueryValue | undefined): QueryValue[] | undefined {
    if (v === undefined) return undefined;
    if (v === '') return [];
    return Array.isArray(v) ? v : [v];
  },
  obj(v: QueryValue | undefined): QueryObject | undefined {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  },
};

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Serialises a plain object the way Query services do: lists as `<member>` items, dates ISO 8601. */
export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function queryResponse(operation: string, xmlns: string, result: Record<string, unknown>, reqId: string): string {
  const body = Object.entries(result)
    .map(([k, v]) => toXml(k, v))
    .join('');
  return (
    `<${operation}Response xmlns="${xmlns}"><${operation}Result>${body}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${reqId}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

export function queryError(error: AwsError, reqId: string): string {
  return (
    `<ErrorResponse><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${reqId}</RequestId></ErrorResponse>`
  );
}

// The AWS REST-XML protocol (Route 53): the operation is the HTTP method and path (`POST
// /2013-04-01/hostedzone/{Id}/rrset`), the input is in path labels, the query string and an XML body; answers are
// XML documents named `<Operation>Response` in the service's namespace, errors `<ErrorResponse>` with
// `<Error><Type/><Code/><Message/></Error><RequestId/>`. Hand-written (a small XML reader for the SDK's request bodies
// and a writer) because no installed package is a dependency of this project for it.
import type { AwsError } from '../core/aws-error.js';

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text (entities decoded), '' when it only has children. */
  text: string;
}

/** Readers over a parsed element: one child, all children of a name, a child's text. */
export const xml = {
  child: (e: XmlElement | undefined, name: string): XmlElement | undefined => e?.children.find((c) => c.name === name),
  children: (e: XmlElement | undefined, name: string): XmlElement[] => e?.children.filter((c) => c.name === name) ?? [],
  text: (e: XmlElement | undefined, name: string): string | undefined => xml.child(e, name)?.text,
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const named = ENTITIES[e];
    if (named === undefined) throw new Error(`unknown entity ${whole}`);
    return named;
  });
}

/**
 * Parses an XML document into elements: the declaration, comments and processing instructions are skipped,
 * attributes (xmlns) ignored, namespace prefixes dropped, CDATA kept as text. Throws on malformed input.
 */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}`);
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = source.slice(i, lt === -1 ? source.length : lt);
    if (text.trim() !== '') {
      const top = stack.at(-1);
      if (!top) fail('text outside the root element');
      else top.text += decodeEntities(text);
    }
    if (lt === -1) break;
    i = lt;
    if (source.startsWith('<?', i)) i = skipTo(source, '?>', i) ?? fail('unterminated processing instruction');
    else if (source.startsWith('<!--', i)) i = skipTo(source, '-->', i) ?? fail('unterminated comment');
    else if (source.startsWith('<![CDATA[', i)) {
      const end = source.indexOf(']]>', i);
      const top = stack.at(-1);
      if (end === -1 || !top) fail('misplaced CDATA section');
      else {
        top.text += source.slice(i + 9, end);
        i = end + 3;
      }
    } else if (source.startsWith('</', i)) {
      const gt = source.indexOf('>', i);
      const name = localName(source.slice(i + 2, gt === -1 ? undefined : gt).trim());
      const open = stack.pop();
      if (gt === -1 || !open || open.name !== name) fail(`unexpected closing tag </${name}>`);
      i = gt + 1;
    } else {
      const gt = source.indexOf('>', i);
      if (gt === -1) fail('unterminated tag');
      const selfClosing = source[gt - 1] === '/';
      const inner = source.slice(i + 1, selfClosing ? gt - 1 : gt).trim();
      const rawName = inner.split(/\s/, 1)[0] ?? '';
      if (!/^[A-Za-z_][\w.:-]*$/.test(rawName)) fail(`bad element name ${JSON.stringify(rawName)}`);
      const element: XmlElement = { name: localName(rawName), children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (!selfClosing) stack.push(element);
      i = gt + 1;
    }
  }
  if (!root || stack.length > 0) return fail('unexpected end of document');
  // A parent's text is only the whitespace between its children: drop it.
  const trim = (e: XmlElement): void => {
    if (e.children.length > 0) e.text = '';
    e.children.forEach(trim);
  };
  trim(root);
  return root;
}

function skipTo(source: string, end: string, from: number): number | undefined {
  const at = source.indexOf(end, from);
  return at === -1 ? undefined : at + end.length;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Serialises a plain object as REST-XML does: members in insertion order, undefined ones left out, dates ISO 8601,
 * a list as its wrapper element around one element per item, named by `listItems` (the wrapper's name → the item's).
 */
export function toRestXml(name: string, value: unknown, listItems: Record<string, string>): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const item = listItems[name];
    if (item === undefined) throw new Error(`sandbox bug: no XML item name for the list ${name}`);
    return `<${name}>${value.map((v) => toRestXml(item, v, listItems)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toRestXml(k, v, listItems))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<?xml …?><OperationResponse xmlns="…">…members…</OperationResponse>`. */
export function restXmlResponse(operation: string, xmlns: string, result: Record<string, unknown>, listItems: Record<string, string>): string {
  const body = Object.entries(result)
    .map(([k, v]) => toRestXml(k, v, listItems))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${xmlns}">${body}</${operation}Response>`;
}

/** The error document Route 53 (and other REST-XML services with an `ErrorResponse` wrapper) sends. */
export function restXmlError(error: AwsError, reqId: string, xmlns: string): string {
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.fault}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${reqId}</RequestId></ErrorResponse>`
  );
}

export interface RestRoute {
  method: string;
  /** Path with `{Label}` segments, e.g. `/2013-04-01/hostedzone/{Id}/rrset`. */
  path: string;
  operation: string;
}

/** The route a request takes, with its path labels (URL-decoded); a trailing slash is ignored. */
export function matchRoute(routes: RestRoute[], method: string, pathname: string): { operation: string; labels: Record<string, string> } | undefined {
  const segments = pathname.replace(/\/+$/, '').split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const labels: Record<string, string> = {};
    const ok = pattern.every((p, k) => {
      const segment = segments[k] ?? '';
      const label = /^\{(\w+)\}$/.exec(p)?.[1];
      if (label === undefined) return p === segment;
      try {
        labels[label] = decodeURIComponent(segment);
      } catch {
        return false;
      }
      return segment !== '';
    });
    if (ok) return { operation: route.operation, labels };
  }
  return undefined;
}

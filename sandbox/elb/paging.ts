// ELBv2's Marker / NextMarker paging (DescribeRules). The marker is opaque to callers; here it names the
// sort key of the last item returned, so the next page starts after it even when items were added or
// deleted in between (no item is returned twice, none that stayed is skipped).
import { AwsError, constraintMessage } from '../core/aws-error.js';
import { q, type QueryValue } from '../protocol/query.js';

/** API reference: PageSize "Valid Range: Minimum value of 1. Maximum value of 400." */
export const MAX_PAGE_SIZE = 400;

export interface Page<T> {
  items: T[];
  nextMarker?: string;
}

export function pageSizeOf(raw: QueryValue | undefined): number | undefined {
  const size = q.int(raw, 'pageSize');
  if (size !== undefined && (size < 1 || size > MAX_PAGE_SIZE)) {
    const bound = size < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PAGE_SIZE}`;
    throw new AwsError('ValidationError', constraintMessage(size, 'pageSize', `Member must have value ${bound}`));
  }
  return size;
}

/**
 * One page of `items` (sorted by `keyOf`, ascending) after `marker`. Without a PageSize the page is
 * MAX_PAGE_SIZE long: AWS documents no default, and a listener holds far fewer rules than that.
 */
export function pageOf<T>(items: T[], keyOf: (item: T, index: number) => number, pageSize: number | undefined, marker: string | undefined): Page<T> {
  const after = marker === undefined ? undefined : decodeMarker(marker);
  const keyed = items.map((item, i) => ({ item, key: keyOf(item, i) }));
  const rest = after === undefined ? keyed : keyed.filter((k) => k.key > after);
  const page = rest.slice(0, pageSize ?? MAX_PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    items: page.map((k) => k.item),
    ...(rest.length > page.length && last ? { nextMarker: encodeMarker(last.key) } : {}),
  };
}

const encodeMarker = (key: number): string => Buffer.from(JSON.stringify({ after: key })).toString('base64');

function decodeMarker(marker: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'number') return decoded.after;
  } catch {
    // falls through to the error below
  }
  // AWS documents no error for a marker it did not issue; ValidationError is the sandbox's choice.
  throw new AwsError('ValidationError', `The marker '${marker}' is not valid`);
}

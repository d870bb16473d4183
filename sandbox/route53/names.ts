// Domain names as Route 53 keeps them (API Reference, "DNS domain name format"; Developer Guide, "DNS domain name
// format"): lower-case, fully qualified with the trailing dot, and every character other than a–z, 0–9, hyphen,
// underscore and the dots between labels as a three-digit octal escape (`*` is `\052`), which is how
// ListResourceRecordSets returns them. Sorting is by the name with its labels reversed (`com.example.www.`).

/** The canonical form of a name given in any case, with or without the trailing dot, escaped or not. */
export function canonicalName(raw: string): string {
  const decoded = raw.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))).toLowerCase();
  const dotted = decoded.endsWith('.') ? decoded : `${decoded}.`;
  return [...dotted].map((c) => (/[a-z0-9_.-]/.test(c) ? c : `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)).join('');
}

/** ListResourceRecordSets' and ListHostedZonesByName's sort key: the labels reversed, with the trailing dot. */
export function reversedName(name: string): string {
  const labels = name.replace(/\.$/, '').split('.');
  return `${labels.reverse().join('.')}.`;
}

/** True when `name` is the zone's apex or a name below it (both canonical). */
export const withinZone = (name: string, zone: string): boolean => name === zone || name.endsWith(`.${zone}`);

/** ASCII order, the order Route 53 lists in ('' and undefined first). */
export const ascii = (a: string | undefined, b: string | undefined): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

// The record: the SSM parameter that names the live colour as the plain string `blue` or `green` (so
// scripts reading it with `aws ssm get-parameter` keep working). Every write says, in the version's
// description, whether traffic had just come back from the other colour: SSM keeps each version's
// description in its history, and that is how a later run knows the other colour served users then,
// although the value did not change (see served-history.ts).
import type { SsmPort } from '../aws/ports.js';
import type { Colour } from '../types.js';

const DESCRIPTION = 'Live colour of the blue-green pair';
const CAME_BACK = /traffic came back from (blue|green)\b/;

/** Writes the record; `cameBackFrom` when traffic had moved to that colour and was taken back from it. */
export function writeRecord(ssm: SsmPort, name: string, colour: Colour, cameBackFrom?: Colour): Promise<void> {
  return ssm.put(name, colour, cameBackFrom ? `${DESCRIPTION}; traffic came back from ${cameBackFrom}` : DESCRIPTION);
}

/** The colour a version's description says traffic came back from, if any. */
export function cameBackFrom(description: string | undefined): Colour | undefined {
  const match = CAME_BACK.exec(description ?? '');
  return match?.[1] as Colour | undefined;
}

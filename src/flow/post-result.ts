// What the post step found and did, whichever engine's post ran: the annotation's message and title.
export type PostOutcome = 'restored' | 'confirmed' | 'record-not-written' | 'not-restored' | 'untouched' | 'settled';

export interface PostResult {
  restored: boolean;
  /** Set when main did not finish and post had to look at traffic: the error annotation's message. */
  failure?: string;
  /** What post found and did, for the annotation's title. */
  outcome?: PostOutcome;
}

export const POST_TITLES: Record<PostOutcome, string> = {
  restored: 'Post step restored traffic',
  confirmed: 'Post step found traffic already restored',
  'record-not-written': 'Post step restored traffic; record not updated',
  'not-restored': 'Post step could not restore traffic',
  untouched: 'Main did not finish; traffic was not moved',
  settled: 'Main did not finish; traffic had settled',
};

// Watched words: phrases that block a post or hold it for approval.
//
// Matching rules (documented for moderators on the settings page):
// - Text and phrase are both normalised: Unicode NFKC (full-width letters, ligatures, superscripts and
//   other compatibility forms become their plain equivalents), then a full case fold approximated by
//   upper- then lower-casing (so "ß" matches "ss"), and invisible characters (zero-width space/joiners,
//   soft hyphen, BOM) are removed so they cannot split a word.
// - A phrase matches on WORD BOUNDARIES: "bad" matches "so bad!" and "ＢＡＤ", not "badge" or "abad". This
//   avoids the Scunthorpe problem ("class" must not trip "ass"). Whitespace inside a phrase matches any
//   run of whitespace, so "very bad" also matches "very\n  bad".
// - Diacritics are kept ("bád" is not "bad"): stripping them would conflate distinct words in many languages.
// - When several rules match, 'block' wins over 'hold'; among equals the first rule in the list wins.
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { watchedWords } from '../db/schema.js';

const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;

/** NFKC + case fold + invisible characters removed. */
export function normaliseForMatching(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(INVISIBLE, '');
}

// Only the syntax characters: under the `u` flag any other escape, such as "\-", is a SyntaxError.
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&');

/** The words a phrase matches, normalised: surrounding whitespace and the kind/length of gaps do not count. */
const phraseWords = (phrase: string) => normaliseForMatching(phrase).trim().split(/\s+/u).filter(Boolean);

/** Two phrases that match the same text (duplicates) have the same key. */
export const phraseKey = (phrase: string) => phraseWords(phrase).join(' ');

/** A phrase as a regular expression over normalised text; null when nothing would be left to match. */
export function phraseMatcher(phrase: string): RegExp | null {
  const words = phraseWords(phrase);
  if (words.length === 0) return null;
  const body = words.map(escapeRegExp).join('\\s+');
  // Word boundaries that understand every script: no letter, mark or digit right before or after.
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_])${body}(?![\\p{L}\\p{M}\\p{N}_])`, 'u');
}

export interface WatchedWordRule {
  phrase: string;
  action: 'block' | 'hold';
}

export interface WatchedWordHit {
  action: 'block' | 'hold';
  phrase: string;
}

/** Pure matcher over a list of rules (exported for tests and for callers that cache the rules). */
export function matchWatchedWords(rules: WatchedWordRule[], text: string): WatchedWordHit | null {
  const haystack = normaliseForMatching(text);
  let hold: WatchedWordHit | null = null;
  for (const rule of rules) {
    const re = phraseMatcher(rule.phrase);
    if (!re || !re.test(haystack)) continue;
    if (rule.action === 'block') return { action: 'block', phrase: rule.phrase };
    hold ??= { action: 'hold', phrase: rule.phrase };
  }
  return hold;
}

export async function listWatchedWords(db: DbOrTx, communityId: string): Promise<WatchedWordRule[]> {
  return db
    .select({ phrase: watchedWords.phrase, action: watchedWords.action })
    .from(watchedWords)
    .where(eq(watchedWords.communityId, communityId))
    .orderBy(asc(watchedWords.createdAt), asc(watchedWords.id));
}

/**
 * For the posts service, at the moment a post (or an edit) is merged:
 *   block → refuse with 422 `watched_word_blocked` naming the phrase; hold → create with status 'pending'.
 * Pass the Markdown source (what the member typed), not the rendered HTML.
 */
export async function checkWatchedWords(db: DbOrTx, communityId: string, text: string): Promise<WatchedWordHit | null> {
  const rules = await listWatchedWords(db, communityId);
  if (rules.length === 0) return null;
  return matchWatchedWords(rules, text);
}

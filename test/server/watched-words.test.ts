// The watched-word matcher as a pure function: every phrase a moderator can save compiles and matches itself.
import { describe, expect, it } from 'vitest';
import { matchWatchedWords, phraseMatcher } from '../../server/domain/watched-words.js';

describe('phraseMatcher', () => {
  it('builds a valid pattern for a phrase holding any punctuation or symbol, which matches the phrase itself', () => {
    const broken: string[] = [];
    // ASCII, Latin-1 and spacing modifiers, general punctuation, CJK punctuation, full-width forms.
    const ranges = [[0x21, 0x2ff], [0x2000, 0x206f], [0x3000, 0x303f], [0xff01, 0xff65]] as const;
    for (const code of ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i))) {
      const phrase = `a${String.fromCharCode(code)}b`;
      try {
        const re = phraseMatcher(phrase);
        if (re && !matchWatchedWords([{ phrase, action: 'block' }], phrase)) broken.push(`${phrase} (no self-match)`);
      } catch (err) {
        broken.push(`U+${code.toString(16)}: ${(err as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

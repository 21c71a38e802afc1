// The audit log's before/after highlights what changed word by word (issue 16).
import { describe, expect, it } from 'vitest';
import { diffWords } from '../../client/word-diff.js';

const join = (parts: ReturnType<typeof diffWords>, keep: 'del' | 'ins') => parts.filter((p) => p.op === 'same' || p.op === keep).map((p) => p.text).join('');

describe('diffWords', () => {
  it('marks a changed word as removed and added, the rest unchanged', () => {
    expect(diffWords('Off-topic advert for shoes', 'Off-topic advert for boots')).toEqual([
      { op: 'same', text: 'Off-topic advert for ' },
      { op: 'del', text: 'shoes' },
      { op: 'ins', text: 'boots' },
    ]);
  });

  it('finds inserted and deleted words in the middle', () => {
    expect(diffWords('please be kind', 'please always be kind to others')).toEqual([
      { op: 'same', text: 'please ' },
      { op: 'ins', text: 'always ' },
      { op: 'same', text: 'be kind' },
      { op: 'ins', text: ' to others' },
    ]);
  });

  it('gives back both texts exactly, whatever they are', () => {
    const cases = [
      ['', 'new text'],
      ['old text', ''],
      ['same', 'same'],
      ['a  b\n c', 'a b\nc d'],
      ['the cat sat on the mat', 'a cat sat on a hat'],
    ];
    for (const [before, after] of cases) {
      const parts = diffWords(before!, after!);
      expect(join(parts, 'del')).toBe(before);
      expect(join(parts, 'ins')).toBe(after);
    }
    expect(diffWords('same', 'same')).toEqual([{ op: 'same', text: 'same' }]);
  });

  it('compares very long texts as a whole rather than building a huge table', () => {
    const long = 'word '.repeat(3_000);
    expect(diffWords(long, `${long}more`, 1_000)).toEqual([
      { op: 'del', text: long },
      { op: 'ins', text: `${long}more` },
    ]);
  });
});

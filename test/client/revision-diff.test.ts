// The revision history's word-level differences (jsdiff): what was added and removed between versions.
import { describe, expect, it } from 'vitest';
import { versionDiff, wordDiff, type VersionView } from '../../client/revision-diff.js';

const v = (version: number, fields: Record<string, string>): VersionView => ({
  version,
  createdAt: '2026-12-01T10:00:00.000Z',
  editorName: 'Pat',
  fields: Object.entries(fields).map(([label, text]) => ({ label, text })),
});

describe('wordDiff', () => {
  it('marks whole words (and punctuation) added and removed, and keeps the rest', () => {
    expect(wordDiff('Try pair work first.', 'Try group work first, then pairs.')).toEqual([
      { kind: 'same', text: 'Try ' },
      { kind: 'removed', text: 'pair' },
      { kind: 'added', text: 'group' },
      { kind: 'same', text: ' work first' },
      { kind: 'added', text: ', then pairs' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('joined back, the parts without the removed words are the new text and without the added words the old one', () => {
    const before = 'Line one.\n\nLine **two** here.';
    const after = 'Line one, changed.\n\nLine two here.\nAnd three.';
    const parts = wordDiff(before, after);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
  });

  it('gives back both texts exactly for empty, equal, spacing-only and long texts (the audit log uses it too)', () => {
    const long = 'word '.repeat(3_000);
    const cases = [['', 'new text'], ['old text', ''], ['same', 'same'], ['a  b\n c', 'a b\nc d'], ['the cat sat on the mat', 'a cat sat on a hat'], [long, `${long}more`]];
    for (const [before, after] of cases) {
      const parts = wordDiff(before!, after!);
      expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
      expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
    }
    expect(wordDiff('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
    expect(wordDiff('Off-topic advert for shoes', 'Off-topic advert for boots').filter((p) => p.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'shoes' },
      { kind: 'added', text: 'boots' },
    ]);
  });
});

describe('versionDiff', () => {
  it('compares each field with the same field of the version before; the first version is all unchanged', () => {
    const first = v(1, { Title: 'Loop input', Article: 'About loop input.' });
    const second = v(2, { Title: 'Loop input', Article: 'About loop input in practice.' });
    expect(versionDiff(null, first)).toEqual([
      { label: 'Title', parts: [{ kind: 'same', text: 'Loop input' }], changed: false },
      { label: 'Article', parts: [{ kind: 'same', text: 'About loop input.' }], changed: false },
    ]);
    const diff = versionDiff(first, second);
    expect(diff[0]).toMatchObject({ label: 'Title', changed: false });
    expect(diff[1]!.changed).toBe(true);
    expect(diff[1]!.parts.filter((p) => p.kind === 'added').map((p) => p.text).join('')).toMatch(/in practice/);
  });
});

// Word-level differences between two texts (the audit log's before/after): the longest common sequence of
// words and spaces, so a changed word shows as removed + added and the rest reads unchanged.

export interface DiffPart {
  op: 'same' | 'del' | 'ins';
  text: string;
}

/** Words and the spaces between them, kept as their own tokens so the parts join back to the texts. */
const tokens = (text: string) => text.split(/(\s+)/).filter((t) => t !== '');

/**
 * The parts that turn `before` into `after`, in order; adjacent parts of one kind are merged. Texts longer
 * than `maxTokens` words (the table would be too large) compare as one removed and one added part.
 */
export function diffWords(before: string, after: string, maxTokens = 2_000): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length * b.length > maxTokens * maxTokens) return merge([{ op: 'del', text: before }, { op: 'ins', text: after }]);
  // lcs[i][j]: length of the longest common sequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) parts.push({ op: 'same', text: a[i++]! }), j++;
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) parts.push({ op: 'del', text: a[i++]! });
    else parts.push({ op: 'ins', text: b[j++]! });
  }
  while (i < a.length) parts.push({ op: 'del', text: a[i++]! });
  while (j < b.length) parts.push({ op: 'ins', text: b[j++]! });
  return merge(parts);
}

function merge(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const p of parts) {
    if (p.text === '') continue;
    const last = out.at(-1);
    if (last && last.op === p.op) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

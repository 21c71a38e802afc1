// Word-level differences between two texts, for the revision history and the audit log's before/after (jsdiff's diffWordsWithSpace:
// spaces and line breaks count, so a changed paragraph break shows too).
import { diffWordsWithSpace } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export function wordDiff(before: string, after: string): DiffPart[] {
  return diffWordsWithSpace(before, after).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** One version of something with a history (a post's text; a topic's title and article), newest last. */
export interface VersionView {
  version: number;
  createdAt: string;
  editorName: string;
  /** The versioned texts, the same labels in every version (e.g. Title, Article). */
  fields: Array<{ label: string; text: string }>;
}

/** Each field of `current` against the same field of `previous` (the first version: all of it unchanged). */
export function versionDiff(previous: VersionView | null, current: VersionView): Array<{ label: string; parts: DiffPart[]; changed: boolean }> {
  return current.fields.map((field) => {
    const before = previous?.fields.find((f) => f.label === field.label)?.text;
    if (before === undefined) return { label: field.label, parts: [{ kind: 'same' as const, text: field.text }], changed: false };
    const parts = wordDiff(before, field.text);
    return { label: field.label, parts, changed: parts.some((p) => p.kind !== 'same') };
  });
}

// Reply drafts kept in localStorage, so that a reload, a crash or a lost connection never loses what a
// member wrote. One draft per place: topic + prompt + parent post. A draft also remembers the
// Idempotency-Key of its last submission and the exact text it was made for: a retry of the same text
// reuses the key (the server then returns the first result, never a second post); changed text gets a
// new key. The draft is cleared only after the server confirmed the post. Drafts nobody came back to
// for DRAFT_MAX_AGE_MS are pruned when the composer loads (pruneDrafts).

export interface Draft {
  body: string;
  /** The key sent with the last submission of `keyBody`, or null if never submitted. */
  idempotencyKey: string | null;
  keyBody: string | null;
  savedAt: number;
}

export interface DraftPlace {
  topicId: string;
  promptId: string | null;
  parentId: string | null;
}

const PREFIX = 'stoa:draft:';

/** A draft last saved longer ago than this is pruned; a younger one never is. */
export const DRAFT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export const draftKey = ({ topicId, promptId, parentId }: DraftPlace) => `${PREFIX}${topicId}:${promptId ?? '-'}:${parentId ?? '-'}`;

// localStorage can be missing or throw (private windows, quota, storage disabled): drafts then live only
// in the page, and nothing else breaks.
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadDraft(place: DraftPlace): Draft | null {
  try {
    const raw = storage()?.getItem(draftKey(place));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d.body !== 'string') return null;
    return {
      body: d.body,
      idempotencyKey: typeof d.idempotencyKey === 'string' ? d.idempotencyKey : null,
      keyBody: typeof d.keyBody === 'string' ? d.keyBody : null,
      savedAt: typeof d.savedAt === 'number' ? d.savedAt : 0,
    };
  } catch {
    return null;
  }
}

export function saveDraft(place: DraftPlace, draft: Omit<Draft, 'savedAt'>) {
  try {
    if (!draft.body && !draft.idempotencyKey) storage()?.removeItem(draftKey(place));
    else storage()?.setItem(draftKey(place), JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // Quota exceeded or storage disabled: the text stays in the composer.
  }
}

export function clearDraft(place: DraftPlace) {
  try {
    storage()?.removeItem(draftKey(place));
  } catch {
    // nothing to do
  }
}

/**
 * Removes the drafts last saved more than DRAFT_MAX_AGE_MS before `now`; returns how many.
 * A sent post's draft is already gone (cleared when the server confirmed it). One whose submission was never
 * confirmed may hold text the server never got, so it ages like any other (posting it again is safe: same key).
 * A draft of unknown age (no savedAt) is kept.
 */
export function pruneDrafts(now = Date.now()): number {
  const s = storage();
  if (!s) return 0;
  try {
    const old: string[] = [];
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      let savedAt: unknown;
      try {
        savedAt = (JSON.parse(s.getItem(key) ?? 'null') as Partial<Draft> | null)?.savedAt;
      } catch {
        continue; // not ours to judge
      }
      if (typeof savedAt === 'number' && now - savedAt > DRAFT_MAX_AGE_MS) old.push(key);
    }
    // Removed after the walk: removing during it would shift the indices.
    for (const key of old) s.removeItem(key);
    return old.length;
  } catch {
    return 0; // storage refused: nothing is lost by keeping them
  }
}

/** The parent posts of this topic that have a reply draft waiting (their composers open on load). */
export function parentsWithDrafts(topicId: string): Set<string> {
  const out = new Set<string>();
  const s = storage();
  if (!s) return out;
  const prefix = `${PREFIX}${topicId}:`;
  try {
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (!key?.startsWith(prefix)) continue;
      const parentId = key.slice(prefix.length).split(':')[1];
      if (parentId && parentId !== '-') out.add(parentId);
    }
  } catch {
    // ignore
  }
  return out;
}

/** The prompts of this topic with a reply draft waiting (not a reply to a post under it): their composers open on load. */
export function promptsWithDrafts(topicId: string): Set<string> {
  const out = new Set<string>();
  const s = storage();
  if (!s) return out;
  const prefix = `${PREFIX}${topicId}:`;
  try {
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (!key?.startsWith(prefix)) continue;
      const [promptId, parentId] = key.slice(prefix.length).split(':');
      if (promptId && promptId !== '-' && parentId === '-' && loadDraft({ topicId, promptId, parentId: null })?.body) out.add(promptId);
    }
  } catch {
    // ignore
  }
  return out;
}

/** The key for one submission of a draft: reused for retries of the same text, new for changed text. */
export function idempotencyKeyFor(draft: Draft | null, body: string): string {
  if (draft?.idempotencyKey && draft.keyBody === body) return draft.idempotencyKey;
  return newIdempotencyKey();
}

export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  // randomUUID needs a secure context (https or localhost); fall back to getRandomValues elsewhere.
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- A new practice problem's draft (title and description), one per community ----------------------------
// Kept like reply drafts (same prefix, so pruneDrafts ages it too), so the member can open a similar earlier
// problem ("has this been asked before?") in the same tab and come back to what they wrote.

export interface ProblemDraft {
  title: string;
  body: string;
}

const problemDraftKey = (communityId: string) => `${PREFIX}new-problem:${communityId}`;

export function loadProblemDraft(communityId: string): ProblemDraft | null {
  try {
    const raw = storage()?.getItem(problemDraftKey(communityId));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<ProblemDraft>;
    const title = typeof d.title === 'string' ? d.title : '';
    const body = typeof d.body === 'string' ? d.body : '';
    return title || body ? { title, body } : null;
  } catch {
    return null;
  }
}

export function saveProblemDraft(communityId: string, draft: ProblemDraft) {
  try {
    if (!draft.title && !draft.body) storage()?.removeItem(problemDraftKey(communityId));
    else storage()?.setItem(problemDraftKey(communityId), JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // Quota exceeded or storage disabled: the text stays in the form.
  }
}

export function clearProblemDraft(communityId: string) {
  try {
    storage()?.removeItem(problemDraftKey(communityId));
  } catch {
    // nothing to do
  }
}

// ---- Drafts of other forms: a new CPD topic, a new prompt, an edit of a post or of a topic ---------------------
// Any JSON value, one per form and place (`new-cpd:<communityId>`, `edit-post:<postId>`…), under the same prefix
// so pruneDrafts ages them too. Cleared when the server accepted the form, or when the member cancels an edit.

const formDraftKey = (form: string) => `${PREFIX}form:${form}`;

export function loadFormDraft<T extends object>(form: string): T | null {
  try {
    const raw = storage()?.getItem(formDraftKey(form));
    if (!raw) return null;
    const d = JSON.parse(raw) as { value?: unknown };
    return d && typeof d.value === 'object' && d.value !== null ? (d.value as T) : null;
  } catch {
    return null;
  }
}

export function saveFormDraft(form: string, value: object) {
  try {
    storage()?.setItem(formDraftKey(form), JSON.stringify({ value, savedAt: Date.now() }));
  } catch {
    // Quota exceeded or storage disabled: the text stays in the form.
  }
}

export function clearFormDraft(form: string) {
  try {
    storage()?.removeItem(formDraftKey(form));
  } catch {
    // nothing to do
  }
}

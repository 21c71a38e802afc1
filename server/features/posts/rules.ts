// The posting rules that decide, before anything is written, where a reply goes and whether it waits for a
// moderator. Separate from the service's SQL so that they can be tested with small fakes
// (test/server/posting-rules.test.ts) as well as end to end.
import type { DbOrTx } from '../../db/client.js';
import type { PostStatus } from '../../db/schema.js';
import type { ScreeningDeps } from '../../domain/deps.js';
import { invalid } from '../../errors.js';
import { PREMODERATION_REASON, screenPostTextWith } from '../../domain/screening.js';
import type { WatchedWordRule } from '../../domain/watched-words.js';
import { LIMITS } from '../../../shared/limits.js';

/** What a new post's screening needs to know, read with the access check (domain/screening.ts postScreeningExtras). */
export interface NewPostScreening {
  /** The community's watched words, in rule order. */
  watchedWords: WatchedWordRule[];
  /** The author is under new-member pre-moderation. */
  premoderated: boolean;
}

export function createPostingRules({ screening }: { screening: Pick<ScreeningDeps, 'screenPostText'> }) {
  return {
    /**
     * Why a new post waits for a moderator, or null when it is published at once: a watched word first
     * (a 'block' word throws 422 and nothing is written), then new-member pre-moderation.
     */
    holdNewPost(facts: NewPostScreening, body: string): string | null {
      return screenPostTextWith(facts.watchedWords, body) ?? (facts.premoderated ? PREMODERATION_REASON : null);
    },

    /**
     * An edit is screened as a new post is (block → 422); a 'hold' word takes a PUBLISHED post back to
     * pending review (returns why). Held, hidden or withdrawn posts stay as they are; pre-moderation does
     * not apply to edits.
     */
    async holdEdit(tx: DbOrTx, communityId: string, body: string, current: PostStatus): Promise<string | null> {
      const hold = await screening.screenPostText(tx, communityId, body);
      return hold && current === 'published' ? hold : null;
    },
  };
}

export type PostingRules = ReturnType<typeof createPostingRules>;

/** The parent a reply answers, as placement needs it. */
export interface ReplyParent {
  id: string;
  parentId: string | null;
  promptId: string | null;
  depth: number;
}

/**
 * Where a reply to `parent` goes. It belongs to its parent's prompt (a different `promptId` → 400
 * `prompt_mismatch`); beyond the depth cap it becomes a sibling of its parent (attached to the deepest
 * allowed ancestor).
 */
export function placeUnder(parent: ReplyParent, promptId: string | null) {
  if (promptId && parent.promptId !== promptId) {
    throw invalid('promptId', 'A reply belongs to the prompt of the post it answers.', 'prompt_mismatch');
  }
  return parent.depth < LIMITS.replyDepthMax
    ? { parentId: parent.id, promptId: parent.promptId, depth: parent.depth + 1 }
    : { parentId: parent.parentId, promptId: parent.promptId, depth: parent.depth };
}

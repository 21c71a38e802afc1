// What a member writes is screened before it is stored: watched words (block → 422, hold → held for a
// moderator) and new-member pre-moderation. Posts and topics are screened the same way.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { communities, memberships, posts, topics, watchedWords } from '../db/schema.js';
import { AppError } from '../errors.js';
import { listWatchedWords, matchWatchedWords, type WatchedWordRule } from './watched-words.js';

/** The reason a post or topic of a new member is held (the audit log and the review queue show it). */
export const PREMODERATION_REASON = 'new-member pre-moderation';

/**
 * Watched words, at the moment a post or an edit is written: a 'block' rule refuses it with 422
 * `watched_word_blocked` naming the phrase (the transaction rolls back, so nothing is written and an
 * Idempotency-Key is not consumed); a 'hold' rule returns the reason the post waits for a moderator.
 */
export async function screenPostText(tx: DbOrTx, communityId: string, text: string): Promise<string | null> {
  return screenPostTextWith(await listWatchedWords(tx, communityId), text);
}

/** screenPostText over the community's rules as already read (postScreeningExtras). */
export function screenPostTextWith(rules: WatchedWordRule[], text: string): string | null {
  const hit = rules.length === 0 ? null : matchWatchedWords(rules, text);
  if (hit?.action === 'block') {
    throw new AppError(422, 'watched_word_blocked', `This community does not allow "${hit.phrase}". Please reword your post.`, { field: 'body', phrase: hit.phrase });
  }
  return hit?.action === 'hold' ? `watched word "${hit.phrase}"` : null;
}

/**
 * For a topic created or edited (title, a problem's body, a CPD article, prompts): the rules posts get. A
 * 'block' rule in any of the texts refuses it with 422 `watched_word_blocked` naming the field and the
 * phrase (the caller's transaction rolls back: nothing is written); a 'hold' rule returns the reason the
 * topic waits for a moderator. Pass the Markdown sources, not the HTML.
 */
export async function screenTopicText(db: DbOrTx, communityId: string, texts: Array<{ field: string; text: string }>): Promise<string | null> {
  const rules = await listWatchedWords(db, communityId);
  if (rules.length === 0) return null;
  let hold: string | null = null;
  for (const { field, text } of texts) {
    const hit = matchWatchedWords(rules, text);
    if (hit?.action === 'block') {
      throw new AppError(422, 'watched_word_blocked', `This community does not allow "${hit.phrase}". Please reword the topic.`, { field, phrase: hit.phrase });
    }
    if (hit?.action === 'hold') hold ??= `watched word "${hit.phrase}" in ${field}`;
  }
  return hold;
}

/**
 * What screening a new post needs, as extras of the statement that checks access to the topic
 * (read-access.ts requireTopicForWrite; `communities`, `memberships` and the `actorId` placeholder are
 * there): the community's watched words in rule order, and whether the actor is pre-moderated. Read each
 * time, so a rule a moderator adds in any process applies to the next post.
 */
export const postScreeningExtras = () => ({
  watchedWords: sql<WatchedWordRule[]>`(select coalesce(json_agg(json_build_object('phrase', w.phrase, 'action', w.action)
      order by w.created_at, w.id), '[]'::json) from ${watchedWords} w where w.community_id = ${topics.communityId})`,
  // needsPremoderation's rule: a threshold, no added role, and fewer published posts than the threshold
  // (counted up to the threshold only).
  premoderated: sql<boolean>`(${communities.premodNewMemberPosts} > 0 and coalesce(cardinality(${memberships.roles}), 0) = 0
    and (select count(*) from (select 1 from ${posts} p where p.community_id = ${topics.communityId}
           and p.author_id = ${sql.placeholder('actorId')} and p.status = 'published' limit ${communities.premodNewMemberPosts}) counted)
        < ${communities.premodNewMemberPosts})`,
});

/** Published posts by the member in the community, and whether they hold an added role. */
async function premodFacts(db: DbOrTx, communityId: string, userId: string) {
  const [row] = await db
    .select({
      threshold: communities.premodNewMemberPosts,
      roles: memberships.roles,
      published: sql<number>`(select count(*)::int from ${posts} p where p.community_id = ${communityId} and p.author_id = ${userId} and p.status = 'published')`,
    })
    .from(communities)
    .leftJoin(memberships, and(eq(memberships.communityId, communities.id), eq(memberships.userId, userId)))
    .where(eq(communities.id, communityId))
    .limit(1);
  return row ?? null;
}

/**
 * True when the member's post (or topic) must wait for a moderator's approval (status 'pending') because
 * they have fewer published posts in the community than the community's `premod_new_member_posts`.
 * Members holding an added role (facilitator, moderator, manager) are trusted and never pre-moderated.
 */
export async function needsPremoderation(db: DbOrTx, communityId: string, userId: string): Promise<boolean> {
  const facts = await premodFacts(db, communityId, userId);
  if (!facts || facts.threshold <= 0) return false;
  if (facts.roles && facts.roles.length > 0) return false;
  return facts.published < facts.threshold;
}

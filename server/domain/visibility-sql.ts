// The rules of visibility.ts and topic-access.ts written as SQL conditions, for queries that judge many rows
// at once (search). They must say exactly what the JS rules say; test/server/search-visibility.test.ts
// checks them against what the topic and posts routes show, role by role.
//
// Searching shows only what every reader of a thread sees in full: published topics and posts. Held,
// hidden, removed and withdrawn content stays out even for its author and moderators (they have the
// topic page and the review queue), so a snippet can never quote text a placeholder stands for.
import { sql, type SQL } from 'drizzle-orm';
import { uuidArray } from '../db/client.js';

export interface BulkViewer {
  userId: string;
  isAdmin: boolean;
  /** Communities where the viewer is a moderator (they see every answer to an answer-first prompt there). */
  moderatedCommunityIds: readonly string[];
}

/** The policy's topic facilitators (topicContext): the author and those named in topic_facilitators. */
const facilitates = (t: SQL, viewer: BulkViewer) =>
  sql`(${t}.author_id = ${viewer.userId} or exists (select 1 from topic_facilitators f where f.topic_id = ${t}.id and f.user_id = ${viewer.userId}))`;

/** policy canSeeTopic + topicContentVisible, for a published topic: an upcoming one only for its facilitators. */
export function topicReadable(t: SQL, viewer: BulkViewer): SQL {
  const early = viewer.isAdmin ? sql`true` : facilitates(t, viewer);
  return sql`(${t}.moderation_status = 'published' and (${t}.opens_at is null or ${t}.opens_at <= now() or ${early}))`;
}

/** policy prompt.readScheduled: a prompt's text before its release only for the topic's facilitators. */
export function promptReadable(pr: SQL, t: SQL, viewer: BulkViewer): SQL {
  const early = viewer.isAdmin ? sql`true` : facilitates(t, viewer);
  return sql`(${pr}.release_at is null or ${pr}.release_at <= now() or ${early})`;
}

/**
 * visibility.isPostVisible with topic-access.hiddenPromptIds, for a published post p of topic t: a reply to
 * a scheduled prompt (not for its facilitators) or to an answer-first prompt the viewer has not answered
 * (not for facilitators and moderators) shows to its author only.
 */
export function postReadable(p: SQL, t: SQL, viewer: BulkViewer): SQL {
  const seesScheduled = viewer.isAdmin ? sql`true` : facilitates(t, viewer);
  const seesAllReplies = viewer.isAdmin
    ? sql`true`
    : sql`(${t}.community_id = any(${uuidArray(viewer.moderatedCommunityIds)}) or ${facilitates(t, viewer)})`;
  return sql`(${p}.status = 'published' and (${p}.prompt_id is null or ${p}.author_id = ${viewer.userId} or not exists (
    select 1 from prompts hp where hp.id = ${p}.prompt_id and (
      (hp.release_at > now() and not ${seesScheduled})
      or (hp.answer_first and not ${seesAllReplies} and not exists (
        select 1 from posts mine where mine.topic_id = hp.topic_id and mine.prompt_id = hp.id and mine.author_id = ${viewer.userId}))))))`;
}

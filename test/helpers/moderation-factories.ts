// Small factories for moderation tests: topics and posts inserted straight into the tables, through the
// shared ones in engagement-factories.ts. Values are plausible, not rendered through the Markdown pipeline.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client.js';
import { events, posts, type PostStatus } from '../../server/db/schema.js';
import { insertPost, insertTopic } from './engagement-factories.js';

let n = 0;

/** A topic whose author is also listed among its facilitators (as the topics feature records a CPD topic). */
export async function makeTopic(
  db: Db,
  opts: { communityId: string; authorId: string; title?: string; facilitatorIds?: string[]; kind?: 'cpd' | 'problem' },
) {
  const title = opts.title ?? `Topic ${++n}`;
  const id = await insertTopic(db, { ...opts, title, bodyMd: `About ${title}`, facilitatorIds: [opts.authorId, ...(opts.facilitatorIds ?? [])] });
  return { id, title };
}

export async function makePost(
  db: Db,
  opts: { communityId: string; topicId: string; authorId: string; bodyMd?: string; bodyHtml?: string; status?: PostStatus; parentId?: string },
) {
  return { id: await insertPost(db, { ...opts, bodyMd: opts.bodyMd ?? `Post ${++n}` }) };
}

export async function makePosts(db: Db, count: number, opts: { communityId: string; topicId: string; authorId: string }) {
  const rows = await db
    .insert(posts)
    .values(Array.from({ length: count }, (_, i) => ({ ...opts, bodyMd: `Bulk ${i}`, bodyHtml: `<p>Bulk ${i}</p>` })))
    .returning({ id: posts.id });
  return rows.map((r) => r.id);
}

export async function getPost(db: Db, postId: string) {
  const [row] = await db.select().from(posts).where(eq(posts.id, postId));
  return row!;
}

/** Events recorded for a post, oldest first. */
export async function eventsForPost(db: Db, postId: string) {
  return db
    .select({ name: events.name, data: events.data })
    .from(events)
    .where(sql`${events.data}->>'id' = ${postId}`)
    .orderBy(events.id);
}

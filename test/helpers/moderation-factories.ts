// Small factories for moderation tests: topics and posts inserted straight into the tables (the topics and
// posts API lives on another branch). Values are plausible, not rendered through the Markdown pipeline.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client.js';
import { events, posts, topicFacilitators, topics, type PostStatus } from '../../server/db/schema.js';

let n = 0;

export async function makeTopic(
  db: Db,
  opts: { communityId: string; authorId: string; title?: string; facilitatorIds?: string[]; kind?: 'cpd' | 'problem' },
) {
  const title = opts.title ?? `Topic ${++n}`;
  // Raw SQL: drizzle's insert lists every column, and schema.ts maps topics.lastActivityAt/updatedAt to
  // "created_at" too (a foundation bug reported to the lead), which PostgreSQL refuses as a duplicate.
  const result = (await db.execute(sql`
    insert into ${topics} (community_id, author_id, kind, title, body_md, body_html)
    values (${opts.communityId}, ${opts.authorId}, ${opts.kind ?? 'cpd'}, ${title}, ${`About ${title}`}, ${`<p>About ${title}</p>`})
    returning id`)) as unknown as { rows: Array<{ id: string }> };
  const row = result.rows[0];
  const facilitators = [...new Set([opts.authorId, ...(opts.facilitatorIds ?? [])])];
  await db.insert(topicFacilitators).values(facilitators.map((userId) => ({ topicId: row!.id, userId })));
  return { id: row!.id, title };
}

export async function makePost(
  db: Db,
  opts: { communityId: string; topicId: string; authorId: string; bodyMd?: string; bodyHtml?: string; status?: PostStatus; parentId?: string },
) {
  const bodyMd = opts.bodyMd ?? `Post ${++n}`;
  const [row] = await db
    .insert(posts)
    .values({
      communityId: opts.communityId,
      topicId: opts.topicId,
      authorId: opts.authorId,
      parentId: opts.parentId ?? null,
      depth: opts.parentId ? 1 : 0,
      bodyMd,
      bodyHtml: opts.bodyHtml ?? `<p>${bodyMd}</p>`,
      status: opts.status ?? 'published',
    })
    .returning({ id: posts.id });
  return { id: row!.id };
}

/** Many posts at once (for naughty-string and rate-limit runs). */
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

// Inserts engagement data straight into the tables (not through the topics/posts API), with exact
// timestamps, so engagement tests can build communities with known answers.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../server/db/client.js';
import { helpfulMarks, memberships, posts, prompts, topicFacilitators, topicViews, type PostStatus } from '../../server/db/schema.js';

export const at = (iso: string) => new Date(iso);

/** Sets when a membership began and (optionally) ended. */
export async function setMembershipDates(db: DbOrTx, communityId: string, userId: string, joinedAt: string, removedAt: string | null = null) {
  await db
    .update(memberships)
    .set({ joinedAt: at(joinedAt), removedAt: removedAt ? at(removedAt) : null })
    .where(and(eq(memberships.communityId, communityId), eq(memberships.userId, userId)));
}

export async function insertTopic(
  db: DbOrTx,
  opts: { communityId: string; authorId: string; createdAt: string; kind?: 'cpd' | 'problem'; title?: string; facilitatorIds?: string[] },
) {
  // Raw SQL: in the foundation schema, topics.lastActivityAt and updatedAt are declared on the same
  // "created_at" column (reported to the lead), so a drizzle insert into topics names that column 3 times.
  const result = (await db.execute(sql`
    insert into topics (community_id, kind, title, author_id, body_md, body_html, created_at)
    values (${opts.communityId}, ${opts.kind ?? 'cpd'}, ${opts.title ?? 'A topic'}, ${opts.authorId}, 'Body', '<p>Body</p>', ${opts.createdAt}::timestamptz)
    returning id`)) as unknown as { rows: Array<{ id: string }> };
  const row = result.rows[0];
  for (const userId of opts.facilitatorIds ?? []) await db.insert(topicFacilitators).values({ topicId: row!.id, userId });
  return row!.id;
}

export async function insertPrompt(db: DbOrTx, topicId: string, position: number) {
  const [row] = await db
    .insert(prompts)
    .values({ topicId, position, bodyMd: `Prompt ${position}`, bodyHtml: `<p>Prompt ${position}</p>` })
    .returning({ id: prompts.id });
  return row!.id;
}

export async function insertPost(
  db: DbOrTx,
  opts: { communityId: string; topicId: string; authorId: string; createdAt: string; status?: PostStatus; promptId?: string | null; parentId?: string | null },
) {
  const [row] = await db
    .insert(posts)
    .values({
      communityId: opts.communityId,
      topicId: opts.topicId,
      authorId: opts.authorId,
      promptId: opts.promptId ?? null,
      parentId: opts.parentId ?? null,
      bodyMd: 'Reply',
      bodyHtml: '<p>Reply</p>',
      status: opts.status ?? 'published',
      createdAt: at(opts.createdAt),
    })
    .returning({ id: posts.id });
  return row!.id;
}

/** One topic_views row: the member opened the topic on that UTC day. */
export async function insertView(db: DbOrTx, opts: { communityId: string; topicId: string; userId: string; day: string }) {
  await db.insert(topicViews).values(opts).onConflictDoNothing();
}

export async function insertHelpful(db: DbOrTx, postId: string, userId: string, createdAt: string) {
  await db.insert(helpfulMarks).values({ postId, userId, createdAt: at(createdAt) });
}

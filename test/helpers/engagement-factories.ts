// Inserts engagement data straight into the tables (not through the topics/posts API), with exact
// timestamps, so engagement tests can build communities with known answers.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../server/db/client.js';
import { helpfulMarks, memberships, posts, prompts, topicFacilitators, topics, topicViews, type PostStatus } from '../../server/db/schema.js';

export const at = (iso: string) => new Date(iso);

/** Sets when a membership began and (optionally) ended. */
export async function setMembershipDates(db: DbOrTx, communityId: string, userId: string, joinedAt: string, removedAt: string | null = null) {
  await db
    .update(memberships)
    .set({ joinedAt: at(joinedAt), removedAt: removedAt ? at(removedAt) : null })
    .where(and(eq(memberships.communityId, communityId), eq(memberships.userId, userId)));
}

/** A topic (created now unless `createdAt` says when), with the named guest facilitators. */
export async function insertTopic(
  db: DbOrTx,
  opts: { communityId: string; authorId: string; createdAt?: string; opensAt?: Date; kind?: 'cpd' | 'problem'; title?: string; bodyMd?: string; facilitatorIds?: string[] },
) {
  const bodyMd = opts.bodyMd ?? 'Body';
  const [row] = await db
    .insert(topics)
    .values({
      communityId: opts.communityId,
      authorId: opts.authorId,
      kind: opts.kind ?? 'cpd',
      title: opts.title ?? 'A topic',
      bodyMd,
      bodyHtml: `<p>${bodyMd}</p>`,
      ...(opts.createdAt ? { createdAt: at(opts.createdAt) } : {}),
      ...(opts.opensAt ? { opensAt: opts.opensAt } : {}),
    })
    .returning({ id: topics.id });
  const facilitators = [...new Set(opts.facilitatorIds ?? [])];
  if (facilitators.length) await db.insert(topicFacilitators).values(facilitators.map((userId) => ({ topicId: row!.id, userId })));
  return row!.id;
}

export async function insertPrompt(db: DbOrTx, topicId: string, position: number) {
  const [row] = await db
    .insert(prompts)
    .values({ topicId, position, bodyMd: `Prompt ${position}`, bodyHtml: `<p>Prompt ${position}</p>` })
    .returning({ id: prompts.id });
  return row!.id;
}

/** A post (written now unless `createdAt` says when); a reply to `parentId` sits one level deeper. */
export async function insertPost(
  db: DbOrTx,
  opts: {
    communityId: string;
    topicId: string;
    authorId: string;
    createdAt?: string;
    status?: PostStatus;
    promptId?: string | null;
    parentId?: string | null;
    bodyMd?: string;
    bodyHtml?: string;
  },
) {
  const bodyMd = opts.bodyMd ?? 'Reply';
  const [row] = await db
    .insert(posts)
    .values({
      communityId: opts.communityId,
      topicId: opts.topicId,
      authorId: opts.authorId,
      promptId: opts.promptId ?? null,
      parentId: opts.parentId ?? null,
      depth: opts.parentId ? 1 : 0,
      bodyMd,
      bodyHtml: opts.bodyHtml ?? `<p>${bodyMd}</p>`,
      status: opts.status ?? 'published',
      ...(opts.createdAt ? { createdAt: at(opts.createdAt) } : {}),
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

// Post queries. A page of posts is ONE query (author name, helpful-by-me and solution flag joined in).
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { namedRows, type Db, type DbOrTx } from '../../db/client.js';
import { asLimit, pageLimit, type PageLimit } from '../../db/page-size.js';
import { jsonRowMapper, preparedSelect } from '../../db/prepared-select.js';
import { helpfulMarks, idempotencyKeys, postRevisions, posts, topics, users, type PostStatus } from '../../db/schema.js';
import { cursorTime } from '../../domain/cursor.js';
import { memberNotModeratorSql } from '../../domain/read-access.js';
import type { PostRow } from './present.js';

/** Row fields for presentPost(); `viewerId` decides helpfulByMe (null: false). */
export function postRowFields(viewerId: string | null) {
  return {
    id: posts.id,
    topicId: posts.topicId,
    communityId: posts.communityId,
    parentId: posts.parentId,
    promptId: posts.promptId,
    depth: posts.depth,
    authorId: posts.authorId,
    authorName: users.displayName,
    authorHandle: users.handle,
    bodyMd: posts.bodyMd,
    bodyHtml: posts.bodyHtml,
    status: posts.status,
    statusReason: posts.statusReason,
    version: posts.version,
    helpfulCount: posts.helpfulCount,
    createdAt: posts.createdAt,
    editedAt: posts.editedAt,
    helpfulByMe: viewerId
      ? sql<boolean>`exists (select 1 from ${helpfulMarks} h where h.post_id = ${posts.id} and h.user_id = ${viewerId})`
      : sql<boolean>`false`,
    isSolution: sql<boolean>`coalesce(${topics.solutionPostId} = ${posts.id}, false)`,
    cursorKey: cursorTime(posts.createdAt),
  };
}

export async function findPostRow(db: DbOrTx, postId: string, viewerId: string | null): Promise<PostRow | null> {
  const [row] = await db
    .select(postRowFields(viewerId))
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(topics, eq(topics.id, posts.topicId))
    .where(eq(posts.id, postId))
    .limit(1);
  return (row as PostRow | undefined) ?? null;
}

/** Locks the post row for an edit, withdrawal or helpful-count change. */
export async function lockPost(db: DbOrTx, postId: string) {
  const [row] = await db
    .select({ id: posts.id, version: posts.version, status: posts.status, authorId: posts.authorId })
    .from(posts)
    .where(eq(posts.id, postId))
    .for('update');
  return row ?? null;
}

export interface PostPageFilter {
  topicId: string;
  viewerId: string;
  /** Sees held (pending/hidden) posts of others. */
  seesHidden: boolean;
  /** Prompts whose replies the viewer may not see yet (answer-first, scheduled); their own always show. */
  hiddenPromptIds: string[];
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** A row of a posts page: a PostRow with its stamp (see postStamp). */
export type PostPageRow = PostRow & { stamp: string };

export async function listPostPage(db: DbOrTx, f: PostPageFilter): Promise<PostPageRow[]> {
  // The first page with no prompt hidden from the viewer (what most visits open) is a prepared statement.
  if (!f.after && f.hiddenPromptIds.length === 0 && !('rollback' in db)) {
    const { name, limit } = pageLimit(`post_page_${f.seesHidden ? 'all' : 'member'}`, f.limit);
    let forDb = preparedPages.get(db);
    if (!forDb) preparedPages.set(db, (forDb = new Map()));
    let query = forDb.get(name);
    if (!query) {
      // Placeholders stand where the values go (only ever interpolated into SQL).
      const shape = { ...f, topicId: sql.placeholder('topicId') as unknown as string, viewerId: sql.placeholder('viewerId') as unknown as string };
      query = preparedSelect(db as Db, pageQuery(db, shape).limit(asLimit(limit)), name);
      forDb.set(name, query);
    }
    return (await query.execute({ topicId: f.topicId, viewerId: f.viewerId, limit: f.limit })) as PostPageRow[];
  }
  return (await pageQuery(db, f).limit(f.limit)) as PostPageRow[];
}

const preparedPages = new WeakMap<object, Map<string, { execute(params: Record<string, unknown>): Promise<unknown[]> }>>();

/** Which posts a page shows: the topic's, as `f`'s viewer may see them. */
function pageConditions(f: Pick<PostPageFilter, 'topicId' | 'viewerId' | 'seesHidden' | 'hiddenPromptIds' | 'after'>) {
  const conditions: SQL[] = [sql`${posts.topicId} = ${f.topicId}`];
  if (!f.seesHidden) {
    // Same rule as canSeePost(): others' pending posts do not exist for this viewer.
    conditions.push(sql`(${posts.status} <> 'pending' or ${posts.authorId} = ${f.viewerId})`);
  }
  if (f.hiddenPromptIds.length > 0) {
    conditions.push(
      sql`(${posts.promptId} is null or ${posts.authorId} = ${f.viewerId} or ${posts.promptId} not in (${sql.join(
        f.hiddenPromptIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}))`,
    );
  }
  if (f.after) conditions.push(sql`(${posts.createdAt}, ${posts.id}) > (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)`);
  return conditions;
}

/**
 * What a post's presented form depends on besides the viewer: the post row's and its author's row versions
 * (`xmin` changes with every update: an edit, a status change, a helpful count, a renamed author) and whether it
 * is the topic's solution. The posts page's shared copies (post-json-cache.ts) are used only while it holds.
 */
const postStamp = sql<string>`${posts}.xmin::text || '/' || ${users}.xmin::text || case when ${topics.solutionPostId} = ${posts.id} then '/s' else '' end`;

/** A page carries the markdown of the viewer's own posts only (their edit form's); presentPost() shows no other. */
const pageFields = (viewerId: string) => ({
  ...postRowFields(viewerId),
  bodyMd: sql<string | null>`case when ${posts.authorId} = ${viewerId} then ${posts.bodyMd} end`,
  stamp: postStamp,
});

function pageQuery(db: DbOrTx, f: PostPageFilter) {
  return db
    .select(pageFields(f.viewerId))
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(topics, eq(topics.id, posts.topicId))
    .where(and(...pageConditions(f)))
    .orderBy(asc(posts.createdAt), asc(posts.id));
}

/**
 * The first page as most viewers get it (they see no other's pending posts, no prompt's replies are hidden
 * from them), as SQL for the access statement to read in the same round trip. `firstPage` is a JSON array with
 * one entry per post, `[id, stamp, helpfulByMe, row]`: `row` (the page's fields in order, `decodeFirstPageRow`)
 * only for the viewer's own posts; the others are presented from the shared copies the stamp names, so
 * PostgreSQL neither reads nor encodes their bodies. Placeholders: actorId (the viewer), and limit unless `limit`
 * is the size itself (db/page-size.ts); the topic is the access statement's.
 * The caller uses it only when the viewer is such a viewer; otherwise it asks listPostPage.
 */
export function firstPostPageExtras(limit: PageLimit['limit'] = sql.placeholder('limit')) {
  // Placeholders stand where the values go (only ever interpolated into SQL).
  const viewerId = sql.placeholder('actorId') as unknown as string;
  // The access statement's topic row, not the topicId parameter: PostgreSQL then estimates the page from the
  // average topic whether or not it knows the value, so the generic plan costs what a custom one does and is
  // kept (with `topic_id = $n` a busy topic's custom plans looked cheaper, and every execution was planned again).
  const topicId = sql`${topics.id}` as unknown as string;
  // The viewer's helpful marks joined in, one index probe per post (an `exists` per row was planned as a hash
  // of all the viewer's marks, built for every page).
  const markedByViewer = sql`(marks.post_id is not null)`;
  const { columns } = jsonRowMapper<PostRow>({ ...pageFields(viewerId), helpfulByMe: markedByViewer });
  // Inside the subquery its own posts and users hide the access statement's tables of those names; `topics` is the
  // access statement's row (the page's topic: its solution post).
  // Built only where it can be used: not for non-members (refused, or an admin: they see hidden posts), not for
  // moderators (they see others' pending posts), not when the topic's content is held or removed (members see
  // none of it). Null otherwise; the caller then asks listPostPage, as it does when a prompt's replies are hidden.
  return {
    firstPage: sql<FirstPageEntry[] | null>`case when ${memberNotModeratorSql} and ${topics.moderationStatus} = 'published' then
      (select coalesce(json_agg(page.r order by page.created_at, page.id), '[]'::json) from (
        select json_build_array(${posts.id}, ${postStamp}, ${markedByViewer},
            case when ${posts.authorId} = ${viewerId} then json_build_array(${sql.join(columns as SQL[], sql`, `)}) end) as r,
          ${posts.createdAt} as created_at, ${posts.id} as id
        from ${posts} inner join ${users} on ${users.id} = ${posts.authorId}
          left join ${helpfulMarks} marks on marks.post_id = ${posts.id} and marks.user_id = ${viewerId}
        where ${and(...pageConditions({ topicId, viewerId, seesHidden: false, hiddenPromptIds: [] }))}
        order by ${posts.createdAt}, ${posts.id} limit ${limit}) page) end`,
  };
}

/** One post of firstPostPageExtras' `firstPage`: its id, its stamp, whether the viewer marked it helpful, and its whole row when it is theirs. */
export type FirstPageEntry = [id: string, stamp: string, helpfulByMe: boolean, row: unknown[] | null];

const firstPageRows = jsonRowMapper<PostPageRow>(pageFields('00000000-0000-0000-0000-000000000000'));
/** A whole row of firstPostPageExtras' `firstPage`, as listPostPage returns it. */
export const decodeFirstPageRow = (row: unknown[]): PostPageRow => firstPageRows.map(row);

export interface NewPost {
  communityId: string;
  topicId: string;
  authorId: string;
  parentId: string | null;
  promptId: string | null;
  depth: number;
  bodyMd: string;
  bodyHtml: string;
  status: PostStatus;
}

/**
 * Inserts a reply with its first revision (version 1, by its author) and returns it as postRowFields()
 * would load it for its author: ONE statement. A new post has no helpful mark and is no topic's solution.
 */
export async function insertPostWithRevision(db: DbOrTx, p: NewPost): Promise<PostRow> {
  const [row] = await namedRows<Omit<PostRow, 'createdAt' | 'helpfulByMe' | 'isSolution' | 'editedAt'> & { createdAtMs: number }>(
    db,
    'post_insert',
    sql`with p as (
        insert into ${posts} (community_id, topic_id, author_id, parent_id, prompt_id, depth, body_md, body_html, status)
        values (${p.communityId}::uuid, ${p.topicId}::uuid, ${p.authorId}::uuid, ${p.parentId}::uuid, ${p.promptId}::uuid, ${p.depth}::int,
                ${p.bodyMd}, ${p.bodyHtml}, ${p.status})
        returning id, topic_id, community_id, parent_id, prompt_id, depth, author_id, body_md, body_html, status, status_reason, version,
                  helpful_count, created_at),
      r as (insert into ${postRevisions} (post_id, version, body_md, body_html, editor_id) select id, 1, body_md, body_html, author_id from p)
      select p.id, p.topic_id as "topicId", p.community_id as "communityId", p.parent_id as "parentId", p.prompt_id as "promptId", p.depth,
        p.author_id as "authorId", u.display_name as "authorName", u.handle as "authorHandle", p.body_md as "bodyMd", p.body_html as "bodyHtml",
        p.status, p.status_reason as "statusReason", p.version, p.helpful_count as "helpfulCount",
        (extract(epoch from p.created_at) * 1000)::float8 as "createdAtMs", ${cursorTime(sql`p.created_at`)} as "cursorKey"
      from p join ${users} u on u.id = p.author_id`,
  );
  const { createdAtMs, ...rest } = row!;
  return { ...rest, createdAt: new Date(Math.floor(Number(createdAtMs))), editedAt: null, helpfulByMe: false, isSolution: false };
}

export async function insertRevision(db: DbOrTx, values: typeof postRevisions.$inferInsert) {
  await db.insert(postRevisions).values(values);
}

export async function updatePostBody(db: DbOrTx, postId: string, bodyMd: string, bodyHtml: string, fromVersion: number) {
  const [row] = await db
    .update(posts)
    .set({ bodyMd, bodyHtml, version: fromVersion + 1, editedAt: sql`now()` })
    .where(and(eq(posts.id, postId), eq(posts.version, fromVersion)))
    .returning({ version: posts.version });
  return row ?? null;
}

export async function listRevisions(db: DbOrTx, postId: string) {
  return db
    .select({
      version: postRevisions.version,
      bodyMd: postRevisions.bodyMd,
      bodyHtml: postRevisions.bodyHtml,
      editorId: postRevisions.editorId,
      editorName: users.displayName,
      createdAt: postRevisions.createdAt,
    })
    .from(postRevisions)
    .innerJoin(users, eq(users.id, postRevisions.editorId))
    .where(eq(postRevisions.postId, postId))
    .orderBy(asc(postRevisions.version));
}

// Helpful marks: the counter moves only when a mark row really appears or disappears.

export async function addHelpful(db: DbOrTx, postId: string, userId: string): Promise<boolean> {
  const rows = await db.insert(helpfulMarks).values({ postId, userId }).onConflictDoNothing().returning({ postId: helpfulMarks.postId });
  if (rows.length === 0) return false;
  await db.update(posts).set({ helpfulCount: sql`${posts.helpfulCount} + 1` }).where(eq(posts.id, postId));
  return true;
}

export async function removeHelpful(db: DbOrTx, postId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(helpfulMarks)
    .where(and(eq(helpfulMarks.postId, postId), eq(helpfulMarks.userId, userId)))
    .returning({ postId: helpfulMarks.postId });
  if (rows.length === 0) return false;
  await db.update(posts).set({ helpfulCount: sql`greatest(${posts.helpfulCount} - 1, 0)` }).where(eq(posts.id, postId));
  return true;
}

export async function helpfulCount(db: DbOrTx, postId: string) {
  const [row] = await db.select({ n: posts.helpfulCount }).from(posts).where(eq(posts.id, postId));
  return row?.n ?? 0;
}

// Idempotency keys

/** A member's Idempotency-Key as a committed submit left it: the request it answered and its response. */
export async function findIdempotencyKey(db: DbOrTx, userId: string, key: string) {
  const [row] = await db
    .select({ requestHash: idempotencyKeys.requestHash, statusCode: idempotencyKeys.statusCode, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row ?? null;
}

/**
 * Claims an Idempotency-Key with the response it answers, as a statement to run inside the post's last one
 * (content-status.ts countNewPost): it returns a row when the key was free. A key already taken by a committed
 * submit returns none; one taken by a submit still in flight waits for that one to commit or roll back.
 */
export const claimIdempotencyKeySql = (userId: string, key: string, requestHash: string, statusCode: number, response: unknown) =>
  sql`insert into ${idempotencyKeys} (user_id, key, request_hash, status_code, response)
    values (${userId}::uuid, ${key}, ${requestHash}, ${statusCode}::int, ${JSON.stringify(response)}::jsonb)
    on conflict do nothing returning 1`;

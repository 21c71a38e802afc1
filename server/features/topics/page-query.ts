// The topic page's data in ONE statement: the topic's summary fields and the viewer's own bits (unread
// count, read position, answered prompts), its facilitators, and — only when this process does not hold
// them already — its heavy shared parts (article text, prompts with their reply counts).
//
// The shared parts are cached per topic under the topic row's xmin (the transaction that last wrote the
// row). Every change of them writes that row in the same transaction: an edit of the text, a prompt added
// or edited (updateTopic), and every post entering or leaving `published` (content-status.ts moves
// post_count, which is what a prompt's reply count counts). The statement compares the stamp itself, so a
// stale entry is never served: not after a write in this process, not after one in another process, with
// no invalidation message to miss. Per-viewer data (names, read position, unread) is never cached.
import { eq, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedSelect } from '../../db/prepared-select.js';
import { posts, prompts, topicFacilitators, topicReads, topics, users } from '../../db/schema.js';
import { answeredPromptsSql } from '../../domain/read-access.js';
import type { PromptRow } from '../../domain/topic-access.js';
import type { TopicRow } from './present.js';
import { topicSummaryFields, type TopicViewer } from './queries.js';

/** What the cache holds of one topic: what only a write of the topic row changes, and is costly to read. */
export interface TopicSharedParts {
  bodyMd: string;
  bodyHtml: string;
  prompts: PromptRow[];
  /** Published replies per prompt. */
  replyCounts: Map<string, number>;
}

export interface TopicPageData {
  topic: TopicRow;
  shared: TopicSharedParts;
  facilitators: Array<{ id: string; displayName: string }>;
  readPosition: { lastReadPostId: string | null; lastReadAt: Date } | null;
  answered: Set<string>;
}

interface JsonPrompt {
  id: string;
  topicId: string;
  position: number;
  bodyMd: string;
  bodyHtml: string;
  releaseAt: string | null;
  answerFirst: boolean;
  releasedEventAt: string | null;
  createdAt: string;
  replyCount: number;
}

const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/** Topics whose shared parts this process keeps (least recently used dropped first). */
const CACHE_MAX = 2_000;

export function createTopicPageCache(maxEntries = CACHE_MAX) {
  const byTopic = new Map<string, { stamp: string; parts: TopicSharedParts }>();
  return {
    get(topicId: string) {
      const entry = byTopic.get(topicId);
      if (entry) {
        byTopic.delete(topicId);
        byTopic.set(topicId, entry);
      }
      return entry;
    },
    set(topicId: string, stamp: string, parts: TopicSharedParts) {
      byTopic.delete(topicId);
      byTopic.set(topicId, { stamp, parts });
      while (byTopic.size > maxEntries) byTopic.delete(byTopic.keys().next().value!);
    },
    get size() {
      return byTopic.size;
    },
  };
}

export type TopicPageCache = ReturnType<typeof createTopicPageCache>;

/**
 * The page's columns for viewers who see all replies or not (the unread count differs), with placeholders
 * `actorId` (the viewer) and `stamp` (the cached copy's, '' for none); on topics joined to users (its author).
 */
export function topicPageFields(seesAllReplies: boolean) {
  const viewerId = sql.placeholder('actorId');
  // Only ever interpolated into SQL templates: the placeholder stands where the viewer's id goes.
  const viewer: TopicViewer = { userId: viewerId as unknown as string, seesAllReplies };
  const stamp = sql`${topics}.xmin::text`;
  // Null when the cached copy is current: the statement leaves the costly columns out.
  const unlessCached = <T>(value: SQLWrapper) => sql<T | null>`case when ${stamp} = ${sql.placeholder('stamp')} then null else ${value} end`;
  const promptsJson = sql<JsonPrompt[]>`(select coalesce(json_agg(json_build_object(
      'id', pr.id, 'topicId', pr.topic_id, 'position', pr.position, 'bodyMd', pr.body_md, 'bodyHtml', pr.body_html,
      'releaseAt', pr.release_at, 'answerFirst', pr.answer_first, 'releasedEventAt', pr.released_event_at, 'createdAt', pr.created_at,
      'replyCount', (select count(*) from ${posts} p where p.topic_id = pr.topic_id and p.prompt_id = pr.id and p.status = 'published')
    ) order by pr.position), '[]'::json) from ${prompts} pr where pr.topic_id = ${topics.id})`;
  return {
    ...topicSummaryFields(viewer),
    articleUrl: topics.articleUrl,
    stamp: sql<string>`${stamp}`,
    bodyMd: unlessCached<string>(topics.bodyMd),
    bodyHtml: unlessCached<string>(topics.bodyHtml),
    prompts: unlessCached<JsonPrompt[]>(promptsJson),
    facilitators: sql<Array<{ id: string; displayName: string }>>`(select coalesce(json_agg(json_build_object('id', u.id, 'displayName', u.display_name)
      order by u.display_name), '[]'::json) from ${topicFacilitators} f join ${users} u on u.id = f.user_id where f.topic_id = ${topics.id})`,
    lastReadPostId: sql<string | null>`(select r.last_read_post_id from ${topicReads} r where r.topic_id = ${topics.id} and r.user_id = ${viewerId})`,
    lastReadAt: sql<string | Date | null>`(select r.last_read_at from ${topicReads} r where r.topic_id = ${topics.id} and r.user_id = ${viewerId})`,
    answered: answeredPromptsSql(topics.id, viewerId),
  };
}

/** A row of topicPageFields. */
export interface TopicPageRow extends Omit<TopicRow, 'bodyMd' | 'bodyHtml'> {
  stamp: string;
  bodyMd: string | null;
  bodyHtml: string | null;
  prompts: JsonPrompt[] | null;
  facilitators: Array<{ id: string; displayName: string }>;
  lastReadPostId: string | null;
  lastReadAt: string | Date | null;
  answered: string[];
}

/** The statement's parameters besides the topic and the viewer: the cached copy's stamp. */
export const pageParams = (topicId: string, cache: TopicPageCache) => ({ stamp: cache.get(topicId)?.stamp ?? '' });

/** The page statement on its own (after a write; for viewers who see all replies), prepared once per database handle. */
const prepared = new WeakMap<Db, Map<boolean, ReturnType<typeof buildPageQuery>>>();
function buildPageQuery(db: Db, seesAllReplies: boolean) {
  const query = db
    .select(topicPageFields(seesAllReplies))
    .from(topics)
    .innerJoin(users, eq(users.id, topics.authorId))
    .where(eq(topics.id, sql.placeholder('topicId')))
    .limit(1);
  return preparedSelect<TopicPageRow>(db, query, `topic_page_${seesAllReplies ? 'all' : 'own'}`);
}

/** The topic page's data for this viewer, reading the shared parts only when `cache` has no current copy. */
export async function loadTopicPage(db: Db, topicId: string, viewer: TopicViewer, cache: TopicPageCache): Promise<TopicPageData | null> {
  let forDb = prepared.get(db);
  if (!forDb) prepared.set(db, (forDb = new Map()));
  let query = forDb.get(viewer.seesAllReplies);
  if (!query) forDb.set(viewer.seesAllReplies, (query = buildPageQuery(db, viewer.seesAllReplies)));
  const [row] = await query.execute({ topicId, actorId: viewer.userId, ...pageParams(topicId, cache) });
  return row ? pageFromRow(topicId, row as TopicPageRow, cache) : null;
}

/** The page's data from its statement's row, keeping (or reusing) the shared parts in `cache`. */
export function pageFromRow(topicId: string, row: TopicPageRow, cache: TopicPageCache): TopicPageData {
  const cached = cache.get(topicId);
  let shared: TopicSharedParts;
  if (cached && row.stamp === cached.stamp) {
    shared = cached.parts;
  } else {
    const list = (row.prompts ?? []) as JsonPrompt[];
    shared = {
      bodyMd: row.bodyMd as string,
      bodyHtml: row.bodyHtml as string,
      prompts: list.map(({ replyCount: _n, ...p }) => ({
        ...p,
        releaseAt: p.releaseAt === null ? null : asDate(p.releaseAt),
        releasedEventAt: p.releasedEventAt === null ? null : asDate(p.releasedEventAt),
        createdAt: asDate(p.createdAt),
      })),
      replyCounts: new Map(list.map((p) => [p.id, Number(p.replyCount)])),
    };
    cache.set(topicId, row.stamp, shared);
  }
  const { stamp: _s, bodyMd: _m, bodyHtml: _h, prompts: _p, facilitators, lastReadPostId, lastReadAt, answered, ...summary } = row;
  return {
    topic: { ...summary, bodyMd: shared.bodyMd, bodyHtml: shared.bodyHtml } as TopicRow,
    shared,
    facilitators,
    readPosition: lastReadAt === null ? null : { lastReadPostId, lastReadAt: asDate(lastReadAt) },
    answered: new Set(answered),
  };
}

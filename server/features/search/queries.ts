// SQL for full-text search and similar practice problems. Which rows a member may see is decided by
// domain/visibility-sql.ts; here: matching, the ranked window, ranking and snippets.
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbOrTx } from '../../db/client.js';
import { postReadable, promptReadable, topicReadable, uuidArray, type BulkViewer } from '../../domain/visibility-sql.js';

/** Communities searched with one text-search configuration (their words were stemmed with it). */
export interface LanguageGroup {
  language: string;
  communityIds: string[];
}

export interface SearchFilters {
  type?: 'topic' | 'post' | undefined;
  kind?: 'cpd' | 'problem' | undefined;
  authorId?: string | undefined;
  from?: Date | undefined;
  /** Exclusive. */
  until?: Date | undefined;
  solved?: boolean | undefined;
  topicId?: string | undefined;
}

export interface SearchRow {
  type: 'topic' | 'prompt' | 'post';
  id: string;
  topic_id: string;
  community_id: string;
  kind: 'cpd' | 'problem';
  solved: boolean;
  title: string;
  title_headline: string;
  snippet: string;
  author_id: string;
  author_handle: string;
  author_name: string;
  created_at: string;
  rank: number;
  total: number;
  truncated: boolean;
}

/** Marks ts_headline puts around matched words: control characters, removed from the text beforehand. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;
const withoutMarks = (text: SQL) => sql`translate(${text}, ${MARK_START + MARK_END}, '')`;

/** A year-old text ranks half as high as a new one with the same words; two years, a third. */
const recency = (createdAt: SQL) => sql`(1.0 / (1.0 + extract(epoch from (now() - ${createdAt})) / 31557600.0))`;

/** Conditions on the topic t shared by every kind of hit. */
function topicFilters(f: SearchFilters): SQL[] {
  const where: SQL[] = [];
  if (f.kind) where.push(sql`t.kind = ${f.kind}`);
  if (f.solved !== undefined) where.push(sql`t.kind = 'problem' and t.solution_post_id is ${f.solved ? sql`not null` : sql`null`}`);
  if (f.topicId) where.push(sql`t.id = ${f.topicId}`);
  return where;
}

function writtenFilters(authorColumn: SQL, createdColumn: SQL, f: SearchFilters): SQL[] {
  const where: SQL[] = [];
  if (f.authorId) where.push(sql`${authorColumn} = ${f.authorId}`);
  if (f.from) where.push(sql`${createdColumn} >= ${f.from.toISOString()}::timestamptz`);
  if (f.until) where.push(sql`${createdColumn} < ${f.until.toISOString()}::timestamptz`);
  return where;
}

const and = (parts: SQL[]) => sql.join(parts, sql` and `);

/**
 * One search: the `window` most recent visible matches of each kind (topics, prompts, posts) per language
 * group, ranked (weights: title A over text B; recency), and one page of them with highlighted title and
 * snippet. `total` counts the ranked matches, so the pages hold exactly `total` items; `truncated` says an
 * older match was left out of the window.
 */
export async function search(
  db: DbOrTx,
  params: { text: string; groups: LanguageGroup[]; viewer: BulkViewer; filters: SearchFilters; window: number; offset: number; limit: number },
) {
  const { text, groups, viewer, filters: f, window, offset, limit } = params;
  const branches: SQL[] = [];
  for (const group of groups) {
    const cfg = sql`${group.language}::regconfig`;
    const query = sql`websearch_to_tsquery(${cfg}, ${text})`;
    // One community (the usual case) as `=`, so that (community_id, created_at) indexes give recent-first order.
    const inScope = (column: SQL) =>
      group.communityIds.length === 1 ? sql`${column} = ${group.communityIds[0]}` : sql`${column} = any(${uuidArray(group.communityIds)})`;
    const common = topicFilters(f);
    if (f.type !== 'post') {
      branches.push(sql`(select 'topic'::text as type, t.id, t.id as topic_id, t.created_at, ts_rank(t.search_vector, ${query}) as text_rank,
          ${group.language}::text as language
        from topics t
        where t.search_vector @@ ${query} and ${inScope(sql`t.community_id`)} and ${topicReadable(sql`t`, viewer)}
          ${and([sql``, ...common, ...writtenFilters(sql`t.author_id`, sql`t.created_at`, f)])}
        order by t.created_at desc limit ${window + 1})`);
      if (f.kind !== 'problem' && f.solved === undefined) {
        branches.push(sql`(select 'prompt'::text as type, pr.id, pr.topic_id, pr.created_at, ts_rank(pr.search_vector, ${query}) as text_rank,
            ${group.language}::text as language
          from prompts pr join topics t on t.id = pr.topic_id
          where pr.search_vector @@ ${query} and ${inScope(sql`t.community_id`)} and ${topicReadable(sql`t`, viewer)}
            and ${promptReadable(sql`pr`, sql`t`, viewer)}
            ${and([sql``, ...common, ...writtenFilters(sql`t.author_id`, sql`pr.created_at`, f)])}
          order by pr.created_at desc limit ${window + 1})`);
      }
    }
    if (f.type !== 'topic') {
      // Every branch names its columns: whichever comes first names the union's.
      branches.push(sql`(select 'post'::text as type, p.id, p.topic_id, p.created_at, ts_rank(p.search_vector, ${query}) as text_rank,
          ${group.language}::text as language
        from posts p join topics t on t.id = p.topic_id
        where p.search_vector @@ ${query} and ${inScope(sql`p.community_id`)} and ${topicReadable(sql`t`, viewer)}
          and ${postReadable(sql`p`, sql`t`, viewer)}
          ${and([sql``, ...common, ...writtenFilters(sql`p.author_id`, sql`p.created_at`, f)])}
        order by p.created_at desc limit ${window + 1})`);
    }
  }
  if (branches.length === 0) return [];

  return selectRows<SearchRow>(
    db,
    sql`with hits as (${sql.join(branches, sql` union all `)}),
      windowed as (select h.*, row_number() over (partition by h.type, h.language order by h.created_at desc) as n from hits h),
      ranked as (select w.*, (w.text_rank * ${recency(sql`w.created_at`)})::float8 as rank from windowed w where w.n <= ${window}),
      page as (select * from ranked order by rank desc, created_at desc, id limit ${limit} offset ${offset})
    select page.type, page.id, page.topic_id, t.community_id, t.kind, (t.solution_post_id is not null) as solved, t.title,
      ts_headline(page.language::regconfig, ${withoutMarks(sql`t.title`)}, websearch_to_tsquery(page.language::regconfig, ${text}), ${TITLE_OPTIONS}) as title_headline,
      ts_headline(page.language::regconfig, ${withoutMarks(sql`coalesce(p.body_md, pr.body_md, t.body_md)`)},
        websearch_to_tsquery(page.language::regconfig, ${text}), ${HEADLINE_OPTIONS}) as snippet,
      u.id as author_id, u.handle as author_handle, u.display_name as author_name,
      page.created_at, page.rank,
      (select count(*) from ranked)::int as total,
      exists (select 1 from windowed where n > ${window}) as truncated
    from page
    join topics t on t.id = page.topic_id
    left join posts p on page.type = 'post' and p.id = page.id
    left join prompts pr on page.type = 'prompt' and pr.id = page.id
    join users u on u.id = coalesce(p.author_id, t.author_id)
    order by page.rank desc, page.created_at desc, page.id`,
  );
}

/** How many matches there are when the page is past the end (the page query returns no row to carry it). */
export async function countMatches(
  db: DbOrTx,
  params: { text: string; groups: LanguageGroup[]; viewer: BulkViewer; filters: SearchFilters; window: number },
) {
  const rows = await search(db, { ...params, offset: 0, limit: 1 });
  return { total: rows[0]?.total ?? 0, truncated: rows[0]?.truncated ?? false };
}

export interface SimilarRow {
  id: string;
  title: string;
  created_at: string;
  post_count: number;
  solved: boolean;
  solution_md: string | null;
  score: number;
}

/**
 * Practice problems of the community whose titles resemble `title`: trigram similarity of the titles
 * (pg_trgm's % operator, on its index) or any shared word of the title in the problem's text, whichever
 * scores higher. Without pg_trgm, the shared words alone. Only problems and solutions the viewer may read.
 */
export async function similarProblems(
  db: DbOrTx,
  params: { communityId: string; language: string; title: string; viewer: BulkViewer; trigram: boolean; limit: number },
) {
  const { communityId, language, title, viewer, trigram, limit } = params;
  const cfg = sql`${language}::regconfig`;
  // Any of the title's words (plainto_tsquery joins them with &; its text form quotes every lexeme).
  const anyWord = sql`nullif(replace(plainto_tsquery(${cfg}, ${title})::text, ' & ', ' | '), '')::tsquery`;
  const lowered = title.toLowerCase();
  const fullText = sql`coalesce(ts_rank(t.search_vector, ${anyWord}, 32), 0)`;
  const score = trigram ? sql`greatest(similarity(lower(t.title), ${lowered}), ${fullText})` : fullText;
  const matches = trigram ? sql`(lower(t.title) % ${lowered} or t.search_vector @@ ${anyWord})` : sql`t.search_vector @@ ${anyWord}`;
  return selectRows<SimilarRow>(
    db,
    sql`select t.id, t.title, t.created_at, t.post_count, (t.solution_post_id is not null) as solved,
        (select sp.body_md from posts sp where sp.id = t.solution_post_id and ${postReadable(sql`sp`, sql`t`, viewer)}) as solution_md,
        (${score})::float8 as score
      from topics t
      where t.community_id = ${communityId} and t.kind = 'problem' and ${topicReadable(sql`t`, viewer)} and ${matches}
      order by score desc, t.created_at desc
      limit ${limit}`,
  );
}

export async function findCommunityLanguages(db: DbOrTx, communityIds: string[]) {
  if (communityIds.length === 0) return [];
  return selectRows<{ id: string; language: string }>(
    db,
    sql`select c.id, coalesce(cfg.cfgname::text, 'simple') as language
      from communities c left join pg_catalog.pg_ts_config cfg on cfg.cfgname = c.search_language
      where c.id = any(${uuidArray(communityIds)})`,
  );
}

/** The communities the member belongs to, and those where they moderate. */
export async function memberCommunities(db: DbOrTx, userId: string) {
  return selectRows<{ id: string; moderator: boolean }>(
    db,
    sql`select community_id as id, 'moderator' = any(roles) as moderator from memberships where user_id = ${userId} and removed_at is null`,
  );
}

export async function findUserIdByHandle(db: DbOrTx, handle: string) {
  const [row] = await selectRows<{ id: string }>(db, sql`select id from users where handle = ${handle.toLowerCase()}`);
  return row?.id ?? null;
}

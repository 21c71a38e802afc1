// SQL for full-text search and similar practice problems. Which rows a member may see is decided by
// domain/visibility-sql.ts; here: matching, the ranked window, ranking and snippets.
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, uuidArray, type DbOrTx } from '../../db/client.js';
import { postReadable, promptReadable, topicReadable, type BulkViewer } from '../../domain/visibility-sql.js';

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
}

export interface SearchPage {
  rows: SearchRow[];
  /** Ranked matches in all (the pages together). */
  total: number;
  /** A kind had more matches than the window: older ones were left out. */
  truncated: boolean;
  /** The posts branch filled its window (so a narrower `postsSince` gave the same result as none). */
  postsWindowFull: boolean;
}

/** Marks ts_headline puts around matched words: control characters, removed from the text beforehand. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;
const withoutMarks = (text: SQL) => sql`translate(${text}, ${MARK_START + MARK_END}, '')`;

/** A year-old text ranks half as high as a new one with the same words; two years, a third. */
const recency = (createdAt: SQL) => sql`(1.0 / (1.0 + extract(epoch from (now() - ${createdAt})) / 31557600.0))`;

/** The age bands replies are read in, newest first (see search()). */
function postBands(now: Date): Array<{ from: Date | null; before: Date | null }> {
  const monthAgo = new Date(now.getTime() - 31 * 86_400_000);
  const yearAgo = new Date(now.getTime() - 366 * 86_400_000);
  return [
    { from: monthAgo, before: null },
    { from: yearAgo, before: monthAgo },
    { from: null, before: yearAgo },
  ];
}

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
 *
 * Cost: each branch finds its window recent-first — a backward scan of (community_id, created_at) for
 * common words, the GIN index for rare ones — and only the window's rows are ranked (ts_rank reads the
 * whole vector, which for a long article is large). `postsSince` bounds the posts branch to recent ones
 * (the GIN bitmap AND the created_at range): when the window is still full the result is the same as
 * without the bound, which the caller checks with `postsWindowFull`.
 */
export async function search(
  db: DbOrTx,
  params: {
    text: string;
    groups: LanguageGroup[];
    viewer: BulkViewer;
    filters: SearchFilters;
    window: number;
    offset: number;
    limit: number;
    postsSince?: Date | undefined;
    /** Read the community's newest posts before the index: up to the first reach, then the next (ascending). */
    newestProbe?: number[] | undefined;
  },
): Promise<SearchPage> {
  const { text, groups, viewer, filters: f, window, offset, limit, postsSince, newestProbe } = params;
  const branches: SQL[] = [];
  const bandCtes: SQL[] = [];
  for (const group of groups) {
    const cfg = sql`${group.language}::regconfig`;
    const query = sql`websearch_to_tsquery(${cfg}, ${text})`;
    // One community (the usual case) as `=`, so that (community_id, created_at) indexes give recent-first order.
    const inScope = (column: SQL) =>
      group.communityIds.length === 1 ? sql`${column} = ${group.communityIds[0]}` : sql`${column} = any(${uuidArray(group.communityIds)})`;
    const common = topicFilters(f);
    // Every branch names its columns: whichever comes first names the union's.
    const columns = (type: string, row: string, topicId: SQL) =>
      sql`${type}::text as type, ${sql.raw(row)}.id, ${topicId} as topic_id, ${sql.raw(row)}.created_at, ${sql.raw(row)}.search_vector as vec,
        ${group.language}::text as language`;
    if (f.type !== 'post') {
      branches.push(sql`(select ${columns('topic', 't', sql`t.id`)}
        from topics t
        where t.search_vector @@ ${query} and ${inScope(sql`t.community_id`)} and ${topicReadable(sql`t`, viewer)}
          ${and([sql``, ...common, ...writtenFilters(sql`t.author_id`, sql`t.created_at`, f)])}
        order by t.created_at desc limit ${window + 1})`);
      if (f.kind !== 'problem' && f.solved === undefined) {
        branches.push(sql`(select ${columns('prompt', 'pr', sql`pr.topic_id`)}
          from prompts pr join topics t on t.id = pr.topic_id
          where pr.search_vector @@ ${query} and ${inScope(sql`t.community_id`)} and ${topicReadable(sql`t`, viewer)}
            and ${promptReadable(sql`pr`, sql`t`, viewer)}
            ${and([sql``, ...common, ...writtenFilters(sql`t.author_id`, sql`pr.created_at`, f)])}
          order by pr.created_at desc limit ${window + 1})`);
      }
    }
    if (f.type !== 'topic') {
      const g = groups.indexOf(group);
      const names: string[] = [];
      const notYetFull = () =>
        names.length ? sql` and (${sql.raw(names.map((n) => `(select count(*) from ${n})`).join(' + '))}) <= ${window}` : sql``;
      const replies = (name: string, from: SQL, bounds: SQL) => {
        bandCtes.push(sql`${sql.raw(name)} as (select ${columns('post', 'p', sql`p.topic_id`)}
          from ${from} join topics t on t.id = p.topic_id
          where p.search_vector @@ ${query} and ${inScope(sql`p.community_id`)}${bounds}${notYetFull()} and ${topicReadable(sql`t`, viewer)}
            and ${postReadable(sql`p`, sql`t`, viewer)}
            ${and([sql``, ...common, ...writtenFilters(sql`p.author_id`, sql`p.created_at`, f)])}
          order by p.created_at desc limit ${window + 1})`);
        names.push(name);
        branches.push(sql`(select * from ${sql.raw(name)})`);
      };
      // With `newestProbe`, in one community, first the community's newest posts themselves: a query of several
      // common words fills its window among them, where the GIN index would read every match of each word (and
      // the planner, multiplying the words' shares as if independent, expects few matches and takes it). Each
      // step is exact: it covers every post newer than the oldest one it may read and not covered before; a
      // step runs only while the window is not full; the bands below take the rest (that time and older).
      let older = sql``;
      if (newestProbe && !postsSince && group.communityIds.length === 1) {
        const community = group.communityIds[0]!;
        let newer: SQL | null = null;
        newestProbe.forEach((reach, i) => {
          // The time of the reach-th newest post (or -infinity: the community has fewer posts).
          const bound = `newest_${g}_${i}`;
          bandCtes.push(sql`${sql.raw(bound)} as materialized (select coalesce((select created_at from posts
              where community_id = ${community} order by created_at desc offset ${reach - 1} limit 1), '-infinity'::timestamptz) as oldest)`);
          const oldest = sql.raw(`(select oldest from ${bound})`);
          // Every post newer than `oldest` is among the `reach` newest, whatever the ties; the step before took
          // those newer than `newer`, which at a tie may be fewer than its reach (so this step reads all `reach`).
          replies(
            `replies_${g}_newest_${i}`,
            sql`(select * from posts where community_id = ${community} order by created_at desc limit ${reach}) p`,
            sql` and p.created_at > ${oldest}${newer ? sql` and p.created_at <= ${newer}` : sql``}`,
          );
          newer = oldest;
        });
        older = sql` and p.created_at <= ${newer!}`;
      }
      // Then older replies newest-first in age bands (the last month, the year before it, all older): a band is
      // read only while the window is not full yet (a one-time filter on the bands before it), so a rare word
      // reads every band through the GIN index and a common one stops early. The bands are disjoint and each in
      // date order: together they hold exactly the window an unbanded scan would.
      const bands = postsSince ? [null] : postBands(new Date());
      bands.forEach((band, i) => {
        const bounds = band
          ? sql` and p.created_at < ${band.before?.toISOString() ?? 'infinity'}::timestamptz and p.created_at >= ${band.from?.toISOString() ?? '-infinity'}::timestamptz`
          : sql` and p.created_at >= ${postsSince!.toISOString()}::timestamptz`;
        replies(`replies_${g}_${i}`, sql`posts p`, sql`${bounds}${older}`);
      });
    }
  }
  if (branches.length === 0) return { rows: [], total: 0, truncated: false, postsWindowFull: false };

  // One row of counts, joined to the page: a page past the end still says how many there are.
  const rows = await selectRows<SearchRow & { total: number; truncated: boolean; posts_window_full: boolean }>(
    db,
    sql`with ${bandCtes.length ? sql`${sql.join(bandCtes, sql`, `)}, ` : sql``}hits as (${sql.join(branches, sql` union all `)}),
      windowed as (select h.*, row_number() over (partition by h.type, h.language order by h.created_at desc) as n from hits h),
      ranked as (select w.type, w.id, w.topic_id, w.created_at, w.language,
          (ts_rank(w.vec, websearch_to_tsquery(w.language::regconfig, ${text})) * ${recency(sql`w.created_at`)})::float8 as rank
        from windowed w where w.n <= ${window}),
      counts as (select (select count(*) from ranked)::int as total,
          exists (select 1 from windowed where n > ${window}) as truncated,
          exists (select 1 from windowed where type = 'post' and n > ${window}) as posts_window_full),
      page as (select * from ranked order by rank desc, created_at desc, id limit ${limit} offset ${offset})
    select counts.total, counts.truncated, counts.posts_window_full,
      page.type, page.id, page.topic_id, t.community_id, t.kind, (t.solution_post_id is not null) as solved, t.title,
      ts_headline(page.language::regconfig, ${withoutMarks(sql`t.title`)}, websearch_to_tsquery(page.language::regconfig, ${text}), ${TITLE_OPTIONS}) as title_headline,
      ts_headline(page.language::regconfig, ${withoutMarks(sql`coalesce(p.body_md, pr.body_md, t.body_md)`)},
        websearch_to_tsquery(page.language::regconfig, ${text}), ${HEADLINE_OPTIONS}) as snippet,
      u.id as author_id, u.handle as author_handle, u.display_name as author_name,
      page.created_at, page.rank
    from counts
    left join (page
      join topics t on t.id = page.topic_id
      left join posts p on page.type = 'post' and p.id = page.id
      left join prompts pr on page.type = 'prompt' and pr.id = page.id
      join users u on u.id = coalesce(p.author_id, t.author_id)) on true
    order by page.rank desc, page.created_at desc, page.id`,
  );
  const first = rows[0];
  return {
    rows: rows.filter((r) => r.id !== null),
    total: first?.total ?? 0,
    truncated: first?.truncated ?? false,
    postsWindowFull: first?.posts_window_full ?? false,
  };
}

/**
 * How many distinct words the text has, and the share of posts holding the rarest of them, by the statistics
 * ANALYZE keeps of posts.search_vector (0 for a word it did not list as common, and where there are none).
 */
export async function wordShares(db: DbOrTx, language: string, text: string) {
  const [row] = await selectRows<{ words: number; min_share: number }>(
    db,
    sql`select count(*)::int as words, coalesce(min(coalesce(st.f, 0)), 0)::float8 as min_share
      from unnest(tsvector_to_array(to_tsvector(${language}::regconfig, ${text}))) as l
      left join (select x.e, x.f from pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as x(e, f)
        where s.schemaname = current_schema() and s.tablename = 'posts' and s.attname = 'search_vector' and x.e is not null) st on st.e = l`,
  );
  return { words: row?.words ?? 0, minShare: Number(row?.min_share ?? 0) };
}

/** Words rarer than minWordShare are the GIN index's to find; never more than maxPosts newest posts. */
const NEWEST_PROBE = { minWordShare: 0.02, maxPosts: 20_000 };

/**
 * Several words that each fill a good share of the posts: read enough of the newest posts to fill the window
 * three times over if the words came together as often as the rarest of them comes alone. When they come
 * together less often, the index finds the rest (reading on newest-first cost more: 15,000 more posts took
 * longer than the index's month at a million posts). Undefined: the index alone.
 */
export function newestProbeReach(shares: { words: number; minShare: number }, window: number): number[] | undefined {
  if (shares.words < 2 || shares.minShare < NEWEST_PROBE.minWordShare) return undefined;
  return [Math.min(NEWEST_PROBE.maxPosts, Math.ceil((3 * (window + 1)) / shares.minShare))];
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

/** At most this many distinct words of a title make the pairs of the full-text arm (12 words: 66 pairs). */
const SIMILAR_TITLE_WORDS = 12;
/**
 * Titles at least this trigram-similar are candidates (pg_trgm's default, 0.3, is for any fuzzy match: here it
 * made half the titles of a community with set phrasings candidates, each rechecked; a reworded or mistyped
 * duplicate scores 0.5–0.8, and the full-text arm finds rephrasings).
 */
const SIMILAR_TITLE_THRESHOLD = 0.4;
/** A word in more than this share of topics (by the column's statistics) says nothing about a problem. */
const SIMILAR_COMMON_WORD_SHARE = 0.2;

/**
 * Practice problems of the community whose titles resemble `title`. Candidates come from indexes only: titles
 * trigram-similar to it (pg_trgm's % on topics_problem_title_trgm_idx), and titles sharing at least two of its
 * telling words (one, for a one-word title) through the problems' full-text index — the title is the vector's
 * weight A. A telling word is one that ANALYZE did not find in more than a fifth of the topics ("the", "after",
 * and a community's everyday words: with them every problem would be a candidate). Each candidate scores its
 * title similarity or its text's rank for any of the title's words, whichever is higher. Without pg_trgm, the
 * words alone. Only problems and solutions the viewer may read.
 */
export async function similarProblems(
  db: DbOrTx,
  params: { communityId: string; language: string; title: string; viewer: BulkViewer; trigram: boolean; limit: number },
) {
  const { communityId, language, title, viewer, trigram, limit } = params;
  const cfg = sql`${language}::regconfig`;
  // The text form of plainto_tsquery quotes every lexeme and joins them with ' & ', so it can be re-parsed.
  const lexemes = sql`string_to_array(nullif(plainto_tsquery(${cfg}, ${title})::text, ''), ' & ')`;
  const anyWord = sql`nullif(array_to_string(${lexemes}, ' | '), '')::tsquery`;
  const common = sql`select quote_literal(e) from pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as x(e, f)
    where s.schemaname = current_schema() and s.tablename = 'topics' and s.attname = 'search_vector' and x.e is not null
      and x.f > ${SIMILAR_COMMON_WORD_SHARE}`; // the frequencies array ends with three summary figures, no words
  const titleWords = sql`(with words as (select l || ':A' as l, row_number() over () as n
        from (select distinct l from unnest(${lexemes}) as l where l not in (${common}) limit ${SIMILAR_TITLE_WORDS}) as telling)
      select coalesce((select string_agg(a.l || ' & ' || b.l, ' | ') from words a join words b on a.n < b.n),
        (select min(l) from words))::tsquery)`;
  const lowered = title.toLowerCase();
  const fullText = sql`coalesce(ts_rank(t.search_vector, ${anyWord}, 32), 0)`;
  const score = trigram ? sql`greatest(similarity(lower(t.title), ${lowered}), ${fullText})` : fullText;
  const byWords = sql`select id from topics where community_id = ${communityId} and kind = 'problem' and search_vector @@ ${titleWords}`;
  const candidates = trigram
    ? sql`select id from topics where kind = 'problem' and lower(title) % ${lowered} and community_id = ${communityId} union ${byWords}`
    : byWords;
  const statement = sql`select t.id, t.title, t.created_at, t.post_count, (t.solution_post_id is not null) as solved,
      (select sp.body_md from posts sp where sp.id = t.solution_post_id and ${postReadable(sql`sp`, sql`t`, viewer)}) as solution_md,
      (${score})::float8 as score
    from (${candidates}) as candidate join topics t on t.id = candidate.id
    where ${topicReadable(sql`t`, viewer)}
    order by score desc, t.created_at desc
    limit ${limit}`;
  if (!trigram) return selectRows<SimilarRow>(db, statement);
  // % compares with pg_trgm.similarity_threshold: set for this statement alone (a transaction-local setting).
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(SIMILAR_TITLE_THRESHOLD)}, true)`);
    return selectRows<SimilarRow>(tx, statement);
  });
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

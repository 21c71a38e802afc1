// Full-text search over what a member may open (topics, prompts, replies in their communities), and the
// practice-problem form's "has this been asked before?".
import type { Db } from '../../db/client.js';
import { invalid } from '../../errors.js';
import { authorize, type Actor } from '../../policy/policy.js';
import type { CommunityAccessDeps, TopicAccessDeps } from '../../domain/deps.js';
import { hasTrigramSimilarity } from '../../domain/search-index.js';
import type { BulkViewer } from '../../domain/visibility-sql.js';
import { SEARCH_LIMITS, type SearchQuery, type SearchResults, type SimilarProblems } from '../../../shared/schemas/search.js';
import * as q from './queries.js';
import { firstLine, highlightedHtml } from './snippet.js';

/** Control characters mean nothing to a search and would collide with the highlight marks. */
const cleanText = (text: string) => text.replace(/[\u0000-\u001F\u007F]+/g, ' ').trim();

/** A day counts from its start (from) or to its end (to), in UTC. */
function parseDate(value: string | undefined, field: 'from' | 'to'): Date | undefined {
  if (value === undefined) return undefined;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()) || (dayOnly && date.toISOString().slice(0, 10) !== value)) {
    throw invalid(field, `"${value}" is not a date (use 2026-03-01 or an ISO date-time).`, 'invalid_date');
  }
  if (field === 'to' && dayOnly) date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

export function createSearchService({
  db,
  communities,
  topics,
}: {
  db: Db;
  communities: Pick<CommunityAccessDeps, 'requireCommunity'>;
  topics: Pick<TopicAccessDeps, 'requireTopic'>;
}) {
  let trigram: Promise<boolean> | undefined;

  /** Who is searching, and where: one community or topic (checked by the policy), else all of theirs. */
  async function scope(actor: Actor | null, query: Pick<SearchQuery, 'communityId' | 'topicId'>) {
    const me = authorize(actor, 'search.run');
    const memberOf = await q.memberCommunities(db, me.id);
    const viewer: BulkViewer = { userId: me.id, isAdmin: me.isAdmin, moderatedCommunityIds: memberOf.filter((c) => c.moderator).map((c) => c.id) };
    let communityIds = memberOf.map((c) => c.id);
    if (query.topicId) {
      const access = await topics.requireTopic(db, me, query.topicId, 'topic.read');
      if (query.communityId && query.communityId !== access.topic.communityId) communityIds = [];
      else communityIds = [access.topic.communityId];
    } else if (query.communityId) {
      await communities.requireCommunity(db, me, query.communityId, 'topics.list');
      communityIds = [query.communityId];
    }
    return { me, viewer, communityIds };
  }

  async function newestProbe(groups: q.LanguageGroup[], text: string, window: number): Promise<number[] | undefined> {
    // One word: the planner's estimate is right, and it walks the newest posts itself when the word is common.
    if (groups.length !== 1 || groups[0]!.communityIds.length !== 1 || !/\S\s+\S/.test(text)) return undefined;
    return q.newestProbeReach(await q.wordShares(db, groups[0]!.language, text), window);
  }

  return {
    async search(actor: Actor | null, query: SearchQuery): Promise<SearchResults> {
      const { viewer, communityIds } = await scope(actor, query);
      const from = parseDate(query.from, 'from');
      const until = parseDate(query.to, 'to');
      const text = cleanText(query.q);
      const languages = await q.findCommunityLanguages(db, communityIds);
      const groups: q.LanguageGroup[] = [];
      for (const c of languages) {
        const group = groups.find((g) => g.language === c.language);
        if (group) group.communityIds.push(c.id);
        else groups.push({ language: c.language, communityIds: [c.id] });
      }
      const empty = { items: [], nextCursor: null, total: 0, truncated: false, languages: groups.map((g) => g.language) };
      if (text === '' || groups.length === 0) return empty;
      let authorId: string | undefined;
      if (query.author) {
        const found = await q.findUserIdByHandle(db, query.author.replace(/^@/, ''));
        if (!found) return empty; // nobody by that handle: nothing they wrote
        authorId = found;
      }
      const filters: q.SearchFilters = { type: query.type, kind: query.kind, authorId, from, until, solved: query.solved, topicId: query.topicId };
      const offset = query.cursor ? Number(query.cursor) : 0;
      const limit = query.limit ?? SEARCH_LIMITS.pageDefault;
      const window = SEARCH_LIMITS.rankedWindow;
      const params = { text, groups, viewer, filters, window, offset, limit, newestProbe: await newestProbe(groups, text, window) };
      const result = await q.search(db, params);
      const { rows, total, truncated } = result;
      return {
        items: rows.map((r) => ({
          type: r.type,
          id: r.id,
          topicId: r.topic_id,
          communityId: r.community_id,
          title: r.title,
          titleHtml: highlightedHtml(r.title_headline, { markdown: false }),
          snippetHtml: highlightedHtml(r.snippet, { markdown: true }),
          author: { id: r.author_id, handle: r.author_handle, displayName: r.author_name },
          createdAt: new Date(r.created_at).toISOString(),
          rank: Number(r.rank),
          kind: r.kind,
          solved: r.solved,
        })),
        nextCursor: offset + rows.length < total ? String(offset + rows.length) : null,
        total,
        truncated,
        languages: groups.map((g) => g.language),
      };
    },

    async similarProblems(actor: Actor | null, communityId: string, title: string): Promise<SimilarProblems> {
      const { actor: me, membership } = await communities.requireCommunity(db, actor, communityId, 'topics.list');
      trigram ??= hasTrigramSimilarity(db);
      const method = (await trigram) ? 'trigram+fulltext' : 'fulltext';
      const text = cleanText(title);
      if (text.length < SEARCH_LIMITS.similarTitleMin) return { items: [], method };
      const [language] = await q.findCommunityLanguages(db, [communityId]);
      const viewer: BulkViewer = {
        userId: me.id,
        isAdmin: me.isAdmin,
        moderatedCommunityIds: membership?.roles.includes('moderator') ? [communityId] : [],
      };
      const rows = await q.similarProblems(db, {
        communityId,
        language: language?.language ?? 'simple',
        title: text,
        viewer,
        trigram: method === 'trigram+fulltext',
        limit: SEARCH_LIMITS.similarMax,
      });
      return {
        method,
        items: rows.map((r) => ({
          topicId: r.id,
          title: r.title,
          createdAt: new Date(r.created_at).toISOString(),
          postCount: r.post_count,
          solved: r.solved,
          solutionFirstLine: r.solution_md === null ? null : firstLine(r.solution_md),
          score: Math.round(Number(r.score) * 1000) / 1000,
        })),
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;

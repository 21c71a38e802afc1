// What a search asks for, as it lives in the address (/search?q=…&kind=problem…), so results can be linked and
// Back returns to the previous filters. Pure functions, no DOM: the results page, the header's search box,
// the router and the tests share them (where a hit leads is paths.hit in router.ts).
import type { SearchHit, SearchQuery } from './api/search.js';

export interface SearchFilters {
  /** The words as typed (websearch syntax); '' before the member asked anything. */
  q: string;
  /** One community; absent: all of mine. */
  communityId?: string;
  /** topic: topics only; post: replies only; absent: both. */
  type?: 'topic' | 'post';
  kind?: 'cpd' | 'problem';
  /** A handle, without the @. */
  author?: string;
  /** YYYY-MM-DD (UTC days, as the API counts them). */
  from?: string;
  to?: string;
  solved?: boolean;
  topicId?: string;
}

/** The filters besides the words, in the order they appear in addresses. */
export const FILTER_KEYS = ['communityId', 'type', 'kind', 'author', 'from', 'to', 'solved', 'topicId'] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HANDLE = /^[A-Za-z0-9_-]{1,40}$/;
const ID = /^[0-9a-fA-F-]{36}$/;

/** Reads the address's query. A value the API would refuse (a mistyped link) is left out rather than failing the page. */
export function filtersFromQuery(query: URLSearchParams): SearchFilters {
  const f: SearchFilters = { q: (query.get('q') ?? '').slice(0, 200) };
  const communityId = query.get('communityId');
  if (communityId && ID.test(communityId)) f.communityId = communityId;
  const type = query.get('type');
  if (type === 'topic' || type === 'post') f.type = type;
  const kind = query.get('kind');
  if (kind === 'cpd' || kind === 'problem') f.kind = kind;
  const author = query.get('author')?.replace(/^@/, '');
  if (author && HANDLE.test(author)) f.author = author;
  const from = query.get('from');
  if (from && DAY.test(from)) f.from = from;
  const to = query.get('to');
  if (to && DAY.test(to)) f.to = to;
  const solved = query.get('solved');
  if (solved === 'true' || solved === 'false') f.solved = solved === 'true';
  const topicId = query.get('topicId');
  if (topicId && ID.test(topicId)) f.topicId = topicId;
  return f;
}

/** The query string for the address (no leading ?); q first, then the filters in FILTER_KEYS order. */
export function filtersToQuery(f: SearchFilters): string {
  const q = new URLSearchParams();
  if (f.q) q.set('q', f.q);
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v !== undefined && v !== '') q.set(key, String(v));
  }
  return q.toString();
}

/** True when anything besides the words and the community (the scope) narrows the search. */
export function hasFilters(f: SearchFilters): boolean {
  return FILTER_KEYS.some((k) => k !== 'communityId' && f[k] !== undefined && f[k] !== '');
}

/** The same words with every filter removed, except the community (the scope the member chose). */
export function withoutFilters(f: SearchFilters): SearchFilters {
  return { q: f.q, ...(f.communityId ? { communityId: f.communityId } : {}) };
}

/** The API request for these filters (one page). */
export function toSearchQuery(f: SearchFilters, page: { cursor?: string | null; limit?: number } = {}): SearchQuery {
  const query: SearchQuery = { q: f.q.trim() };
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v !== undefined && v !== '') (query as Record<string, unknown>)[key] = v;
  }
  if (page.cursor) query.cursor = page.cursor;
  if (page.limit) query.limit = page.limit;
  return query;
}

/** How a hit's kind reads in a list. */
export const HIT_TYPE_LABEL: Record<SearchHit['type'], string> = { topic: 'Topic', prompt: 'Prompt', post: 'Reply' };

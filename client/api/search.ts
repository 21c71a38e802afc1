// Search and "has this been asked before?": /api/search, /api/communities/:id/similar-problems.
import type { SearchQuery, SearchResults, SimilarProblems } from '../../shared/schemas/search.js';
import { request } from './http.js';

export type { SearchHit, SearchQuery, SearchResults, SimilarProblem, SimilarProblems } from '../../shared/schemas/search.js';
export { SEARCH_LIMITS } from '../../shared/schemas/search.js';

const id = encodeURIComponent;

/** The query string of a search: empty and absent values are left out; booleans as true/false. */
export function searchQueryString(params: SearchQuery): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params) as Array<[string, unknown]>) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  return q.toString();
}

export const searchApi = {
  search: (params: SearchQuery, signal?: AbortSignal) => request<SearchResults>('GET', `/api/search?${searchQueryString(params)}`, undefined, signal),
  /** Up to 5 earlier practice problems whose titles are close to `title` (none for titles under 4 characters). */
  similarProblems: (communityId: string, title: string, signal?: AbortSignal) =>
    request<SimilarProblems>('GET', `/api/communities/${id(communityId)}/similar-problems?title=${id(title)}`, undefined, signal),
};

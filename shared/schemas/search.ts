// Full-text search across what a member may open, and "has this been asked before?" for new practice problems.
import { Type, type Static } from 'typebox';
import { IsoDateTime, Uuid } from './common.js';

export const SEARCH_LIMITS = {
  /** Characters of query text; longer queries are refused (400), not cut. */
  queryMax: 200,
  pageMax: 50,
  pageDefault: 20,
  /** The most recent matches of each kind (topics, prompts, posts) that are ranked; older ones are left out. */
  rankedWindow: 200,
  similarMax: 5,
  /** Shorter titles get no suggestions (too few letters to compare). */
  similarTitleMin: 4,
} as const;

/** A day (2026-03-01) or an instant (2026-03-01T12:00:00Z). */
const DateOrDateTime = Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ][0-9:.]+([Zz]|[+-]\\d{2}:?\\d{2})?)?$' });

export const SearchQuery = Type.Object(
  {
    /** websearch syntax: words, "quoted phrases", -exclude, or. Any text is accepted; nothing in it is an error. */
    q: Type.String({ minLength: 1, maxLength: SEARCH_LIMITS.queryMax }),
    /** One community (default: every community you belong to). */
    communityId: Type.Optional(Uuid),
    /** topic: topics only (titles, articles, problem descriptions, prompts); post: replies only. Default both. */
    type: Type.Optional(Type.Union([Type.Literal('topic'), Type.Literal('post')])),
    /** CPD topics or practice problems (and their replies). */
    kind: Type.Optional(Type.Union([Type.Literal('cpd'), Type.Literal('problem')])),
    /** Written by this member (@handle, with or without the @). */
    author: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^@?[A-Za-z0-9_-]+$' })),
    /** Written on or after (a day counts from its start, UTC). */
    from: Type.Optional(DateOrDateTime),
    /** Written on or before (a day counts to its end, UTC). */
    to: Type.Optional(DateOrDateTime),
    /** Only practice problems that have (true) or have not (false) a marked solution, and their replies. */
    solved: Type.Optional(Type.Boolean()),
    /** Only inside this topic (its title, text, prompts and replies). */
    topicId: Type.Optional(Uuid),
    /** nextCursor of the previous page. */
    cursor: Type.Optional(Type.String({ maxLength: 40, pattern: '^[0-9]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_LIMITS.pageMax, default: SEARCH_LIMITS.pageDefault })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchAuthor = Type.Object({ id: Uuid, handle: Type.String(), displayName: Type.String() });

export const SearchHit = Type.Object({
  /** topic: a topic's title and text; prompt: one of a CPD topic's prompts; post: a reply. */
  type: Type.Union([Type.Literal('topic'), Type.Literal('prompt'), Type.Literal('post')]),
  /** The topic's, prompt's or post's id. */
  id: Uuid,
  topicId: Uuid,
  communityId: Uuid,
  /** The topic's title. */
  title: Type.String(),
  /** The title with the matched words in <mark>: plain text escaped, nothing else. */
  titleHtml: Type.String(),
  /** A few lines of the text around the matched words, in <mark>: plain text escaped, nothing else. */
  snippetHtml: Type.String(),
  author: SearchAuthor,
  createdAt: IsoDateTime,
  /** Relevance (title over body, recent over old): higher first. */
  rank: Type.Number(),
  kind: Type.Union([Type.Literal('cpd'), Type.Literal('problem')]),
  /** Practice problems: whether a solution is marked. */
  solved: Type.Boolean(),
});
export type SearchHit = Static<typeof SearchHit>;

export const SearchResults = Type.Object({
  items: Type.Array(SearchHit),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  /** How many matches there are in all (the pages together hold exactly these). */
  total: Type.Integer(),
  /** True when there were more matches than the ranked window: only the most recent ones are ranked and
   *  counted. A date range or a filter finds the older ones. */
  truncated: Type.Boolean(),
  /** The text-search configuration(s) the words were stemmed with (the communities' languages). */
  languages: Type.Array(Type.String()),
});
export type SearchResults = Static<typeof SearchResults>;

export const SimilarProblemsQuery = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const SimilarProblem = Type.Object({
  topicId: Uuid,
  title: Type.String(),
  createdAt: IsoDateTime,
  postCount: Type.Integer(),
  solved: Type.Boolean(),
  /** The marked solution's first line (plain text), when solved and visible to you. */
  solutionFirstLine: Type.Union([Type.String(), Type.Null()]),
  /** 0–1: how close the titles are. */
  score: Type.Number(),
});
export type SimilarProblem = Static<typeof SimilarProblem>;

export const SimilarProblems = Type.Object({
  items: Type.Array(SimilarProblem),
  /** How similarity was judged: trigram similarity plus full text (pg_trgm installed), or full text alone. */
  method: Type.Union([Type.Literal('trigram+fulltext'), Type.Literal('fulltext')]),
});
export type SimilarProblems = Static<typeof SimilarProblems>;

// A tiny History-API router. The route table below is the whole map of the app: each entry turns a path
// pattern (`:name` segments) and the query string into a typed Route. <stoa-app> renders the page for
// each route name (see renderPage there). To add a page: add a Route variant, a ROUTES entry, and a case
// in renderPage.
import type { SearchHit } from './api/search.js';
import { filtersFromQuery, filtersToQuery, type SearchFilters } from './search-filters.js';

export type Route =
  | { name: 'home' }
  | { name: 'login'; next: string | null; invite: string | null }
  | { name: 'register'; invite: string | null }
  | { name: 'invite'; token: string }
  | { name: 'forgot-password' }
  | { name: 'reset-password'; token: string | null }
  | { name: 'verify-email'; token: string | null }
  | { name: 'account' }
  | { name: 'notifications' }
  | { name: 'profile'; user: string }
  | { name: 'outbox' }
  | { name: 'community'; slug: string }
  | { name: 'topic'; slug: string; topicId: string; post: string | null; prompt: string | null }
  | { name: 'search'; filters: SearchFilters }
  | { name: 'moderation'; slug: string }
  | { name: 'moderation-log'; slug: string }
  | { name: 'community-settings'; slug: string }
  | { name: 'engagement'; slug: string; topicId: string | null }
  | { name: 'not-found'; path: string };

type Params = Record<string, string>;

const ROUTES: Array<[pattern: string, build: (params: Params, query: URLSearchParams) => Route]> = [
  ['/', () => ({ name: 'home' })],
  ['/login', (_, q) => ({ name: 'login', next: safeNext(q.get('next')), invite: q.get('invite') })],
  ['/register', (_, q) => ({ name: 'register', invite: q.get('invite') })],
  ['/invite/:token', (p) => ({ name: 'invite', token: p.token! })],
  ['/forgot-password', () => ({ name: 'forgot-password' })],
  ['/reset-password', (_, q) => ({ name: 'reset-password', token: q.get('token') })],
  ['/verify-email', (_, q) => ({ name: 'verify-email', token: q.get('token') })],
  ['/account', () => ({ name: 'account' })],
  ['/notifications', () => ({ name: 'notifications' })],
  ['/u/:user', (p) => ({ name: 'profile', user: p.user! })],
  ['/admin/outbox', () => ({ name: 'outbox' })],
  ['/c/:slug', (p) => ({ name: 'community', slug: p.slug! })],
  ['/search', (_, q) => ({ name: 'search', filters: filtersFromQuery(q) })],
  ['/c/:slug/t/:topicId', (p, q) => ({ name: 'topic', slug: p.slug!, topicId: p.topicId!, post: q.get('post'), prompt: q.get('prompt') })],
  ['/c/:slug/moderation', (p) => ({ name: 'moderation', slug: p.slug! })],
  ['/c/:slug/moderation/log', (p) => ({ name: 'moderation-log', slug: p.slug! })],
  ['/c/:slug/settings', (p) => ({ name: 'community-settings', slug: p.slug! })],
  ['/c/:slug/engagement', (p, q) => ({ name: 'engagement', slug: p.slug!, topicId: q.get('topic') })],
];

/** Routes that need a session; signed-out visitors are sent to /login?next=… */
export const SIGNED_IN_ONLY: ReadonlySet<Route['name']> = new Set([
  'home',
  'community',
  'topic',
  'search',
  'moderation',
  'moderation-log',
  'community-settings',
  'engagement',
  'account',
  'notifications',
  'profile',
  'outbox',
]);
/** Routes that make no sense when signed in; signed-in visitors are sent home. */
export const SIGNED_OUT_ONLY: ReadonlySet<Route['name']> = new Set(['login', 'register']);

export function resolve(url: URL | Location): Route {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(url.search);
  for (const [pattern, build] of ROUTES) {
    const params = match(pattern, path);
    if (params) return build(params, query);
  }
  return { name: 'not-found', path };
}

function match(pattern: string, path: string): Params | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null; // malformed percent-encoding
      }
    } else if (w !== g) return null;
  }
  return params;
}

/** Only same-site paths may be redirect targets (no `//evil.example`, no `https:`). */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}

/** Paths, built in one place so links and redirects agree. */
export const paths = {
  home: () => '/',
  login: (opts: { next?: string | null; invite?: string | null } = {}) => withQuery('/login', opts),
  register: (opts: { invite?: string | null } = {}) => withQuery('/register', opts),
  invite: (token: string) => `/invite/${encodeURIComponent(token)}`,
  forgotPassword: () => '/forgot-password',
  account: () => '/account',
  notifications: () => '/notifications',
  outbox: () => '/admin/outbox',
  profile: (handle: string) => `/u/${encodeURIComponent(handle)}`,
  community: (slug: string) => `/c/${encodeURIComponent(slug)}`,
  topic: (slug: string, topicId: string) => `/c/${encodeURIComponent(slug)}/t/${encodeURIComponent(topicId)}`,
  /** The topic page at one post (it pages on until the post is loaded, then scrolls to it). */
  post: (slug: string, topicId: string, postId: string) =>
    `/c/${encodeURIComponent(slug)}/t/${encodeURIComponent(topicId)}?post=${encodeURIComponent(postId)}`,
  /**
   * Where a search hit leads, in the community with this slug: a topic to its page, a reply to the topic page
   * at that post (?post=), a prompt to the topic page at that prompt (?prompt=).
   */
  hit: (hit: Pick<SearchHit, 'type' | 'id' | 'topicId'>, slug: string) => {
    const topic = `/c/${encodeURIComponent(slug)}/t/${encodeURIComponent(hit.topicId)}`;
    if (hit.type === 'post') return `${topic}?post=${encodeURIComponent(hit.id)}`;
    if (hit.type === 'prompt') return `${topic}?prompt=${encodeURIComponent(hit.id)}`;
    return topic;
  },
  /** The search results page for these words and filters. */
  search: (filters: SearchFilters) => {
    const q = filtersToQuery(filters);
    return q ? `/search?${q}` : '/search';
  },
  moderation: (slug: string) => `/c/${encodeURIComponent(slug)}/moderation`,
  moderationLog: (slug: string) => `/c/${encodeURIComponent(slug)}/moderation/log`,
  communitySettings: (slug: string) => `/c/${encodeURIComponent(slug)}/settings`,
  engagement: (slug: string) => `/c/${encodeURIComponent(slug)}/engagement`,
  /** A facilitator's view of one topic's participation. */
  topicEngagement: (slug: string, topicId: string) => `/c/${encodeURIComponent(slug)}/engagement?topic=${encodeURIComponent(topicId)}`,
};

function withQuery(path: string, query: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * For a click anywhere in the app (shadow DOM included), the in-app path it should navigate to, or null
 * when the browser should handle it (modified clicks, other origins, downloads, new tabs, in-page anchors).
 */
export function inAppLinkTarget(event: MouseEvent): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
  if (!anchor || !anchor.href || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self')) return null;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return null;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return null;
  return url.pathname + url.search + url.hash;
}

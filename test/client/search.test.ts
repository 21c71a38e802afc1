// @vitest-environment jsdom
// Search in the client, with fetch stubbed (the server's search is covered by test/server/search.test.ts, the
// whole thing in a browser by test/e2e/search.test.ts): the filters survive a trip through the address; the
// header box waits for typing to pause, cancels the request it no longer needs, and never lets an older
// answer replace a newer one; its keys choose a hit or go to the results page; snippets keep only <mark>;
// the practice-problem form lists similar problems and keeps its draft.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, until, useShellContext } from '../helpers/jsdom-shell.js';
import { sessionContext, type Session } from '../../client/context.js';
import { filtersFromQuery, filtersToQuery, hasFilters, toSearchQuery, withoutFilters } from '../../client/search-filters.js';
import { paths } from '../../client/router.js';
import { sanitizeHighlight } from '../../client/highlight.js';
import { loadProblemDraft, pruneDrafts, DRAFT_MAX_AGE_MS } from '../../client/drafts.js';
import '../../client/components/stoa-search-box.js';
import '../../client/components/stoa-problem-form.js';
import '../../client/components/stoa-search-page.js';

type Lit = HTMLElement & { updateComplete: Promise<unknown> };

useShellContext();

const C1 = '11111111-1111-4111-8111-111111111111';
const T1 = '22222222-2222-4222-8222-222222222222';
const P1 = '33333333-3333-4333-8333-333333333333';

const session: Session = {
  status: 'signed-in',
  me: {
    id: 'u1', email: 'a@b.c', displayName: 'Ann', handle: 'ann', isAdmin: false, emailVerified: true, bio: '', expertise: '',
    memberships: [{ communityId: C1, slug: 'elt', name: 'ELT', roles: [], suspended: false }],
  } as unknown as Extract<Session, { status: 'signed-in' }>['me'],
};
document.addEventListener('context-request', (event) => {
  const e = event as Event & { context: unknown; callback: (value: unknown) => void };
  if (e.context === sessionContext) {
    e.stopPropagation();
    e.callback(session);
  }
});

const hit = (q: string, type: 'topic' | 'post' = 'post') => ({
  type, id: type === 'post' ? P1 : T1, topicId: T1, communityId: C1, title: `About ${q}`, titleHtml: `About <mark>${q}</mark>`,
  snippetHtml: `text with <mark>${q}</mark> <img src=x onerror=alert(1)>`, author: { id: 'u2', handle: 'bo', displayName: 'Bo' },
  createdAt: '2026-11-01T00:00:00.000Z', rank: 1, kind: 'problem', solved: false,
});
const results = (q: string) => ({ items: [hit(q), hit(q, 'topic')], nextCursor: null, total: 2, truncated: false, languages: ['simple'] });

afterEach(() => localStorage.clear());

describe('search filters in the address', () => {
  it('round-trip, drop what the API would refuse, and build the request', () => {
    const query = new URLSearchParams(`q=loop+input&communityId=${C1}&type=post&kind=problem&author=@bo_x&from=2026-01-01&to=2026-02-01&solved=false&topicId=${T1}`);
    const f = filtersFromQuery(query);
    expect(f).toEqual({ q: 'loop input', communityId: C1, type: 'post', kind: 'problem', author: 'bo_x', from: '2026-01-01', to: '2026-02-01', solved: false, topicId: T1 });
    expect(filtersFromQuery(new URLSearchParams(filtersToQuery(f)))).toEqual(f);
    expect(filtersFromQuery(new URLSearchParams('q=x&type=nope&kind=&solved=maybe&from=yesterday&communityId=not-an-id&author=a%20b'))).toEqual({ q: 'x' });
    expect(toSearchQuery(f, { cursor: '20', limit: 5 })).toEqual({ ...f, author: 'bo_x', cursor: '20', limit: 5 });
    expect(hasFilters({ q: 'x', communityId: C1 })).toBe(false); // the scope is not a filter
    expect(hasFilters(f)).toBe(true);
    expect(withoutFilters(f)).toEqual({ q: 'loop input', communityId: C1 });
    expect(paths.search({ q: 'a "b"', solved: true })).toBe('/search?q=a+%22b%22&solved=true');
    expect(paths.hit({ type: 'post', id: P1, topicId: T1 }, 'elt')).toBe(`/c/elt/t/${T1}?post=${P1}`);
    expect(paths.hit({ type: 'prompt', id: P1, topicId: T1 }, 'elt')).toBe(`/c/elt/t/${T1}?prompt=${P1}`);
    expect(paths.hit({ type: 'topic', id: T1, topicId: T1 }, 'elt')).toBe(`/c/elt/t/${T1}`);
  });

  it('snippets keep <mark> and text, nothing else', () => {
    expect(sanitizeHighlight('a <mark class="x" onclick="y">b</mark> <img src=x onerror=alert(1)><script>alert(1)</script>&lt;c&gt;')).toBe('a <mark>b</mark> &lt;c&gt;');
  });
});

describe('header search box', () => {
  async function mount() {
    const el = document.createElement('stoa-search-box') as Lit & { membership: unknown };
    el.membership = session.me!.memberships[0];
    document.body.append(el);
    const root = el.shadowRoot!;
    const input = () => root.querySelector<HTMLInputElement>('input[role="combobox"]')!;
    const type = (text: string) => {
      input().value = text;
      input().dispatchEvent(new Event('input', { bubbles: true }));
    };
    const key = (k: string) => input().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    const options = () => [...root.querySelectorAll('[role="option"]')].map((o) => o.textContent!.replace(/\s+/g, ' ').trim());
    const navigations: string[] = [];
    el.addEventListener('stoa-navigate', (e) => navigations.push(e.detail.path));
    await el.updateComplete;
    return { el, root, input, type, key, options, navigations };
  }

  it('waits for typing to pause, cancels the stale request, and never shows an older answer over a newer one', async () => {
    let releaseStale!: () => void;
    const stale = new Promise<void>((resolve) => (releaseStale = resolve));
    const signals: Array<[string, AbortSignal]> = [];
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      const q = new URL(url, 'http://x').searchParams.get('q')!;
      signals.push([q, init!.signal!]);
      if (q === 'loop') await stale; // held: answers after the newer one, as a slow server would
      return json(200, results(q));
    });
    vi.stubGlobal('fetch', fetch);
    const { el, input, type, options } = await mount();
    input().focus();
    for (const partial of ['l', 'lo', 'loo', 'loop']) type(partial); // quick typing: one request after the pause
    await until(el, () => fetch.mock.calls.length === 1, 'the first request');
    expect(new URL(fetch.mock.calls[0]![0], 'http://x').searchParams.get('q')).toBe('loop');
    expect(new URL(fetch.mock.calls[0]![0], 'http://x').searchParams.get('communityId')).toBe(C1);
    type('loop input');
    await until(el, () => options().some((o) => o.includes('About loop input')), 'the newer answer');
    expect(signals[0]![1].aborted).toBe(true); // the stale request was cancelled…
    releaseStale(); // …and even if its answer arrives, it is dropped
    await Promise.all(fetch.mock.results.map((r) => r.value).filter(Boolean));
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(options()[0]).toContain('About loop input');
    expect(options().some((o) => o === 'About loop Reply · Bo text with loop')).toBe(false);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('↓ chooses a hit (aria-activedescendant), Enter opens it; Enter with none chosen opens the results page; Escape closes', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => json(200, results(new URL(url, 'http://x').searchParams.get('q')!))));
    const { el, root, input, type, key, options, navigations } = await mount();
    input().focus();
    type('loop');
    await until(el, () => options().length === 3, 'two hits and "all results"');
    expect(options()[2]).toBe('All 2 results for “loop”');
    expect(input().getAttribute('aria-expanded')).toBe('true');
    expect(root.querySelector('[role="option"] img')).toBeNull(); // sanitised
    key('ArrowDown');
    await el.updateComplete;
    expect(input().getAttribute('aria-activedescendant')).toBe('search-option-0');
    expect(root.querySelector('#search-option-0')!.getAttribute('aria-selected')).toBe('true');
    key('ArrowUp');
    key('ArrowUp');
    await el.updateComplete;
    expect(input().getAttribute('aria-activedescendant')).toBe('search-option-1'); // 0 → 2 (wraps) → 1
    key('ArrowDown');
    key('Enter');
    expect(navigations.pop()).toBe(`/search?q=loop&communityId=${C1}`); // the "all results" option
    type('loop');
    await until(el, () => options().length === 3, 'the list again');
    key('ArrowDown');
    key('Enter');
    expect(navigations.pop()).toBe(`/c/elt/t/${T1}?post=${P1}`);
    type('loop');
    await until(el, () => input().getAttribute('aria-expanded') === 'true', 'the list again');
    key('Escape');
    await el.updateComplete;
    expect(input().getAttribute('aria-expanded')).toBe('false');
    key('Enter'); // nothing chosen: the results page
    expect(navigations.pop()).toBe(`/search?q=loop&communityId=${C1}`);
  });
});

describe('results page', () => {
  const many = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ ...hit('loop'), id: `${String(from + i).padStart(8, '0')}-0000-4000-8000-000000000000`, title: `Topic ${from + i}` }));

  it('shows the total and the truncation note, loads more once each, drops a page of an older search, and says what to try when empty', async () => {
    let releaseStale!: () => void;
    const stale = new Promise<void>((resolve) => (releaseStale = resolve));
    const fetch = vi.fn(async (url: string) => {
      const p = new URL(url, 'http://x').searchParams;
      if (p.get('q') === 'nothing') return json(200, { items: [], nextCursor: null, total: 0, truncated: false, languages: ['simple'] });
      if (p.get('cursor') === '20' && p.get('type') === 'post') return json(200, { items: many(20, 5), nextCursor: '25', total: 30, truncated: false, languages: ['simple'] });
      if (p.get('cursor') === '25') {
        await stale;
        return json(200, { items: many(25, 5), nextCursor: null, total: 30, truncated: false, languages: ['simple'] });
      }
      return json(200, { items: many(0, 20), nextCursor: '20', total: 30, truncated: p.get('type') !== 'post', languages: ['simple'] });
    });
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-search-page') as Lit & { filters: unknown };
    el.filters = { q: 'loop', communityId: C1, type: 'post' };
    document.body.append(el);
    const root = el.shadowRoot!;
    const links = () => [...root.querySelectorAll<HTMLAnchorElement>('a.hit-link')];
    const more = () => [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Load more results');
    await until(el, () => links().length === 20, 'the first page');
    expect(root.querySelector('.count')!.textContent!.replace(/\s+/g, ' ').trim()).toBe('30 results for “loop” in ELT');
    expect(root.querySelector('.note')).toBeNull();
    expect(links()[0]!.getAttribute('href')).toBe(`/c/elt/t/${T1}?post=00000000-0000-4000-8000-000000000000`);
    expect(links()[0]!.textContent).toBe('Reply by Bo in About loop'); // the reply's place, not only the topic's title
    more()!.click();
    await until(el, () => links().length === 25, 'the second page');
    expect(root.activeElement).toBe(links()[20]); // reading goes on at the first new result
    more()!.click(); // the third page is held…
    await until(el, () => fetch.mock.calls.some(([u]) => u.includes('cursor=25')), 'the third page to be asked for');
    el.filters = { q: 'loop', communityId: C1 }; // …while the member removes the filter
    await until(el, () => !!root.querySelector('.note'), 'the new search, truncated');
    expect(root.querySelector('.note')!.textContent).toContain('date range');
    releaseStale();
    await Promise.all(fetch.mock.results.map((r) => r.value));
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(links()).toHaveLength(20); // the old search's page did not land here

    el.filters = { q: 'nothing', communityId: C1, kind: 'cpd' };
    await until(el, () => !!root.querySelector('.empty'), 'the empty state');
    const empty = root.querySelector('.empty')!.textContent!.replace(/\s+/g, ' ');
    expect(empty).toContain('No results for “nothing” in ELT');
    expect(empty).toContain('Check the spelling');
    expect(empty).toContain('"quoted phrase"');
    expect([...root.querySelectorAll('.empty a')].map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Remove the filters', `/search?q=nothing&communityId=${C1}`],
      ['Search all your communities', '/search?q=nothing&kind=cpd'],
    ]);
  });
});

describe('practice-problem form', () => {
  it('lists similar problems (solved with the first line of the solution) and keeps the draft across a remount', async () => {
    const fetch = vi.fn(async (url: string) => {
      expect(url).toContain(`/api/communities/${C1}/similar-problems?title=`);
      return json(200, {
        method: 'fulltext',
        items: [
          { topicId: T1, title: 'Quiet groups in workshops', createdAt: '2026-10-01T00:00:00.000Z', postCount: 4, solved: true, solutionFirstLine: 'Use pairs first.', score: 0.8 },
          { topicId: P1, title: 'Quiet online groups', createdAt: '2026-09-01T00:00:00.000Z', postCount: 0, solved: false, solutionFirstLine: null, score: 0.5 },
        ],
      });
    });
    vi.stubGlobal('fetch', fetch);
    const mount = async () => {
      const el = document.createElement('stoa-problem-form') as Lit & { community: unknown };
      el.community = { id: C1, slug: 'elt', name: 'ELT', myRoles: [] };
      document.body.append(el);
      await el.updateComplete;
      return el;
    };
    let el = await mount();
    const field = (name: string) => el.shadowRoot!.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
    field('title').value = 'Qui';
    field('title').dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await new Promise((r) => setTimeout(r, 400));
    expect(fetch).not.toHaveBeenCalled(); // under 4 characters: nothing to compare
    field('title').value = 'Quiet groups';
    field('title').dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    field('body').value = 'Nobody talks.';
    field('body').dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    const items = () => [...el.shadowRoot!.querySelectorAll('.similar li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    await until(el, () => items().length === 2, 'the similar problems');
    expect(items()[0]).toMatch(/^Quiet groups in workshops solved · 4 replies · .* Solution: Use pairs first\.$/);
    expect(items()[1]).not.toContain('solved');
    expect(el.shadowRoot!.querySelector('.similar')!.getAttribute('aria-live')).toBe('polite');
    expect(el.shadowRoot!.querySelector<HTMLAnchorElement>('.similar a')!.getAttribute('href')).toBe(`/c/elt/t/${T1}`);
    expect(loadProblemDraft(C1)).toEqual({ title: 'Quiet groups', body: 'Nobody talks.' });

    // The member opens a similar problem (the form goes away) and comes back: the text is there.
    el.remove();
    el = await mount();
    expect(field('title').value).toBe('Quiet groups');
    expect(field('body').value).toBe('Nobody talks.');
    // A month later the draft is pruned like a reply draft.
    expect(pruneDrafts(Date.now() + DRAFT_MAX_AGE_MS + 1000)).toBe(1);
    expect(loadProblemDraft(C1)).toBeNull();
  });
});

// @vitest-environment jsdom
// The topic list's "Load more topics": the next page (by the server's cursor) is appended once each; a page
// that arrives after the filter changed belongs to the old list and is dropped (fetch is stubbed; the
// server's paging is covered by test/server/topics.test.ts, the list in a browser by test/e2e/).
import { describe, expect, it, vi } from 'vitest';
import { json, until, useShellContext } from '../helpers/jsdom-shell.js';
import '../../client/components/stoa-topic-list.js';

type Lit = HTMLElement & { updateComplete: Promise<unknown>; community: unknown; status: string };

useShellContext();

const topic = (id: string, title: string) => ({
  id, communityId: 'c1', kind: 'problem', title, status: 'open', pinned: false, locked: false,
  author: { id: 'a', displayName: 'Ann' }, opensAt: null, closesAt: null, postCount: 0, posterCount: 0, readerCount: 0,
  unreadCount: 0, hasSolution: false, lastActivityAt: '2026-11-01T00:00:00.000Z', createdAt: '2026-11-01T00:00:00.000Z',
  moderationStatus: 'published', moderationReason: null,
});

describe('topic list', () => {
  it('appends the next page once each, and drops a page that arrives after the filter changed', async () => {
    let releaseStale!: () => void;
    const stale = new Promise<void>((resolve) => (releaseStale = resolve));
    const fetch = vi.fn(async (url: string) => {
      const u = new URL(url, 'http://x');
      const status = u.searchParams.get('status');
      const cursor = u.searchParams.get('cursor');
      if (status === 'closed') return json(200, { items: [topic('t9', 'Closed one')], nextCursor: null, liveCursor: 0 });
      if (cursor === 'c2') return json(200, { items: [topic('t2', 'Second'), topic('t1', 'First')], nextCursor: 'c3', liveCursor: 0 });
      if (cursor === 'c3') {
        await stale; // held until the filter has changed
        return json(200, { items: [topic('t3', 'Third, of the old list')], nextCursor: null, liveCursor: 0 });
      }
      return json(200, { items: [topic('t1', 'First')], nextCursor: 'c2', liveCursor: 0 });
    });
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-topic-list') as Lit;
    el.community = { id: 'c1', slug: 'elt', name: 'ELT', myRoles: null };
    document.body.append(el);
    const root = el.shadowRoot!;
    const titles = () => [...root.querySelectorAll('ul.topics h3 a')].map((a) => a.textContent);
    const more = () => [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Load more topics');

    await until(el, () => titles().length === 1, 'the first page');
    more()!.click();
    await until(el, () => titles().length === 2, 'the second page');
    expect(titles()).toEqual(['First', 'Second']); // "First" again on page two is not shown twice

    more()!.click(); // page three is held…
    await until(el, () => fetch.mock.calls.some(([url]) => url.includes('cursor=c3')), 'the third page to be asked for');
    el.status = 'closed'; // …while the member filters the list
    await until(el, () => titles().join() === 'Closed one', 'the filtered list');
    releaseStale();
    await vi.waitFor(() => expect(fetch.mock.results.length).toBe(fetch.mock.calls.length));
    await Promise.all(fetch.mock.results.map((r) => r.value)); // the held answer is delivered…
    await new Promise((r) => setTimeout(r, 0)); // …and what follows it (promise callbacks only) has run
    await el.updateComplete;
    expect(titles()).toEqual(['Closed one']);
  });
});

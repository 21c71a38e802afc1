// @vitest-environment jsdom
// The engagement dashboard's paged tables: "Show more" asks for the next page at the right offset and
// appends it to the rows shown (fetch is stubbed; the server side of paging is covered by
// test/server/engagement.test.ts, the dashboard as a whole by test/e2e/engagement.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { json, until, useShellContext } from '../helpers/jsdom-shell.js';
import '../../client/components/stoa-engagement-dashboard.js';

type Lit = HTMLElement & { updateComplete: Promise<unknown>; communityId: string };

useShellContext();

const range = { from: '2026-08-25', to: '2026-11-23', tz: 'UTC', days: 91, startsAt: '2026-08-25T00:00:00.000Z', endsAt: '2026-11-24T00:00:00.000Z' };
const member = (i: number) => ({
  userId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  displayName: `Member ${i}`,
  posts: 0, replies: 0, topicsStarted: 0, topicsViewed: 1, daysActive: 1, lastSeen: '2026-11-20', postsPerWeek: 0, class: 'reader',
});

describe('engagement dashboard', () => {
  it('"Show more" fetches the next page of members and appends it', async () => {
    const TOTAL = 5;
    const LIMIT = 2;
    const fetch = vi.fn(async (url: string) => {
      const u = new URL(url, 'http://x');
      if (u.pathname.endsWith('/engagement/members')) {
        const offset = Number(u.searchParams.get('offset') ?? 0);
        const items = Array.from({ length: Math.max(0, Math.min(LIMIT, TOTAL - offset)) }, (_, k) => member(offset + k));
        return json(200, { range, definitions: {}, topicId: null, class: null, total: TOTAL, offset, limit: LIMIT, items });
      }
      // The other sections are not under test: a failure shows as their message (a 403 would replace the page).
      return json(503, { code: 'database_unavailable', detail: 'Not for this test.' });
    });
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-engagement-dashboard') as Lit;
    el.communityId = 'c1';
    document.body.append(el);
    const root = el.shadowRoot!;
    const section = () => root.querySelector('section[aria-labelledby="members-h"]')!;
    const names = () => [...section().querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent);
    const more = () => [...section().querySelectorAll('button')].find((b) => /^Show \d+ more$/.test(b.textContent!.trim()));
    // Each page is in when the table has grown (the sentinel), then the figures are checked.
    const rowsShown = (n: number) => until(el, () => !!root.querySelector('section[aria-labelledby="members-h"]') && names().length === n, `${n} member rows`);
    await rowsShown(2);

    expect(names()).toEqual(['Member 0', 'Member 1']);
    expect(section().textContent).toContain('Showing 2 of 5');
    more()!.click();
    await rowsShown(4);
    expect(names()).toEqual(['Member 0', 'Member 1', 'Member 2', 'Member 3']);
    expect(more()!.textContent!.trim()).toBe('Show 1 more');
    more()!.click();
    await rowsShown(5);
    expect(names()).toHaveLength(5);
    expect(more()).toBeUndefined(); // everything shown: no button
    const offsets = fetch.mock.calls.map(([url]) => new URL(url, 'http://x')).filter((u) => u.pathname.endsWith('/members')).map((u) => u.searchParams.get('offset'));
    expect(offsets).toEqual([null, '2', '4']);
  });
});

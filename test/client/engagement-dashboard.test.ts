// @vitest-environment jsdom
// The engagement dashboard in jsdom with the API stubbed: the paged tables ("Show more" asks for the next
// page at the right offset and appends it), and the words a manager reads (issue 16: definitions without
// API field names, durations in hours and days). The server side is test/server/engagement.test.ts, the
// dashboard in a real browser test/e2e/engagement.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { json, until, useShellContext } from '../helpers/jsdom-shell.js';
import '../../client/components/stoa-engagement-dashboard.js';
import { ENGAGEMENT_DEFINITIONS } from '../../shared/schemas/engagement.js';

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

  describe('for a manager', () => {
    const counts = (over: Record<string, unknown> = {}) => ({
      members: 12, posters: 4, lurkers: 5, inactive: 3, core: 1, contributors: 3,
      percentages: { posters: 33.3, lurkers: 41.7, inactive: 25 },
      posts: 30, replies: 26, newTopics: 4, removedPosts: 1, medianFirstReplyMinutes: 420, ...over,
    });
    const summary = {
      range, previousRange: { ...range, from: '2026-05-26', to: '2026-08-24' }, definitions: { ...ENGAGEMENT_DEFINITIONS },
      ...counts(), previous: counts({ medianFirstReplyMinutes: 45 }),
      weekly: [
        { weekStart: '2026-08-24', days: 7, members: 12, posters: 3, lurkers: 4, inactive: 5, core: 1, contributors: 2, posts: 9 },
        { weekStart: '2026-08-31', days: 7, members: 12, posters: 2, lurkers: 6, inactive: 4, core: 0, contributors: 2, posts: 4 },
      ],
      top: [],
    };
    const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const topicRow = (n: number, over: Record<string, unknown>) => ({
      topicId: uuid(100 + n), title: `Topic ${n}`, kind: 'cpd', posts: 5, posters: 3, readersWhoDidNotPost: 7, perPrompt: [],
      facilitators: [], firstPostAt: '2026-09-01T10:00:00.000Z', lastPostAt: '2026-09-03T10:00:00.000Z', durationDays: 2, ...over,
    });
    const topics = {
      range, definitions: { ...ENGAGEMENT_DEFINITIONS }, sort: '-posts',
      items: [
        topicRow(1, { perPrompt: [{ promptId: uuid(1), position: 1, replies: 3 }, { promptId: uuid(2), position: 2, replies: 0 }, { promptId: uuid(3), position: 3, replies: 1 }] }),
        topicRow(2, { kind: 'problem', posters: 1, readersWhoDidNotPost: 0 }),
      ],
    };

    async function dashboard() {
      vi.stubGlobal('fetch', vi.fn(async (url: string) => {
        const path = new URL(url, 'http://x').pathname;
        if (path.endsWith('/engagement')) return json(200, summary);
        if (path.endsWith('/engagement/topics')) return json(200, topics);
        return json(503, { code: 'database_unavailable', detail: 'Not for this test.' });
      }));
      const el = document.createElement('stoa-engagement-dashboard') as Lit;
      el.communityId = 'c1';
      document.body.append(el);
      const root = el.shadowRoot!;
      await until(el, () => !!root.querySelector('section[aria-labelledby="summary-h"] .cards') && !!root.querySelector('section[aria-labelledby="topics-h"] tbody'), 'the summary and topics');
      return root.querySelector<HTMLElement>('section[aria-labelledby="summary-h"]')!;
    }
    const topicsSection = () => document.querySelector('stoa-engagement-dashboard')!.shadowRoot!.querySelector<HTMLElement>('section[aria-labelledby="topics-h"]')!;
    const cell = (row: number, header: string) => {
      const table = topicsSection().querySelector('table')!;
      const col = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent!.includes(header));
      expect(col, header).toBeGreaterThanOrEqual(0);
      return table.querySelectorAll('tbody tr')[row]!.children[col] as HTMLElement;
    };

    it('defines the figures in plain words, without API field names', async () => {
      const section = await dashboard();
      section.querySelector('details')!.open = true;
      const text = section.textContent!.replace(/\s+/g, ' ');
      for (const jargon of ['medianFirstReplyMinutes', 'notMember', 'fromClass', 'toClass', 'limit, offset', 'readersWhoDidNotPost', 'removedPosts', 'YYYY', 'tz ', 'null']) {
        expect(text, jargon).not.toContain(jargon);
      }
      // Every definition is shown, each under a heading in words (not its key).
      const terms = [...section.querySelectorAll('dt')].map((dt) => dt.textContent!.trim());
      expect(terms).toHaveLength(Object.keys(ENGAGEMENT_DEFINITIONS).length);
      for (const term of terms) expect(term).not.toMatch(/^[a-z]+[A-Z]/); // no camelCase keys
      expect(terms).toEqual(expect.arrayContaining(['The period', 'Posted', 'Only read', 'Typical time to first reply']));
      // Each definition says its term once, in the heading.
      const posted = [...section.querySelectorAll('dt')].find((dt) => dt.textContent === 'Posted')!.nextElementSibling!;
      expect(posted.textContent).toMatch(/^Members who wrote at least one post/);
    });

    it('says what the period is when no dates are chosen (not "Left out: …")', async () => {
      const text = (await dashboard()).textContent!.replace(/\s+/g, ' ');
      expect(text).not.toContain('Left out');
      expect(text).toContain('If you choose no dates, it is the last 91 days, up to and including today.');
    });

    it('gives the time to first reply in hours and minutes, not "median minutes"', async () => {
      const section = await dashboard();
      const card = [...section.querySelectorAll('.card')].find((c) => c.textContent!.includes('time to first reply'))!;
      expect(card.querySelector('.value')!.textContent).toBe('7 h');
      expect(card.textContent).toContain('previously 45 min');
      expect(section.textContent).not.toMatch(/median minutes/i);
    });

    it('shows replies per prompt as a labelled list of bars, not "1: 3, 2: 0, 3: 2"', async () => {
      await dashboard();
      const list = cell(0, 'Replies per prompt').querySelector('ul[aria-label="Replies per prompt"]')!;
      const items = [...list.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
      expect(items).toEqual(['Prompt 1 3 replies', 'Prompt 2 0 replies', 'Prompt 3 1 reply']);
      // Bars scale to the busiest prompt; an empty prompt has an empty track.
      const bars = [...list.querySelectorAll('li')].map((li) => li.querySelector<HTMLElement>('.bar')?.style.width ?? null);
      expect(bars[0]).toBe('100%');
      expect(bars[1]).toBeNull();
      expect(parseFloat(bars[2]!)).toBeCloseTo(33.3, 0);
      expect(topicsSection().textContent).not.toMatch(/\d: \d/);
      // A problem topic has no prompts.
      expect(cell(1, 'Replies per prompt').textContent!.trim()).toBe('—');
    });

    it('says "N posted · M only read" on each topic row, and sorts by either', async () => {
      await dashboard();
      expect(cell(0, 'Members').textContent!.trim()).toBe('3 posted · 7 only read');
      expect(cell(1, 'Members').textContent!.trim()).toBe('1 posted · 0 only read');
      const fetch = globalThis.fetch as unknown as ReturnType<typeof vi.fn>;
      const onlyRead = [...topicsSection().querySelectorAll('thead button')].find((b) => b.textContent!.includes('only read')) as HTMLButtonElement;
      onlyRead.click();
      await vi.waitFor(() => {
        const sorts = fetch.mock.calls.map(([url]) => new URL(url as string, 'http://x')).filter((u) => u.pathname.endsWith('/topics')).map((u) => u.searchParams.get('sort'));
        expect(sorts.at(-1)).toBe('-readersWhoDidNotPost');
      });
      const el = document.querySelector('stoa-engagement-dashboard') as unknown as Lit;
      await until(el, () => onlyRead.getAttribute('aria-pressed') === 'true', 'the pressed sort button');
      expect(topicsSection().querySelector('th.people')!.getAttribute('aria-sort')).toBe('descending');
    });
  });
});


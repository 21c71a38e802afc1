// @vitest-environment jsdom
// The moderation components render from the API's shapes and send the right requests through the shell's
// API client (provided by context, as <stoa-app> does; fetch is stubbed: the server side is covered by
// test/server/moderation.test.ts and the browser flow by test/e2e/moderation.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { json, until, useShellContext } from '../helpers/jsdom-shell.js';
import '../../client/components/stoa-flag-dialog.js';
import '../../client/components/stoa-moderation-queue.js';
import '../../client/components/stoa-moderation-log.js';
import '../../client/components/stoa-community-settings.js';
import '../../client/components/stoa-post.js';

type Lit = HTMLElement & { updateComplete: Promise<unknown> };

useShellContext();

const buttonNamed = (root: ParentNode, text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!;

describe('moderation components', () => {
  it('flag dialog posts the chosen reason and note once; a refusal shows in its alert region', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(429, { code: 'rate_limited', detail: 'Too many flags.', retryAfter: 60 }));
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-flag-dialog') as Lit & { postId: string };
    el.postId = 'p1';
    document.body.append(el);
    await el.updateComplete;
    const root = el.shadowRoot!;
    (root.querySelector('input[type=radio][value=spam]') as HTMLInputElement).checked = true;
    root.querySelector('textarea')!.value = 'ads';
    const form = root.querySelector('form')!;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    form.dispatchEvent(new Event('submit', { cancelable: true })); // a double click does not double-post
    await until(el, () => root.querySelector('[role=alert]')!.textContent !== '', 'the refusal');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![0]).toBe('/api/posts/p1/flags');
    expect(JSON.parse((fetch.mock.calls[0]![1] as RequestInit).body as string)).toEqual({ reason: 'spam', note: 'ads' });
    await el.updateComplete;
    expect(root.querySelector('[role=alert]')!.textContent).toContain('Too many flags. You can try again in about 1 minute.');
  });

  it('queue shows flags, context and history; Keep dismisses the flags and reports the change', async () => {
    const queue = {
      flagged: [{
        post: { id: 'p1', status: 'hidden', bodyMd: 'x', bodyHtml: '<p>Rude words</p><script>alert(1)</script>', createdAt: new Date().toISOString(), topic: { id: 't', title: 'Feedback' }, parent: null },
        author: { id: 'a', displayName: 'Ann', earlierRemovals: 2, suspension: null },
        flags: [{ id: 'f', reason: 'off_topic', note: 'Not here', createdAt: new Date().toISOString(), flagger: { id: 'b', displayName: 'Bob' } }],
      }],
      pending: [],
      flaggedTopics: [],
      pendingTopics: [],
      counts: { flaggedPosts: 1, pendingPosts: 0, flaggedTopics: 0, pendingTopics: 0, total: 1 },
    };
    const fetch = vi.fn(async (_url: string, init?: RequestInit) => (init?.method === 'GET' ? json(200, queue) : json(200, { id: 'p1', topicId: 't', communityId: 'c1', status: 'published', statusReason: null })));
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-moderation-queue') as Lit & { communityId: string; slug: string };
    const changes: unknown[] = [];
    el.addEventListener('stoa-moderation-changed', (e) => changes.push((e as CustomEvent).detail));
    el.communityId = 'c1';
    el.slug = 'elt';
    document.body.append(el);
    const root = el.shadowRoot!;
    await until(el, () => !!root.querySelector('button'), 'the queue');
    expect(root.textContent).toContain('Feedback');
    expect(root.textContent).toContain('Not here');
    expect(root.textContent).toContain('2 earlier removals');
    expect(root.querySelector('script')).toBeNull(); // re-sanitised on the client
    expect(root.querySelector('a')!.getAttribute('href')).toBe('/c/elt/t/t');
    buttonNamed(root, 'Keep').click();
    await until(el, () => changes.length > 0, 'the change to be reported');
    expect(fetch.mock.calls.some((c) => c[0] === '/api/posts/p1/flags/dismiss' && (c[1] as RequestInit).method === 'POST')).toBe(true);
    expect(changes).toEqual([{ communityId: 'c1' }]);
  });

  it('queue shows held topics with their text and prompts; Approve topic approves it and reports the change', async () => {
    const queue = {
      flagged: [],
      pending: [],
      flaggedTopics: [],
      pendingTopics: [{
        topic: {
          id: 't1', kind: 'cpd', title: 'Feedback that lands', moderationStatus: 'pending', bodyMd: 'x', bodyHtml: '<p>The article</p><img src=x onerror=alert(1)>',
          prompts: [{ position: 1, bodyHtml: '<p>A sensitive question</p>' }], createdAt: new Date().toISOString(),
        },
        author: { id: 'a', displayName: 'Fran', earlierRemovals: 0, suspension: null },
      }],
      counts: { flaggedPosts: 0, pendingPosts: 0, flaggedTopics: 0, pendingTopics: 1, total: 1 },
    };
    const fetch = vi.fn(async (_url: string, init?: RequestInit) =>
      init?.method === 'GET' ? json(200, queue) : json(200, { id: 't1', communityId: 'c1', moderationStatus: 'published', moderationReason: null }),
    );
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-moderation-queue') as Lit & { communityId: string; slug: string };
    const changes: unknown[] = [];
    el.addEventListener('stoa-moderation-changed', (e) => changes.push((e as CustomEvent).detail));
    el.communityId = 'c1';
    el.slug = 'elt';
    document.body.append(el);
    const root = el.shadowRoot!;
    await until(el, () => !!root.querySelector('button'), 'the queue');
    expect(root.textContent).toContain('Topics held for approval (1)');
    expect(root.textContent).toContain('The article');
    expect(root.textContent).toContain('A sensitive question');
    expect(root.querySelector('img[onerror]')).toBeNull(); // re-sanitised on the client
    buttonNamed(root, 'Approve topic').click();
    await until(el, () => changes.length > 0, 'the change to be reported');
    expect(fetch.mock.calls.some((c) => c[0] === '/api/topics/t1/approval' && (c[1] as RequestInit).method === 'POST')).toBe(true);
    expect(changes).toEqual([{ communityId: 'c1' }]);
  });

  it('log shows what changed as a readable before/after: names, links, changed words marked', async () => {
    const author = '00000000-0000-4000-8000-00000000000a';
    const topicId = '00000000-0000-4000-8000-0000000000b1';
    const postId = '00000000-0000-4000-8000-0000000000c1';
    const at = '2026-12-06T10:00:00.000Z';
    const items = [
      { id: '3', action: 'post.author_note', actor: { id: author, displayName: 'Mo Moderator' }, targetType: 'post', targetId: postId, reason: null,
        before: null, after: { message: 'Thanks for fixing it', authorId: author }, createdAt: at,
        target: { name: 'Giving feedback', topicId, postId }, names: { [author]: 'Priya Practitioner' } },
      { id: '2', action: 'post.restore', actor: { id: author, displayName: 'Mo Moderator' }, targetType: 'post', targetId: postId, reason: null,
        before: { status: 'removed', statusReason: 'Off-topic advert for shoes' }, after: { status: 'published', statusReason: 'Off-topic advert for boots' }, createdAt: at,
        target: { name: 'Giving feedback', topicId, postId }, names: {} },
      { id: '1', action: 'watched_words.update', actor: null, targetType: 'community', targetId: 'c1', reason: null,
        before: { words: [{ phrase: 'spam', action: 'hold' }] }, after: { words: [{ phrase: 'spam', action: 'hold' }, { phrase: 'casino', action: 'block' }] }, createdAt: at,
        target: { name: null, topicId: null, postId: null }, names: {} },
      { id: '0', action: 'member.suspend', actor: null, targetType: 'member', targetId: author, reason: 'Cooling off',
        before: { suspended: false }, after: { suspended: true, until: null }, createdAt: at,
        target: { name: 'Priya Practitioner', topicId: null, postId: null }, names: {} },
    ];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (String(url).includes('/members') ? json(200, { items: [] }) : json(200, { items, nextCursor: null }))));
    const log = document.createElement('stoa-moderation-log') as Lit & { communityId: string; slug: string };
    log.communityId = 'c1';
    log.slug = 'elt';
    document.body.append(log);
    const root = log.shadowRoot!;
    await until(log, () => root.querySelectorAll('ol.entries > li').length === 4, 'the entries');
    const [note, restore, words, suspend] = [...root.querySelectorAll<HTMLElement>('ol.entries > li')];
    const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();
    const row = (tr: Element) => [...tr.children].map(text).join(' | ');

    // Links to the post, the topic by title, the note's addressee by name: no short ids, no JSON.
    const link = note!.querySelector('a')!;
    expect(link.getAttribute('href')).toBe(`/c/elt/t/${topicId}?post=${postId}`);
    expect(text(note!)).toContain('a post in “Giving feedback”');
    expect([...note!.querySelectorAll('tbody tr')].map(row)).toEqual(['Message | Thanks for fixing it', 'To | Priya Practitioner']);
    expect(note!.querySelector('thead')!.textContent).toContain('Set to');
    for (const el of [note, restore, words, suspend]) {
      expect(el!.textContent).not.toMatch(/[{}"]/);
      expect(el!.textContent).not.toContain(author.slice(0, 8));
    }

    // Text differences: only the changed word is marked, on each side.
    const [status, reason] = [...restore!.querySelectorAll('tbody tr')];
    expect([...status!.querySelectorAll('td')].map(text)).toEqual(['removed: Removed', 'added: Published']);
    expect([...reason!.querySelectorAll('del')].map(text)).toEqual(['removed: shoes']);
    expect([...reason!.querySelectorAll('ins')].map(text)).toEqual(['added: boots']);
    expect(text(reason!.querySelectorAll('td')[0]!)).toBe('Off-topic advert for removed: shoes');

    // Lists: the added watched word is marked, the kept one is not.
    expect([...words!.querySelectorAll('td')[1]!.querySelectorAll('li')].map(text)).toEqual(['spam (hold)', 'added: casino (block)']);
    expect(words!.querySelectorAll('td')[0]!.querySelector('del')).toBeNull();

    // A member by name; yes/no and "—" instead of true/false/null.
    expect(text(suspend!)).toContain('member Priya Practitioner');
    expect([...suspend!.querySelectorAll('tbody tr')].map(row)).toEqual(['Suspended | removed: No | added: Yes', 'Until | not set | added: No end date']);
  });

  it('log pages with the cursor; settings saves watched words', async () => {
    const entry = (id: string) => ({
      id, action: 'post.remove', actor: null, targetType: 'post', targetId: 'p', reason: 'r', before: { status: 'published' }, after: null, createdAt: new Date().toISOString(),
      target: { name: null, topicId: null, postId: null }, names: {},
    });
    const fetch = vi.fn(async (url: string) =>
      String(url).includes('/members') ? json(200, { items: [] }) : String(url).includes('cursor=') ? json(200, { items: [entry('1')], nextCursor: null }) : json(200, { items: [entry('2')], nextCursor: '2' }),
    );
    vi.stubGlobal('fetch', fetch);
    const log = document.createElement('stoa-moderation-log') as Lit & { communityId: string };
    log.communityId = 'c1';
    document.body.append(log);
    const entries = () => log.shadowRoot!.querySelectorAll('ol.entries > li').length;
    await until(log, () => entries() === 1, 'the first page');
    buttonNamed(log.shadowRoot!, 'Load older entries').click();
    await until(log, () => entries() > 1, 'the older page');
    expect(log.shadowRoot!.querySelectorAll('ol.entries > li')).toHaveLength(2);
    expect(fetch.mock.calls.some((c) => String(c[0]).includes('/moderation/log?cursor=2'))).toBe(true);

    const put = vi.fn(async (_url: string, init?: RequestInit) =>
      init?.method === 'PUT'
        ? json(200, JSON.parse(init.body as string))
        : String(_url).endsWith('/settings')
          ? json(200, { autoHideThreshold: 3, premodNewMemberPosts: 0, searchLanguage: 'simple', searchLanguages: ['simple'] })
          : json(200, { words: [{ phrase: 'bad', action: 'block' }] }),
    );
    vi.stubGlobal('fetch', put);
    const settings = document.createElement('stoa-community-settings') as Lit & { communityId: string };
    settings.communityId = 'c1';
    document.body.append(settings);
    const phrases = () => [...settings.shadowRoot!.querySelectorAll('input')].map((i) => (i as HTMLInputElement).value);
    await until(settings, () => phrases().includes('bad'), 'the watched words');
    settings.shadowRoot!.querySelector<HTMLFormElement>('form.words')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(settings, () => put.mock.calls.some((c) => (c[1] as RequestInit | undefined)?.method === 'PUT') && !!settings.shadowRoot!.textContent?.includes('Watched words saved'), 'the save');
    const sent = put.mock.calls.find((c) => (c[1] as RequestInit | undefined)?.method === 'PUT')!;
    expect(JSON.parse((sent[1] as RequestInit).body as string)).toEqual({ words: [{ phrase: 'bad', action: 'block' }] });
    await settings.updateComplete;
    expect(settings.shadowRoot!.textContent).toContain('Watched words saved (1).');
  });

  it('settings: the search language is chosen from the configurations the server offers, and saved with the settings', async () => {
    let saved = { autoHideThreshold: 3, premodNewMemberPosts: 0, searchLanguage: 'simple', searchLanguages: ['simple', 'english', 'french'] };
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      if (String(url).endsWith('/settings') && init?.method === 'PATCH') {
        saved = { ...saved, ...(JSON.parse(init.body as string) as object) };
        return json(200, saved);
      }
      return String(url).endsWith('/settings') ? json(200, saved) : json(200, { words: [] });
    });
    vi.stubGlobal('fetch', fetch);
    const settings = document.createElement('stoa-community-settings') as Lit & { communityId: string };
    settings.communityId = 'c1';
    document.body.append(settings);
    const select = () => settings.shadowRoot!.querySelector<HTMLSelectElement>('select[name="searchLanguage"]');
    await until(settings, () => !!select(), 'the language select');
    expect([...select()!.options].map((o) => [o.value, o.textContent])).toEqual([
      ['simple', 'Simple (words as written)'],
      ['english', 'English'],
      ['french', 'French'],
    ]);
    expect(select()!.value).toBe('simple');
    const label = settings.shadowRoot!.querySelector(`label[for="${select()!.id}"]`);
    expect(label?.textContent).toBe('Search language');
    select()!.value = 'english';
    settings.shadowRoot!.querySelector<HTMLFormElement>('form.settings')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(settings, () => !!settings.shadowRoot!.textContent?.includes('Settings saved.'), 'the save');
    const patch = fetch.mock.calls.find((c) => (c[1] as RequestInit | undefined)?.method === 'PATCH')!;
    expect(JSON.parse((patch[1] as RequestInit).body as string)).toEqual({ autoHideThreshold: 3, premodNewMemberPosts: 0, searchLanguage: 'english' });
    expect(select()!.value).toBe('english');
  });

  it('post Restore: disabled while it runs (a double click sends once), a refusal in the alert, a retry succeeds', async () => {
    const answers: Array<(r: Response) => void> = [];
    const fetch = vi.fn((_url: string, _init?: RequestInit) => new Promise<Response>((resolve) => answers.push(resolve)));
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-post') as Lit & { post: unknown; myUserId: string; canModerate: boolean };
    el.post = {
      id: 'p1', topicId: 't', parentId: null, promptId: null, depth: 0, author: { id: 'a', displayName: 'Ann' },
      bodyHtml: '<p>Text</p>', bodyMd: null, createdAt: new Date().toISOString(), editedAt: null, version: 1,
      status: 'removed', statusReason: 'Rude', removedByModerator: true, helpfulCount: 0, helpfulByMe: false, isSolution: false,
    };
    el.myUserId = 'm';
    el.canModerate = true;
    const changes: unknown[] = [];
    el.addEventListener('stoa-post-changed', (e) => changes.push((e as CustomEvent).detail));
    document.body.append(el);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const restore = () => buttonNamed(root, 'Restore');

    restore().click();
    await el.updateComplete;
    expect(restore().disabled).toBe(true);
    restore().click();
    answers.shift()!(json(403, { code: 'forbidden', detail: 'You are not a moderator here.' }));
    await until(el, () => root.querySelector('[role=alert]')!.textContent !== '', 'the refusal');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![0]).toBe('/api/posts/p1/removal');
    expect(root.querySelector('[role=alert]')!.textContent).toBe('You are not a moderator here.');
    expect(restore().disabled).toBe(false);

    restore().click();
    await el.updateComplete;
    expect(root.querySelector('[role=alert]')!.textContent).toBe(''); // a retry clears the last refusal
    answers.shift()!(json(200, { id: 'p1', topicId: 't', communityId: 'c1', status: 'published', statusReason: null }));
    await until(el, () => changes.length > 0, 'the change to be reported');
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(changes).toEqual([{ id: 'p1', status: 'published', statusReason: null }]);
  });

  it('settings reused for another community ignore a late answer for the previous one', async () => {
    // Community "slow" answers after "fast": its words and threshold must not land in fast's form. Slow's
    // answers are held until fast's form is filled, then released; `slowRead` counts their bodies read.
    let release!: () => void;
    const slowGate = new Promise<void>((resolve) => (release = resolve));
    let slowRead = 0;
    const answer = (slow: boolean, response: Response) => {
      if (!slow) return response;
      const body = response.json.bind(response);
      response.json = async () => {
        const value: unknown = await body();
        slowRead++;
        return value;
      };
      return response;
    };
    const fetch = vi.fn(async (url: string) => {
      const slow = url.includes('/communities/slow/');
      if (slow) await slowGate;
      if (url.endsWith('/settings')) return answer(slow, json(200, { autoHideThreshold: slow ? 9 : 2, premodNewMemberPosts: 0, searchLanguage: 'simple', searchLanguages: ['simple'] }));
      if (url.endsWith('/watched-words')) return answer(slow, json(200, { words: [{ phrase: slow ? 'from-slow' : 'from-fast', action: 'block' }] }));
      return json(404, { code: 'not_found', detail: 'Not in this test.' });
    });
    vi.stubGlobal('fetch', fetch);
    const settings = document.createElement('stoa-community-settings') as Lit & { communityId: string };
    settings.communityId = 'slow';
    document.body.append(settings);
    await settings.updateComplete;
    settings.communityId = 'fast';
    const values = () => [...settings.shadowRoot!.querySelectorAll('input')].map((i) => (i as HTMLInputElement).value);
    await until(settings, () => values().includes('from-fast'), "fast's form");
    release();
    await vi.waitFor(() => expect(slowRead).toBe(2)); // both late answers are read…
    await new Promise((r) => setTimeout(r, 0)); // …and what follows them (promise callbacks only) has run
    await settings.updateComplete;
    const text = settings.shadowRoot!.textContent ?? '';
    const inputs = [...settings.shadowRoot!.querySelectorAll('input')].map((i) => (i as HTMLInputElement).value);
    expect(inputs).toContain('from-fast');
    expect(inputs).not.toContain('from-slow');
    expect(inputs).not.toContain('9');
    expect(text).not.toContain('from-slow');
  });
});

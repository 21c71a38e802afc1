// @vitest-environment jsdom
// The moderation components render from the API's shapes and send the right requests (fetch is stubbed:
// the server side is covered by test/server/moderation.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../client/components/flag-dialog.js';
import '../../client/components/moderation-queue.js';
import '../../client/components/moderation-log.js';
import '../../client/components/community-settings.js';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const settle = () => new Promise((r) => setTimeout(r, 20));
afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('moderation components', () => {
  it('flag dialog posts the chosen reason and note once', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(201, { id: 'f', postId: 'p1', reason: 'spam', note: 'ads', createdAt: new Date().toISOString() }));
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-flag-dialog') as HTMLElement & { postId: string; updateComplete: Promise<unknown> };
    el.postId = 'p1';
    document.body.append(el);
    await el.updateComplete;
    const root = el.shadowRoot!;
    (root.querySelector('input[type=radio][value=spam]') as HTMLInputElement).click();
    const textarea = root.querySelector('textarea')!;
    textarea.value = 'ads';
    textarea.dispatchEvent(new Event('input'));
    const form = root.querySelector('form')!;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    form.dispatchEvent(new Event('submit', { cancelable: true })); // a double click does not double-post
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![0]).toBe('/api/posts/p1/flags');
    expect(JSON.parse((fetch.mock.calls[0]![1] as RequestInit).body as string)).toEqual({ reason: 'spam', note: 'ads' });
    expect(root.textContent).toContain('a moderator will review');
  });

  it('queue shows flags and context, and removes with a reason', async () => {
    const queue = {
      flagged: [{
        post: { id: 'p1', status: 'hidden', bodyMd: 'x', bodyHtml: '<p>Rude words</p>', createdAt: new Date().toISOString(), topic: { id: 't', title: 'Feedback' }, parent: null },
        author: { id: 'a', displayName: 'Ann', earlierRemovals: 2, suspension: null },
        flags: [{ id: 'f', reason: 'off_topic', note: 'Not here', createdAt: new Date().toISOString(), flagger: { id: 'b', displayName: 'Bob' } }],
      }],
      pending: [],
      counts: { flaggedPosts: 1, pendingPosts: 0, total: 1 },
    };
    const fetch = vi.fn(async (url: string, init?: RequestInit) => (init?.method === 'GET' ? json(200, queue) : json(200, { id: 'p1', status: 'removed' })));
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-moderation-queue') as HTMLElement & { communityId: string; updateComplete: Promise<unknown> };
    const counts: unknown[] = [];
    el.addEventListener('counts-changed', (e) => counts.push((e as CustomEvent).detail));
    el.communityId = 'c1';
    document.body.append(el);
    await settle();
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.textContent).toContain('Feedback');
    expect(root.textContent).toContain('Not here');
    expect(root.textContent).toContain('earlier removals: 2');
    expect(counts[0]).toEqual({ flaggedPosts: 1, pendingPosts: 0, total: 1 });
    [...root.querySelectorAll('button')].find((b) => b.textContent === 'Remove…')!.click();
    await el.updateComplete;
    const ta = root.querySelector('textarea')!;
    ta.value = 'Off-topic advert';
    ta.dispatchEvent(new Event('input'));
    await el.updateComplete;
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const removal = fetch.mock.calls.find((c) => c[0] === '/api/posts/p1/removal')!;
    expect(JSON.parse((removal[1] as RequestInit).body as string)).toEqual({ reason: 'Off-topic advert' });
  });

  it('log pages with the cursor; settings saves watched words', async () => {
    const entry = (id: string) => ({ id, action: 'post.remove', actor: null, targetType: 'post', targetId: 'p', reason: 'r', before: { status: 'published' }, after: null, createdAt: new Date().toISOString() });
    const fetch = vi.fn(async (url: string) =>
      String(url).includes('cursor=') ? json(200, { items: [entry('1')], nextCursor: null }) : json(200, { items: [entry('2')], nextCursor: '2' }),
    );
    vi.stubGlobal('fetch', fetch);
    const log = document.createElement('stoa-moderation-log') as HTMLElement & { communityId: string; updateComplete: Promise<unknown> };
    log.communityId = 'c1';
    document.body.append(log);
    await settle();
    await log.updateComplete;
    [...log.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Load older')!.click();
    await settle();
    await log.updateComplete;
    expect(log.shadowRoot!.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(fetch.mock.calls[1]![0]).toContain('cursor=2');

    const put = vi.fn(async (_url: string, init?: RequestInit) =>
      init?.method === 'PUT' ? new Response(init.body as string, { status: 200 }) : String(_url).endsWith('/settings') ? json(200, { autoHideThreshold: 3, premodNewMemberPosts: 0 }) : json(200, { words: [{ phrase: 'bad', action: 'block' }] }),
    );
    vi.stubGlobal('fetch', put);
    const settings = document.createElement('stoa-community-settings') as HTMLElement & { communityId: string; updateComplete: Promise<unknown> };
    settings.communityId = 'c1';
    document.body.append(settings);
    await settle();
    await settings.updateComplete;
    [...settings.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Save watched words')!.click();
    await settle();
    const sent = put.mock.calls.find((c) => (c[1] as RequestInit | undefined)?.method === 'PUT')!;
    expect(JSON.parse((sent[1] as RequestInit).body as string)).toEqual({ words: [{ phrase: 'bad', action: 'block' }] });
  });
});

// @vitest-environment jsdom
// The reply composer shows a posting limit (429 posting_too_fast, test/server/posting-limits.test.ts) as
// the server's sentence with the wait, keeps the draft, and its preview refuses markdown that is too
// complex in the words the server uses (422 markdown_too_complex).
import { describe, expect, it, vi } from 'vitest';
import { useShellContext } from '../helpers/jsdom-shell.js';
import { loadDraft } from '../../client/drafts.js';
import { markdownComplexity } from '../../shared/markdown.js';
import '../../client/components/stoa-composer.js';

const settle = () => new Promise((r) => setTimeout(r, 20));
type Composer = HTMLElement & { updateComplete: Promise<unknown>; topicId: string; label: string };
const TOPIC = '00000000-0000-4000-8000-000000000001';

useShellContext();

async function mount() {
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
  const el = document.createElement('stoa-composer') as Composer;
  el.topicId = TOPIC;
  el.label = 'Your reply';
  document.body.append(el);
  await el.updateComplete;
  return el;
}

async function type(el: Composer, text: string) {
  const textarea = el.shadowRoot!.querySelector('textarea')!;
  textarea.value = text;
  textarea.dispatchEvent(new Event('input'));
  await settle();
  await el.updateComplete;
}

describe('reply composer', () => {
  it('says how long to wait when posting too quickly, and keeps the draft', async () => {
    localStorage.clear();
    const detail = 'You are posting quickly: try again in 4 seconds.';
    const fetch = vi.fn(async () =>
      new Response(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, code: 'posting_too_fast', detail, retryAfter: 4 }), {
        status: 429,
        headers: { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': '4' },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    const el = await mount();
    await type(el, 'My second thought');
    el.shadowRoot!.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    await el.updateComplete;
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).toBe(detail);
    expect(el.shadowRoot!.querySelector('textarea')!.value).toBe('My second thought');
    expect(loadDraft({ topicId: TOPIC, promptId: null, parentId: null })?.body).toBe('My second thought');
    expect((el.shadowRoot!.querySelector('button[type=submit]') as HTMLButtonElement).disabled).toBe(false);
  });

  it('the preview refuses markdown that is too complex, in the server’s words', async () => {
    localStorage.clear();
    const el = await mount();
    const storm = '*a'.repeat(2_100);
    await type(el, storm);
    // The preview is the shared <stoa-markdown-preview> every markdown form uses.
    const previewOf = () => el.shadowRoot!.querySelector('stoa-markdown-preview')!.shadowRoot!;
    const preview = previewOf().querySelector('.preview')!;
    expect(preview.textContent).toContain(markdownComplexity(storm)!);
    expect(preview.querySelector('em')).toBeNull();
    await type(el, '*fine*');
    await el.shadowRoot!.querySelector('stoa-markdown-preview')!.updateComplete;
    expect(previewOf().querySelector('.preview em')!.textContent).toBe('fine');
  });
});

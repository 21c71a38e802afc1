// @vitest-environment jsdom
// Markdown forms other than the reply composer: the shared live preview (<stoa-markdown-preview>) and drafts
// kept per form and place (client/drafts.ts form drafts), here in "Add a prompt" and the form-draft store.
import { describe, expect, it, vi } from 'vitest';
import { json, until, useShellContext } from '../helpers/jsdom-shell.js';
import { clearFormDraft, loadFormDraft, pruneDrafts, saveFormDraft } from '../../client/drafts.js';
import '../../client/components/stoa-prompt-form.js';

const TOPIC = '00000000-0000-4000-8000-000000000002';
const DAY = 24 * 60 * 60 * 1000;

useShellContext();

describe('form drafts', () => {
  it('keep any value per form and place, are cleared on request, and age like reply drafts', () => {
    localStorage.clear();
    saveFormDraft('new-cpd:c1', { title: 'Loop input', prompts: [{ body: 'Why?' }] });
    expect(loadFormDraft('new-cpd:c1')).toEqual({ title: 'Loop input', prompts: [{ body: 'Why?' }] });
    expect(loadFormDraft('new-cpd:c2')).toBeNull();
    clearFormDraft('new-cpd:c1');
    expect(loadFormDraft('new-cpd:c1')).toBeNull();

    saveFormDraft('edit-post:p1', { body: 'old edit', version: 2 });
    expect(pruneDrafts(Date.now() + 31 * DAY)).toBe(1);
    expect(loadFormDraft('edit-post:p1')).toBeNull();
    localStorage.setItem('stoa:draft:form:broken', '{not json');
    expect(loadFormDraft('broken')).toBeNull();
  });
});

describe('"Add a prompt"', () => {
  const mount = async () => {
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
    vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
    const el = document.createElement('stoa-prompt-form');
    el.topicId = TOPIC;
    document.body.append(el);
    await el.updateComplete;
    return el;
  };
  const previewOf = (el: HTMLElement) => el.shadowRoot!.querySelector('stoa-markdown-preview')!;

  it('previews the question as typed, keeps it as a draft through a remount, and clears it once the prompt is added', async () => {
    localStorage.clear();
    const el = await mount();
    const box = el.shadowRoot!.querySelector('textarea')!;
    box.value = 'What did *you* notice?';
    box.dispatchEvent(new Event('input', { bubbles: true })); // as a browser's input event does
    await until(previewOf(el), () => previewOf(el).shadowRoot!.querySelector('em')?.textContent === 'you', 'the preview');
    expect(previewOf(el).shadowRoot!.querySelector('section')!.getAttribute('aria-label')).toBe('Preview of the new prompt');
    el.remove();

    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { body: string };
      return json(201, { id: 'p1', topicId: TOPIC, position: 2, bodyHtml: `<p>${body.body}</p>`, releaseAt: null, answerFirst: false, scheduled: false, replyCount: 0, repliesHidden: false });
    });
    const again = await mount();
    const restored = again.shadowRoot!.querySelector('textarea')!;
    expect(restored.value).toBe('What did *you* notice?');
    await until(previewOf(again), () => previewOf(again).shadowRoot!.querySelector('em') !== null, 'the restored preview');
    vi.stubGlobal('fetch', fetch);
    again.shadowRoot!.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(loadFormDraft(`new-prompt:${TOPIC}`)).toBeNull());
    expect(JSON.parse(String(fetch.mock.calls[0]![1].body))).toMatchObject({ body: 'What did *you* notice?' });
    await again.updateComplete;
    expect(again.shadowRoot!.querySelector('textarea')!.value).toBe('');
  });
});

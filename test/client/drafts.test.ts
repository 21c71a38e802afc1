// @vitest-environment jsdom
// Reply drafts in localStorage are pruned once they are older than 30 days, and never before: a draft is
// what keeps a member's text through a poor connection.
import { afterEach, describe, expect, it } from 'vitest';
import { DRAFT_MAX_AGE_MS, draftKey, loadDraft, promptsWithDrafts, pruneDrafts, type DraftPlace } from '../../client/drafts.js';

const DAY = 24 * 60 * 60 * 1000;
const place = (topicId: string, parentId: string | null = null): DraftPlace => ({ topicId, promptId: null, parentId });
/** Writes a draft as saveDraft stores it, with a chosen savedAt. */
const store = (p: DraftPlace, body: string, savedAt: number | undefined, idempotencyKey: string | null = null) =>
  localStorage.setItem(draftKey(p), JSON.stringify({ body, idempotencyKey, keyBody: idempotencyKey ? body : null, savedAt }));

afterEach(() => {
  localStorage.clear();
  document.body.innerHTML = '';
});

describe('draft pruning', () => {
  it('removes drafts older than 30 days and keeps younger ones, unknown ages and other keys', () => {
    const now = Date.UTC(2026, 10, 23, 12);
    expect(DRAFT_MAX_AGE_MS).toBe(30 * DAY);
    store(place('t1'), 'a year old', now - 365 * DAY);
    store(place('t1', 'p1'), 'just past 30 days', now - 30 * DAY - 1);
    store(place('t2'), 'sent, never confirmed, old', now - 31 * DAY, 'key-1');
    store(place('t3'), 'exactly 30 days', now - 30 * DAY);
    store(place('t4'), 'yesterday', now - DAY);
    store(place('t5'), 'sent, never confirmed, recent', now - 2 * DAY, 'key-2');
    store(place('t6'), 'no savedAt', undefined);
    localStorage.setItem('stoa:other', JSON.stringify({ savedAt: 0 }));

    expect(pruneDrafts(now)).toBe(3);

    expect(loadDraft(place('t1'))).toBeNull();
    expect(loadDraft(place('t1', 'p1'))).toBeNull();
    expect(loadDraft(place('t2'))).toBeNull();
    expect(loadDraft(place('t3'))?.body).toBe('exactly 30 days');
    expect(loadDraft(place('t4'))?.body).toBe('yesterday');
    expect(loadDraft(place('t5'))).toMatchObject({ body: 'sent, never confirmed, recent', idempotencyKey: 'key-2' });
    expect(loadDraft(place('t6'))?.body).toBe('no savedAt');
    expect(localStorage.getItem('stoa:other')).not.toBeNull();
  });

  it('runs when the composer loads: the old draft is gone, the recent one is restored in its composer', async () => {
    store(place('old'), 'forgotten text', Date.now() - 40 * DAY);
    store(place('new'), 'text from last week', Date.now() - 7 * DAY);

    await import('../../client/components/stoa-composer.js');

    expect(localStorage.getItem(draftKey(place('old')))).toBeNull();
    const composer = document.createElement('stoa-composer');
    composer.topicId = 'new';
    document.body.append(composer);
    await composer.updateComplete;
    expect(composer.shadowRoot!.querySelector('textarea')!.value).toBe('text from last week');
    expect(composer.shadowRoot!.querySelector('[role=status]')!.textContent).toBe('Your unsent draft is restored.');
  });
});

describe('prompts with a draft', () => {
  it('names the prompts of this topic whose own composer has text waiting, not replies to posts under them', () => {
    const at = Date.now();
    store({ topicId: 't1', promptId: 'pr1', parentId: null }, 'my answer to prompt 1', at);
    store({ topicId: 't1', promptId: 'pr2', parentId: 'post-9' }, 'a reply to a post under prompt 2', at);
    store({ topicId: 't1', promptId: 'pr3', parentId: null }, '', at); // an emptied box keeps no composer open
    store({ topicId: 't2', promptId: 'pr4', parentId: null }, 'another topic', at);
    store({ topicId: 't1', promptId: null, parentId: null }, 'the general discussion', at);
    expect([...promptsWithDrafts('t1')]).toEqual(['pr1']);
  });
});

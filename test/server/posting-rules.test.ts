// The posting rules with small fakes (no database): where a reply goes, why a post waits for a moderator,
// and who sees a reply. The same rules run end to end in posts.test.ts and moderation.test.ts.
import { describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../server/db/client.js';
import type { PostStatus } from '../../server/db/schema.js';
import { AppError } from '../../server/errors.js';
import { createPostingRules, placeUnder } from '../../server/features/posts/rules.js';
import { isPostVisible } from '../../server/domain/visibility.js';
import { LIMITS } from '../../shared/limits.js';

/** A screening fake: 'block' throws as the real one does, 'hold' returns a reason; it records every call. */
function fakeScreening({ word = null, newMember = false }: { word?: 'block' | 'hold' | null; newMember?: boolean } = {}) {
  const calls: string[] = [];
  return {
    calls,
    screening: {
      async screenPostText(_tx: DbOrTx, communityId: string, text: string) {
        calls.push(`screen ${communityId} ${text}`);
        if (word === 'block') throw new AppError(422, 'watched_word_blocked', 'blocked', { field: 'body', phrase: 'x' });
        return word === 'hold' ? 'watched word "x"' : null;
      },
      async screenTopicText() {
        throw new Error('posts never screen topic texts');
      },
      async needsPremoderation(_tx: DbOrTx, communityId: string, userId: string) {
        calls.push(`premod ${communityId} ${userId}`);
        return newMember;
      },
    },
  };
}

const tx = {} as DbOrTx;

describe('holdNewPost', () => {
  // A new post is screened with the facts read beside its access check (the community's watched words, and
  // whether the author is pre-moderated): pure, and the real matcher runs.
  const rules = createPostingRules({ screening: fakeScreening().screening });
  const hold = { phrase: 'x', action: 'hold' } as const;
  const block = { phrase: 'y', action: 'block' } as const;

  it('publishes at once when no watched word matches and the author is not pre-moderated', () => {
    expect(rules.holdNewPost({ watchedWords: [], premoderated: false }, 'hello')).toBeNull();
    expect(rules.holdNewPost({ watchedWords: [hold, block], premoderated: false }, 'hello xy')).toBeNull();
  });

  it("holds a new member's post for pre-moderation", () => {
    expect(rules.holdNewPost({ watchedWords: [hold], premoderated: true }, 'hello')).toBe('new-member pre-moderation');
  });

  it('gives the watched word as the reason when one matches, even for a pre-moderated author', () => {
    expect(rules.holdNewPost({ watchedWords: [hold], premoderated: true }, 'hello x')).toBe('watched word "x"');
    expect(rules.holdNewPost({ watchedWords: [hold], premoderated: false }, 'hello X')).toBe('watched word "x"');
  });

  it('lets a blocking word refuse the post with 422, whatever else holds it', () => {
    expect(() => rules.holdNewPost({ watchedWords: [hold, block], premoderated: true }, 'x and y')).toThrow(
      expect.objectContaining({ status: 422, code: 'watched_word_blocked', extra: expect.objectContaining({ phrase: 'y', field: 'body' }) }),
    );
  });
});

describe('holdEdit', () => {
  const statuses: PostStatus[] = ['published', 'pending', 'hidden', 'withdrawn', 'removed'];

  it('takes only a published post back to review when an edit trips a hold word', async () => {
    const { screening } = fakeScreening({ word: 'hold' });
    const rules = createPostingRules({ screening });
    const held = await Promise.all(statuses.map(async (s) => [s, await rules.holdEdit(tx, 'c1', 'edited', s)] as const));
    expect(Object.fromEntries(held)).toEqual({ published: 'watched word "x"', pending: null, hidden: null, withdrawn: null, removed: null });
  });

  it('never applies new-member pre-moderation to an edit', async () => {
    const { screening, calls } = fakeScreening({ newMember: true });
    expect(await createPostingRules({ screening }).holdEdit(tx, 'c1', 'edited', 'published')).toBeNull();
    expect(calls).toEqual(['screen c1 edited']);
  });

  it('refuses an edit with a blocking word whatever the post\'s status', async () => {
    const { screening } = fakeScreening({ word: 'block' });
    await expect(createPostingRules({ screening }).holdEdit(tx, 'c1', 'edited', 'pending')).rejects.toMatchObject({ status: 422 });
  });
});

describe('placeUnder', () => {
  const parent = (depth: number, promptId: string | null = null) => ({ id: `p${depth}`, parentId: depth > 0 ? `p${depth - 1}` : null, promptId, depth });

  it('nests a reply one level under its parent, in the parent\'s prompt', () => {
    expect(placeUnder(parent(0, 'q1'), null)).toEqual({ parentId: 'p0', promptId: 'q1', depth: 1 });
    expect(placeUnder(parent(2, 'q1'), 'q1')).toEqual({ parentId: 'p2', promptId: 'q1', depth: 3 });
  });

  it('makes a reply beyond the depth cap a sibling of its parent', () => {
    const deepest = parent(LIMITS.replyDepthMax);
    expect(placeUnder(deepest, null)).toEqual({ parentId: deepest.parentId, promptId: null, depth: LIMITS.replyDepthMax });
    expect(placeUnder(parent(LIMITS.replyDepthMax - 1), null).depth).toBe(LIMITS.replyDepthMax);
  });

  it('refuses a reply that names another prompt than its parent\'s (400 prompt_mismatch)', () => {
    expect(() => placeUnder(parent(1, 'q1'), 'q2')).toThrowError(expect.objectContaining({ status: 400, code: 'prompt_mismatch' }));
    expect(() => placeUnder(parent(1, null), 'q2')).toThrowError(expect.objectContaining({ code: 'prompt_mismatch' }));
  });
});

describe('isPostVisible', () => {
  const member = { userId: 'me', seesHidden: false };
  const moderator = { userId: 'mod', seesHidden: true };
  const post = (status: PostStatus, authorId = 'other', promptId: string | null = null) => ({ status, authorId, promptId });

  it('hides others\' held posts from members, not from their author or moderators', () => {
    expect(isPostVisible(post('pending'), member, [])).toBe(false);
    expect(isPostVisible(post('pending', 'me'), member, [])).toBe(true);
    expect(isPostVisible(post('pending'), moderator, [])).toBe(true);
  });

  it('shows withdrawn, removed and hidden posts (as placeholders) to everyone', () => {
    for (const status of ['withdrawn', 'removed', 'hidden'] as const) expect(isPostVisible(post(status), member, [])).toBe(true);
  });

  it('hides replies to a prompt hidden from the viewer, except the viewer\'s own', () => {
    expect(isPostVisible(post('published', 'other', 'q1'), member, ['q1'])).toBe(false);
    expect(isPostVisible(post('published', 'me', 'q1'), member, ['q1'])).toBe(true);
    expect(isPostVisible(post('published', 'other', 'q2'), member, ['q1'])).toBe(true);
  });
});

// The topic page's merge rules (client/live-merge.ts), pure: posts join the list once and in creation order,
// live posts are added and counted or changed in place (never to an older version, keeping what only I may
// see), my own reply is counted once even when its live echo came first, and changes reach the solution copy.
// The page applying them in a browser is covered by test/e2e/topics.test.ts and topic-moderation.test.ts.
import { describe, expect, it } from 'vitest';
import { applyPostChange, mergeLivePost, mergeOwnPost, mergePosts, type TopicState } from '../../client/live-merge.js';
import type { Post, Prompt, TopicDetail } from '../../client/api/index.js';

function post(id: string, second: number, over: Partial<Post> = {}): Post {
  return {
    id,
    topicId: 't',
    parentId: null,
    promptId: null,
    depth: 0,
    author: { id: 'ann', displayName: 'Ann' },
    bodyHtml: `<p>${id}</p>`,
    bodyMd: `${id}`,
    statusReason: null,
    removedByModerator: false,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
    editedAt: null,
    version: 1,
    status: 'published',
    helpfulCount: 0,
    helpfulByMe: false,
    isSolution: false,
    ...over,
  };
}

const prompt = (id: string, over: Partial<Prompt> = {}) => ({ id, replyCount: 0, repliesHidden: false, answeredByMe: false, ...over }) as Prompt;

/** The fields of a topic the merge rules read; the rest of TopicDetail does not matter to them. */
function topic(over: { prompts?: Prompt[]; moderate?: boolean; solution?: Post | null; postCount?: number } = {}): TopicDetail {
  return {
    id: 't',
    postCount: over.postCount ?? 0,
    prompts: over.prompts ?? [],
    solution: over.solution ?? null,
    can: { moderate: over.moderate ?? false },
  } as unknown as TopicDetail;
}

const state = (posts: Post[], detail = topic({ postCount: posts.length })): TopicState => ({ detail, posts });
const ids = (posts: readonly Post[]) => posts.map((p) => p.id);

describe('mergePosts', () => {
  it('adds new posts once, keeps the same array when nothing is new, and sorts an earlier arrival into place', () => {
    const a = post('a', 1);
    const b = post('b', 2);
    const c = post('c', 3);
    const list = [a, c];
    expect(mergePosts(list, [c])).toBe(list);
    expect(ids(mergePosts(list, [b, c]))).toEqual(['a', 'b', 'c']);
    expect(ids(mergePosts([a], [c, b]))).toEqual(['a', 'c', 'b']); // appended after the last: order as given
    expect(ids(mergePosts([], [b, a]))).toEqual(['b', 'a']);
  });
});

describe('mergeLivePost', () => {
  const me = 'me';

  it('adds a new reply, counts it in the topic and its prompt, and announces it when someone else wrote it', () => {
    const s = state([post('a', 1)], topic({ postCount: 1, prompts: [prompt('q1'), prompt('q2')] }));
    const merge = mergeLivePost(s, post('b', 2, { promptId: 'q1' }), true, { userId: me, index: undefined });
    expect(merge.kind).toBe('add');
    if (merge.kind !== 'add') return;
    expect(ids(merge.state.posts)).toEqual(['a', 'b']);
    expect(merge.state.detail.postCount).toBe(2);
    expect(merge.state.detail.prompts.map((p) => p.replyCount)).toEqual([1, 0]);
    expect(merge.announce).toBe(true);
    const mine = mergeLivePost(s, post('c', 3, { author: { id: me, displayName: 'Me' } }), true, { userId: me, index: undefined });
    expect(mine.kind === 'add' && mine.announce).toBe(false);
  });

  it('ignores an unknown post that is not published (unless created) and others\' replies to an answer-first prompt I have not answered', () => {
    const s = state([], topic({ prompts: [prompt('q', { repliesHidden: true })] }));
    expect(mergeLivePost(s, post('x', 1, { status: 'removed' }), false, { userId: me, index: undefined })).toEqual({ kind: 'ignore' });
    expect(mergeLivePost(s, post('x', 1, { status: 'hidden' }), true, { userId: me, index: undefined }).kind).toBe('add');
    expect(mergeLivePost(s, post('y', 2, { promptId: 'q' }), true, { userId: me, index: undefined })).toEqual({ kind: 'ignore' });
    const myAnswer = post('z', 3, { promptId: 'q', author: { id: me, displayName: 'Me' } });
    expect(mergeLivePost(s, myAnswer, true, { userId: me, index: undefined }).kind).toBe('add');
  });

  it('changes a known post in place, never to an older version', () => {
    const s = state([post('a', 1, { version: 3 })]);
    expect(mergeLivePost(s, post('a', 1, { version: 2 }), false, { userId: me, index: 0 })).toEqual({ kind: 'ignore' });
    const merge = mergeLivePost(s, post('a', 1, { version: 4, bodyHtml: '<p>new</p>' }), false, { userId: me, index: 0 });
    expect(merge.kind).toBe('change');
    if (merge.kind !== 'change') return;
    expect(merge.change.bodyHtml).toBe('<p>new</p>');
    expect(merge.change.bodyMd).toBeNull(); // edited elsewhere: the edit box loads the newest revision
  });

  it('keeps what only I may see: my helpful mark, my own or (as a moderator) a hidden post\'s words, my markdown of the same version', () => {
    const mine = post('a', 1, { author: { id: me, displayName: 'Me' }, helpfulByMe: true, bodyMd: 'my md' });
    const withdrawn = post('a', 1, { author: { id: me, displayName: 'Me' }, status: 'withdrawn', bodyHtml: null, bodyMd: null });
    const m1 = mergeLivePost(state([mine]), withdrawn, false, { userId: me, index: 0 });
    expect(m1.kind === 'change' && [m1.change.bodyHtml, m1.change.bodyMd, m1.change.helpfulByMe, m1.change.status]).toEqual(['<p>a</p>', 'my md', true, 'withdrawn']);

    const theirs = post('b', 1);
    const removed = post('b', 1, { status: 'removed', bodyHtml: null });
    const asMember = mergeLivePost(state([theirs]), removed, false, { userId: me, index: 0 });
    expect(asMember.kind === 'change' && asMember.change.bodyHtml).toBeNull();
    const asModerator = mergeLivePost(state([theirs], topic({ moderate: true })), removed, false, { userId: me, index: 0 });
    expect(asModerator.kind === 'change' && asModerator.change.bodyHtml).toBe('<p>b</p>');
  });
});

describe('mergeOwnPost', () => {
  it('adds and counts my reply once, and marks its prompt answered even when the live echo came first', () => {
    const reply = post('r', 5, { promptId: 'q' });
    const before = state([post('a', 1)], topic({ postCount: 1, prompts: [prompt('q')] }));
    const after = mergeOwnPost(before, reply, undefined);
    expect(ids(after.posts)).toEqual(['a', 'r']);
    expect(after.detail.postCount).toBe(2);
    expect(after.detail.prompts[0]).toMatchObject({ replyCount: 1, answeredByMe: true });

    const echoed = state([post('a', 1), reply], topic({ postCount: 2, prompts: [prompt('q', { replyCount: 1 })] }));
    const again = mergeOwnPost(echoed, reply, 1);
    expect(again.posts).toBe(echoed.posts);
    expect(again.detail.postCount).toBe(2);
    expect(again.detail.prompts[0]).toMatchObject({ replyCount: 1, answeredByMe: true });
  });
});

describe('applyPostChange', () => {
  it('merges a change into the loaded post and the solution copy; an unknown post leaves the list as it is', () => {
    const a = post('a', 1);
    const s = state([a], topic({ solution: { ...a, isSolution: true } }));
    const next = applyPostChange(s, { id: 'a', helpfulCount: 4 }, 0);
    expect(next.posts[0]!.helpfulCount).toBe(4);
    expect(next.detail!.solution).toMatchObject({ helpfulCount: 4, isSolution: true });
    const none = applyPostChange(s, { id: 'zz', helpfulCount: 1 }, undefined);
    expect(none.posts).toBe(s.posts);
    expect(none.detail).toBe(s.detail);
  });

  it('a reply that is removed or withdrawn leaves the counts, a restored one comes back, and an echo of the same status counts nothing', () => {
    const s = state([post('a', 1, { promptId: 'p1' }), post('b', 2)], topic({ postCount: 2, prompts: [prompt('p1', { replyCount: 1 })] }));
    const removed = applyPostChange(s, { id: 'a', status: 'removed' }, 0);
    expect(removed.detail!.postCount).toBe(1);
    expect(removed.detail!.prompts[0]!.replyCount).toBe(0);
    // The live echo of my own removal: the status is already 'removed'.
    const echo = applyPostChange({ ...s, ...removed }, { id: 'a', status: 'removed', version: 1 }, 0);
    expect(echo.detail!.postCount).toBe(1);
    const restored = applyPostChange({ ...s, ...removed }, { id: 'a', status: 'published' }, 0);
    expect(restored.detail!.postCount).toBe(2);
    expect(restored.detail!.prompts[0]!.replyCount).toBe(1);
    const withdrawn = applyPostChange(s, { id: 'b', status: 'withdrawn' }, 1);
    expect([withdrawn.detail!.postCount, withdrawn.detail!.prompts[0]!.replyCount]).toEqual([1, 1]);
    // Through the live feed too: a removal event for a loaded post.
    const live = mergeLivePost(s, post('b', 2, { status: 'removed', bodyHtml: null }), false, { userId: 'me', index: 1 });
    expect(live.kind).toBe('change');
    if (live.kind === 'change') expect(applyPostChange(s, live.change, 1).detail!.postCount).toBe(1);
  });
});

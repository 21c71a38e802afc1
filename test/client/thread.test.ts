// Pure client logic of the topic page: building reply threads with a capped visual depth, and the
// Idempotency-Key rule of reply drafts (same text → same key on retry; changed text → new key).
import { describe, expect, it } from 'vitest';
import { buildThreads, rootKey } from '../../client/thread.js';
import { idempotencyKeyFor } from '../../client/drafts.js';
import type { Post } from '../../client/api/index.js';

let n = 0;
function post(parent: Post | null, promptId: string | null = null, author = 'Ana'): Post {
  n++;
  return {
    id: `p${n}`,
    topicId: 't',
    parentId: parent?.id ?? null,
    promptId: parent?.promptId ?? promptId,
    depth: parent ? parent.depth + 1 : 0,
    author: { id: author, displayName: author },
    bodyHtml: `<p>${n}</p>`,
    bodyMd: null,
    statusReason: null,
    removedByModerator: false,
    createdAt: new Date(2026, 0, 1, 0, 0, n).toISOString(),
    editedAt: null,
    version: 1,
    status: 'published',
    helpfulCount: 0,
    helpfulByMe: false,
    isSolution: false,
  };
}

describe('buildThreads', () => {
  it('nests replies under their parents and groups top-level replies by prompt', () => {
    const a = post(null, 'q1');
    const b = post(a, null, 'Ben');
    const c = post(null);
    const { roots, size } = buildThreads([a, b, c]);
    expect(size).toBe(3);
    expect(roots.get(rootKey('q1'))!.map((x) => x.post.id)).toEqual([a.id]);
    expect(roots.get(rootKey('q1'))![0]!.children.map((x) => x.post.id)).toEqual([b.id]);
    expect(roots.get(rootKey(null))!.map((x) => x.post.id)).toEqual([c.id]);
  });

  it('shows replies beyond the visual depth flat beside their parent, marked "in reply to"', () => {
    const chain = [post(null)];
    for (let i = 0; i < 6; i++) chain.push(post(chain[chain.length - 1]!, null, `U${i}`));
    const { roots } = buildThreads(chain, 3);
    const level0 = roots.get('')!;
    const level2 = level0[0]!.children[0]!.children; // the deepest visible list
    expect(level2.map((x) => [x.depth, x.inReplyTo])).toEqual([
      [2, null],
      [2, 'U1'],
      [2, 'U2'],
      [2, 'U3'],
      [2, 'U4'],
    ]);
    expect(level2.every((x) => x.children.length === 0)).toBe(true);
  });

  it('shows a reply whose parent is not loaded at the top level', () => {
    const orphan = { ...post(null), parentId: 'unknown' };
    const { roots } = buildThreads([orphan]);
    expect(roots.get('')![0]!.inReplyTo).toBe('an earlier post');
  });
});

describe('idempotencyKeyFor', () => {
  it('reuses the key for a retry of the same text and makes a new one for changed text', () => {
    const draft = { body: 'hello', idempotencyKey: 'key-1', keyBody: 'hello', savedAt: 0 };
    expect(idempotencyKeyFor(draft, 'hello')).toBe('key-1');
    const fresh = idempotencyKeyFor(draft, 'hello, edited');
    expect(fresh).not.toBe('key-1');
    expect(fresh).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(idempotencyKeyFor(null, 'x')).not.toBe(idempotencyKeyFor(null, 'x'));
  });
});

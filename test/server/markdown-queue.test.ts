// The render time limit counts a text's own rendering, not its wait for a thread: under load (many posts at
// once, one thread) ordinary texts queue, and none may be refused as "too complex" for having waited.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireMarkdownPool, renderOffThread, warmUpMarkdownPool } from '../../server/domain/markdown-pool.js';
import { LIMITS } from '../../shared/limits.js';

// A long ordinary post: 150 paragraphs with some emphasis and a link each (14,000 characters, 0.1–0.4 s to render).
const post = Array.from({ length: 150 }, (_, i) => `Paragraph ${i}: we tried *loop input* with [the group](https://example.org/${i}) and it worked.`)
  .join('\n\n');

let release: () => Promise<void>;
beforeAll(async () => {
  ({ release } = acquireMarkdownPool({ threads: 1, timeoutMs: 2_000 }));
  await warmUpMarkdownPool();
});
afterAll(async () => release?.());

it('texts queued behind others are rendered, not refused, when together they take longer than the limit', async () => {
  // Batches of copies rendered at once, doubling until one batch takes longer than the limit: its last texts
  // waited past the limit. Before the fix those were refused; no batch may have a refusal.
  for (let copies = 8; ; copies *= 2) {
    const queuedAt = performance.now();
    const results = await Promise.all(Array.from({ length: copies }, () => renderOffThread(post, LIMITS.postBodyMax)));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.every((r) => r.ok && r.html.includes('loop input'))).toBe(true);
    if (performance.now() - queuedAt > 2_500) break;
    expect(copies).toBeLessThan(4_096); // a render would have to take under a millisecond
  }
});

// The markdown pool's lifetime (server/domain/markdown-pool.ts): a server destroys it when its app releases
// it, so the process can end; a test worker keeps it for the next file's app (retainMarkdownPoolWhenIdle,
// set by test/helpers/shared-markdown-pool.ts), unless that app asks for another thread count.
import { afterAll, describe, expect, it } from 'vitest';
import { acquireMarkdownPool, markdownPoolState, renderOffThread, retainMarkdownPoolWhenIdle } from '../../server/domain/markdown-pool.js';

const rendersText = async () => {
  const result = await renderOffThread('Some *text*', 1_000);
  expect(result).toMatchObject({ ok: true, html: '<p>Some <em>text</em></p>' });
};

// Other files of this worker run with the pool retained: put that back whatever happens here.
afterAll(() => retainMarkdownPoolWhenIdle(true));

describe('markdown pool lifetime', () => {
  it('is destroyed when the last holder releases it, unless retained', async () => {
    retainMarkdownPoolWhenIdle(false);
    const first = acquireMarkdownPool({ threads: 1, timeoutMs: 30_000 });
    const second = acquireMarkdownPool({ threads: 1, timeoutMs: 30_000 });
    await rendersText();
    expect(markdownPoolState()).toMatchObject({ threads: 1 });
    await first.release();
    expect(markdownPoolState(), 'another holder still has it').toMatchObject({ threads: 1 });
    await second.release();
    expect(markdownPoolState()).toBeNull();
  });

  it('when retained, is kept for the next holder with the same thread count, and made anew for another', async () => {
    retainMarkdownPoolWhenIdle(true);
    const first = acquireMarkdownPool({ threads: 1, timeoutMs: 30_000 });
    await rendersText();
    const made = markdownPoolState()!;
    await first.release();
    expect(markdownPoolState(), 'kept while idle').toEqual(made);

    const again = acquireMarkdownPool({ threads: 1, timeoutMs: 30_000 });
    await rendersText();
    expect(markdownPoolState(), 'the same pool, reused').toEqual(made);
    await again.release();

    const wider = acquireMarkdownPool({ threads: 2, timeoutMs: 30_000 });
    expect(markdownPoolState(), 'not made before first use').toBeNull();
    await rendersText();
    expect(markdownPoolState()).toEqual({ threads: 2, serial: made.serial + 1 });
    await wider.release();
  });
});

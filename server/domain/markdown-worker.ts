// Worker-thread entry of the markdown pool (markdown-pool.ts): renders one text with the shared pipeline
// and reports the CPU time the render took on this thread. Built as dist/server/markdown-worker.js;
// under tsx/vitest the pool loads this file through tsx.
import { readFileSync } from 'node:fs';
import { MarkdownTooComplexError, MarkdownTooLongError, renderMarkdown } from '../../shared/markdown.js';

// The task and result types live in markdown-pool.ts: the request thread must not import this module,
// which loads the markdown pipeline with jsdom.
import type { RenderResult, RenderTask } from './markdown-pool.js';

/** CPU time of this thread in ms (Linux: /proc/thread-self/schedstat, nanoseconds on the CPU); null elsewhere. */
function threadCpuMs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

// Warm up once when the thread starts: jsdom and DOMPurify are several times slower on their first
// documents, and that cost belongs to the thread's start, not to a member's post.
renderMarkdown('# Warm-up\n\nSome *emphasis*, **strong**, `code`, [a link](https://example.org) and\n\n- a\n- list\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quote');

export default function render(task: RenderTask): RenderResult | null {
  if ('warmUp' in task) return null; // the module's warm-up above has run
  const { source, maxLength } = task;
  const start = threadCpuMs();
  const elapsed = () => (start === null ? null : threadCpuMs()! - start);
  try {
    const html = renderMarkdown(source, { maxLength });
    return { ok: true, html, cpuMs: elapsed() };
  } catch (err) {
    if (err instanceof MarkdownTooLongError) return { ok: false, reason: 'too_long', message: err.message, cpuMs: elapsed() };
    if (err instanceof MarkdownTooComplexError) return { ok: false, reason: 'too_complex', message: err.message, cpuMs: elapsed() };
    throw err;
  }
}

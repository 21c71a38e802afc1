// What <stoa-app> gives components in jsdom tests: the API client through context (as its ContextProvider
// answers every request), a JSON Response builder for stubbed fetch, and a clean page after each test.
import { afterEach, beforeAll, vi } from 'vitest';
import { api } from '../../client/api/index.js';
import { apiContext } from '../../client/context.js';

export const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Call once at the top of a jsdom test file. */
export function useShellContext() {
  beforeAll(() => {
    document.addEventListener('context-request', (event) => {
      const e = event as Event & { context: unknown; callback: (value: unknown) => void };
      if (e.context === apiContext) {
        e.stopPropagation();
        e.callback(api);
      }
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });
}

/**
 * Waits until `condition` holds after the element's latest update: the sentinel that a request and its
 * re-render are done (a poll of the condition, not a fixed pause). Fails naming `what` after `timeoutMs`.
 */
export async function until(el: { updateComplete: Promise<unknown> }, condition: () => boolean, what: string, timeoutMs = 3_000) {
  await vi.waitFor(
    async () => {
      await el.updateComplete;
      if (!condition()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 5 },
  );
}

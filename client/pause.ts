// Debouncing a load that runs as a @lit/task: the task first waits `pause(ms, signal)`. Every keystroke
// changes the task's arguments, which aborts the previous run's signal, so only the last pause (the member
// stopped typing) reaches the request; and a request already sent is cancelled the same way, while the
// task keeps only the newest run's answer, so an older answer never replaces a newer one.

/** Resolves after `ms`; rejects with the signal's reason (an AbortError) as soon as the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** How long typing must rest before a search-as-you-type request goes out. */
export const TYPING_PAUSE_MS = 250;

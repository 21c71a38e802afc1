// Every failed API call becomes an ApiError built from the server's RFC 9457 problem JSON, so forms can
// show the message and mark the field the server named.

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    /** The server's stable code (e.g. `validation_failed`, `invite_invalid`), or a client-side one. */
    readonly code: string,
    /** A sentence meant for people. */
    readonly detail: string,
    /** The request field the problem is about, when the server named one (e.g. `email`). */
    readonly field?: string,
    /** Seconds to wait before retrying (429). */
    readonly retryAfter?: number,
    /** The whole problem document, for codes that carry more (e.g. `currentVersion` on `version_conflict`). */
    readonly problem: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** The text to show someone for an error of any kind. */
export function messageFor(error: unknown): string {
  if (error instanceof ApiError) {
    // Posting limits: the server's sentence already says the wait, in seconds ("try again in 4 seconds").
    if (error.code === 'posting_too_fast') return error.detail;
    // Any 429 with a wait (ours say `rate_limited`; a proxy's may carry only Retry-After).
    if ((error.code === 'rate_limited' || error.status === 429) && error.retryAfter) {
      const minutes = Math.ceil(error.retryAfter / 60);
      return `${error.detail} You can try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    }
    return error.detail;
  }
  return 'Something went wrong in the page. Reload and try again.';
}

/** The form field an error is about, if any: only the top-level name (`roles.0` → `roles`). */
export function fieldOf(error: unknown): string | undefined {
  return error instanceof ApiError && error.field ? error.field.split('.')[0] : undefined;
}

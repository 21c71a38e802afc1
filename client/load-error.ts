// What a page shows when its load failed. "Try again" only where trying again can help: the server could
// not be reached, failed (5xx) or asked us to slow down (429). A refusal (403, 404: the member may not see
// it, or it is not there) gets no button: pressing it would only be refused again.
import { html, nothing } from 'lit';
import { ApiError, messageFor } from './api/index.js';

export function canRetry(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/** A failed page's heading (and document title): "Topic not found", "You cannot see this topic", "Could not load the topic". */
export function loadErrorHeading(error: unknown, thing: string): string {
  if (error instanceof ApiError && error.status === 404) return `${thing[0]!.toUpperCase()}${thing.slice(1)} not found`;
  if (error instanceof ApiError && error.status === 403) return `You cannot see this ${thing}`;
  return `Could not load the ${thing}`;
}

/** The failure's message in an alert, and "Try again" (calling `retry`) when trying again can help. */
export function loadError(error: unknown, retry: () => unknown) {
  return html`<p class="error" role="alert">${messageFor(error)}</p>
    ${canRetry(error) ? html`<button type="button" @click=${retry}>Try again</button>` : nothing}`;
}

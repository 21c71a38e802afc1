// The composer's @mention autocomplete: typing @ and a few letters offers the community's members whose
// handle or name starts so (GET …/members/search), as a listbox the keyboard drives (↓ ↑ to move, Enter or
// Tab to take, Escape to close); taking one writes `@handle ` in place of what was typed.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { MemberMatches } from '../api/index.js';
import type { ApiConsumer } from '../context.js';

type Match = MemberMatches['items'][number];

/** The `@prefix` just before the caret, if the caret is at the end of one. */
export function mentionAt(text: string, caret: number): { start: number; prefix: string } | null {
  const m = /(^|[^\w@/.])@([A-Za-z0-9_]{1,30})$/.exec(text.slice(0, caret));
  return m ? { start: m.index + m[1]!.length, prefix: m[2]! } : null;
}

export class MentionAutocomplete implements ReactiveController {
  matches: Match[] = [];
  active = 0;
  private at: { start: number; end: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private request: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: ApiConsumer,
    private readonly communityId: () => string | null,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    clearTimeout(this.timer);
    this.request?.abort();
  }

  get open() {
    return this.matches.length > 0;
  }

  close() {
    clearTimeout(this.timer);
    this.request?.abort();
    this.matches = [];
    this.at = null;
    this.host.requestUpdate();
  }

  /** After each keystroke: look members up for the `@prefix` at the caret (debounced), or close. */
  onInput(textarea: HTMLTextAreaElement) {
    const communityId = this.communityId();
    const found = communityId ? mentionAt(textarea.value, textarea.selectionStart) : null;
    if (!found || !communityId) return this.close();
    this.at = { start: found.start, end: textarea.selectionStart };
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.request?.abort();
      const request = (this.request = new AbortController());
      this.api.client.people
        .search(communityId, found.prefix, request.signal)
        .then((result) => {
          if (request.signal.aborted) return;
          this.matches = result.items;
          this.active = 0;
          this.host.requestUpdate();
        })
        .catch(() => undefined); // offline: no suggestions, typing goes on
    }, 150);
  }

  /** Keys while the list is open; true when the key was the list's. */
  onKeydown(event: KeyboardEvent, textarea: HTMLTextAreaElement): boolean {
    if (!this.open) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.matches.length) % this.matches.length;
      this.host.requestUpdate();
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      this.take(this.active, textarea);
    } else if (event.key === 'Escape') {
      this.close();
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  /** Writes `@handle ` in place of the typed prefix and lets the composer see the change as typing. */
  take(index: number, textarea: HTMLTextAreaElement) {
    const match = this.matches[index];
    if (!match || !this.at) return;
    const insert = `@${match.handle} `;
    textarea.value = textarea.value.slice(0, this.at.start) + insert + textarea.value.slice(this.at.end);
    const caret = this.at.start + insert.length;
    textarea.setSelectionRange(caret, caret);
    this.close();
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true }));
    textarea.focus();
  }

  /** The listbox; `id` is what the textarea's aria-controls names. */
  render(id: string, textarea: () => HTMLTextAreaElement | null) {
    if (!this.open) return nothing;
    return html`<ul class="mentions" role="listbox" id=${id} aria-label="Members to mention">
      ${this.matches.map(
        (m, i) => html`<li role="option" id=${`${id}-${i}`} aria-selected=${i === this.active ? 'true' : 'false'}
          @mousedown=${(e: Event) => {
            e.preventDefault(); // keep the textarea's focus and caret
            const el = textarea();
            if (el) this.take(i, el);
          }}>@${m.handle} <span class="muted">${m.displayName}</span></li>`,
      )}
    </ul>`;
  }
}

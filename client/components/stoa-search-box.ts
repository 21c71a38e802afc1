// The header's search box: results as you type, in the community of the page (else all of mine). A combobox
// (ARIA 1.2 pattern): the text field keeps focus, ↓ ↑ move through a listbox of the top hits (title and
// snippet) and a last "all results" option, Enter opens the chosen one or, with none chosen, the results page,
// Escape closes the list (a second Escape clears the field). Requests wait for typing to pause and cancel the
// one before (client/pause.ts), so an older answer never replaces a newer one.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { messageFor, type MembershipSummary, type SearchHit } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { plural } from '../format.js';
import { sanitizeHighlight } from '../highlight.js';
import { pause, TYPING_PAUSE_MS } from '../pause.js';
import { paths } from '../router.js';
import { HIT_TYPE_LABEL } from '../search-filters.js';
import { base } from '../styles.js';

/** Hits shown in the list. */
export const SUGGESTIONS = 5;
/** Fewer characters than this ask nothing while typing (Enter still searches). */
export const TYPING_MIN = 2;

/**
 * @fires stoa-navigate - a hit or the results page was chosen
 */
export class StoaSearchBox extends LitElement {
  static override properties = {
    membership: { attribute: false },
    text: { state: true },
    open: { state: true },
    active: { state: true },
  };

  /** The community of the page (the search's scope), or null: all my communities. */
  declare membership: MembershipSummary | null;
  declare text: string;
  /** Whether the list is shown (typing opens it; Escape, leaving the field and choosing close it). */
  declare open: boolean;
  /** The chosen option: a hit's index, `hits.length` for "all results", -1 for none. */
  declare active: number;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });

  private readonly suggestions = new Task(this, {
    task: async ([q, communityId], { signal }) => {
      if (q.length < TYPING_MIN) return initialState;
      await pause(TYPING_PAUSE_MS, signal);
      const page = await this.api.client.search.search({ q, ...(communityId ? { communityId } : {}), limit: SUGGESTIONS }, signal);
      return { q, ...page };
    },
    args: () => [this.text.trim(), this.membership?.communityId ?? null] as const,
    onComplete: () => (this.active = -1),
  });

  constructor() {
    super();
    this.membership = null;
    this.text = '';
    this.open = false;
    this.active = -1;
  }

  /** The hits on show: the last answer, while the query still has enough letters to ask. */
  private get hits(): SearchHit[] {
    if (this.suggestions.status === TaskStatus.INITIAL || this.suggestions.status === TaskStatus.ERROR) return [];
    return this.suggestions.value?.items ?? [];
  }

  private get optionCount(): number {
    const n = this.hits.length;
    return n ? n + 1 : 0;
  }

  private get scopeName(): string {
    return this.membership ? this.membership.name : 'all my communities';
  }

  private resultsPath(): string {
    const communityId = this.membership?.communityId;
    return paths.search({ q: this.text.trim(), ...(communityId ? { communityId } : {}) });
  }

  private slugOf(communityId: string): string | null {
    return this.session.value?.me?.memberships.find((m) => m.communityId === communityId)?.slug ?? null;
  }

  private go(path: string) {
    this.open = false;
    this.active = -1;
    emit(this, 'stoa-navigate', { path });
  }

  /** Opens option `index`: a hit, or the results page. */
  private choose(index: number) {
    const hit = this.hits[index];
    const slug = hit ? this.slugOf(hit.communityId) : null;
    this.go(hit && slug ? paths.hit(hit, slug) : this.resultsPath());
  }

  private onInput(event: Event) {
    this.text = (event.target as HTMLInputElement).value;
    this.open = true;
    this.active = -1;
  }

  private onKeydown(event: KeyboardEvent) {
    const count = this.optionCount;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (!this.open) {
          this.open = true;
        } else if (count) {
          const step = event.key === 'ArrowDown' ? 1 : -1;
          this.active = this.active === -1 ? (step === 1 ? 0 : count - 1) : (this.active + step + count) % count;
        }
        break;
      }
      case 'Enter':
        if (this.open && this.active >= 0 && this.active < count) this.choose(this.active);
        else if (this.text.trim()) this.go(this.resultsPath());
        break;
      case 'Escape':
        if (this.open && this.text.trim().length >= TYPING_MIN) {
          this.open = false;
          this.active = -1;
        } else {
          this.text = '';
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.text.trim()) this.go(this.resultsPath());
  }

  /** Puts the keyboard in the search field (the `/` shortcut). */
  override focus(options?: FocusOptions) {
    this.renderRoot.querySelector('input')?.focus(options);
  }

  override render() {
    const q = this.text.trim();
    const shown = this.open && q.length >= TYPING_MIN;
    const hits = this.hits;
    const expanded = shown && hits.length > 0;
    const activeId = expanded && this.active >= 0 ? `search-option-${this.active}` : nothing;
    return html`<form role="search" aria-label="Site search" @submit=${this.onSubmit}>
      <label class="visually-hidden" for="header-search">Search ${this.scopeName}</label>
      <input id="header-search" type="search" role="combobox" autocomplete="off" spellcheck="false" placeholder="Search…"
        aria-autocomplete="list" aria-controls="search-options" aria-expanded=${expanded ? 'true' : 'false'} aria-activedescendant=${activeId}
        aria-describedby="search-box-status" .value=${this.text} @input=${this.onInput} @keydown=${this.onKeydown}
        @focus=${() => (this.open = true)} @blur=${() => (this.open = false)} />
      <button type="submit" class="go" aria-label="Search">
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round">
          <circle cx="11" cy="11" r="7" /><path d="m20 20-4-4" />
        </svg>
      </button>
      <div class="popup" ?hidden=${!shown}>
        <ul id="search-options" role="listbox" aria-label=${`Matches in ${this.scopeName}`} ?hidden=${!expanded}>
          ${hits.map((hit, i) => this.renderOption(hit, i))}
          ${hits.length
            ? html`<li role="option" id=${`search-option-${hits.length}`} class="all" aria-selected=${this.active === hits.length ? 'true' : 'false'}
                @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.choose(hits.length)}>
                All ${plural(this.suggestions.value?.total ?? hits.length, 'result')} for “${q}”
              </li>`
            : nothing}
        </ul>
        ${shown ? this.renderState(q) : nothing}
      </div>
      <span class="visually-hidden" id="search-box-status" role="status">${shown ? this.statusText(q) : ''}</span>
    </form>`;
  }

  private renderOption(hit: SearchHit, i: number) {
    return html`<li role="option" id=${`search-option-${i}`} aria-selected=${i === this.active ? 'true' : 'false'}
      @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.choose(i)}>
      <span class="title">${unsafeHTML(sanitizeHighlight(hit.titleHtml))}</span>
      <span class="kind">${HIT_TYPE_LABEL[hit.type]} · ${hit.author.displayName}</span>
      ${hit.snippetHtml ? html`<span class="snippet">${unsafeHTML(sanitizeHighlight(hit.snippetHtml))}</span>` : nothing}
    </li>`;
  }

  /** A line under the list: searching, nothing found, or what went wrong. */
  private renderState(q: string) {
    const s = this.suggestions;
    if (s.status === TaskStatus.ERROR) return html`<p class="state error">${messageFor(s.error)}</p>`;
    if (s.status === TaskStatus.PENDING && !this.hits.length) return html`<p class="state">Searching…</p>`;
    if (s.status === TaskStatus.COMPLETE && !this.hits.length) {
      return html`<p class="state">No matches for “${q}”. Press Enter for the results page and tips.</p>`;
    }
    return nothing;
  }

  private statusText(q: string): string {
    const s = this.suggestions;
    if (s.status === TaskStatus.ERROR) return 'Search failed.';
    if (s.status !== TaskStatus.COMPLETE) return '';
    const total = s.value?.total ?? 0;
    return total ? `${plural(total, 'result')}; use the down arrow to choose one.` : `No matches for “${q}”.`;
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        position: relative;
        color: var(--stoa-text);
      }
      form {
        display: flex;
        align-items: stretch;
      }
      input {
        font: inherit;
        flex: 1;
        min-width: 0;
        min-height: 2.75rem;
        padding: 0.4rem 0.65rem;
        border: 1px solid var(--stoa-input-border);
        border-right: 0;
        border-radius: 0.35rem 0 0 0.35rem;
        background: var(--stoa-surface);
        color: var(--stoa-text);
      }
      .go {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        min-width: 2.75rem;
        min-height: 2.75rem;
        border: 1px solid var(--stoa-input-border);
        border-radius: 0 0.35rem 0.35rem 0;
        background: var(--stoa-surface-sunken);
        color: var(--stoa-text);
        cursor: pointer;
      }
      :focus-visible {
        outline: 3px solid var(--stoa-highlight);
        outline-offset: 1px;
      }
      .popup {
        position: absolute;
        top: calc(100% + 0.25rem);
        left: 0;
        z-index: 20;
        width: min(34rem, calc(100vw - 2rem));
        background: var(--stoa-surface);
        color: var(--stoa-text);
        border: 1px solid var(--stoa-border);
        border-radius: 0.5rem;
        box-shadow: 0 6px 20px var(--stoa-shadow);
        overflow: hidden;
      }
      [hidden] {
        display: none !important;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0.25rem 0;
      }
      li {
        display: grid;
        gap: 0.1rem;
        padding: 0.5rem 0.75rem;
        cursor: pointer;
        border-left: 4px solid transparent;
      }
      li[aria-selected='true'] {
        background: var(--stoa-selected-bg);
        border-left-color: var(--stoa-accent);
      }
      li:hover {
        background: var(--stoa-surface-sunken);
      }
      .title {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .kind {
        font-size: 0.8rem;
        color: var(--stoa-muted);
      }
      .snippet {
        font-size: 0.9rem;
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow-wrap: anywhere;
      }
      .all {
        border-top: 1px solid var(--stoa-divider);
        color: var(--stoa-link);
        font-weight: 600;
      }
      mark {
        background: var(--stoa-mark-bg);
        color: var(--stoa-mark-text);
        font-weight: 600;
      }
      .state {
        margin: 0;
        padding: 0.6rem 0.75rem;
        font-size: 0.95rem;
      }
      .state.error {
        color: var(--stoa-danger);
      }
    `,
  ];
}

customElements.define('stoa-search-box', StoaSearchBox);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-search-box': StoaSearchBox;
  }
}

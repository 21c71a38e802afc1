// "Search this topic", on long topics: a search field that searches only this topic (its text, prompts and
// replies) as the member types, and lists the matches; each opens the topic page at that reply (?post=) or
// prompt (?prompt=), which pages on until it is loaded. ↓ from the field goes to the first match, ↓ ↑ move
// between matches; Escape clears the field.
import { LitElement, css, html, nothing } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { messageFor, type SearchHit } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { ListKeysController } from '../controllers/list-keys.js';
import { formatDateTime, plural } from '../format.js';
import { sanitizeHighlight } from '../highlight.js';
import { pause, TYPING_PAUSE_MS } from '../pause.js';
import { paths } from '../router.js';
import { HIT_TYPE_LABEL } from '../search-filters.js';
import { syntaxHelp } from '../search-syntax.js';
import { base, forms } from '../styles.js';

/** Topics with more replies than this get the search field. */
export const TOPIC_SEARCH_MIN_POSTS = 20;
const SHOWN = 20;

export class StoaTopicSearch extends LitElement {
  static override properties = {
    topicId: { attribute: false },
    communityId: { attribute: false },
    slug: { attribute: false },
    text: { state: true },
  };

  declare topicId: string;
  declare communityId: string;
  declare slug: string;
  declare text: string;

  private readonly api = new ApiConsumer(this);
  private readonly keys = new ListKeysController(this, () => [...this.renderRoot.querySelectorAll<HTMLElement>('a.hit-link')], { shortcuts: false });

  private readonly found = new Task(this, {
    task: async ([topicId, q], { signal }) => {
      if (!topicId || q.length < 2) return initialState;
      await pause(TYPING_PAUSE_MS, signal);
      return this.api.client.search.search({ q, topicId, limit: SHOWN }, signal);
    },
    args: () => [this.topicId, this.text.trim()] as const,
  });

  constructor() {
    super();
    this.topicId = '';
    this.communityId = '';
    this.slug = '';
    this.text = '';
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key === 'ArrowDown' && this.keys.move(1)) event.preventDefault();
    else if (event.key === 'Escape' && this.text) {
      this.text = '';
      event.preventDefault();
    }
  }

  override render() {
    const q = this.text.trim();
    return html`<form role="search" aria-label="Search this topic" @submit=${(e: Event) => e.preventDefault()}>
        <label for="topic-search-q">Search this topic</label>
        <input id="topic-search-q" type="search" autocomplete="off" .value=${this.text} aria-describedby="topic-search-syntax topic-search-status"
          @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)} @keydown=${this.onKeydown} />
        ${syntaxHelp('topic-search-syntax')}
      </form>
      <p class="found" id="topic-search-status" role="status">${this.statusText(q)}</p>
      ${this.found.status === TaskStatus.ERROR ? html`<p class="error" role="alert">${messageFor(this.found.error)}</p>` : nothing}
      ${q.length >= 2 && this.found.value?.items.length && this.found.status !== TaskStatus.INITIAL ? this.renderHits(q, this.found.value.items, this.found.value.total) : nothing}`;
  }

  private statusText(q: string): string {
    if (q.length < 2) return '';
    const m = this.found;
    if (m.status === TaskStatus.PENDING) return 'Searching…';
    if (m.status !== TaskStatus.COMPLETE || !m.value) return '';
    return m.value.total ? `${plural(m.value.total, 'match', 'matches')} in this topic.` : `Nothing in this topic matches “${q}”.`;
  }

  private renderHits(q: string, hits: SearchHit[], total: number) {
    return html`<ol class="hits" aria-label="Matches in this topic">
        ${hits.map(
          (hit) => html`<li>
            <a class="hit-link" href=${paths.hit(hit, this.slug)}>${HIT_TYPE_LABEL[hit.type]} by ${hit.author.displayName}</a>
            <time class="muted" datetime=${hit.createdAt}>${formatDateTime(hit.createdAt)}</time>
            ${hit.snippetHtml ? html`<p class="snippet">${unsafeHTML(sanitizeHighlight(hit.snippetHtml))}</p>` : nothing}
          </li>`,
        )}
      </ol>
      ${total > hits.length
        ? html`<p><a href=${paths.search({ q, topicId: this.topicId, ...(this.communityId ? { communityId: this.communityId } : {}) })}>All ${total} matches on the results page</a></p>`
        : nothing}`;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        margin: 0 0 1rem;
      }
      form {
        gap: 0.25rem;
        max-width: 32rem;
      }
      code {
        background: var(--stoa-surface-sunken);
        padding: 0 0.25rem;
        border-radius: 0.2rem;
      }
      .found {
        margin: 0.35rem 0 0;
        font-size: 0.9rem;
        color: var(--stoa-muted);
      }
      .found:empty {
        display: none;
      }
      .hits {
        list-style: none;
        margin: 0.5rem 0;
        padding: 0;
        max-height: 24rem;
        overflow-y: auto;
        border: 1px solid var(--stoa-border);
        border-radius: 0.35rem;
      }
      li {
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--stoa-divider);
      }
      li:last-child {
        border-bottom: 0;
      }
      .hit-link {
        font-weight: 600;
        margin-right: 0.4rem;
      }
      time {
        font-size: 0.85rem;
      }
      .snippet {
        margin: 0.2rem 0 0;
        overflow-wrap: anywhere;
      }
      mark {
        background: var(--stoa-mark-bg);
        color: var(--stoa-mark-text);
        font-weight: 600;
      }
    `,
  ];
}

customElements.define('stoa-topic-search', StoaTopicSearch);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-topic-search': StoaTopicSearch;
  }
}

// `/search?q=…&…`: search results with filters. The filters live in the address (client/search-filters.ts), so
// a search can be linked and Back returns to the previous one; changing one pushes a new address and keeps
// focus where it is. Results come 20 at a time ("Load more" with the server's cursor); `total` says how many
// there are, and a note says when only the most recent matches were ranked. j / k (or ↓ / ↑ on a result) move
// between results, Enter opens one. When nothing matches, the page says what to try.
import { LitElement, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { ApiError, messageFor, type MembershipSummary, type SearchHit, type SearchResults } from '../api/index.js';
import { SEARCH_LIMITS } from '../api/search.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { ListKeysController } from '../controllers/list-keys.js';
import { emit } from '../events.js';
import { formatDate, plural } from '../format.js';
import { sanitizeHighlight } from '../highlight.js';
import { paths } from '../router.js';
import { FILTER_KEYS, filtersFromQuery, filtersToQuery, HIT_TYPE_LABEL, hasFilters, toSearchQuery, withoutFilters, type SearchFilters } from '../search-filters.js';
import { syntaxHelp } from '../search-syntax.js';
import { canRetry } from '../load-error.js';
import { searchPageStyles } from './stoa-search-page.styles.js';

const PAGE = SEARCH_LIMITS.pageDefault;

/**
 * @fires stoa-navigate - a filter changed: the same page at the new address (focus stays)
 * @fires stoa-page-title - "Search: words"
 * @fires stoa-announce - how many more results a "Load more" brought
 */
export class StoaSearchPage extends LitElement {
  static override properties = {
    filters: { attribute: false },
    more: { state: true },
    nextCursor: { state: true },
    moreError: { state: true },
    loadingMore: { state: true },
  };

  /** From the address (router): what to search for. */
  declare filters: SearchFilters;
  /** Results of "Load more", after the first page. */
  declare more: SearchHit[];
  declare nextCursor: string | null;
  declare moreError: unknown;
  declare loadingMore: boolean;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  // j / k and ↓ ↑ between the result links (the controller listens while the page is connected).
  private readonly keys = new ListKeysController(this, () => [...this.renderRoot.querySelectorAll<HTMLElement>('a.hit-link')], { shortcuts: true });
  private moreRequest: AbortController | undefined;
  /** The search the shown results answer: while a new one runs, the old results still say what they are for. */
  private shownFilters: SearchFilters = { q: '' };

  /** The first page, for the filters as a query string (the same search twice is one request). */
  private readonly results = new Task(this, {
    task: async ([key, signedIn], { signal }) => {
      const filters = filtersFromQuery(new URLSearchParams(key));
      if (!signedIn || !filters.q.trim()) return initialState;
      const page = await this.api.client.search.search(toSearchQuery(filters, { limit: PAGE }), signal);
      this.more = [];
      this.nextCursor = page.nextCursor;
      this.moreError = null;
      this.shownFilters = filters;
      return page;
    },
    args: () => [filtersToQuery(this.filters), this.session.value?.status === 'signed-in'] as const,
  });

  constructor() {
    super();
    this.filters = { q: '' };
    this.more = [];
    this.nextCursor = null;
    this.moreError = null;
    this.loadingMore = false;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('filters')) {
      const before = changed.get('filters') as SearchFilters | undefined;
      if (!before || filtersToQuery(before) !== filtersToQuery(this.filters)) {
        this.moreRequest?.abort(); // a page of the previous search must not land in this one
        this.loadingMore = false;
        emit(this, 'stoa-page-title', { title: this.filters.q ? `Search: ${this.filters.q}` : 'Search' });
      }
    }
  }

  override updated(changed: Map<PropertyKey, unknown>) {
    // The fields show the address's search when the address changes (a search sent, a filter, Back, a link) and
    // only then: results arriving re-render the page, and must not replace words typed while they loaded.
    if (changed.has('filters')) this.fillFields(this.filters);
  }

  private fillFields(f: SearchFilters) {
    const fields: Array<[id: string, value: string]> = [
      ['search-q', f.q],
      ['search-author', f.author ? `@${f.author}` : ''],
      ['search-from', f.from ?? ''],
      ['search-to', f.to ?? ''],
    ];
    for (const [id, value] of fields) {
      const input = this.renderRoot.querySelector<HTMLInputElement>(`#${id}`);
      if (input && input.value !== value) input.value = value;
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.moreRequest?.abort();
  }

  private get memberships(): MembershipSummary[] {
    return this.session.value?.me?.memberships ?? [];
  }

  private slugOf(communityId: string): string | null {
    return this.memberships.find((m) => m.communityId === communityId)?.slug ?? null;
  }

  /** Goes to the address of these filters; the page stays, focus too. */
  private go(filters: SearchFilters) {
    emit(this, 'stoa-navigate', { path: paths.search(filters), keepFocus: true });
  }

  /** The form's fields → filters (empty fields are no filter). */
  private fromForm(form: HTMLFormElement): SearchFilters {
    const data = new FormData(form);
    const query = new URLSearchParams();
    for (const key of ['q', ...FILTER_KEYS]) {
      const value = String(data.get(key) ?? '').trim();
      if (value) query.set(key, value);
    }
    return filtersFromQuery(query);
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.go(this.fromForm(event.target as HTMLFormElement));
  }

  /** Selects and dates apply at once; the words and the author when the form is sent. */
  private onChange(event: Event) {
    const field = event.target as HTMLInputElement | HTMLSelectElement;
    if (field instanceof HTMLSelectElement || field.type === 'date') this.go(this.fromForm(field.form!));
  }

  private async loadMore() {
    const cursor = this.nextCursor;
    if (!cursor || this.loadingMore) return;
    const key = filtersToQuery(this.filters);
    const request = (this.moreRequest = new AbortController());
    this.loadingMore = true;
    this.moreError = null;
    try {
      const page = await this.api.client.search.search(toSearchQuery(this.filters, { cursor, limit: PAGE }), request.signal);
      if (request.signal.aborted || key !== filtersToQuery(this.filters)) return;
      const known = new Set([...(this.results.value?.items ?? []), ...this.more].map((h) => `${h.type}:${h.id}`));
      const fresh = page.items.filter((h) => !known.has(`${h.type}:${h.id}`));
      const firstNew = (this.results.value?.items.length ?? 0) + this.more.length;
      this.more = [...this.more, ...fresh];
      this.nextCursor = page.nextCursor;
      emit(this, 'stoa-announce', { message: `${plural(fresh.length, 'more result')} loaded.` });
      await this.updateComplete;
      // The button may be gone (last page): focus goes to the first new result, where reading continues.
      this.renderRoot.querySelectorAll<HTMLElement>('a.hit-link')[firstNew]?.focus();
    } catch (error) {
      if (!request.signal.aborted) this.moreError = error;
    } finally {
      if (this.moreRequest === request) this.loadingMore = false;
    }
  }

  override render() {
    const f = this.filters;
    return html`
      <h1>Search</h1>
      ${this.renderForm(f)}
      ${this.results.render({
        initial: () => html`<p class="muted">Type words to search the topics, prompts and replies of ${this.scopeName(f)}.</p>`,
        pending: () => (this.results.value ? this.renderResults(f, this.results.value, true) : html`<p role="status">Searching…</p>`),
        error: (error) => this.renderError(error),
        complete: (page) => this.renderResults(f, page, false),
      })}
      <p class="visually-hidden" role="status">${this.statusText()}</p>
    `;
  }

  /** What the page's live region says: the outcome of the search, once it is known. */
  private statusText(): string {
    const f = this.filters;
    switch (this.results.status) {
      case TaskStatus.PENDING:
        return 'Searching…';
      case TaskStatus.ERROR:
        return 'The search failed.';
      case TaskStatus.COMPLETE: {
        const page = this.results.value;
        if (!page) return '';
        return page.total ? `${plural(page.total, 'result')} for “${f.q}”.` : `No results for “${f.q}”. Suggestions follow.`;
      }
      default:
        return '';
    }
  }

  private scopeName(f: SearchFilters): string {
    if (!f.communityId) return 'all your communities';
    return this.memberships.find((m) => m.communityId === f.communityId)?.name ?? 'this community';
  }

  private renderForm(f: SearchFilters) {
    const communities = [...this.memberships].sort((a, b) => a.name.localeCompare(b.name));
    const unknownCommunity = f.communityId && !communities.some((c) => c.communityId === f.communityId);
    const topicTitle = this.results.value?.items.find((h) => h.topicId === f.topicId)?.title;
    return html`<form role="search" aria-label="Search and filters" @submit=${this.onSubmit} @change=${this.onChange}>
      <div class="field words">
        <label for="search-q">Search for</label>
        <div class="row">
          <input id="search-q" name="q" type="search" required maxlength=${SEARCH_LIMITS.queryMax}
            aria-describedby="search-syntax" autocomplete="off" />
          <button type="submit">Search</button>
        </div>
        ${syntaxHelp('search-syntax')}
      </div>
      <fieldset class="filters">
        <legend>Filters</legend>
        <div class="field">
          <label for="search-community">Where</label>
          <select id="search-community" name="communityId">
            <option value="" ?selected=${!f.communityId}>All my communities</option>
            ${communities.map((c) => html`<option value=${c.communityId} ?selected=${c.communityId === f.communityId}>${c.name}</option>`)}
            ${unknownCommunity ? html`<option value=${f.communityId!} selected>A community you are not in</option>` : nothing}
          </select>
        </div>
        <div class="field">
          <label for="search-type">Show</label>
          <select id="search-type" name="type">
            <option value="" ?selected=${!f.type}>Topics and replies</option>
            <option value="topic" ?selected=${f.type === 'topic'}>Topics only</option>
            <option value="post" ?selected=${f.type === 'post'}>Replies only</option>
          </select>
        </div>
        <div class="field">
          <label for="search-kind">Kind</label>
          <select id="search-kind" name="kind">
            <option value="" ?selected=${!f.kind}>CPD topics and practice problems</option>
            <option value="cpd" ?selected=${f.kind === 'cpd'}>CPD topics</option>
            <option value="problem" ?selected=${f.kind === 'problem'}>Practice problems</option>
          </select>
        </div>
        <div class="field">
          <label for="search-solved">Solved</label>
          <select id="search-solved" name="solved">
            <option value="" ?selected=${f.solved === undefined}>Solved or not</option>
            <option value="true" ?selected=${f.solved === true}>Solved problems</option>
            <option value="false" ?selected=${f.solved === false}>Unsolved problems</option>
          </select>
        </div>
        <div class="field">
          <label for="search-author">Author</label>
          <input id="search-author" name="author" type="text" placeholder="@handle" pattern="@?[A-Za-z0-9_\\-]+" maxlength="41"
            aria-describedby="search-author-hint" autocomplete="off" />
          <span class="hint" id="search-author-hint">A member's @handle; applies when you search.</span>
        </div>
        <div class="field">
          <label for="search-from">From</label>
          <input id="search-from" name="from" type="date" max=${f.to ?? nothing} />
        </div>
        <div class="field">
          <label for="search-to">To</label>
          <input id="search-to" name="to" type="date" min=${f.from ?? nothing} />
        </div>
        ${f.topicId
          ? html`<div class="within">
              <input type="hidden" name="topicId" .value=${f.topicId} />
              <span>Only in ${topicTitle ? html`the topic “${topicTitle}”` : 'one topic'}.</span>
              <button type="button" class="secondary" @click=${() => this.go({ ...f, topicId: undefined } as SearchFilters)}>Search all topics</button>
            </div>`
          : nothing}
      </fieldset>
      ${hasFilters(f) ? html`<p class="clear"><a href=${paths.search(withoutFilters(f))}>Clear filters</a></p>` : nothing}
    </form>`;
  }

  private renderError(error: unknown) {
    const notVisible = error instanceof ApiError && error.status === 404;
    return html`<p class="error" role="alert">
        ${notVisible ? 'That community or topic is not one you can search: you may not be a member of it any more.' : messageFor(error)}
      </p>
      ${notVisible
        ? html`<p><a href=${paths.search({ q: this.filters.q })}>Search all your communities instead</a></p>`
        : canRetry(error) ? html`<button type="button" @click=${() => this.results.run()}>Try again</button>` : nothing}`;
  }

  private renderResults(f: SearchFilters, page: SearchResults, refreshing: boolean) {
    if (!page.items.length) return this.renderEmpty(f);
    const hits = [...page.items, ...this.more];
    const loading = refreshing || this.results.status === TaskStatus.PENDING;
    return html`
      <div class="summary">
        <p class="count">
          ${plural(page.total, 'result')} for “${this.shownFilters.q}” in ${this.scopeName(this.shownFilters)}${loading ? html` <span class="muted">(updating…)</span>` : nothing}
        </p>
        <p class="hint keys">Keyboard: <kbd>j</kbd> and <kbd>k</kbd> (or <kbd>↓</kbd> <kbd>↑</kbd> on a result) move between results; <kbd>Enter</kbd> opens one.</p>
      </div>
      ${page.truncated
        ? html`<p class="note" role="note">
            There are more matches than Stoa ranks at once: only the most recent ones are ranked and counted here. To find older
            ones, choose a date range (From and To).
          </p>`
        : nothing}
      <ol class="hits" aria-label="Results" aria-busy=${loading ? 'true' : 'false'}>
        ${hits.map((hit) => this.renderHit(hit, !f.communityId))}
      </ol>
      ${this.moreError ? html`<p class="error" role="alert">${messageFor(this.moreError)}</p>` : nothing}
      ${this.nextCursor
        ? html`<div class="more">
            <p class="muted small">Showing ${hits.length} of ${page.total}.</p>
            <button type="button" class="secondary" ?disabled=${this.loadingMore} @click=${() => void this.loadMore()}>
              ${this.loadingMore ? 'Loading…' : 'Load more results'}
            </button>
          </div>`
        : nothing}
    `;
  }

  private renderHit(hit: SearchHit, showCommunity: boolean) {
    const slug = this.slugOf(hit.communityId);
    const membership = this.memberships.find((m) => m.communityId === hit.communityId);
    const title = unsafeHTML(sanitizeHighlight(hit.titleHtml));
    const where = hit.type === 'post' ? `Reply by ${hit.author.displayName} in ` : hit.type === 'prompt' ? 'Prompt in ' : '';
    return html`<li class="hit">
      <h2 class="hit-title">
        ${slug
          ? html`<a class="hit-link" href=${paths.hit(hit, slug)}>${where ? html`<span class="visually-hidden">${where}</span>` : nothing}${title}</a>`
          : title}
      </h2>
      <p class="meta">
        <span class="badge">${HIT_TYPE_LABEL[hit.type]}</span>
        <span class="badge">${hit.kind === 'cpd' ? 'CPD topic' : 'Practice problem'}</span>
        ${hit.kind === 'problem' && hit.solved ? html`<span class="badge open">solved</span>` : nothing}
        <span>${hit.author.displayName} <span class="muted">@${hit.author.handle}</span></span>
        <time datetime=${hit.createdAt}>${formatDate(hit.createdAt)}</time>
        ${showCommunity && membership ? html`<span class="muted">in ${membership.name}</span>` : nothing}
      </p>
      ${hit.snippetHtml ? html`<p class="snippet">${unsafeHTML(sanitizeHighlight(hit.snippetHtml))}</p>` : nothing}
    </li>`;
  }

  private renderEmpty(f: SearchFilters) {
    return html`<section class="empty card" aria-labelledby="empty-h">
      <h2 id="empty-h">No results for “${f.q}” in ${this.scopeName(f)}</h2>
      <p>Things to try:</p>
      <ul>
        <li>Fewer words, or other words for the same thing.</li>
        <li>Check the spelling.</li>
        ${hasFilters(f) ? html`<li><a href=${paths.search(withoutFilters(f))}>Remove the filters</a> and search again.</li>` : nothing}
        ${f.communityId ? html`<li><a href=${paths.search({ ...f, communityId: undefined } as SearchFilters)}>Search all your communities</a>.</li>` : nothing}
        <li>
          The search syntax: <code>"quoted phrase"</code> finds the words together, <code>-word</code> leaves out what has that word, and
          <code>this or that</code> finds either.
        </li>
      </ul>
    </section>`;
  }

  static override styles = searchPageStyles;
}

customElements.define('stoa-search-page', StoaSearchPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-search-page': StoaSearchPage;
  }
}

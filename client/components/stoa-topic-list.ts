// The community's topics, under the community page's "Topics" heading: pinned first, then by latest
// activity (the server's order); filters for open / upcoming / closed and CPD topics / practice problems;
// each row with kind, status, dates, "N posted · M read" and my unread count; "load more" with the cursor.
// Also the buttons that open the new-topic forms: a practice problem for any (unsuspended) member, a CPD
// topic for facilitators. Live: subscribed to `community:<id>`, new topics and activity (counts, last
// activity, my unread counts) refresh the list shortly after they happen.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { repeat } from 'lit/directives/repeat.js';
import { messageFor, type Community, type TopicKind, type TopicStatus, type TopicSummary } from '../api/index.js';
import { ApiConsumer, liveContext, sessionContext } from '../context.js';
import { LiveCoverage, LiveSubscription } from '../api/live-connection.js';
import { loadProblemDraft } from '../drafts.js';
import { emit } from '../events.js';
import { formatDate, formatDateTime } from '../format.js';
import { paths } from '../router.js';
import { badges, base, forms } from '../styles.js';
import './stoa-cpd-topic-form.js';
import './stoa-problem-form.js';
import { loadError } from '../load-error.js';

const STATUS_OPTIONS: Array<[value: TopicStatus | '', label: string]> = [
  ['', 'Any status'],
  ['open', 'Open'],
  ['upcoming', 'Upcoming'],
  ['closed', 'Closed'],
];
/** Held, hidden and removed topics are listed only for their author and moderators, marked so. */
const MODERATION_BADGES: Record<TopicSummary['moderationStatus'], string> = {
  published: '',
  pending: 'waiting for approval',
  hidden: 'hidden by flags',
  removed: 'removed',
};
const KIND_OPTIONS: Array<[value: TopicKind | '', label: string]> = [
  ['', 'CPD topics and practice problems'],
  ['cpd', 'CPD topics'],
  ['problem', 'Practice problems'],
];

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 */
export class StoaTopicList extends LitElement {
  static override properties = {
    community: { attribute: false },
    status: { state: true },
    kind: { state: true },
    more: { state: true },
    nextCursor: { state: true },
    moreError: { state: true },
    openForm: { state: true },
    markingRead: { state: true },
  };

  declare community: Community | null;
  declare status: TopicStatus | '';
  declare kind: TopicKind | '';
  /** Topics from "load more" pages, after the first page. */
  declare more: TopicSummary[];
  declare nextCursor: string | null;
  declare moreError: unknown;
  declare openForm: 'problem' | 'cpd' | null;
  declare markingRead: boolean;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  private readonly live = new ContextConsumer(this, { context: liveContext, subscribe: true });
  private readonly liveSubscription = new LiveSubscription(this, (channel) => ({
    onEvent: (event) => {
      if (event.name === 'topic.created') {
        // A placeholder (a held topic seen by someone who may not read it) has no title.
        const title = event.data.title;
        if (title) emit(this, 'stoa-announce', { message: `New topic: ${title}` });
      }
      if (event.name.startsWith('topic.') || event.name.startsWith('post.') || event.name === 'prompt.released') this.scheduleRefresh();
    },
    onStart: (lastEventId) => this.coverage.started(channel, lastEventId),
    onResync: () => this.scheduleRefresh(),
  }));
  /** A topic created between the list's read and the subscription's start: read the list again at once. */
  private readonly coverage = new LiveCoverage(() => queueMicrotask(() => this.topics.run()));
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly topics = new Task(this, {
    task: async ([communityId, status, kind], { signal }) => {
      if (!communityId) return initialState;
      const page = await this.api.client.topics.list(communityId, { status: status || undefined, kind: kind || undefined }, signal);
      this.more = [];
      this.nextCursor = page.nextCursor;
      this.moreError = null;
      this.coverage.read(`community:${communityId}`, page.liveCursor);
      return page.items;
    },
    args: () => [this.community?.id, this.status, this.kind] as const,
  });

  constructor() {
    super();
    this.community = null;
    this.status = '';
    this.kind = '';
    this.more = [];
    this.nextCursor = null;
    this.moreError = null;
    this.openForm = null;
    this.markingRead = false;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    // A practice problem being written (e.g. the member went to read a similar one): its form opens again.
    if (changed.has('community') && this.community && loadProblemDraft(this.community.id)) this.openForm = 'problem';
    this.syncLiveSubscription();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  private syncLiveSubscription() {
    const communityId = this.community?.myRoles ? this.community.id : null; // members only
    this.liveSubscription.sync(this.isConnected ? (this.live.value ?? null) : null, communityId ? `community:${communityId}` : null);
  }

  /** Reloads the first page (with my unread counts, which events cannot carry) once a burst of events settles. */
  private scheduleRefresh() {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (!this.loadingMore) this.topics.run();
    }, 1_000);
  }

  private get isSuspended() {
    return !!this.session.value?.me?.memberships.find((m) => m.communityId === this.community?.id)?.suspended;
  }

  /**
   * The next page under the filter shown, appended once each. A page that arrives after the filter changed
   * belongs to the old list and is dropped.
   */
  private readonly morePage = new Task(this, {
    task: async ([communityId, status, kind, cursor]: readonly [string, TopicStatus | '', TopicKind | '', string], { signal }) => ({
      filter: `${communityId} ${status} ${kind}`,
      page: await this.api.client.topics.list(communityId, { status: status || undefined, kind: kind || undefined, cursor }, signal),
    }),
    autoRun: false,
    onComplete: ({ filter, page }) => {
      if (filter !== `${this.community?.id} ${this.status} ${this.kind}`) return;
      const known = new Set([...(this.topics.value ?? []), ...this.more].map((t) => t.id));
      this.more = [...this.more, ...page.items.filter((t) => !known.has(t.id))];
      this.nextCursor = page.nextCursor;
    },
    onError: (error) => (this.moreError = error),
  });

  private get loadingMore() {
    return this.morePage.status === TaskStatus.PENDING;
  }

  private async loadMore() {
    const communityId = this.community?.id;
    if (!communityId || !this.nextCursor || this.loadingMore) return;
    this.moreError = null;
    await this.morePage.run([communityId, this.status, this.kind, this.nextCursor]);
  }

  private async markAllRead() {
    if (!this.community || this.markingRead) return;
    this.markingRead = true;
    try {
      await this.api.client.topics.markAllRead(this.community.id);
      this.topics.run();
    } catch (error) {
      this.moreError = error;
    } finally {
      this.markingRead = false;
    }
  }

  override render() {
    const c = this.community;
    if (!c) return nothing;
    const member = c.myRoles !== null;
    const canPost = member && !this.isSuspended;
    const canCpd = canPost && !!c.myRoles?.includes('facilitator');
    return html`
      ${canPost
        ? html`<div class="new-topic">
            <button type="button" class="secondary" aria-expanded=${this.openForm === 'problem' ? 'true' : 'false'}
              @click=${() => (this.openForm = this.openForm === 'problem' ? null : 'problem')}>New practice problem</button>
            ${canCpd
              ? html`<button type="button" class="secondary" aria-expanded=${this.openForm === 'cpd' ? 'true' : 'false'}
                  @click=${() => (this.openForm = this.openForm === 'cpd' ? null : 'cpd')}>New CPD topic</button>`
              : nothing}
          </div>
          ${this.openForm === 'problem'
            ? html`<div class="card form-card"><h3>New practice problem</h3><stoa-problem-form .community=${c}></stoa-problem-form></div>`
            : nothing}
          ${this.openForm === 'cpd' ? html`<div class="card form-card"><h3>New CPD topic</h3><stoa-cpd-topic-form .community=${c}></stoa-cpd-topic-form></div>` : nothing}`
        : nothing}
      <div class="filters" role="group" aria-label="Filter topics">
        <div class="field">
          <label for="topic-status">Status</label>
          <select id="topic-status" @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value as TopicStatus | '')}>
            ${STATUS_OPTIONS.map(([value, label]) => html`<option value=${value} ?selected=${this.status === value}>${label}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="topic-kind">Kind</label>
          <select id="topic-kind" @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as TopicKind | '')}>
            ${KIND_OPTIONS.map(([value, label]) => html`<option value=${value} ?selected=${this.kind === value}>${label}</option>`)}
          </select>
        </div>
      </div>
      ${this.topics.render({
        initial: () => nothing,
        pending: () => (this.topics.value ? this.renderList([...this.topics.value, ...this.more], true) : html`<p role="status">Loading topics…</p>`),
        error: (error) => loadError(error, () => this.topics.run()),
        complete: (items) => this.renderList([...items, ...this.more], false),
      })}
    `;
  }

  private renderList(items: TopicSummary[], refreshing: boolean) {
    if (!items.length) {
      return html`<p class="muted">${this.status || this.kind ? 'No topics match these filters.' : 'No topics yet.'}</p>`;
    }
    const slug = this.community!.slug;
    const anyUnread = items.some((t) => t.unreadCount > 0);
    return html`
      <ul class="topics" aria-busy=${refreshing ? 'true' : 'false'}>
        ${repeat(
          items,
          (t) => t.id,
          (t) => html`<li class="card">
            <p class="kind">
              <span class="badge">${t.kind === 'cpd' ? 'CPD topic' : 'Practice problem'}</span>
              <span class="badge ${t.status}">${t.status}</span>
              ${t.pinned ? html`<span class="badge">pinned</span>` : nothing}
              ${t.locked ? html`<span class="badge closed">locked</span>` : nothing}
              ${t.hasSolution ? html`<span class="badge open">solved</span>` : nothing}
              ${t.moderationStatus !== 'published' ? html`<span class="badge closed">${MODERATION_BADGES[t.moderationStatus]}</span>` : nothing}
            </p>
            <h3>
              <a href=${paths.topic(slug, t.id)}>${t.title ?? 'Removed topic'}</a>
              ${t.unreadCount > 0 ? html`<span class="badge unread">${t.unreadCount} unread</span>` : nothing}
            </h3>
            <p class="meta muted">
              ${t.opensAt ? html`<span>Opens <time datetime=${t.opensAt}>${formatDate(t.opensAt)}</time></span>` : nothing}
              ${t.closesAt ? html`<span>Closes <time datetime=${t.closesAt}>${formatDate(t.closesAt)}</time></span>` : nothing}
              <span>${t.posterCount} posted · ${t.readerCount} read</span>
              <span>Last activity <time datetime=${t.lastActivityAt}>${formatDateTime(t.lastActivityAt)}</time></span>
            </p>
          </li>`,
        )}
      </ul>
      ${this.moreError ? html`<p class="error" role="alert">${messageFor(this.moreError)}</p>` : nothing}
      <div class="list-actions">
        ${this.nextCursor
          ? html`<button type="button" class="secondary" ?disabled=${this.loadingMore} @click=${() => void this.loadMore()}>
              ${this.loadingMore ? 'Loading…' : 'Load more topics'}</button>`
          : nothing}
        ${anyUnread
          ? html`<button type="button" class="secondary" ?disabled=${this.markingRead} @click=${() => void this.markAllRead()}>Mark all read</button>`
          : nothing}
      </div>
    `;
  }

  static override styles = [
    base,
    forms,
    badges,
    css`
      :host {
        display: block;
      }
      .new-topic,
      .list-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-bottom: 1rem;
      }
      .list-actions {
        margin-top: 1rem;
      }
      .form-card {
        margin-bottom: 1.5rem;
      }
      .form-card h3 {
        font-size: 1.15rem;
      }
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        margin-bottom: 1rem;
      }
      .filters .field {
        flex: 1 1 12rem;
      }
      .topics {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.75rem;
      }
      .topics h3 {
        font-size: 1.15rem;
        margin: 0.25rem 0;
        overflow-wrap: anywhere;
      }
      .kind {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
        margin: 0;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1rem;
        font-size: 0.9rem;
        margin: 0;
      }
    `,
  ];
}

customElements.define('stoa-topic-list', StoaTopicList);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-topic-list': StoaTopicList;
  }
}

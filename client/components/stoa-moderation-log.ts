// The moderation audit log (moderators, managers): append-only, newest first, filterable by action and by
// member (the one acted on or acting), paged by the server's cursor ("Load older entries").
import { LitElement, css, html, nothing } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import { messageFor, type LogEntry, type Member } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { formatDateTime } from '../format.js';
import { base, forms } from '../styles.js';
import { LOG_ACTIONS, type LogAction } from '../../shared/schemas/moderation.js';

const ACTION_LABELS: Record<LogAction, string> = {
  'post.auto_hide': 'Post hidden by flags',
  'post.hold': 'Post held for review',
  'post.remove': 'Post removed',
  'post.restore': 'Post restored',
  'post.approve': 'Post approved',
  'post.author_note': 'Note to author',
  'flags.dismiss': 'Flags dismissed',
  'watched_words.update': 'Watched words changed',
  'settings.update': 'Settings changed',
  'member.suspend': 'Member suspended',
  'member.unsuspend': 'Suspension lifted',
  'member.remove': 'Membership removed',
  'topic.moderate': 'Topic locked/closed/pinned',
  'topic.hold': 'Topic held for review',
  'topic.auto_hide': 'Topic hidden by flags',
  'topic.remove': 'Topic removed',
  'topic.restore': 'Topic restored',
  'topic.approve': 'Topic approved',
};

/** The community, the two filters, and the cursor of the page to read (null: the first). */
type LogArgs = readonly [communityId: string, action: LogAction | '', memberId: string, cursor: string | null];

export class StoaModerationLog extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    action: { state: true },
    memberId: { state: true },
    items: { state: true },
    cursor: { state: true },
  };

  declare communityId: string;
  declare action: LogAction | '';
  declare memberId: string;
  declare items: LogEntry[];
  declare cursor: string | null;

  private readonly api = new ApiConsumer(this);
  /**
   * The log under the current filter: the first page (`cursor` null), or the next older page appended. A new
   * filter starts again and drops the answer of any request it supersedes (the task's own guard).
   */
  private readonly log = new Task(this, {
    task: async ([communityId, action, memberId, cursor], { signal }) => {
      if (!communityId) return initialState;
      const page = await this.api.client.moderation.log(communityId, { action: action || undefined, memberId: memberId || undefined, cursor: cursor ?? undefined }, signal);
      return { page, older: cursor !== null };
    },
    args: (): LogArgs => [this.communityId, this.action, this.memberId, null],
    // Only the filter starts a new log; "Load older entries" runs the task with the cursor itself.
    argsEqual: (a, b) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2],
    onComplete: ({ page, older }) => {
      this.items = older ? [...this.items, ...page.items] : page.items;
      this.cursor = page.nextCursor;
    },
  });
  /** For the member filter (empty when the member list cannot be read). */
  private readonly members = new Task(this, {
    task: async ([communityId], { signal }) => (communityId ? (await this.api.client.communities.listMembers(communityId, signal)).items : initialState),
    args: () => [this.communityId] as const,
  });

  constructor() {
    super();
    this.communityId = '';
    this.action = '';
    this.memberId = '';
    this.items = [];
    this.cursor = null;
  }

  /** The first page again (`reset`), or the next older one. */
  load(reset: boolean) {
    return this.log.run([this.communityId, this.action, this.memberId, reset ? null : this.cursor]);
  }

  private get loading() {
    return this.log.status === TaskStatus.PENDING;
  }

  private get error(): unknown {
    return this.log.status === TaskStatus.ERROR ? this.log.error : null;
  }

  private get memberList(): readonly Member[] {
    return this.members.value ?? [];
  }

  private onFilter(event: Event) {
    event.preventDefault();
    const form = (event.target as HTMLElement).closest('form')!;
    const data = new FormData(form);
    this.action = String(data.get('action') ?? '') as LogAction | '';
    this.memberId = String(data.get('memberId') ?? '');
    void this.load(true);
  }

  private nameOf(id: string) {
    return this.memberList.find((m) => m.userId === id)?.displayName;
  }

  override render() {
    return html`
      <form class="filters" aria-label="Filter the log" @submit=${this.onFilter} @change=${this.onFilter}>
        <div class="field">
          <label for="log-action">Action</label>
          <select id="log-action" name="action">
            <option value="">All actions</option>
            ${LOG_ACTIONS.map((a) => html`<option value=${a} ?selected=${this.action === a}>${ACTION_LABELS[a]}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="log-member">Member</label>
          <select id="log-member" name="memberId">
            <option value="">Everyone</option>
            ${this.memberList.map((m) => html`<option value=${m.userId} ?selected=${this.memberId === m.userId}>${m.displayName}</option>`)}
          </select>
        </div>
      </form>
      <p class="error" role="alert">${this.error ? messageFor(this.error) : ''}</p>
      <p class="muted" role="status">${this.loading ? 'Loading…' : `${this.items.length} entr${this.items.length === 1 ? 'y' : 'ies'} shown${this.cursor ? '; older entries below' : ''}.`}</p>
      <ol class="entries">
        ${this.items.map((e) => this.renderEntry(e))}
      </ol>
      ${this.cursor ? html`<button type="button" class="secondary" ?disabled=${this.loading} @click=${() => this.load(false)}>Load older entries</button>` : nothing}
    `;
  }

  private renderEntry(e: LogEntry) {
    const target = e.targetType === 'member' || e.targetType === 'user' ? (this.nameOf(e.targetId) ?? e.targetId.slice(0, 8)) : e.targetId.slice(0, 8);
    return html`<li class="card">
      <p class="head">
        <strong>${ACTION_LABELS[e.action as LogAction] ?? e.action}</strong>
        <time datetime=${e.createdAt}>${formatDateTime(e.createdAt)}</time>
      </p>
      <p class="small">By ${e.actor ? e.actor.displayName : 'the system'} · ${e.targetType} ${target}</p>
      ${e.reason ? html`<p class="small">Reason: ${e.reason}</p>` : nothing}
      ${e.before != null || e.after != null
        ? html`<details>
            <summary>What changed</summary>
            ${e.before != null ? html`<p class="small">Before:</p><pre>${JSON.stringify(e.before, null, 1)}</pre>` : nothing}
            ${e.after != null ? html`<p class="small">After:</p><pre>${JSON.stringify(e.after, null, 1)}</pre>` : nothing}
          </details>`
        : nothing}
    </li>`;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      form.filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        max-width: none;
        margin-bottom: 0.75rem;
      }
      form.filters .field {
        flex: 1 1 12rem;
      }
      .entries {
        list-style: none;
        margin: 0 0 1rem;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      .entries p {
        margin: 0 0 0.2rem;
        overflow-wrap: anywhere;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.25rem 1rem;
      }
      .small {
        font-size: 0.9rem;
      }
      pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 0.85rem;
        background: var(--stoa-surface-sunken);
        padding: 0.4rem;
        margin: 0 0 0.4rem;
      }
      summary {
        cursor: pointer;
        min-height: 2rem;
      }
      .error:empty {
        display: none;
      }
    `,
  ];
}

customElements.define('stoa-moderation-log', StoaModerationLog);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-moderation-log': StoaModerationLog;
  }
}

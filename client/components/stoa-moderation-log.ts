// The moderation audit log (moderators, managers): append-only, newest first, filterable by action and by
// member (the one acted on or acting), paged by the server's cursor ("Load older entries"). Each entry names
// what it is about (a member by name, a post or topic by its topic's title, linked) and shows what changed
// as a before/after table in words, with changed text highlighted word by word.
import { LitElement, css, html, nothing } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import { messageFor, type LogEntry, type Member } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { formatDateTime } from '../format.js';
import { paths } from '../router.js';
import { wordDiff } from '../revision-diff.js';
import { base, forms, tables } from '../styles.js';
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

/** The before/after fields in words (fields not listed show their name). */
const FIELD_LABELS: Record<string, string> = {
  status: 'Status',
  moderationStatus: 'Status',
  statusReason: 'Reason given',
  openFlags: 'Open flags',
  suspended: 'Suspended',
  until: 'Until',
  reason: 'Reason',
  words: 'Watched words',
  message: 'Message',
  authorId: 'To',
  locked: 'Locked',
  closed: 'Closed',
  pinned: 'Pinned',
  autoHideThreshold: 'Hide a post after this many flags',
  premodNewMemberPosts: 'Approve this many first posts of a new member',
  searchLanguage: 'Search language',
};
const STATUS_WORDS: Record<string, string> = {
  published: 'Published',
  pending: 'Waiting for approval',
  hidden: 'Hidden by flags',
  removed: 'Removed',
  withdrawn: 'Withdrawn by its author',
};
const STATUS_KEYS = { status: true, moderationStatus: true } as const;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

type WatchedWord = { phrase: string; action: string };
const isWordList = (v: unknown): v is WatchedWord[] => Array.isArray(v) && v.every((w) => w && typeof w === 'object' && 'phrase' in w);
const wordText = (w: WatchedWord) => `${w.phrase} (${w.action})`;

/** The community, the two filters, and the cursor of the page to read (null: the first). */
type LogArgs = readonly [communityId: string, action: LogAction | '', memberId: string, cursor: string | null];

export class StoaModerationLog extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    slug: { attribute: false },
    action: { state: true },
    memberId: { state: true },
    items: { state: true },
    cursor: { state: true },
  };

  declare communityId: string;
  /** The community's address, for links to posts and topics. */
  declare slug: string;
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
    this.slug = '';
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
    return html`<li class="card">
      <p class="head">
        <strong>${ACTION_LABELS[e.action as LogAction] ?? e.action}</strong>
        <time datetime=${e.createdAt}>${formatDateTime(e.createdAt)}</time>
      </p>
      <p class="small">By ${e.actor ? e.actor.displayName : 'the system'} · ${this.renderTarget(e)}</p>
      ${e.reason ? html`<p class="small">Reason: ${e.reason}</p>` : nothing}
      ${e.before != null || e.after != null
        ? html`<details>
            <summary>What changed</summary>
            ${this.renderChanges(e)}
          </details>`
        : nothing}
    </li>`;
  }

  /** What the entry is about, in words, linked where there is a page for it. */
  private renderTarget(e: LogEntry) {
    const { name, topicId, postId } = e.target;
    const link = (href: string, text: string) => (this.slug ? html`<a href=${href}>${text}</a>` : text);
    switch (e.targetType) {
      case 'post':
        return topicId && postId
          ? html`${link(paths.post(this.slug, topicId, postId), 'a post')} in “${name}”`
          : html`a post that is no longer there`;
      case 'topic':
        return topicId ? html`the topic ${link(paths.topic(this.slug, topicId), `“${name}”`)}` : html`a topic that is no longer there`;
      case 'member':
      case 'user':
        return html`member ${name ?? this.nameOf(e.targetId) ?? 'no longer known'}`;
      case 'community':
        return html`the community’s settings`;
      default:
        return html`${e.targetType}`;
    }
  }

  /** One row per field: its value before and after, in words; changed text is marked word by word. */
  private renderChanges(e: LogEntry) {
    const before = (e.before ?? {}) as Record<string, unknown>;
    const after = (e.after ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const hasBefore = e.before != null;
    return html`<div class="scroll" tabindex="0" role="region" aria-label="What changed (scrolls sideways)">
      <table class="changes">
        <thead><tr><th scope="col">What</th>${hasBefore ? html`<th scope="col">Before</th>` : nothing}<th scope="col">${hasBefore ? 'After' : 'Set to'}</th></tr></thead>
        <tbody>
          ${keys.map((k) => {
            // Nothing before (a note): the values as they are, nothing to mark.
            const [b, a] = hasBefore ? this.cells(k, before[k], after[k], e.names, k in before, k in after) : [nothing, this.words(k, after[k], e.names)];
            return html`<tr><th scope="row">${FIELD_LABELS[k] ?? k}</th>${hasBefore ? html`<td>${b}</td>` : nothing}<td>${a}</td></tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  /** The before and after cells of one field. */
  private cells(key: string, b: unknown, a: unknown, names: Record<string, string>, inBefore: boolean, inAfter: boolean) {
    const unchanged = html`<span class="muted">not set</span>`;
    if (isWordList(b) || isWordList(a)) {
      const was = new Set((isWordList(b) ? b : []).map(wordText));
      const now = new Set((isWordList(a) ? a : []).map(wordText));
      const list = (items: Set<string>, other: Set<string>, mark: 'del' | 'ins') =>
        items.size === 0
          ? html`<span class="muted">none</span>`
          : html`<ul class="words">${[...items].map((w) => html`<li>${other.has(w) ? w : this.marked(mark, w)}</li>`)}</ul>`;
      return [inBefore ? list(was, now, 'del') : unchanged, inAfter ? list(now, was, 'ins') : unchanged];
    }
    const bt = inBefore ? this.words(key, b, names) : null;
    const at = inAfter ? this.words(key, a, names) : null;
    // Free text on both sides: mark the words that differ.
    if (bt !== null && at !== null && bt !== at && typeof b === 'string' && typeof a === 'string' && !(key in STATUS_KEYS)) {
      const parts = wordDiff(bt, at);
      return [
        html`${parts.filter((p) => p.kind !== 'added').map((p) => (p.kind === 'removed' ? this.marked('del', p.text) : p.text))}`,
        html`${parts.filter((p) => p.kind !== 'removed').map((p) => (p.kind === 'added' ? this.marked('ins', p.text) : p.text))}`,
      ];
    }
    const changed = bt !== at;
    const cell = (text: string | null, mark: 'del' | 'ins') => (text === null ? unchanged : changed ? this.marked(mark, text) : text);
    return [cell(bt, 'del'), cell(at, 'ins')];
  }

  /** Removed or added words: highlighted, struck through or underlined, and said in words to screen readers. */
  private marked(mark: 'del' | 'ins', text: string) {
    return mark === 'del'
      ? html`<del><span class="visually-hidden">removed: </span>${text}</del>`
      : html`<ins><span class="visually-hidden">added: </span>${text}</ins>`;
  }

  /** A value in words: people by name, instants as dates, statuses and yes/no spelt out. */
  private words(key: string, value: unknown, names: Record<string, string>): string {
    if (key === 'until' && value === null) return 'No end date';
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    if (typeof value === 'string') {
      if (names[value]) return names[value];
      if (key in STATUS_KEYS) return STATUS_WORDS[value] ?? value;
      if (ISO_INSTANT.test(value)) return formatDateTime(value);
      return value;
    }
    if (typeof value === 'number') return String(value);
    return JSON.stringify(value);
  }

  static override styles = [
    base,
    forms,
    tables,
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
      table.changes {
        margin: 0.25rem 0 0.5rem;
        font-size: 0.9rem;
      }
      table.changes th[scope='row'] {
        font-weight: 600;
      }
      del,
      ins {
        padding: 0 0.1em;
      }
      del {
        background: var(--stoa-diff-removed-bg);
        color: var(--stoa-diff-removed-text);
      }
      ins {
        background: var(--stoa-diff-added-bg);
        color: var(--stoa-diff-added-text);
        text-decoration: underline;
      }
      ul.words {
        margin: 0;
        padding-left: 1.1rem;
      }
      .scroll {
        position: relative;
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

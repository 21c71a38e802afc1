// The review queue (moderators): flagged posts grouped by post — every reason, note and flagger, the post
// in context (topic, the post it answers) and the author's history (earlier removals, suspension) — and
// posts held for approval; then topics the same way (flagged topics, topics held by a watched word or
// pre-moderation), with their title, text and prompts. Actions: remove (reason required, shown to the
// author), keep (dismiss the flags), approve, and for posts a private note to the author; each reports
// stoa-moderation-changed (nav badge).
import { LitElement, css, html, nothing } from 'lit';
import { Task, initialState } from '@lit/task';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { messageFor, type ModerationQueue, type QueueItem, type QueueTopicItem } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { RowActionController } from '../controllers/row-actions.js';
import { emit } from '../events.js';
import { formatDateTime, plural } from '../format.js';
import { paths } from '../router.js';
import { badges, base, forms, prose } from '../styles.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { sanitizeHtml } from '../../shared/markdown.js';
import type { StoaReasonDialog } from './stoa-reason-dialog.js';
import './stoa-reason-dialog.js';
import { loadError as loadFailure } from '../load-error.js';

const REASON_LABELS: Record<string, string> = {
  inappropriate: 'Inappropriate',
  offensive: 'Offensive',
  off_topic: 'Off topic',
  spam: 'Spam',
  other: 'Something else',
};

type DialogKind = 'remove' | 'note' | 'remove-topic';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-moderation-changed - a moderator acted: the nav's review count is read again
 */
export class StoaModerationQueue extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    slug: { attribute: false },
    queue: { state: true },
    loadError: { state: true },
    dialogKind: { state: true },
  };

  declare communityId: string;
  declare slug: string;
  declare queue: ModerationQueue | null;
  declare loadError: unknown;
  declare dialogKind: DialogKind;

  private readonly api = new ApiConsumer(this);
  /** Keep / approve, one at a time, with a refusal per item (keyed by post or topic id). */
  private readonly rows = new RowActionController(this);

  constructor() {
    super();
    this.communityId = '';
    this.slug = '';
    this.queue = null;
    this.loadError = null;
    this.dialogKind = 'remove';
  }

  /** The queue of the community shown; a late answer for the one shown before is dropped (the task's own guard). */
  private readonly loader = new Task(this, {
    task: async ([communityId], { signal }) => (communityId ? this.api.client.moderation.queue(communityId, signal) : initialState),
    args: () => [this.communityId] as const,
    // The last queue stays on screen while it is read again; a failed reload keeps it.
    onComplete: (queue) => {
      this.queue = queue;
      this.loadError = null;
    },
    onError: (error) => (this.loadError = error),
  });

  /** Reads the queue again (after an action, or "Try again"); resolves when it is read. */
  load() {
    return this.loader.run();
  }

  private async act(postId: string, action: () => Promise<unknown>, message: string) {
    await this.rows.run(postId, async () => {
      await action();
      emit(this, 'stoa-announce', { message });
      emit(this, 'stoa-moderation-changed', { communityId: this.communityId });
      await this.load();
    });
  }

  private async openDialog(kind: DialogKind, postId: string, event: Event) {
    const button = event.currentTarget as HTMLElement;
    this.dialogKind = kind;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector<StoaReasonDialog>('stoa-reason-dialog')!;
    await dialog.open(async ({ reason }) => {
      if (kind === 'remove-topic') {
        await this.api.client.moderation.removeTopic(postId, reason);
        emit(this, 'stoa-announce', { message: 'The topic is removed. Its author sees your reason.' });
        emit(this, 'stoa-moderation-changed', { communityId: this.communityId });
        await this.load();
      } else if (kind === 'remove') {
        await this.api.client.moderation.remove(postId, reason);
        emit(this, 'stoa-announce', { message: 'The post is removed. Its author sees your reason.' });
        emit(this, 'stoa-moderation-changed', { communityId: this.communityId });
        await this.load();
      } else {
        await this.api.client.moderation.noteAuthor(postId, reason);
        emit(this, 'stoa-announce', { message: 'Your note is sent: the author sees it on their post.' });
      }
    }, button);
  }

  override render() {
    if (!this.queue) {
      return this.loadError
        ? loadFailure(this.loadError, () => this.load())
        : html`<p role="status">Loading the queue…</p>`;
    }
    const { flagged, pending, flaggedTopics, pendingTopics } = this.queue;
    const remove = this.dialogKind !== 'note';
    const what = this.dialogKind === 'remove-topic' ? 'topic' : 'post';
    return html`
      ${this.loadError ? html`<p class="error" role="alert">${messageFor(this.loadError)}</p>` : nothing}
      <section aria-labelledby="flagged-h">
        <h2 id="flagged-h">Flagged posts (${flagged.length})</h2>
        ${flagged.length ? html`<ul class="items">${flagged.map((i) => this.renderItem(i))}</ul>` : html`<p class="muted">No flagged posts.</p>`}
      </section>
      <section aria-labelledby="pending-h">
        <h2 id="pending-h">Waiting for approval (${pending.length})</h2>
        ${pending.length ? html`<ul class="items">${pending.map((i) => this.renderItem(i))}</ul>` : html`<p class="muted">No posts waiting.</p>`}
      </section>
      <section aria-labelledby="flagged-topics-h">
        <h2 id="flagged-topics-h">Flagged topics (${flaggedTopics.length})</h2>
        ${flaggedTopics.length
          ? html`<ul class="items">${flaggedTopics.map((i) => this.renderTopicItem(i))}</ul>`
          : html`<p class="muted">No flagged topics.</p>`}
      </section>
      <section aria-labelledby="pending-topics-h">
        <h2 id="pending-topics-h">Topics held for approval (${pendingTopics.length})</h2>
        ${pendingTopics.length
          ? html`<ul class="items">${pendingTopics.map((i) => this.renderTopicItem(i))}</ul>`
          : html`<p class="muted">No topics held.</p>`}
      </section>
      <stoa-reason-dialog .heading=${remove ? `Remove this ${what}` : 'Note to the author'}
        .label=${remove ? 'Reason for removal' : 'Your note'}
        .hint=${remove ? `The author sees this reason; others see “Removed by a moderator”. You can restore the ${what} later.` : 'The author sees it on their post, as do moderators; it is kept in the audit log.'}
        .confirmLabel=${remove ? `Remove ${what}` : 'Send note'}
        .maxLength=${remove ? MODERATION_LIMITS.reasonMax : MODERATION_LIMITS.authorNoteMax}></stoa-reason-dialog>
    `;
  }

  private renderItem(item: QueueItem) {
    const { post, author } = item;
    const busy = this.rows.busy(post.id);
    const headingId = `q-${post.id}`;
    const flags = 'flags' in item ? item.flags : null;
    return html`<li class="card" aria-labelledby=${headingId} aria-busy=${busy ? 'true' : 'false'}>
      <h3 id=${headingId}>
        ${author.displayName} in <a href=${paths.topic(this.slug, post.topic.id)}>${post.topic.title}</a>
        ${post.status !== 'published' ? html`<span class="badge">${post.status}</span>` : nothing}
      </h3>
      <p class="muted small">
        <time datetime=${post.createdAt}>${formatDateTime(post.createdAt)}</time>
        ${post.parent ? html` · replying to ${post.parent.authorName}: “${post.parent.excerpt}”` : nothing}
      </p>
      <div class="prose body">${unsafeHTML(sanitizeHtml(post.bodyHtml))}</div>
      <p class="small history">
        Author’s history: ${plural(author.earlierRemovals, 'earlier removal')}${author.suspension
          ? html` · <strong>suspended</strong>${author.suspension.until ? ` until ${formatDateTime(author.suspension.until)}` : ''}: ${author.suspension.reason}`
          : ' · not suspended'}
      </p>
      ${flags ? this.renderFlags(flags) : nothing}
      <div class="actions">
        ${flags
          ? html`<button type="button" class="secondary" ?disabled=${busy}
              @click=${() => this.act(post.id, () => this.api.client.moderation.dismissFlags(post.id), 'The flags are dismissed; the post stays.')}>Keep</button>`
          : html`<button type="button" ?disabled=${busy}
              @click=${() => this.act(post.id, () => this.api.client.moderation.approve(post.id), 'The post is approved.')}>Approve</button>`}
        <button type="button" class="secondary" aria-haspopup="dialog" ?disabled=${busy} @click=${(e: Event) => this.openDialog('remove', post.id, e)}>Remove…</button>
        <button type="button" class="secondary" aria-haspopup="dialog" ?disabled=${busy} @click=${(e: Event) => this.openDialog('note', post.id, e)}>Note to author…</button>
      </div>
      <p class="error" role="alert">${this.rows.error(post.id)}</p>
    </li>`;
  }

  private renderFlags(flags: ModerationQueue['flagged'][number]['flags']) {
    return html`<ul class="flags" aria-label="Flags">
      ${flags.map(
        (f) => html`<li><strong>${REASON_LABELS[f.reason] ?? f.reason}</strong> — ${f.flagger.displayName}, ${formatDateTime(f.createdAt)}${f.note
          ? html`: “${f.note}”`
          : nothing}</li>`,
      )}
    </ul>`;
  }

  /** A flagged or held topic: its title, text and prompts (any may hold the word), the author's history, the flags. */
  private renderTopicItem(item: QueueTopicItem) {
    const { topic, author } = item;
    const busy = this.rows.busy(topic.id);
    const headingId = `qt-${topic.id}`;
    const flags = 'flags' in item ? item.flags : null;
    return html`<li class="card" aria-labelledby=${headingId} aria-busy=${busy ? 'true' : 'false'}>
      <h3 id=${headingId}>
        <a href=${paths.topic(this.slug, topic.id)}>${topic.title}</a> by ${author.displayName}
        <span class="badge">${topic.kind === 'cpd' ? 'CPD topic' : 'Practice problem'}</span>
        ${topic.moderationStatus !== 'published' ? html`<span class="badge">${topic.moderationStatus}</span>` : nothing}
      </h3>
      <p class="muted small"><time datetime=${topic.createdAt}>${formatDateTime(topic.createdAt)}</time></p>
      <div class="prose body">${unsafeHTML(sanitizeHtml(topic.bodyHtml))}</div>
      ${topic.prompts.length
        ? html`<ol class="prompts" aria-label="Prompts">
            ${topic.prompts.map((p) => html`<li class="prose">${unsafeHTML(sanitizeHtml(p.bodyHtml))}</li>`)}
          </ol>`
        : nothing}
      <p class="small history">
        Author’s history: ${plural(author.earlierRemovals, 'earlier removal')}${author.suspension
          ? html` · <strong>suspended</strong>${author.suspension.until ? ` until ${formatDateTime(author.suspension.until)}` : ''}: ${author.suspension.reason}`
          : ' · not suspended'}
      </p>
      ${flags ? this.renderFlags(flags) : nothing}
      <div class="actions">
        ${flags
          ? html`<button type="button" class="secondary" ?disabled=${busy}
              @click=${() => this.act(topic.id, () => this.api.client.moderation.dismissTopicFlags(topic.id), 'The flags are dismissed; the topic stays.')}>Keep topic</button>`
          : html`<button type="button" ?disabled=${busy}
              @click=${() => this.act(topic.id, () => this.api.client.moderation.approveTopic(topic.id), 'The topic is approved.')}>Approve topic</button>`}
        <button type="button" class="secondary" aria-haspopup="dialog" ?disabled=${busy}
          @click=${(e: Event) => this.openDialog('remove-topic', topic.id, e)}>Remove topic…</button>
      </div>
      <p class="error" role="alert">${this.rows.error(topic.id)}</p>
    </li>`;
  }

  static override styles = [
    base,
    forms,
    prose,
    badges,
    css`
      :host {
        display: block;
      }
      section {
        margin-top: 1.5rem;
      }
      .items {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.75rem;
      }
      h3 {
        font-size: 1.05rem;
        overflow-wrap: anywhere;
      }
      .small {
        font-size: 0.9rem;
      }
      .body {
        margin: 0.5rem 0;
        padding-left: 0.75rem;
        border-left: 3px solid var(--stoa-border);
      }
      .prompts {
        margin: 0.25rem 0 0.5rem;
        padding-left: 1.5rem;
      }
      .flags {
        margin: 0.25rem 0 0.5rem;
        padding-left: 1.2rem;
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .error:empty {
        display: none;
      }
    `,
  ];
}

customElements.define('stoa-moderation-queue', StoaModerationQueue);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-moderation-queue': StoaModerationQueue;
  }
}

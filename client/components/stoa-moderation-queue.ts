// <stoa-moderation-queue community-id="…">: the review queue for moderators. Flagged posts (grouped, with
// every reason, note and flagger, the post in context and the author's history) and posts held for
// approval. Actions: remove (reason required, shown to the author), keep, approve, note to the author.
// Fires `counts-changed` (detail: {flaggedPosts, pendingPosts, total}) after loading and after each action.
import { LitElement, css, html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { ModerationQueue } from '../../shared/schemas/moderation.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { api } from './moderation-api.js';

type Item = ModerationQueue['flagged'][number] | ModerationQueue['pending'][number];
type Pending = { postId: string; kind: 'remove' | 'note' } | null;

export class StoaModerationQueue extends LitElement {
  static override properties = {
    communityId: { type: String, attribute: 'community-id' },
    queue: { state: true },
    error: { state: true },
    busyPost: { state: true },
    dialog: { state: true },
    text: { state: true },
  };
  static override styles = css`
    article { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem; margin: 0 0 1rem; }
    .context, .history { color: #555; font-size: 0.9em; }
    .error { color: #a00; }
    ul.flags { padding-left: 1.2rem; }
    textarea { width: 100%; min-height: 4rem; }
  `;
  declare communityId: string;
  declare queue: ModerationQueue | null;
  declare error: string;
  declare busyPost: string;
  declare dialog: Pending;
  declare text: string;

  constructor() {
    super();
    this.communityId = '';
    this.queue = null;
    this.error = '';
    this.busyPost = '';
    this.dialog = null;
    this.text = '';
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('communityId') && this.communityId) void this.load();
  }

  async load() {
    try {
      this.queue = await api<ModerationQueue>('GET', `/api/communities/${this.communityId}/moderation/queue`);
      this.error = '';
      this.dispatchEvent(new CustomEvent('counts-changed', { detail: this.queue.counts, bubbles: true, composed: true }));
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private async act(postId: string, method: string, path: string, body?: unknown) {
    if (this.busyPost) return;
    this.busyPost = postId;
    this.error = '';
    try {
      await api(method, `/api/posts/${postId}/${path}`, body);
      this.dialog = null;
      this.text = '';
      await this.load();
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busyPost = '';
    }
  }

  private renderDialog(postId: string) {
    if (this.dialog?.postId !== postId) return '';
    const remove = this.dialog.kind === 'remove';
    return html`<form
      @submit=${(e: Event) => {
        e.preventDefault();
        if (remove) void this.act(postId, 'POST', 'removal', { reason: this.text });
        else void this.act(postId, 'POST', 'author-note', { message: this.text });
      }}
    >
      <label>${remove ? 'Reason for removal (the author will see it)' : 'Note to the author (private)'}
        <textarea required maxlength=${remove ? MODERATION_LIMITS.reasonMax : MODERATION_LIMITS.authorNoteMax} .value=${this.text}
          @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      <button type="submit" ?disabled=${this.busyPost === postId || !this.text.trim()}>${remove ? 'Remove post' : 'Send note'}</button>
      <button type="button" @click=${() => (this.dialog = null)}>Cancel</button>
    </form>`;
  }

  private renderItem(item: Item, kind: 'flagged' | 'pending') {
    const { post, author } = item;
    const busy = this.busyPost === post.id;
    return html`<article aria-busy=${busy ? 'true' : 'false'}>
      <p class="context">
        In <strong>${post.topic.title}</strong>${post.parent ? html`, replying to ${post.parent.authorName}: “${post.parent.excerpt}”` : ''} ·
        status: ${post.status}
      </p>
      <div class="body">${unsafeHTML(post.bodyHtml) /* sanitised by the server's Markdown pipeline */}</div>
      <p class="history">
        By ${author.displayName} · earlier removals: ${author.earlierRemovals}
        ${author.suspension ? html` · suspended${author.suspension.until ? ` until ${new Date(author.suspension.until).toLocaleString()}` : ''}: ${author.suspension.reason}` : ''}
      </p>
      ${'flags' in item
        ? html`<ul class="flags">
            ${item.flags.map((f) => html`<li><strong>${f.reason.replace('_', ' ')}</strong> by ${f.flagger.displayName}${f.note ? html`: “${f.note}”` : ''}</li>`)}
          </ul>`
        : ''}
      <div>
        ${kind === 'pending' ? html`<button ?disabled=${busy} @click=${() => this.act(post.id, 'POST', 'approval')}>Approve</button>` : ''}
        ${kind === 'flagged' ? html`<button ?disabled=${busy} @click=${() => this.act(post.id, 'POST', 'flags/dismiss')}>Keep</button>` : ''}
        <button ?disabled=${busy} @click=${() => ((this.dialog = { postId: post.id, kind: 'remove' }), (this.text = ''))}>Remove…</button>
        <button ?disabled=${busy} @click=${() => ((this.dialog = { postId: post.id, kind: 'note' }), (this.text = ''))}>Note to author…</button>
      </div>
      ${this.renderDialog(post.id)}
    </article>`;
  }

  override render() {
    if (!this.queue) return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p>Loading…</p>`}`;
    const { flagged, pending } = this.queue;
    return html`
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <h2>Flagged (${flagged.length})</h2>
      ${flagged.length ? flagged.map((i) => this.renderItem(i, 'flagged')) : html`<p>No flagged posts.</p>`}
      <h2>Waiting for approval (${pending.length})</h2>
      ${pending.length ? pending.map((i) => this.renderItem(i, 'pending')) : html`<p>No posts waiting.</p>`}
    `;
  }
}
customElements.define('stoa-moderation-queue', StoaModerationQueue);

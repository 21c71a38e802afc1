// One reply: author, time, the content (stored HTML re-sanitised here with the shared markdown module),
// the helpful button, and for my own posts edit (optimistic concurrency with `version`: <stoa-post-edit-form>,
// kept by controllers/post-edit.ts) and withdraw;
// "mark as solution" on practice problems for their author and facilitators; a reply composer on demand, and
// "Quote" for words selected in the post (they go into that composer as a blockquote naming the author).
// Others' posts can be flagged (<stoa-flag-dialog>); moderators remove (with a reason, <stoa-reason-dialog>),
// restore and approve. Moderated posts: others see a "Removed by a moderator" placeholder, the author sees
// their text with the reason, moderators see the text marked removed; pending posts show "Pending approval".
// The action bar, its dialogs and the one-action-at-a-time runner are controllers/post-actions.ts.
// Changes go up as stoa-post-changed / stoa-solution-changed; the topic page owns the post list.
import { LitElement, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { ApiError, messageFor, type Post } from '../api/index.js';
import type { AuthorNote } from '../api/moderation.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { formatDateTime } from '../format.js';
import { paths } from '../router.js';
import { postStyles } from './stoa-post.styles.js';
import { QuoteSelectionController } from '../controllers/quote-selection.js';
import { PostEditController } from '../controllers/post-edit.js';
import { PostActionsController, type ModeratedPost } from '../controllers/post-actions.js';
import { quoteMarkdown } from '../quote.js';
import { sanitizeHtml } from '../../shared/markdown.js';
import './stoa-avatar.js';
import './stoa-composer.js';
import './stoa-flag-dialog.js';
import './stoa-post-edit-form.js';
import './stoa-reason-dialog.js';
import './stoa-revision-history.js';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-moderation-changed - a moderator acted: the nav's review count is read again
 * @fires stoa-post-changed - a post changed (edit, withdrawal, helpful mark, moderation): merge these fields
 * @fires stoa-solution-changed - the practice problem's solution was marked or cleared
 */
export class StoaPost extends LitElement {
  static override properties = {
    post: { attribute: false },
    myUserId: { attribute: false },
    inReplyTo: { attribute: false },
    replyDisabledReason: { attribute: false },
    canMarkSolution: { attribute: false },
    canModerate: { attribute: false },
    canFlag: { attribute: false },
    authorNotes: { attribute: false },
    isSolution: { attribute: false },
    replyOpen: { attribute: false },
  };

  declare post: Post;
  declare myUserId: string;
  /** Shown when the reply is displayed away from the post it answers (beyond the visual depth cap). */
  declare inReplyTo: string | null;
  /** Why replying is not possible (topic closed, locked…), or null. */
  declare replyDisabledReason: string | null;
  declare canMarkSolution: boolean;
  /** A moderator of the community (or admin): remove / restore / approve. */
  declare canModerate: boolean;
  /** May flag others' posts (a member who is not suspended). */
  declare canFlag: boolean;
  /** Moderators' private notes about this post (the page passes them to its author and to moderators only). */
  declare authorNotes: AuthorNote[];
  declare isSolution: boolean;
  /** The reply composer is open (the page opens it on load when a reply draft waits here). */
  declare replyOpen: boolean;

  private readonly api = new ApiConsumer(this);
  /**
   * The action bar and its dialogs: one action at a time on a post, moderation and the edit's save included
   * (Remove goes through <stoa-reason-dialog>); the alert shows the last one's refusal.
   */
  private readonly actions = new PostActionsController(this, {
    api: () => this.api.client,
    toggleReply: () => (this.replyOpen ? (this.replyOpen = false) : void this.openReply()),
    startEdit: () => void this.edit.start(),
  });
  /** Words selected in this post's text: a "Quote" button offers them to the reply composer. */
  private readonly quote = new QuoteSelectionController(
    this,
    () => this.renderRoot.querySelector('.prose'),
    () => this.renderRoot.querySelector<HTMLElement>('button.quote'),
  );
  /** Editing my post: the edit box's text, its draft, the version it started from and a conflict's. */
  private readonly edit = new PostEditController(this, {
    api: () => this.api.client,
    run: (work) => this.actions.run('edit', work),
    clearError: () => this.actions.clearError(),
    focusEditBox: async () => {
      const form = this.renderRoot.querySelector('stoa-post-edit-form');
      await form?.updateComplete;
      form?.focus();
    },
  });
  private safeHtml = '';
  private safeHtmlFor: string | null = null;

  constructor() {
    super();
    this.myUserId = '';
    this.inReplyTo = null;
    this.replyDisabledReason = null;
    this.canMarkSolution = false;
    this.canModerate = false;
    this.canFlag = true;
    this.authorNotes = [];
    this.isSolution = false;
    this.replyOpen = false;
    // My reply composer posted: close it (the new reply appears in the thread below).
    this.addEventListener('stoa-post-created', () => (this.replyOpen = false));
  }

  /** Opens the reply composer under this post and puts the keyboard in it ("Reply", or the `r` shortcut). */
  async openReply() {
    if (this.replyDisabledReason || this.post.status !== 'published') return;
    this.replyOpen = true;
    await this.updateComplete;
    const composer = this.renderRoot.querySelector('stoa-composer');
    await composer?.updateComplete;
    composer?.focus();
  }

  /**
   * Selecting words focuses the article (tabindex -1), and Tab would then start again at its header: with words
   * selected, Tab goes to "Quote", just after them.
   */
  private onArticleKey = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || event.shiftKey || !this.quote.text) return;
    const article = event.currentTarget as HTMLElement;
    if ((this.renderRoot as ShadowRoot).activeElement !== article) return;
    const button = this.renderRoot.querySelector<HTMLElement>('button.quote');
    if (!button) return;
    event.preventDefault();
    button.focus();
  };

  /** "Quote": the selected words go into my reply to this post as a blockquote with the author's name. */
  private async quoteSelection() {
    const text = this.quote.text;
    if (!text) return;
    await this.openReply();
    const composer = this.renderRoot.querySelector('stoa-composer');
    if (!composer) return;
    composer.insertQuote(quoteMarkdown(text, this.post.author));
    this.quote.clear();
    emit(this, 'stoa-announce', { message: `Quote added to your reply to ${this.post.author.displayName}.` });
  }

  override willUpdate() {
    // An edit left unsaved reopens on load; not in the solution's copy above the article (nor where editing is
    // closed): it has no Edit either.
    if (this.post && this.myUserId) this.edit.restoreDraft(this.mine && !this.replyDisabledReason);
    // Re-sanitise only when the HTML changed: long topics re-render often (live updates, paging).
    const htmlIn = this.post?.bodyHtml ?? null;
    if (htmlIn !== this.safeHtmlFor) {
      this.safeHtmlFor = htmlIn;
      this.safeHtml = htmlIn ? sanitizeHtml(htmlIn) : '';
    }
  }

  private get mine() {
    return this.post.author.id === this.myUserId;
  }

  override render() {
    const p = this.post;
    const headingId = `post-h-${p.id}`;
    const published = p.status === 'published';
    return html`<article aria-labelledby=${headingId} tabindex="-1" class=${this.isSolution ? 'solution' : ''} @keydown=${this.onArticleKey}>
      <header>
        <stoa-avatar .name=${p.author.displayName} .seed=${p.author.id} size="24"></stoa-avatar>
        <span class="author" id=${headingId}><strong>${p.author.displayName}</strong>${this.mine ? ' (you)' : ''}</span>
        ${p.author.handle ? html`<a class="handle" href=${paths.profile(p.author.handle)}>@${p.author.handle}</a>` : nothing}
        <time datetime=${p.createdAt}>${formatDateTime(p.createdAt)}</time>
        ${p.editedAt ? html`<span class="muted">· edited</span>` : nothing}
        ${this.isSolution ? html`<span class="badge solution-badge">Solution</span>` : nothing}
        ${p.status === 'pending' ? html`<span class="badge pending">Pending approval</span>` : nothing}
        ${p.status === 'hidden' && p.bodyHtml ? html`<span class="badge pending">Hidden for review</span>` : nothing}
        ${p.status === 'removed' && p.bodyHtml ? html`<span class="badge removed">Removed</span>` : nothing}
      </header>
      ${this.inReplyTo ? html`<p class="in-reply muted">in reply to ${this.inReplyTo}</p>` : nothing}
      ${this.renderBody()}
      ${this.edit.editing ? nothing : this.actions.renderActions()}
      <p class="error" role="alert">${this.actions.error ? this.errorText() : ''}</p>
      ${this.edit.conflictVersion !== null || (this.actions.error instanceof ApiError && this.actions.error.code === 'version_conflict')
        ? html`<button type="button" class="secondary small" @click=${() => this.edit.loadCurrentVersion()}>Load the current version</button>`
        : nothing}
      ${this.replyOpen && published
        ? html`<stoa-composer .topicId=${p.topicId} .promptId=${p.promptId} .parentId=${p.id} .label=${`Your reply to ${p.author.displayName}`}
            .disabledReason=${this.replyDisabledReason}></stoa-composer>`
        : nothing}
      ${this.actions.renderDialogs()}
    </article>`;
  }

  private errorText() {
    if (this.actions.error instanceof ApiError && this.actions.error.code === 'version_conflict') {
      return `Someone changed this post since you loaded it${this.edit.conflictVersion ? ` (it is now version ${this.edit.conflictVersion})` : ''}. Load the current version, then save your edit again.`;
    }
    return messageFor(this.actions.error);
  }

  private renderBody() {
    const p = this.post;
    if (p.status === 'withdrawn' && !p.bodyHtml) return html`<p class="placeholder muted">Withdrawn by author.</p>`;
    if (p.status === 'removed' && !p.bodyHtml) return html`<p class="placeholder muted">Removed by a moderator.</p>`;
    if (p.status === 'hidden' && !p.bodyHtml) return html`<p class="placeholder muted">Hidden while a moderator reviews it.</p>`;
    const content = html`${p.status === 'withdrawn' ? html`<p class="placeholder muted">Withdrawn by author (only you and moderators see the text).</p>` : nothing}
      ${this.renderModerationNote()}
      ${this.renderAuthorNotes()}
      <div class="prose">${unsafeHTML(this.safeHtml)}</div>
      ${this.quote.text && p.status === 'published' && !this.replyDisabledReason && !this.edit.editing
        ? html`<div class="quote-bar">
            <button type="button" class="secondary small quote" @mousedown=${(e: Event) => e.preventDefault() /* keeps the selection */}
              @click=${this.quoteSelection}>Quote</button>
            <span class="muted hint">the selected words, in your reply</span>
          </div>`
        : nothing}`;
    if (!this.edit.editing) return content;
    // While editing, the current text stays visible above the edit box (it may change under a conflict).
    return html`${content}
      <stoa-post-edit-form .postId=${p.id} .text=${this.edit.text} .saving=${this.actions.busyWith('edit')}
        @stoa-post-edit-input=${(e: CustomEvent<{ body: string }>) => this.edit.input(e.detail.body)}
        @stoa-post-edit-save=${(e: CustomEvent<{ body: string }>) => void this.edit.save(e.detail.body)}
        @stoa-post-edit-cancel=${() => this.edit.cancel()}></stoa-post-edit-form>`;
  }

  /** What the author / a moderator is told about a moderated post whose text they still see. */
  private renderModerationNote() {
    const p = this.post as ModeratedPost;
    const reason = p.statusReason ? html` Reason: <q>${p.statusReason}</q>` : nothing;
    if (p.status === 'removed') {
      return html`<p class="moderation-note" role="note">
        ${this.mine ? 'A moderator removed your post: others see “Removed by a moderator”.' : 'Removed by a moderator: only moderators and the author see the text.'}${reason}
      </p>`;
    }
    if (p.status === 'pending') {
      return html`<p class="moderation-note" role="note">
        ${this.mine ? 'Pending approval: a moderator will review your post before others see it.' : 'Held for approval: only moderators and the author see it.'}
      </p>`;
    }
    if (p.status === 'hidden') {
      return html`<p class="moderation-note" role="note">Hidden after several flags, until a moderator reviews it.</p>`;
    }
    return nothing;
  }

  /** "Note to author…" from the review queue: the author reads it here, beside the post it is about. */
  private renderAuthorNotes() {
    if (!this.authorNotes.length) return nothing;
    const who = this.mine ? 'only you and the moderators see it' : 'only the author and moderators see it';
    return html`<aside class="author-notes" aria-label="Notes from moderators">
      ${this.authorNotes.map(
        (n) => html`<div class="moderation-note author-note" role="note">
          <p><strong>${n.sentBy ? `Note from ${n.sentBy.displayName} (moderator)` : 'Note from a moderator'}</strong>
            <span class="muted">· <time datetime=${n.createdAt}>${formatDateTime(n.createdAt)}</time> · ${who}</span></p>
          <p class="note-text">${n.message}</p>
        </div>`,
      )}
    </aside>`;
  }

  static override styles = postStyles;
}

customElements.define('stoa-post', StoaPost);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-post': StoaPost;
  }
}

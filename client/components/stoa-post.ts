// One reply: author, time, the content (stored HTML re-sanitised here with the shared markdown module),
// the helpful button, and for my own posts edit (optimistic concurrency with `version`) and withdraw;
// "mark as solution" on practice problems for their author and facilitators; a reply composer on demand, and
// "Quote" for words selected in the post (they go into that composer as a blockquote naming the author).
// Others' posts can be flagged (<stoa-flag-dialog>); moderators remove (with a reason, <stoa-reason-dialog>),
// restore and approve. Moderated posts: others see a "Removed by a moderator" placeholder, the author sees
// their text with the reason, moderators see the text marked removed; pending posts show "Pending approval".
// Changes go up as stoa-post-changed / stoa-solution-changed; the topic page owns the post list.
import { LitElement, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { ApiError, messageFor, type Post } from '../api/index.js';
import type { AuthorNote } from '../api/moderation.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { formatDateTime } from '../format.js';
import { paths } from '../router.js';
import { SubmitController } from '../form-submit-controller.js';
import { postStyles } from './stoa-post.styles.js';
import { QuoteSelectionController } from '../controllers/quote-selection.js';
import { quoteMarkdown } from '../quote.js';
import { clearFormDraft, loadFormDraft, saveFormDraft } from '../drafts.js';
import './stoa-markdown-preview.js';
import { LIMITS } from '../../shared/limits.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { sanitizeHtml } from '../../shared/markdown.js';
import './stoa-avatar.js';
import './stoa-composer.js';
import './stoa-flag-dialog.js';
import './stoa-reason-dialog.js';
import './stoa-revision-history.js';

type PostAction = 'helpful' | 'edit' | 'withdraw' | 'solution' | 'moderation';

/** The removal reason travels with the post for its author and moderators (server integration of issue 5). */
type ModeratedPost = Post & { statusReason?: string | null };

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
    dialog: { state: true },
    isSolution: { attribute: false },
    replyOpen: { attribute: false },
    editing: { state: true },
    conflictVersion: { state: true },
    editText: { state: true },
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
  /** Which dialog has been rendered (rendered on first use: long topics have many posts). */
  declare dialog: 'flag' | 'remove' | 'history' | null;
  declare isSolution: boolean;
  /** The reply composer is open (the page opens it on load when a reply draft waits here). */
  declare replyOpen: boolean;
  declare editing: boolean;
  /** After a 409 on edit: the version now on the server. */
  declare conflictVersion: number | null;
  /** The text in the edit box (kept when the current version is loaded after a conflict). */
  declare editText: string;
  /** The version the edit started from: live updates may change `post.version` meanwhile, and a save must then conflict. */
  private editVersion = 0;

  private readonly api = new ApiConsumer(this);
  /**
   * One action at a time on a post, moderation included (Remove goes through <stoa-reason-dialog>); the alert
   * shows the last one's refusal. Buttons and the edit box, so no field takes focus after a refusal.
   */
  private readonly action = new SubmitController(this, { focus: null });
  /** Which action runs (its button shows it). */
  private actionKind: PostAction | null = null;
  /** Words selected in this post's text: a "Quote" button offers them to the reply composer. */
  private readonly quote = new QuoteSelectionController(
    this,
    () => this.renderRoot.querySelector('.prose'),
    () => this.renderRoot.querySelector<HTMLElement>('button.quote'),
  );
  private safeHtml = '';
  private safeHtmlFor: string | null = null;
  /** The post whose edit draft was looked for (an edit left unsaved reopens on load). */
  private editDraftCheckedFor: string | null = null;

  private get editDraftKey() {
    return `edit-post:${this.post.id}`;
  }

  /** Keeps the edit box's text, with the version it started from, until the edit is saved or cancelled. */
  private saveEditDraft() {
    saveFormDraft(this.editDraftKey, { body: this.editText, version: this.editVersion });
  }

  constructor() {
    super();
    this.myUserId = '';
    this.inReplyTo = null;
    this.replyDisabledReason = null;
    this.canMarkSolution = false;
    this.canModerate = false;
    this.canFlag = true;
    this.authorNotes = [];
    this.dialog = null;
    this.isSolution = false;
    this.replyOpen = false;
    this.editing = false;
    this.conflictVersion = null;
    this.editText = '';
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
    if (this.post && this.myUserId && this.editDraftCheckedFor !== this.post.id) {
      this.editDraftCheckedFor = this.post.id;
      // Not in the solution's copy above the article (nor where editing is closed): it has no Edit either.
      const draft = this.mine && !this.replyDisabledReason ? loadFormDraft<{ body?: unknown; version?: unknown }>(this.editDraftKey) : null;
      if (draft && typeof draft.body === 'string' && typeof draft.version === 'number' && this.post.status === 'published') {
        // The version it started from: if the post changed since, saving says so (409) as it would have then.
        this.editText = draft.body;
        this.editVersion = draft.version;
        this.editing = true;
      }
    }
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

  private async run(kind: PostAction, work: () => Promise<void>) {
    if (this.action.busy) return;
    this.actionKind = kind;
    try {
      await this.action.run(work);
    } finally {
      this.actionKind = null;
    }
  }

  /** True while this kind of action runs. */
  private busyWith(kind: PostAction) {
    return this.action.busy && this.actionKind === kind;
  }

  private toggleHelpful() {
    const on = !this.post.helpfulByMe;
    return this.run('helpful', async () => {
      const state = await this.api.client.posts.setHelpful(this.post.id, on);
      emit(this, 'stoa-post-changed', { id: state.postId, helpfulCount: state.helpfulCount, helpfulByMe: state.helpfulByMe });
    });
  }

  private saveEdit(event: SubmitEvent) {
    event.preventDefault();
    const body = this.editText;
    return this.run('edit', async () => {
      try {
        const updated = await this.api.client.posts.update(this.post.id, body, this.editVersion);
        clearFormDraft(this.editDraftKey);
        this.editing = false;
        this.conflictVersion = null;
        emit(this, 'stoa-post-changed', updated);
        emit(this, 'stoa-announce', { message: 'Your edit is saved.' });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'version_conflict') {
          this.conflictVersion = typeof error.problem.currentVersion === 'number' ? error.problem.currentVersion : null;
        }
        throw error;
      }
    });
  }

  /** After a conflict: load the current text (the newest revision) in place; the edit box keeps my text. Returns its markdown. */
  private async loadCurrentVersion(): Promise<string | undefined> {
    let source: string | undefined;
    await this.run('edit', async () => {
      const { items } = await this.api.client.posts.revisions(this.post.id);
      const latest = items.reduce((a, b) => (b.version > a.version ? b : a), items[0]!);
      source = latest.bodyMd;
      this.editVersion = latest.version;
      if (this.editing) this.saveEditDraft();
      emit(this, 'stoa-post-changed', { id: this.post.id, bodyHtml: latest.bodyHtml, bodyMd: latest.bodyMd, version: latest.version, editedAt: latest.createdAt });
      this.conflictVersion = null;
    });
    return source;
  }

  private async startEdit() {
    let source = this.post.bodyMd;
    // Edited elsewhere since this page loaded (a live update): start from the newest revision.
    if (source === null) source = (await this.loadCurrentVersion()) ?? null;
    if (source === null) return;
    this.editText = source;
    this.editVersion = this.post.version;
    this.editing = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('form.edit textarea')?.focus();
  }

  /** Cancel discards the edit, its draft too. */
  private cancelEdit() {
    clearFormDraft(this.editDraftKey);
    this.editing = false;
    this.action.error = null;
    this.conflictVersion = null;
  }

  private withdraw() {
    if (!confirm('Withdraw this post? Others will see "withdrawn by author".')) return;
    return this.run('withdraw', async () => {
      const updated = await this.api.client.posts.withdraw(this.post.id);
      emit(this, 'stoa-post-changed', updated);
      emit(this, 'stoa-announce', { message: 'Your post is withdrawn.' });
    });
  }

  private markSolution() {
    const postId = this.isSolution ? null : this.post.id;
    return this.run('solution', async () => {
      const state = await this.api.client.topics.setSolution(this.post.topicId, postId);
      emit(this, 'stoa-solution-changed', { postId: state.solutionPostId });
    });
  }

  private async openFlag(event: Event) {
    const button = event.currentTarget as HTMLElement;
    this.dialog = 'flag';
    await this.updateComplete;
    await this.renderRoot.querySelector('stoa-flag-dialog')?.open(button);
  }

  private async openRemove(event: Event) {
    const button = event.currentTarget as HTMLElement;
    this.dialog = 'remove';
    await this.updateComplete;
    const postId = this.post.id;
    await this.renderRoot.querySelector('stoa-reason-dialog')?.open(async ({ reason }) => {
      const result = await this.api.client.moderation.remove(postId, reason);
      emit(this, 'stoa-post-changed', { id: postId, status: result.status, statusReason: result.statusReason } as Partial<ModeratedPost> & { id: string });
      emit(this, 'stoa-moderation-changed', { communityId: result.communityId });
      emit(this, 'stoa-announce', { message: 'The post is removed. Its author sees your reason.' });
    }, button);
  }

  /** The post's versions with their differences (its author and moderators: the server's policy says who). */
  private async openHistory(event: Event) {
    const button = event.currentTarget as HTMLElement;
    this.dialog = 'history';
    await this.updateComplete;
    const postId = this.post.id;
    await this.renderRoot.querySelector('stoa-revision-history')?.open(
      `History of ${this.mine ? 'your' : `${this.post.author.displayName}’s`} post`,
      async () =>
        (await this.api.client.posts.revisions(postId)).items.map((r) => ({
          version: r.version,
          createdAt: r.createdAt,
          editorName: r.editor.displayName,
          fields: [{ label: 'Text', text: r.bodyMd }],
        })),
      button,
    );
  }

  private restore() {
    return this.run('moderation', async () => {
      const result = await this.api.client.moderation.restore(this.post.id);
      emit(this, 'stoa-post-changed', { id: result.id, status: result.status, statusReason: result.statusReason } as Partial<ModeratedPost> & { id: string });
      emit(this, 'stoa-moderation-changed', { communityId: result.communityId });
      emit(this, 'stoa-announce', { message: 'The post is restored.' });
    });
  }

  private approve() {
    return this.run('moderation', async () => {
      const result = await this.api.client.moderation.approve(this.post.id);
      emit(this, 'stoa-post-changed', { id: result.id, status: result.status });
      emit(this, 'stoa-moderation-changed', { communityId: result.communityId });
      emit(this, 'stoa-announce', { message: 'The post is approved and visible to everyone.' });
    });
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
      ${this.editing ? nothing : this.renderActions(published)}
      <p class="error" role="alert">${this.action.error ? this.errorText() : ''}</p>
      ${this.conflictVersion !== null || (this.action.error instanceof ApiError && this.action.error.code === 'version_conflict')
        ? html`<button type="button" class="secondary small" @click=${this.loadCurrentVersion}>Load the current version</button>`
        : nothing}
      ${this.replyOpen && published
        ? html`<stoa-composer .topicId=${p.topicId} .promptId=${p.promptId} .parentId=${p.id} .label=${`Your reply to ${p.author.displayName}`}
            .disabledReason=${this.replyDisabledReason}></stoa-composer>`
        : nothing}
      ${this.dialog === 'history' ? html`<stoa-revision-history></stoa-revision-history>` : nothing}
      ${this.dialog === 'flag' ? html`<stoa-flag-dialog .postId=${p.id} .authorName=${p.author.displayName}></stoa-flag-dialog>` : nothing}
      ${this.dialog === 'remove'
        ? html`<stoa-reason-dialog .heading=${`Remove ${p.author.displayName}’s post`} .label=${'Reason for removal'}
            .hint=${'The author sees this reason; others see “Removed by a moderator”. You can restore the post later.'}
            .confirmLabel=${'Remove post'} .maxLength=${MODERATION_LIMITS.reasonMax}></stoa-reason-dialog>`
        : nothing}
    </article>`;
  }

  private errorText() {
    if (this.action.error instanceof ApiError && this.action.error.code === 'version_conflict') {
      return `Someone changed this post since you loaded it${this.conflictVersion ? ` (it is now version ${this.conflictVersion})` : ''}. Load the current version, then save your edit again.`;
    }
    return messageFor(this.action.error);
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
      ${this.quote.text && p.status === 'published' && !this.replyDisabledReason && !this.editing
        ? html`<div class="quote-bar">
            <button type="button" class="secondary small quote" @mousedown=${(e: Event) => e.preventDefault() /* keeps the selection */}
              @click=${this.quoteSelection}>Quote</button>
            <span class="muted hint">the selected words, in your reply</span>
          </div>`
        : nothing}`;
    if (!this.editing) return content;
    // While editing, the current text stays visible above the edit box (it may change under a conflict).
    const id = `edit-${p.id}`;
    return html`${content}
      <form class="edit" @submit=${this.saveEdit}>
        <label for=${id}>Edit your post</label>
        <textarea id=${id} name="body" required maxlength=${LIMITS.postBodyMax} .value=${this.editText}
          @input=${(e: Event) => ((this.editText = (e.target as HTMLTextAreaElement).value), this.saveEditDraft())}></textarea>
        <stoa-markdown-preview .source=${this.editText} .label=${'Preview of your edit'}></stoa-markdown-preview>
        <div class="row">
          <button type="submit" ?disabled=${this.busyWith('edit')}>${this.busyWith('edit') ? 'Saving…' : 'Save edit'}</button>
          <button type="button" class="secondary" @click=${this.cancelEdit}>Cancel</button>
        </div>
      </form>`;
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

  private renderActions(published: boolean) {
    const p = this.post;
    const canAcknowledge = published && !this.mine;
    return html`<div class="row actions">
      ${canAcknowledge
        ? html`<button type="button" class="secondary small" aria-pressed=${p.helpfulByMe ? 'true' : 'false'} ?disabled=${this.busyWith('helpful')}
            @click=${this.toggleHelpful}>Helpful <span class="count">${p.helpfulCount}</span></button>`
        : p.helpfulCount > 0
          ? html`<span class="muted">${p.helpfulCount} found this helpful</span>`
          : nothing}
      ${published && !this.replyDisabledReason
        ? html`<button type="button" class="secondary small" aria-expanded=${this.replyOpen ? 'true' : 'false'}
            @click=${() => (this.replyOpen ? (this.replyOpen = false) : void this.openReply())}>Reply</button>`
        : nothing}
      ${this.mine && published && !this.replyDisabledReason
        ? html`<button type="button" class="secondary small" @click=${this.startEdit}>Edit</button>`
        : nothing}
      ${this.mine && p.status !== 'withdrawn' && p.status !== 'removed'
        ? html`<button type="button" class="secondary small" ?disabled=${this.busyWith('withdraw')} @click=${this.withdraw}>Withdraw</button>`
        : nothing}
      ${p.editedAt && p.bodyHtml && (this.mine || this.canModerate)
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${this.openHistory}>History</button>`
        : nothing}
      ${this.canMarkSolution && published
        ? html`<button type="button" class="secondary small" aria-pressed=${this.isSolution ? 'true' : 'false'} ?disabled=${this.busyWith('solution')}
            @click=${this.markSolution}>${this.isSolution ? 'Unmark solution' : 'Mark as solution'}</button>`
        : nothing}
      ${!this.mine && this.canFlag && (published || p.status === 'hidden')
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${this.openFlag}>Flag</button>`
        : nothing}
      ${this.canModerate && p.status === 'pending'
        ? html`<button type="button" class="secondary small" ?disabled=${this.busyWith('moderation')} @click=${this.approve}>Approve</button>`
        : nothing}
      ${this.canModerate && (published || p.status === 'pending' || p.status === 'hidden')
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${this.openRemove}>Remove</button>`
        : nothing}
      ${this.canModerate && p.status === 'removed'
        ? html`<button type="button" class="secondary small" ?disabled=${this.busyWith('moderation')} @click=${this.restore}>Restore</button>`
        : nothing}
    </div>`;
  }

  static override styles = postStyles;
}

customElements.define('stoa-post', StoaPost);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-post': StoaPost;
  }
}

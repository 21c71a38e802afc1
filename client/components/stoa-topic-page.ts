// `/c/:slug/t/:topicId`: one topic. The article (or the practice problem), its prompts with reply counts
// and release dates, the marked solution first, threaded replies (built here from parentId, shown at most
// VISUAL_DEPTH_MAX levels deep), a composer per prompt (opened by "Reply to this prompt") and per post, and
// "jump to first unread".
// This element owns the topic and its post list; <stoa-post>, <stoa-composer> and <stoa-prompt-form>
// report changes with events (stoa-post-created/-changed, stoa-prompt-added, stoa-solution-changed), merged
// by the pure rules in client/live-merge.ts. Its controllers (client/controllers/) do the rest: read
// tracking as the member scrolls (ReadTrackingController), paging through long topics (TopicPagingController),
// live updates applied in place without moving what the reader looks at (TopicLiveController), and the
// topic's moderation controls (TopicModerationController). Composers and their drafts are separate elements
// keyed by place, so no live update touches what a member is writing.
// Topics are moderated like posts: a hidden or removed topic shows members a placeholder (no title, text,
// prompts or discussion), its author and moderators the content with a note.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { ContextConsumer, ContextProvider } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { repeat } from 'lit/directives/repeat.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { messageFor, type Post, type Prompt, type TopicDetail } from '../api/index.js';
import type { AuthorNote, TopicAuthorNote } from '../api/moderation.js';
import { ApiConsumer, sessionContext, communityIdContext } from '../context.js';
import { loadFormDraft, parentsWithDrafts, promptsWithDrafts } from '../drafts.js';
import { emit } from '../events.js';
import { formatDateTime, plural } from '../format.js';
import { applyPostChange, mergeOwnPost, type PostChange } from '../live-merge.js';
import { paths } from '../router.js';
import { canModerate } from '../roles.js';
import { buildThreads, rootKey, type ThreadNode, type Threads } from '../thread.js';
import { sanitizeHtml } from '../../shared/markdown.js';
import { ReadTrackingController } from '../controllers/read-tracking.js';
import { PAGE_SIZE, TopicPagingController } from '../controllers/topic-paging.js';
import { TopicLiveController } from '../controllers/topic-live.js';
import { TopicModerationController } from '../controllers/topic-moderation.js';
import type { TopicView, Viewer } from '../controllers/topic-view.js';
import { firstUnread, jumpToFirstUnread, jumpToPost, jumpToPrompt } from '../controllers/topic-jump.js';
import { topicPageStyles } from './stoa-topic-page.styles.js';
import { PLACEHOLDER, placeholderTitle, replyBlockedReason } from '../topic-words.js';
import './stoa-composer.js';
import './stoa-flag-dialog.js';
import './stoa-post.js';
import './stoa-watch-control.js';
import './stoa-prompt-form.js';
import './stoa-reason-dialog.js';
import './stoa-revision-history.js';
import './stoa-topic-edit-form.js';
import { TOPIC_SEARCH_MIN_POSTS } from './stoa-topic-search.js';
import { loadError, loadErrorHeading } from '../load-error.js';
import { TopicKeysController } from '../controllers/topic-keys.js';

const NO_NOTES: AuthorNote[] = [];

/** Moderators' notes by the post they are about, oldest first. */
function groupNotes(items: TopicAuthorNote[]): Map<string, AuthorNote[]> {
  const byPost = new Map<string, AuthorNote[]>();
  for (const { postId, ...note } of items) byPost.set(postId, [...(byPost.get(postId) ?? []), note]);
  return byPost;
}

/** What every post of one render is shown with. */
interface PostContext {
  d: TopicDetail;
  /** Why replying is not possible, or null. */
  blocked: string | null;
  viewer: Viewer;
}

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-moderation-changed - a moderator acted: the nav's review count is read again
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 */
export class StoaTopicPage extends LitElement implements TopicView {
  static override properties = {
    slug: { attribute: false },
    topicId: { attribute: false },
    focusPostId: { attribute: false },
    focusPromptId: { attribute: false },
    detail: { state: true },
    posts: { state: true },
    showPromptForm: { state: true },
    editingTopic: { state: true },
    editingPrompt: { state: true },
    historyUsed: { state: true },
  };

  declare slug: string;
  declare topicId: string;
  /** ?post=<id> (a notification's link): the page scrolls to that post and focuses it once it is loaded. */
  declare focusPostId: string | null;
  /** ?prompt=<id> (a search hit): the page scrolls to that prompt. */
  declare focusPromptId: string | null;
  private focusedFor: string | null = null;
  /** The topic as last loaded, with local changes (new prompts, solution, counts) laid over it. */
  declare detail: TopicDetail | null;
  /** Loaded posts, oldest first (the server's order). */
  declare posts: Post[];
  declare showPromptForm: boolean;
  /** "Edit topic" is open. */
  declare editingTopic: boolean;
  /** The prompt whose "Edit prompt" form is open, or null. */
  declare editingPrompt: string | null;
  /** The history dialog has been rendered (on first use). */
  declare historyUsed: boolean;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  /** The composers below look up members to @mention in this topic's community. */
  private readonly communityId = new ContextProvider(this, { context: communityIdContext, initialValue: null });

  private readonly topic = new Task(this, {
    task: async ([topicId, signedIn], { signal }) => {
      if (!signedIn || !topicId) return initialState;
      const api = this.api.client;
      // Moderators' notes to authors ride along: a failure to read them must not hide the topic.
      const notes = api.moderation.topicAuthorNotes(topicId, signal).catch(() => ({ items: [] as TopicAuthorNote[] }));
      const [detail, page] = await Promise.all([api.topics.get(topicId, signal), api.posts.list(topicId, { limit: PAGE_SIZE }, signal)]);
      this.authorNotes = groupNotes((await notes).items);
      this.reading.reset();
      this.detail = detail;
      this.communityId.setValue(detail.communityId);
      this.posts = page.items;
      this.paging.reset(page.nextCursor);
      this.draftParents = parentsWithDrafts(topicId);
      this.openPrompts = promptsWithDrafts(topicId);
      // An edit of the topic or of a prompt left unsaved opens again, as reply drafts do.
      this.editingTopic = detail.can.update && loadFormDraft(`edit-topic:${topicId}`) !== null;
      this.editingPrompt = detail.can.addPrompt ? (detail.prompts.find((p) => loadFormDraft(`edit-prompt:${p.id}`) !== null)?.id ?? null) : null;
      emit(this, 'stoa-page-title', { title: detail.title ?? placeholderTitle(detail) });
      this.live.loaded(topicId, Math.min(detail.liveCursor ?? 0, page.liveCursor));
      return detail;
    },
    args: () => [this.topicId, this.session.value?.status === 'signed-in'] as const,
    onError: (error) => emit(this, 'stoa-page-title', { title: loadErrorHeading(error, 'topic') }),
  });

  private readonly paging = new TopicPagingController(this, this.api);
  private readonly live = new TopicLiveController(this, {
    api: this.api,
    paging: this.paging,
    loading: () => this.topic.status === TaskStatus.PENDING,
    dropPendingRead: () => this.reading.dropPending(),
  });
  private readonly keys = new TopicKeysController(this);
  private readonly reading = new ReadTrackingController(this, this.api, (postId) => this.live.seen(postId));
  private readonly moderation = new TopicModerationController(this, {
    api: this.api,
    slug: () => this.slug,
    refreshAll: () => this.live.refreshAll(),
  });

  /** Moderators' notes to authors, by post: only those this viewer may read (the author's own, or all for moderators). */
  private authorNotes = new Map<string, AuthorNote[]>();
  /**
   * Prompts whose composer is open: a prompt shows "Reply to this prompt" until asked (a topic with many prompts
   * would otherwise carry a text box for each); one with a draft waiting opens on load.
   */
  private openPrompts = new Set<string>();
  /** Posts with a reply draft waiting: their composers open on load. */
  private draftParents = new Set<string>();
  private threadsFor: Post[] | null = null;
  private threads: Threads = { roots: new Map(), size: 0 };
  private indexFor: Post[] | null = null;
  private indexCache = new Map<string, number>();
  private sanitized = new Map<string, string>();

  constructor() {
    super();
    this.slug = '';
    this.topicId = '';
    this.focusPostId = this.focusPromptId = null;
    this.detail = null;
    this.posts = [];
    this.showPromptForm = false;
    this.editingTopic = false;
    this.editingPrompt = null;
    this.historyUsed = false;
    this.addEventListener('stoa-topic-edited', (e) => this.onTopicEdited(e.detail.topic));
    this.addEventListener('stoa-prompt-changed', (e) => this.onPromptChanged(e.detail.prompt));
    this.addEventListener('stoa-post-created', (e) => this.onPostCreated(e.detail.post));
    this.addEventListener('stoa-post-changed', (e) => this.changePost(e.detail));
    this.addEventListener('stoa-prompt-added', (e) => this.onPromptAdded(e.detail.prompt));
    this.addEventListener('stoa-solution-changed', (e) => this.onSolutionChanged(e.detail.postId));
  }

  get myUserId() {
    return this.session.value?.me?.id ?? '';
  }

  /** Position of a loaded post, for the posts as they are now (event handlers run between renders). */
  indexOf(postId: string): number | undefined {
    if (this.indexFor !== this.posts) {
      this.indexFor = this.posts;
      this.indexCache = new Map(this.posts.map((p, i) => [p.id, i]));
    }
    return this.indexCache.get(postId);
  }

  changePost(change: PostChange) {
    // A reply removed or withdrawn (live, or by my own action) is not a new reply to point to any more.
    if (change.status !== undefined && change.status !== 'published') this.live.gone(change.id);
    const next = applyPostChange({ detail: this.detail, posts: this.posts }, change, this.indexOf(change.id));
    if (next.posts !== this.posts) this.posts = next.posts as Post[];
    if (next.detail !== this.detail) this.detail = next.detail;
  }

  override willUpdate() {
    // Subscribed before the HTTP load starts (the task runs after willUpdate), so nothing between is missed.
    this.live.sync();
    if (this.posts !== this.threadsFor) {
      this.threadsFor = this.posts;
      this.threads = buildThreads(this.posts);
    }
  }

  override updated(changed: Map<PropertyKey, unknown>) {
    super.updated(changed);
    const target = this.focusPostId ?? this.focusPromptId;
    if (target && this.topic.status === TaskStatus.COMPLETE && this.detail && this.focusedFor !== `${this.topicId}/${target}`) {
      this.focusedFor = `${this.topicId}/${target}`;
      void (this.focusPostId ? jumpToPost(this, this.paging, target) : jumpToPrompt(this, target));
    }
  }

  private jumpToFirstUnread = (event: Event) => {
    event.preventDefault();
    void jumpToFirstUnread(this, this.paging);
  };

  // ---- changes reported by children -----------------------------------------------------------------

  private onPostCreated(post: Post) {
    const d = this.detail;
    if (!d) return;
    if (post.parentId && this.draftParents.delete(post.parentId)) this.requestUpdate();
    // My reply to a prompt is posted: its composer closes (focus moves to the new post).
    if (post.promptId && !post.parentId && this.openPrompts.delete(post.promptId)) this.requestUpdate();
    const prompt = post.promptId ? d.prompts.find((p) => p.id === post.promptId) : undefined;
    if (prompt?.repliesHidden) {
      // An answer-first prompt: now that I answered, the others' replies are mine to see. Refetch what is
      // loaded (as after a resync), keeping the pages and the scroll position.
      void this.live.refreshAll();
      return;
    }
    const next = mergeOwnPost({ detail: d, posts: this.posts }, post, this.indexOf(post.id));
    this.posts = next.posts as Post[];
    this.detail = next.detail;
  }

  /** Opens a prompt's composer and puts the keyboard in its text box. */
  private async openPromptReply(promptId: string) {
    this.openPrompts.add(promptId);
    this.requestUpdate();
    await this.updateComplete;
    const composer = this.renderRoot.querySelector<HTMLElement & { updateComplete: Promise<unknown> }>(`stoa-composer[data-prompt-id="${CSS.escape(promptId)}"]`);
    await composer?.updateComplete;
    composer?.focus();
  }

  private closePromptReply(promptId: string) {
    this.openPrompts.delete(promptId);
    this.requestUpdate();
  }

  private onTopicEdited(topic: TopicDetail) {
    // The answer to the write has no live cursor: the page's own stays.
    this.detail = { ...topic, liveCursor: this.detail?.liveCursor ?? topic.liveCursor };
    emit(this, 'stoa-page-title', { title: topic.title ?? placeholderTitle(topic) });
  }

  private onPromptChanged(prompt: Prompt) {
    const d = this.detail;
    if (!d) return;
    // What the viewer saw of replies (hidden until answered, answered by me) does not change with the wording.
    const prompts = d.prompts.map((p) => (p.id === prompt.id ? { ...prompt, repliesHidden: p.repliesHidden, answeredByMe: p.answeredByMe } : p));
    this.detail = { ...d, prompts };
  }

  /** A topic's history (promptId null: its title and text) or one prompt's, in the history dialog. */
  private async openHistory(event: Event, d: TopicDetail, prompt: Prompt | null) {
    const button = event.currentTarget as HTMLElement;
    this.historyUsed = true;
    await this.updateComplete;
    const textLabel = d.kind === 'cpd' ? 'Article' : 'The problem';
    await this.renderRoot.querySelector('stoa-revision-history')?.open(
      prompt ? `History of prompt ${prompt.position}` : 'History of the topic',
      async () =>
        (await this.api.client.topics.revisions(d.id)).items
          .filter((r) => r.promptId === (prompt?.id ?? null))
          .map((r) => ({
            version: r.version,
            createdAt: r.createdAt,
            editorName: r.editor.displayName,
            fields: prompt ? [{ label: 'Question', text: r.bodyMd }] : [{ label: 'Title', text: r.title ?? '' }, { label: textLabel, text: r.bodyMd }],
          })),
      button,
    );
  }

  /** After a form closes, the keyboard goes back to the button that opened it. */
  private async closeEdit(selector: string) {
    this.editingTopic = false;
    this.editingPrompt = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private onPromptAdded(prompt: Prompt) {
    if (this.detail) this.detail = { ...this.detail, prompts: [...this.detail.prompts, prompt] };
    this.showPromptForm = false;
  }

  private onSolutionChanged(postId: string | null) {
    const d = this.detail;
    if (!d) return;
    const index = postId ? this.indexOf(postId) : undefined;
    const solution = index !== undefined ? { ...this.posts[index]!, isSolution: true } : null;
    this.detail = { ...d, solutionPostId: postId, solution, hasSolution: postId !== null };
    emit(this, 'stoa-announce', { message: postId ? 'Marked as the solution.' : 'The solution mark is removed.' });
  }

  // ---- rendering -------------------------------------------------------------------------------------

  private safe(htmlIn: string): string {
    let out = this.sanitized.get(htmlIn);
    if (out === undefined) {
      out = sanitizeHtml(htmlIn);
      this.sanitized.set(htmlIn, out);
    }
    return out;
  }

  private viewerIn(d: TopicDetail): Viewer {
    const me = this.session.value?.me;
    const membership = me?.memberships.find((m) => m.communityId === d.communityId) ?? null;
    const isAdmin = me?.isAdmin ?? false;
    return { userId: me?.id ?? '', membership, isAdmin, moderatesPosts: canModerate(membership?.roles ?? null, isAdmin) };
  }

  override render() {
    return this.topic.render({
      initial: () => nothing,
      pending: () => (this.detail?.id === this.topicId ? this.renderTopic(this.detail) : html`<p role="status">Loading the topic…</p>`),
      error: (error) => html`<h1>${loadErrorHeading(error, 'topic')}</h1>
        ${loadError(error, () => this.topic.run())}
        <p><a href=${paths.community(this.slug)}>Back to the community</a></p>`,
      complete: () => (this.detail ? this.renderTopic(this.detail) : nothing),
    });
  }

  private renderTopic(d: TopicDetail) {
    const viewer = this.viewerIn(d);
    const communityName = viewer.membership?.name ?? 'the community';
    const blocked = replyBlockedReason(d, viewer);
    const ctx: PostContext = { d, blocked, viewer };
    const unread = firstUnread(this, this.paging);
    const isCpd = d.kind === 'cpd';
    return html`
      <p class="crumb"><a href=${paths.community(this.slug)}>← ${communityName}</a></p>
      <h1>${d.title ?? placeholderTitle(d)}</h1>
      <p class="meta">
        <span class="badge">${isCpd ? 'CPD topic' : 'Practice problem'}</span>
        <span class="badge ${d.status}">${d.status}</span>
        ${d.moderationStatus !== 'published' ? html`<span class="badge closed">${d.moderationStatus}</span>` : nothing}
        ${d.pinned ? html`<span class="badge">pinned</span>` : nothing}
        ${d.locked ? html`<span class="badge closed">locked</span>` : nothing}
        ${d.opensAt ? html`<span>Opens <time datetime=${d.opensAt}>${formatDateTime(d.opensAt)}</time></span>` : nothing}
        ${d.closesAt ? html`<span>Closes <time datetime=${d.closesAt}>${formatDateTime(d.closesAt)}</time></span>` : nothing}
        <span>${d.posterCount} posted · ${d.readerCount} read · ${plural(d.postCount, 'reply', 'replies')}</span>
      </p>
      <p class="muted small">
        ${isCpd ? html`Facilitated by ${d.facilitators.map((f) => f.displayName).join(', ')}` : html`Asked by ${d.author.displayName}`}
      </p>
      ${viewer.membership && d.bodyHtml !== null ? html`<stoa-watch-control class="watch" .kind=${'topic'} .targetId=${d.id}></stoa-watch-control>` : nothing}
      ${this.moderation.renderNote(d, viewer)}
      ${this.moderation.renderModeration(d, viewer)}
      ${this.moderation.renderActions(d)}
      ${d.bodyHtml !== null ? this.renderEditing(d) : nothing}
      ${this.historyUsed ? html`<stoa-revision-history></stoa-revision-history>` : nothing}
      ${d.bodyHtml === null
        ? html`<p class="placeholder muted" role="note">${PLACEHOLDER[d.moderationStatus]}</p>
            ${this.live.notice ? html`<p class="note" role="status">${this.live.notice}</p>` : nothing}`
        : this.renderContent(d, ctx, unread)}
    `;
  }

  /** The topic's words and discussion (not shown in the placeholder of a hidden or removed topic). */
  private renderContent(d: TopicDetail, ctx: PostContext, unread: ReturnType<typeof firstUnread>) {
    const { blocked } = ctx;
    const isCpd = d.kind === 'cpd';
    return html`
      ${unread
        ? html`<p class="unread-link"><a href="#" @click=${this.jumpToFirstUnread}>Jump to first unread</a>
            <span class="muted">(${d.unreadCount} unread)</span></p>`
        : nothing}
      ${d.postCount > TOPIC_SEARCH_MIN_POSTS ? html`<stoa-topic-search .topicId=${d.id} .communityId=${d.communityId} .slug=${this.slug}></stoa-topic-search>` : nothing}
      ${d.solution
        ? html`<section class="solution card" aria-labelledby="solution-h">
            <h2 id="solution-h">Solution</h2>
            ${this.renderPost(d.solution, null, ctx, true)}
          </section>`
        : nothing}
      <section aria-labelledby="article-h" class="article">
        <h2 id="article-h" class="visually-hidden">${isCpd ? 'Article' : 'The problem'}</h2>
        <div class="prose">${unsafeHTML(this.safe(d.bodyHtml ?? ''))}</div>
        ${d.articleUrl ? html`<p class="source">Source: <a href=${d.articleUrl} rel="nofollow ugc noopener" target="_blank">${d.articleUrl}</a></p>` : nothing}
      </section>
      ${isCpd ? this.renderPrompts(ctx) : nothing}
      <section aria-labelledby="discussion-h" class="discussion">
        <h2 id="discussion-h">${isCpd ? 'General discussion' : 'Replies'}</h2>
        ${this.renderThread(this.threads.roots.get(rootKey(null)) ?? [], 0, ctx)}
        <stoa-composer .topicId=${d.id} .promptId=${null} .parentId=${null} .label=${isCpd ? 'Your reply to the topic' : 'Your reply'}
          .disabledReason=${blocked}></stoa-composer>
      </section>
      ${this.renderPaging(d)}
      ${this.live.notice ? html`<p class="note" role="status">${this.live.notice}</p>` : nothing}
      ${this.live.newBelow.length
        ? html`<button type="button" class="new-pill" @click=${() => this.live.showNewReplies()}>${plural(this.live.newBelow.length, 'new reply', 'new replies')} ↓</button>`
        : nothing}
    `;
  }

  /** "Edit topic" and "History" for those who may, and the edit form while open. */
  private renderEditing(d: TopicDetail) {
    const canEdit = d.can.update;
    if (!canEdit && !d.can.readRevisions) return nothing;
    return html`<div class="topic-edit-actions">
        ${canEdit
          ? html`<button type="button" class="secondary small edit-topic" aria-expanded=${this.editingTopic ? 'true' : 'false'}
              @click=${() => (this.editingTopic = !this.editingTopic)}>Edit topic</button>`
          : nothing}
        ${d.can.readRevisions
          ? html`<button type="button" class="secondary small topic-history" aria-haspopup="dialog" @click=${(e: Event) => void this.openHistory(e, d, null)}>History</button>`
          : nothing}
      </div>
      ${this.editingTopic && canEdit
        ? html`<stoa-topic-edit-form .topic=${d} @stoa-edit-closed=${(e: Event) => (e.stopPropagation(), void this.closeEdit('button.edit-topic'))}></stoa-topic-edit-form>`
        : nothing}`;
  }

  /** A prompt's "Edit prompt" and "History" (its facilitators; History also for moderators), and its edit form. */
  private renderPromptEditing(d: TopicDetail, p: Prompt) {
    const canEdit = d.can.addPrompt;
    if (!canEdit && !d.can.readRevisions) return nothing;
    if (this.editingPrompt === p.id && canEdit) {
      return html`<stoa-prompt-form .topicId=${d.id} .prompt=${p}
        @stoa-edit-closed=${(e: Event) => (e.stopPropagation(), void this.closeEdit(`button[data-edit-prompt="${CSS.escape(p.id)}"]`))}></stoa-prompt-form>`;
    }
    return html`<div class="prompt-edit-actions">
      ${canEdit
        ? html`<button type="button" class="secondary small" data-edit-prompt=${p.id} @click=${() => (this.editingPrompt = p.id)}>Edit prompt</button>`
        : nothing}
      ${d.can.readRevisions
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${(e: Event) => void this.openHistory(e, d, p)}>History</button>`
        : nothing}
    </div>`;
  }

  private renderPrompts(ctx: PostContext) {
    const { d, blocked } = ctx;
    return html`<section aria-labelledby="prompts-h" class="prompts">
      <h2 id="prompts-h">Prompts</h2>
      ${repeat(
        d.prompts,
        (p) => p.id,
        (p) => html`<section class="prompt card" aria-labelledby=${`prompt-h-${p.id}`}>
          <h3 id=${`prompt-h-${p.id}`}>Prompt ${p.position} ${p.scheduled ? html`<span class="badge scheduled">scheduled</span>` : nothing}</h3>
          <div class="prose">${unsafeHTML(this.safe(p.bodyHtml))}</div>
          <p class="meta muted small">
            <span>${p.repliesHidden ? 'Replies hidden until you answer' : plural(p.replyCount, 'reply', 'replies')}</span>
            ${p.releaseAt
              ? html`<span>${p.scheduled ? 'Appears' : 'Released'} <time datetime=${p.releaseAt}>${formatDateTime(p.releaseAt)}</time></span>`
              : nothing}
            ${p.scheduled ? html`<span>Only the topic's facilitators see it until then.</span>` : nothing}
            ${p.answerFirst && !p.repliesHidden ? html`<span>Answer first, then see others</span>` : nothing}
          </p>
          ${this.renderPromptEditing(d, p)}
          ${p.repliesHidden ? html`<p class="note" role="note">Answer first to see others' replies.</p>` : nothing}
          ${this.renderThread(this.threads.roots.get(rootKey(p.id)) ?? [], 0, ctx)}
          ${this.renderPromptComposer(d.id, p, blocked)}
        </section>`,
      )}
      ${d.can.addPrompt && d.prompts.length < 10
        ? html`<div class="add-prompt">
            <button type="button" class="secondary" aria-expanded=${this.showPromptForm ? 'true' : 'false'}
              @click=${() => (this.showPromptForm = !this.showPromptForm)}>Add a prompt</button>
            ${this.showPromptForm ? html`<stoa-prompt-form .topicId=${d.id}></stoa-prompt-form>` : nothing}
          </div>`
        : nothing}
    </section>`;
  }

  /** The prompt's composer when asked for (or a draft waits), else the button that opens it. */
  private renderPromptComposer(topicId: string, p: Prompt, blocked: string | null) {
    const open = this.openPrompts.has(p.id);
    if (!open && !blocked) {
      return html`<button type="button" class="secondary reply-prompt" aria-expanded="false" @click=${() => void this.openPromptReply(p.id)}>Reply to this prompt</button>`;
    }
    return html`<stoa-composer data-prompt-id=${p.id} .topicId=${topicId} .promptId=${p.id} .parentId=${null}
        .label=${`Your reply to prompt ${p.position}`} .disabledReason=${blocked}></stoa-composer>
      ${open && !blocked
        ? html`<button type="button" class="secondary small close-prompt" aria-expanded="true" @click=${() => this.closePromptReply(p.id)}>Close the reply box</button>`
        : nothing}`;
  }

  private renderThread(nodes: ThreadNode[], depth: number, ctx: PostContext): TemplateResult | typeof nothing {
    if (!nodes.length) return nothing;
    return html`<ol class="thread" data-depth=${depth}>
      ${repeat(
        nodes,
        (n) => n.post.id,
        (n) => html`<li data-post-id=${n.post.id}>
          ${this.renderPost(n.post, n.inReplyTo, ctx)}
          ${this.renderThread(n.children, depth + 1, ctx)}
        </li>`,
      )}
    </ol>`;
  }

  /**
   * `copy`: the solution shown again above the article. Replying and editing happen on the post itself in
   * the discussion: two composers for one post would share one draft, and the second could send it again.
   */
  private renderPost(post: Post, inReplyTo: string | null, { d, blocked, viewer }: PostContext, copy = false) {
    return html`<stoa-post .post=${post} .myUserId=${viewer.userId} .inReplyTo=${inReplyTo}
      .replyDisabledReason=${copy ? 'Reply to the solution where it stands in the discussion.' : blocked}
      .canMarkSolution=${d.can.markSolution} .canModerate=${viewer.moderatesPosts} .canFlag=${!viewer.membership?.suspended}
      .isSolution=${post.id === d.solutionPostId} .replyOpen=${!copy && this.draftParents.has(post.id)}
      .authorNotes=${this.authorNotes.get(post.id) ?? NO_NOTES}></stoa-post>`;
  }

  private renderPaging(d: TopicDetail) {
    if (!this.paging.nextCursor && !this.paging.error) return nothing;
    return html`<div class="paging">
      <p class="muted small" role="status">Showing ${this.posts.length} of ${plural(d.postCount, 'reply', 'replies')}${this.paging.loading ? '; loading more…' : '.'}</p>
      ${this.paging.error ? html`<p class="error" role="alert">${messageFor(this.paging.error)}</p>` : nothing}
      ${this.paging.nextCursor
        ? html`<button type="button" class="secondary" ?disabled=${this.paging.loading} @click=${() => void this.paging.loadMore()}>Load more replies</button>
            <div class="paging-sentinel" aria-hidden="true"></div>`
        : nothing}
    </div>`;
  }

  static override styles = topicPageStyles;
}

customElements.define('stoa-topic-page', StoaTopicPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-topic-page': StoaTopicPage;
  }
}

// `/c/:slug/t/:topicId`: one topic. The article (or the practice problem), its prompts with reply counts
// and release dates, the marked solution first, threaded replies (built here from parentId, shown at most
// VISUAL_DEPTH_MAX levels deep), a composer per prompt (opened by "Reply to this prompt") and per post, and
// "jump to first unread".
// This element owns the topic and its post list; <stoa-post>, <stoa-composer> and <stoa-prompt-form>
// report changes with events (stoa-post-created/-changed, stoa-prompt-added, stoa-solution-changed), merged
// by the pure rules in client/live-merge.ts. Its controllers (client/controllers/) do the rest: read
// tracking as the member scrolls (ReadTrackingController), paging through long topics (TopicPagingController),
// live updates applied in place without moving what the reader looks at (TopicLiveController), and the
// topic's moderation controls (TopicModerationController), editing the topic and its prompts with their
// history (TopicEditingController), moderators' notes to authors (AuthorNotesController), the marked solution
// (TopicSolutionController), going to the first unread post or to the one the address names
// (TopicJumpController), and which composers are open (TopicComposersController). Composers and their drafts
// are separate elements keyed by place, so no live update touches what a member is writing.
// Topics are moderated like posts: a hidden or removed topic shows members a placeholder (no title, text,
// prompts or discussion), its author and moderators the content with a note.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { ContextConsumer, ContextProvider } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import { repeat } from 'lit/directives/repeat.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { messageFor, type Post, type Prompt, type TopicDetail } from '../api/index.js';
import { ApiConsumer, sessionContext, communityIdContext } from '../context.js';
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
import { TopicEditingController } from '../controllers/topic-editing.js';
import { AuthorNotesController } from '../controllers/author-notes.js';
import type { TopicView, Viewer } from '../controllers/topic-view.js';
import { TopicJumpController } from '../controllers/topic-jump.js';
import { TopicSolutionController } from '../controllers/topic-solution.js';
import { TopicComposersController } from '../controllers/topic-composers.js';
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
  };

  declare slug: string;
  declare topicId: string;
  /** ?post=<id> (a notification's link): the page scrolls to that post and focuses it once it is loaded. */
  declare focusPostId: string | null;
  /** ?prompt=<id> (a search hit): the page scrolls to that prompt. */
  declare focusPromptId: string | null;
  /** The topic as last loaded, with local changes (new prompts, solution, counts) laid over it. */
  declare detail: TopicDetail | null;
  /** Loaded posts, oldest first (the server's order). */
  declare posts: Post[];
  declare showPromptForm: boolean;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  /** The composers below look up members to @mention in this topic's community. */
  private readonly communityId = new ContextProvider(this, { context: communityIdContext, initialValue: null });

  private readonly topic = new Task(this, {
    task: async ([topicId, signedIn], { signal }) => {
      if (!signedIn || !topicId) return initialState;
      const api = this.api.client;
      // Moderators' notes to authors ride along: a failure to read them must not hide the topic.
      const notes = this.authorNotes.read(topicId, signal);
      const [detail, page] = await Promise.all([api.topics.get(topicId, signal), api.posts.list(topicId, { limit: PAGE_SIZE }, signal)]);
      this.authorNotes.show(await notes);
      this.reading.reset();
      this.detail = detail;
      this.communityId.setValue(detail.communityId);
      this.posts = page.items;
      this.paging.reset(page.nextCursor);
      this.composers.loaded(topicId);
      // An edit of the topic or of a prompt left unsaved opens again, as reply drafts do.
      this.editing.loaded(detail);
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
  private readonly editing = new TopicEditingController(this, this.api);
  /** Moderators' notes to authors, by post: only those this viewer may read (the author's own, or all for moderators). */
  private readonly authorNotes = new AuthorNotesController(this, this.api);
  private readonly solution = new TopicSolutionController(this);
  private readonly jump = new TopicJumpController(this, this.paging, () => this.topic.status === TaskStatus.COMPLETE);
  private readonly composers = new TopicComposersController(this);
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
    this.addEventListener('stoa-post-created', (e) => this.onPostCreated(e.detail.post));
    this.addEventListener('stoa-post-changed', (e) => this.changePost(e.detail));
    this.addEventListener('stoa-prompt-added', (e) => this.onPromptAdded(e.detail.prompt));
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

  // ---- changes reported by children -----------------------------------------------------------------

  private onPostCreated(post: Post) {
    const d = this.detail;
    if (!d) return;
    this.composers.posted(post);
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

  private onPromptAdded(prompt: Prompt) {
    if (this.detail) this.detail = { ...this.detail, prompts: [...this.detail.prompts, prompt] };
    this.showPromptForm = false;
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
      ${d.bodyHtml !== null ? this.editing.renderEditing(d) : nothing}
      ${this.editing.renderHistory()}
      ${d.bodyHtml === null
        ? html`<p class="placeholder muted" role="note">${PLACEHOLDER[d.moderationStatus]}</p>
            ${this.live.notice ? html`<p class="note" role="status">${this.live.notice}</p>` : nothing}`
        : this.renderContent(d, ctx)}
    `;
  }

  /** The topic's words and discussion (not shown in the placeholder of a hidden or removed topic). */
  private renderContent(d: TopicDetail, ctx: PostContext) {
    const { blocked } = ctx;
    const isCpd = d.kind === 'cpd';
    return html`
      ${this.jump.renderUnreadLink(d)}
      ${d.postCount > TOPIC_SEARCH_MIN_POSTS ? html`<stoa-topic-search .topicId=${d.id} .communityId=${d.communityId} .slug=${this.slug}></stoa-topic-search>` : nothing}
      ${this.solution.render(d, (post) => this.renderPost(post, null, ctx, true))}
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
          ${this.editing.renderPromptEditing(d, p)}
          ${p.repliesHidden ? html`<p class="note" role="note">Answer first to see others' replies.</p>` : nothing}
          ${this.renderThread(this.threads.roots.get(rootKey(p.id)) ?? [], 0, ctx)}
          ${this.composers.renderPromptComposer(d.id, p, blocked)}
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
      .isSolution=${post.id === d.solutionPostId} .replyOpen=${!copy && this.composers.replyOpen(post.id)}
      .authorNotes=${this.authorNotes.for(post.id)}></stoa-post>`;
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

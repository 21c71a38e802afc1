// `/c/:slug/t/:topicId`: one topic. The article (or the practice problem), its prompts with reply counts
// and release dates, the marked solution first, threaded replies (built here from parentId, shown at most
// VISUAL_DEPTH_MAX levels deep), a composer per prompt and per post, "jump to first unread", read tracking
// as the member scrolls, and paging through long topics (50 posts a page, more on demand or on scroll).
// This element owns the topic and its post list; <stoa-post>, <stoa-composer> and <stoa-prompt-form>
// report changes with events (stoa-post-created/-changed, stoa-prompt-added, stoa-solution-changed).
// Live updates (channel `topic:<id>` on the tab's shared connection) are applied in place: new replies
// join their thread without moving what the reader is looking at (a "N new replies" pill points to those
// below the fold), edits/withdrawals/helpful counts change in place. Composers and their drafts are
// separate elements keyed by place, so no live update touches what a member is writing.
// Topics are moderated like posts: members flag a topic, moderators remove, restore and approve it here. A
// hidden or removed topic shows members a placeholder (no title, text, prompts or discussion), its author and
// moderators the content with a note; topic.removed/-restored/-approved events reload the page live.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { repeat } from 'lit/directives/repeat.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { ApiError, messageFor, type MembershipSummary, type Post, type Prompt, type TopicDetail } from '../api/index.js';
import { ApiConsumer, liveContext, sessionContext } from '../context.js';
import { LiveCoverage, LiveSubscription } from '../api/live-connection.js';
import type { EventMessage } from '../../shared/schemas/live.js';
import { parentsWithDrafts } from '../drafts.js';
import { emit } from '../events.js';
import { formatDateTime, plural } from '../format.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { canModerate, canSeeEngagement } from '../roles.js';
import { badges, base, forms, prose } from '../styles.js';
import { buildThreads, rootKey, type ThreadNode, type Threads } from '../thread.js';
import { sanitizeHtml } from '../../shared/markdown.js';
import type { StoaFlagDialog } from './stoa-flag-dialog.js';
import type { StoaReasonDialog } from './stoa-reason-dialog.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import './stoa-composer.js';
import './stoa-flag-dialog.js';
import './stoa-post.js';
import './stoa-prompt-form.js';
import './stoa-reason-dialog.js';

const PAGE_SIZE = 50;
/** Read positions are sent at most this often while scrolling. */
const READ_THROTTLE_MS = 2_000;

/** The viewer in the topic's community: looked up once per render and passed down, not once per post. */
interface Viewer {
  userId: string;
  membership: MembershipSummary | null;
  isAdmin: boolean;
  /** A moderator of the community (post removal, approval): not the topic's `can.moderate`, which facilitators have too. */
  moderatesPosts: boolean;
}

/** What every post of one render is shown with. */
interface PostContext {
  d: TopicDetail;
  /** Why replying is not possible, or null. */
  blocked: string | null;
  viewer: Viewer;
}

export class StoaTopicPage extends LitElement {
  static override properties = {
    slug: { attribute: false },
    topicId: { attribute: false },
    detail: { state: true },
    posts: { state: true },
    nextCursor: { state: true },
    loadingMore: { state: true },
    loadMoreError: { state: true },
    showPromptForm: { state: true },
    newBelow: { state: true },
    liveNotice: { state: true },
  };

  declare slug: string;
  declare topicId: string;
  /** The topic as last loaded, with local changes (new prompts, solution, counts) laid over it. */
  declare detail: TopicDetail | null;
  /** Loaded posts, oldest first (the server's order). */
  declare posts: Post[];
  declare nextCursor: string | null;
  declare loadingMore: boolean;
  declare loadMoreError: unknown;
  declare showPromptForm: boolean;
  /** Live replies that arrived below the visible part of the page (the "N new replies" pill). */
  declare newBelow: string[];
  /** Why live updates stopped for this topic (access revoked…), or ''. */
  declare liveNotice: string;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  private readonly live = new ContextConsumer(this, { context: liveContext, subscribe: true });
  /** Lock / close / pin: buttons, not a form, so no field takes focus after a refusal. */
  private readonly topicModeration = new SubmitController(this, { focus: null });
  /** Restore / approve the topic (Remove goes through <stoa-reason-dialog>, Flag through <stoa-flag-dialog>). */
  private readonly topicActions = new SubmitController(this, { focus: null });

  private readonly topic = new Task(this, {
    task: async ([topicId, signedIn], { signal }) => {
      if (!signedIn || !topicId) return initialState;
      const api = this.api.client;
      const [detail, page] = await Promise.all([api.topics.get(topicId, signal), api.posts.list(topicId, { limit: PAGE_SIZE }, signal)]);
      this.resetReadTracking();
      this.detail = detail;
      this.posts = page.items;
      this.nextCursor = page.nextCursor;
      this.loadMoreError = null;
      this.draftParents = parentsWithDrafts(topicId);
      this.coverage.read(`topic:${topicId}`, Math.min(detail.liveCursor ?? 0, page.liveCursor));
      this.newBelow = [];
      emit(this, 'stoa-page-title', { title: detail.title ?? placeholderTitle(detail) });
      // Events that arrived while loading: apply them now (older states are ignored by version).
      const queued = this.liveQueue.splice(0);
      queueMicrotask(() => queued.forEach((e) => this.applyLive(e)));
      return detail;
    },
    args: () => [this.topicId, this.session.value?.status === 'signed-in'] as const,
  });

  /** Posts with a reply draft waiting: their composers open on load. */
  private draftParents = new Set<string>();
  private threadsFor: Post[] | null = null;
  private threads: Threads = { roots: new Map(), size: 0 };
  private indexFor: Post[] | null = null;
  private indexCache = new Map<string, number>();
  /** Position of each loaded post by id, for the posts as they are now (event handlers run between renders). */
  private get indexById(): Map<string, number> {
    if (this.indexFor !== this.posts) {
      this.indexFor = this.posts;
      this.indexCache = new Map(this.posts.map((p, i) => [p.id, i]));
    }
    return this.indexCache;
  }
  private sanitized = new Map<string, string>();

  // Read tracking: the furthest post seen on screen, and the furthest sent to the server.
  private readObserver: IntersectionObserver | null = null;
  private observed = new WeakSet<Element>();
  private seenIndex = -1;
  private sentIndex = -1;
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  private pagingObserver: IntersectionObserver | null = null;

  // Live updates.
  private readonly liveSubscription = new LiveSubscription(this, (channel) => {
    const topicId = channel.slice('topic:'.length);
    return {
      onEvent: (event) => {
        if (this.detail?.id === topicId && !this.topicLoading) this.applyLive(event);
        else this.liveQueue.push(event);
      },
      onStart: (lastEventId) => this.coverage.started(channel, lastEventId),
      onResync: () => void this.refreshAll(),
      onError: (_code, message) => (this.liveNotice = `Live updates stopped for this topic: ${message}`),
    };
  });
  /** Something happened between the page's read and the subscription's start: read it again. */
  private readonly coverage = new LiveCoverage(() => queueMicrotask(() => void this.refreshAll()));
  /** Events received before the topic finished loading. */
  private liveQueue: EventMessage[] = [];
  private detailRefreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    super();
    this.slug = '';
    this.topicId = '';
    this.detail = null;
    this.posts = [];
    this.nextCursor = null;
    this.loadingMore = false;
    this.loadMoreError = null;
    this.showPromptForm = false;
    this.newBelow = [];
    this.liveNotice = '';
    this.addEventListener('stoa-post-created', (e) => this.onPostCreated(e.detail.post));
    this.addEventListener('stoa-post-changed', (e) => this.onPostChanged(e.detail));
    this.addEventListener('stoa-prompt-added', (e) => this.onPromptAdded(e.detail.prompt));
    this.addEventListener('stoa-solution-changed', (e) => this.onSolutionChanged(e.detail.postId));
  }

  private get myUserId() {
    return this.session.value?.me?.id ?? '';
  }

  override connectedCallback() {
    super.connectedCallback();
    if (typeof IntersectionObserver !== 'undefined') {
      this.readObserver = new IntersectionObserver((entries) => this.onPostsSeen(entries), { threshold: 0.6 });
      this.pagingObserver = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.loadMore();
      }, { rootMargin: '400px 0px' });
    }
    window.addEventListener('pagehide', this.flushRead);
    // This page keeps the reading position itself when live replies arrive above it (see keepScroll);
    // the browser's own scroll anchoring would correct a second time.
    document.documentElement.style.overflowAnchor = 'none';
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.flushRead();
    this.readObserver?.disconnect();
    this.pagingObserver?.disconnect();
    this.readObserver = this.pagingObserver = null;
    window.removeEventListener('pagehide', this.flushRead);
    document.documentElement.style.overflowAnchor = '';
    if (this.detailRefreshTimer) clearTimeout(this.detailRefreshTimer);
  }

  override willUpdate() {
    this.syncLiveSubscription();
    if (this.posts !== this.threadsFor) {
      this.threadsFor = this.posts;
      this.threads = buildThreads(this.posts);
    }
  }

  override updated() {
    // Watch newly rendered posts for read tracking, and the end of the list for paging.
    if (this.readObserver) {
      for (const el of this.renderRoot.querySelectorAll('li[data-post-id] > stoa-post')) {
        if (!this.observed.has(el)) {
          this.observed.add(el);
          this.readObserver.observe(el);
        }
      }
    }
    const sentinel = this.renderRoot.querySelector('.paging-sentinel');
    if (sentinel && this.pagingObserver && !this.observed.has(sentinel)) {
      this.observed.add(sentinel);
      this.pagingObserver.observe(sentinel);
    }
  }

  // ---- read tracking -------------------------------------------------------------------------------

  private resetReadTracking() {
    this.flushRead();
    this.seenIndex = this.sentIndex = -1;
    this.observed = new WeakSet();
    this.readObserver?.disconnect();
    this.pagingObserver?.disconnect();
  }

  private onPostsSeen(entries: IntersectionObserverEntry[]) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const id = (entry.target as HTMLElement).parentElement?.dataset.postId;
      const index = id ? this.indexById.get(id) : undefined;
      if (index !== undefined && index > this.seenIndex) this.seenIndex = index;
      if (id && this.newBelow.includes(id)) this.newBelow = this.newBelow.filter((x) => x !== id);
    }
    if (this.seenIndex > this.sentIndex && !this.readTimer) this.readTimer = setTimeout(this.flushRead, READ_THROTTLE_MS);
  }

  private dropPendingRead() {
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
    this.sentIndex = this.seenIndex;
  }

  /** Sends the furthest post seen (if it moved); the server only ever moves the position forward. */
  private flushRead = () => {
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
    const post = this.posts[this.seenIndex];
    if (!post || this.seenIndex <= this.sentIndex || !this.detail) return;
    const index = this.seenIndex;
    this.sentIndex = index;
    const topicId = this.detail.id;
    this.api.client.topics.markRead(topicId, post.id).catch(() => {
      // Offline or refused: try again with the next scroll.
      if (this.sentIndex === index) this.sentIndex = -1;
    });
  };

  /** The first loaded post after my read position that someone else wrote; 'more' when it is not loaded yet. */
  private firstUnread(): string | 'more' | null {
    const d = this.detail;
    if (!d || d.unreadCount <= 0) return null;
    const lastId = d.myReadPosition?.lastReadPostId ?? null;
    const start = lastId ? this.indexById.get(lastId) : -1;
    if (start === undefined) return this.nextCursor ? 'more' : null;
    for (let i = start + 1; i < this.posts.length; i++) {
      const p = this.posts[i]!;
      if (p.author.id !== this.myUserId && p.status === 'published') return p.id;
    }
    return this.nextCursor ? 'more' : null;
  }

  private async jumpToFirstUnread(event: Event) {
    event.preventDefault();
    let target = this.firstUnread();
    // Page on until the first unread post is loaded (bounded: every page moves the cursor on).
    while (target === 'more' && this.nextCursor) {
      if (!(await this.loadMore())) return;
      target = this.firstUnread();
    }
    if (!target || target === 'more') return;
    await this.updateComplete;
    const item = this.renderRoot.querySelector<HTMLElement>(`li[data-post-id="${CSS.escape(target)}"]`);
    item?.scrollIntoView({ block: 'start' });
    item?.querySelector('stoa-post')?.shadowRoot?.querySelector<HTMLElement>('article')?.focus({ preventScroll: true });
  }

  // ---- live updates --------------------------------------------------------------------------------

  /** Subscribes to `topic:<id>` on the shared connection; follows topic changes and reconnections of the app. */
  /** Subscribed before the HTTP load starts (willUpdate), so nothing between the load and the subscription is missed. */
  private syncLiveSubscription() {
    const changed = this.liveSubscription.sync(this.isConnected ? (this.live.value ?? null) : null, this.topicId ? `topic:${this.topicId}` : null);
    if (changed) {
      this.liveQueue = [];
      this.liveNotice = '';
    }
  }

  private get topicLoading() {
    return this.topic.status === 1; // TaskStatus.PENDING
  }

  private applyLive(event: EventMessage) {
    if (!this.detail) return;
    switch (event.name) {
      case 'post.created':
      case 'post.approved':
        return this.onLivePost(event.data as Post, true);
      case 'post.updated':
      case 'post.withdrawn':
      case 'post.removed':
      case 'post.restored':
        return this.onLivePost(event.data as Post, false);
      case 'post.helpful': {
        const h = event.data as { postId: string; helpfulCount: number };
        if (this.indexById.has(h.postId)) this.onPostChanged({ id: h.postId, helpfulCount: h.helpfulCount });
        return;
      }
      case 'topic.removed':
        // Its posts may be gone for this viewer: a read position still waiting to be sent would be refused.
        this.dropPendingRead();
        return void this.refreshAll();
      case 'topic.restored':
      case 'topic.approved':
        // The topic's words and its discussion come or go for this viewer: read both again.
        return void this.refreshAll();
      case 'topic.updated': {
        // Hidden by flags or shown again: as above.
        const status = (event.data as { moderationStatus?: unknown }).moderationStatus;
        if (status !== this.detail.moderationStatus) {
          if (status !== 'published') this.dropPendingRead();
          return void this.refreshAll();
        }
        return this.scheduleDetailRefresh();
      }
      case 'prompt.released':
        // Schedule, lock, prompts, solution, counts: the topic page (with what I may do) is refetched.
        return this.scheduleDetailRefresh();
      default:
        return;
    }
  }

  /** A post from the live feed: new ones join their thread, known ones change in place (never to an older version). */
  private onLivePost(data: Post, created: boolean) {
    const d = this.detail!;
    const index = this.indexById.get(data.id);
    if (index === undefined) {
      if (!created && data.status !== 'published') return;
      const prompt = data.promptId ? d.prompts.find((p) => p.id === data.promptId) : undefined;
      if (prompt?.repliesHidden && data.author.id !== this.myUserId) return; // answer first
      void this.keepScroll(() => {
        this.posts = mergePosts(this.posts, [data]);
        this.detail = {
          ...d,
          postCount: d.postCount + 1,
          prompts: d.prompts.map((p) => (p.id === data.promptId ? { ...p, replyCount: p.replyCount + 1 } : p)),
        };
      }, data.author.id === this.myUserId ? [] : [data.id]);
      return;
    }
    const existing = this.posts[index]!;
    if (data.version < existing.version) return;
    const mine = existing.author.id === this.myUserId;
    // Events are written for a generic member: keep what only I (author, moderator) may see.
    const keepContent = data.bodyHtml === null && existing.bodyHtml !== null && (mine || d.can.moderate);
    void this.keepScroll(() =>
      this.onPostChanged({
        ...data,
        helpfulByMe: existing.helpfulByMe,
        bodyHtml: keepContent ? existing.bodyHtml : data.bodyHtml,
        // My markdown source is stale after an edit elsewhere: null makes the edit box load the newest revision.
        bodyMd: data.version === existing.version ? existing.bodyMd : null,
      }),
    [] );
  }

  /**
   * Applies a change without moving what the reader is looking at: the first post (or the article) whose
   * bottom is in view keeps its place on screen. New replies that land below the fold go to the pill.
   */
  private async keepScroll(change: () => void, newIds: string[] = []) {
    const anchor = this.visibleAnchor();
    const before = anchor?.getBoundingClientRect().top ?? 0;
    change();
    await this.updateComplete;
    await new Promise((resolve) => requestAnimationFrame(resolve)); // child posts have rendered too
    if (anchor?.isConnected) {
      const delta = anchor.getBoundingClientRect().top - before;
      if (Math.abs(delta) >= 1) window.scrollBy(0, delta);
    }
    const below = newIds.filter((id) => {
      const item = this.renderRoot.querySelector(`li[data-post-id="${CSS.escape(id)}"]`);
      return item && item.getBoundingClientRect().top > window.innerHeight;
    });
    if (below.length) this.newBelow = [...this.newBelow, ...below];
  }

  private visibleAnchor(): Element | null {
    if (window.scrollY === 0) return null; // at the top: nothing above to keep
    for (const el of this.renderRoot.querySelectorAll('.article, li[data-post-id] > stoa-post, .prompt > h3, .discussion > h2')) {
      if (el.getBoundingClientRect().bottom > 0) return el;
    }
    return null;
  }

  private async showNewReplies() {
    const first = this.newBelow
      .map((id) => this.renderRoot.querySelector<HTMLElement>(`li[data-post-id="${CSS.escape(id)}"]`))
      .filter((el): el is HTMLElement => !!el)
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
    this.newBelow = [];
    first?.scrollIntoView({ block: 'center' });
    first?.querySelector('stoa-post')?.shadowRoot?.querySelector<HTMLElement>('article')?.focus({ preventScroll: true });
  }

  private scheduleDetailRefresh() {
    if (this.detailRefreshTimer) return;
    this.detailRefreshTimer = setTimeout(() => {
      this.detailRefreshTimer = null;
      const topicId = this.detail?.id;
      if (!topicId) return;
      this.api.client.topics
        .get(topicId)
        .then((fresh) => {
          if (fresh.id !== this.detail?.id) return;
          void this.keepScroll(() => (this.detail = { ...fresh, myReadPosition: this.detail!.myReadPosition }));
        })
        .catch(() => {}); // the next event or a reload will catch up
    }, 500);
  }

  /** After `resync` (too much missed): refetch the topic and as many posts as were loaded. */
  private async refreshAll() {
    const d = this.detail;
    if (!d) return;
    try {
      const fresh = await this.api.client.topics.get(d.id);
      let posts: Post[] = [];
      let cursor: string | null = null;
      do {
        const page = await this.api.client.posts.list(d.id, { cursor, limit: PAGE_SIZE });
        posts = mergePosts(posts, page.items);
        cursor = page.nextCursor;
      } while (cursor && posts.length < this.posts.length);
      if (this.detail?.id !== d.id) return;
      await this.keepScroll(() => {
        this.detail = { ...fresh, myReadPosition: d.myReadPosition };
        this.posts = posts;
        this.nextCursor = cursor;
      });
    } catch {
      this.liveNotice = 'Some live updates may be missing. Reload the page to catch up.';
    }
  }

  // ---- paging ----------------------------------------------------------------------------------------

  /** Loads the next page; false when it failed or there is none. */
  private async loadMore(): Promise<boolean> {
    if (this.loadingMore || !this.nextCursor || !this.detail) return false;
    const topicId = this.detail.id;
    this.loadingMore = true;
    this.loadMoreError = null;
    try {
      const page = await this.api.client.posts.list(topicId, { cursor: this.nextCursor, limit: PAGE_SIZE });
      if (topicId !== this.detail?.id) return false; // navigated away meanwhile
      this.posts = mergePosts(this.posts, page.items);
      this.nextCursor = page.nextCursor;
      return true;
    } catch (error) {
      this.loadMoreError = error;
      return false;
    } finally {
      this.loadingMore = false;
    }
  }

  // ---- changes reported by children -----------------------------------------------------------------

  private onPostCreated(post: Post) {
    const d = this.detail;
    if (!d) return;
    if (post.parentId && this.draftParents.delete(post.parentId)) this.requestUpdate();
    const prompt = post.promptId ? d.prompts.find((p) => p.id === post.promptId) : undefined;
    if (prompt?.repliesHidden) {
      // An answer-first prompt: now that I answered, the others' replies are mine to see. Refetch what is
      // loaded (as after a resync), keeping the pages and the scroll position.
      void this.refreshAll();
      return;
    }
    // The live echo of my own post may have come first: it already added the post and counted it.
    const counted = this.indexById.has(post.id);
    if (!counted) this.posts = mergePosts(this.posts, [post]);
    const add = counted ? 0 : 1;
    this.detail = {
      ...d,
      postCount: d.postCount + add,
      prompts: d.prompts.map((p) => (p.id === post.promptId ? { ...p, replyCount: p.replyCount + add, answeredByMe: true } : p)),
    };
  }

  private onPostChanged(change: { id: string } & Partial<Post>) {
    const index = this.indexById.get(change.id);
    if (index !== undefined) {
      const posts = this.posts.slice();
      posts[index] = { ...posts[index]!, ...change };
      this.posts = posts;
    }
    const d = this.detail;
    if (d?.solution?.id === change.id) this.detail = { ...d, solution: { ...d.solution, ...change } };
  }

  private onPromptAdded(prompt: Prompt) {
    if (this.detail) this.detail = { ...this.detail, prompts: [...this.detail.prompts, prompt] };
    this.showPromptForm = false;
  }

  private onSolutionChanged(postId: string | null) {
    const d = this.detail;
    if (!d) return;
    const index = postId ? this.indexById.get(postId) : undefined;
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

  /** Lock / close / pin (the topic's facilitators and moderators): PATCH /api/topics/:id/moderation, then refetch. */
  private async moderateTopic(change: { locked?: boolean; closed?: boolean; pinned?: boolean }, message: string) {
    const d = this.detail;
    if (!d) return;
    await this.topicModeration.run(async () => {
      await this.api.client.moderation.moderateTopic(d.id, change);
      const fresh = await this.api.client.topics.get(d.id);
      if (this.detail?.id === d.id) this.detail = { ...fresh, myReadPosition: this.detail.myReadPosition };
      emit(this, 'stoa-announce', { message });
    });
  }

  private renderTopicModeration(d: TopicDetail, viewer: Viewer) {
    // The topic's participation figures: its facilitators and the community's managers (the server decides).
    const participation = d.facilitators.some((f) => f.id === viewer.userId) || canSeeEngagement(viewer.membership?.roles ?? null, viewer.isAdmin);
    if (!d.can.moderate && !participation) return nothing;
    const closed = d.status === 'closed';
    const link = participation ? html`<a class="participation" href=${paths.topicEngagement(this.slug, d.id)}>Participation</a>` : nothing;
    if (!d.can.moderate) return html`<div class="topic-moderation">${link}</div>`;
    const { busy, error } = this.topicModeration;
    return html`<div class="topic-moderation" role="group" aria-label="Topic moderation">
      <button type="button" class="secondary small" aria-pressed=${d.locked ? 'true' : 'false'} ?disabled=${busy}
        @click=${() => this.moderateTopic({ locked: !d.locked }, d.locked ? 'The topic is unlocked.' : 'The topic is locked: no new replies.')}>${d.locked ? 'Unlock' : 'Lock'}</button>
      <button type="button" class="secondary small" aria-pressed=${closed ? 'true' : 'false'} ?disabled=${busy}
        @click=${() => this.moderateTopic({ closed: !closed }, closed ? 'The topic is reopened.' : 'The topic is closed.')}>${closed ? 'Reopen' : 'Close'}</button>
      <button type="button" class="secondary small" aria-pressed=${d.pinned ? 'true' : 'false'} ?disabled=${busy}
        @click=${() => this.moderateTopic({ pinned: !d.pinned }, d.pinned ? 'The topic is unpinned.' : 'The topic is pinned.')}>${d.pinned ? 'Unpin' : 'Pin'}</button>
      ${link}
      <p class="error" role="alert">${error ? messageFor(error) : ''}</p>
    </div>`;
  }

  /** After a moderation action: the topic and its discussion as they are now for me (the live echo may come later). */
  private async reloadAfter(message: string) {
    await this.refreshAll();
    emit(this, 'stoa-announce', { message });
    if (this.detail) emit(this, 'stoa-moderation-changed', { communityId: this.detail.communityId });
  }

  private async openTopicFlag(event: Event) {
    const button = event.currentTarget as HTMLElement;
    await this.renderRoot.querySelector<StoaFlagDialog>('stoa-flag-dialog')?.open(button);
  }

  private async openTopicRemove(event: Event) {
    const button = event.currentTarget as HTMLElement;
    const d = this.detail;
    if (!d) return;
    await this.renderRoot.querySelector<StoaReasonDialog>('stoa-reason-dialog.topic-remove')?.open(async ({ reason }) => {
      await this.api.client.moderation.removeTopic(d.id, reason);
      await this.reloadAfter('The topic is removed. Its author sees your reason; members see “Removed by a moderator”.');
    }, button);
  }

  private restoreTopic() {
    const d = this.detail;
    if (!d) return;
    return this.topicActions.run(async () => {
      await this.api.client.moderation.restoreTopic(d.id);
      await this.reloadAfter('The topic is restored.');
    });
  }

  private approveTopic() {
    const d = this.detail;
    if (!d) return;
    return this.topicActions.run(async () => {
      await this.api.client.moderation.approveTopic(d.id);
      await this.reloadAfter('The topic is approved: members see it now.');
    });
  }

  /** Flag (members) and remove / restore / approve (moderators): the topic is content too. */
  private renderTopicActions(d: TopicDetail) {
    if (!d.can.flag && !d.can.remove) return nothing;
    const { busy, error } = this.topicActions;
    return html`<div class="topic-actions" role="group" aria-label="Topic actions">
      ${d.can.flag
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${this.openTopicFlag}>Flag topic</button>
            <stoa-flag-dialog .topicId=${d.id} .authorName=${d.author.displayName}></stoa-flag-dialog>`
        : nothing}
      ${d.can.remove && d.moderationStatus === 'pending'
        ? html`<button type="button" class="small" ?disabled=${busy} @click=${() => this.approveTopic()}>Approve topic</button>`
        : nothing}
      ${d.can.remove && d.moderationStatus !== 'removed'
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" ?disabled=${busy} @click=${this.openTopicRemove}>Remove topic…</button>
            <stoa-reason-dialog class="topic-remove" .heading=${'Remove this topic'} .label=${'Reason for removal'}
              .hint=${'The author sees this reason; members see “Removed by a moderator” instead of the topic and its replies. You can restore it later.'}
              .confirmLabel=${'Remove topic'} .maxLength=${MODERATION_LIMITS.reasonMax}></stoa-reason-dialog>`
        : nothing}
      ${d.can.remove && d.moderationStatus === 'removed'
        ? html`<button type="button" class="secondary small" ?disabled=${busy} @click=${() => this.restoreTopic()}>Restore topic</button>`
        : nothing}
      <p class="error" role="alert">${error ? messageFor(error) : ''}</p>
    </div>`;
  }

  /** What the author / a moderator is told about a moderated topic whose words they still see. */
  private renderTopicModerationNote(d: TopicDetail, viewer: Viewer) {
    if (d.moderationStatus === 'published' || d.bodyHtml === null) return nothing;
    const mine = d.author.id === viewer.userId;
    const reason = d.moderationReason ? html` Reason: <q>${d.moderationReason}</q>` : nothing;
    const text = {
      removed: mine ? 'A moderator removed your topic: members see “Removed by a moderator”.' : 'Removed by a moderator: only moderators and the author see the topic and its replies.',
      pending: mine ? 'Pending approval: a moderator will review your topic before others see it.' : 'Held for approval: only moderators and the author see it.',
      hidden: 'Hidden after several flags, until a moderator reviews it.',
    }[d.moderationStatus];
    return html`<p class="moderation-note" role="note">${text}${d.moderationStatus === 'removed' ? reason : nothing}</p>`;
  }

  /** Why nobody can reply here right now, in words; null when replying is possible. */
  private replyBlockedReason(d: TopicDetail, viewer: Viewer): string | null {
    if (viewer.membership?.suspended) return 'You are suspended in this community: you can read, but not reply.';
    if (d.moderationStatus === 'removed') return 'A moderator removed this topic: it cannot be replied to.';
    if (d.moderationStatus !== 'published') return 'This topic is waiting for a moderator: it cannot be replied to yet.';
    if (d.status === 'closed') return 'This topic is closed: it can be read but no longer replied to.';
    if (d.status === 'upcoming') return `This topic is not open yet${d.opensAt ? `; it opens ${formatDateTime(d.opensAt)}` : ''}.`;
    if (d.locked) return 'This topic is locked: no new replies.';
    if (!d.can.post) return 'You cannot reply in this topic.';
    return null;
  }

  override render() {
    return this.topic.render({
      initial: () => nothing,
      pending: () => (this.detail?.id === this.topicId ? this.renderTopic(this.detail) : html`<p role="status">Loading the topic…</p>`),
      error: (error) => html`
        <h1>${error instanceof ApiError && error.status === 404 ? 'Topic not found' : 'Could not load the topic'}</h1>
        <p class="error" role="alert">${messageFor(error)}</p>
        <p><a href=${paths.community(this.slug)}>Back to the community</a></p>
        ${error instanceof ApiError && error.status === 404 ? nothing : html`<button type="button" @click=${() => this.topic.run()}>Try again</button>`}
      `,
      complete: () => (this.detail ? this.renderTopic(this.detail) : nothing),
    });
  }

  private renderTopic(d: TopicDetail) {
    const viewer = this.viewerIn(d);
    const communityName = viewer.membership?.name ?? 'the community';
    const blocked = this.replyBlockedReason(d, viewer);
    const ctx: PostContext = { d, blocked, viewer };
    const unread = this.firstUnread();
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
      ${this.renderTopicModerationNote(d, viewer)}
      ${this.renderTopicModeration(d, viewer)}
      ${this.renderTopicActions(d)}
      ${d.bodyHtml === null
        ? html`<p class="placeholder muted" role="note">${PLACEHOLDER[d.moderationStatus]}</p>
            ${this.liveNotice ? html`<p class="note" role="status">${this.liveNotice}</p>` : nothing}`
        : this.renderContent(d, ctx, unread)}
    `;
  }

  /** The topic's words and discussion (not shown in the placeholder of a hidden or removed topic). */
  private renderContent(d: TopicDetail, ctx: PostContext, unread: ReturnType<StoaTopicPage['firstUnread']>) {
    const { blocked } = ctx;
    const isCpd = d.kind === 'cpd';
    return html`
      ${unread
        ? html`<p class="unread-link"><a href="#" @click=${this.jumpToFirstUnread}>Jump to first unread</a>
            <span class="muted">(${d.unreadCount} unread)</span></p>`
        : nothing}
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
      ${this.liveNotice ? html`<p class="note" role="status">${this.liveNotice}</p>` : nothing}
      ${this.newBelow.length
        ? html`<button type="button" class="new-pill" @click=${this.showNewReplies}>${plural(this.newBelow.length, 'new reply', 'new replies')} ↓</button>`
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
          ${p.repliesHidden ? html`<p class="note" role="note">Answer first to see others' replies.</p>` : nothing}
          ${this.renderThread(this.threads.roots.get(rootKey(p.id)) ?? [], 0, ctx)}
          <stoa-composer .topicId=${d.id} .promptId=${p.id} .parentId=${null} .label=${`Your reply to prompt ${p.position}`}
            .disabledReason=${blocked}></stoa-composer>
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
      .isSolution=${post.id === d.solutionPostId} .replyOpen=${!copy && this.draftParents.has(post.id)}></stoa-post>`;
  }

  private renderPaging(d: TopicDetail) {
    if (!this.nextCursor && !this.loadMoreError) return nothing;
    return html`<div class="paging">
      <p class="muted small" role="status">Showing ${this.posts.length} of ${plural(d.postCount, 'reply', 'replies')}${this.loadingMore ? '; loading more…' : '.'}</p>
      ${this.loadMoreError ? html`<p class="error" role="alert">${messageFor(this.loadMoreError)}</p>` : nothing}
      ${this.nextCursor
        ? html`<button type="button" class="secondary" ?disabled=${this.loadingMore} @click=${() => void this.loadMore()}>Load more replies</button>
            <div class="paging-sentinel" aria-hidden="true"></div>`
        : nothing}
    </div>`;
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
      .crumb {
        margin: 0 0 0.5rem;
      }
      h1 {
        overflow-wrap: anywhere;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: center;
        margin-bottom: 0.25rem;
      }
      .small {
        font-size: 0.9rem;
      }
      .unread-link {
        font-size: 0.95rem;
      }
      section {
        margin-top: 1.5rem;
      }
      .article {
        margin-top: 1rem;
      }
      .source {
        overflow-wrap: anywhere;
        font-size: 0.95rem;
        margin-top: 0.75rem;
      }
      .prompt {
        margin-top: 1rem;
      }
      .prompt h3 {
        font-size: 1.1rem;
      }
      .note {
        background: #fff4d6;
        border-left: 4px solid #a36b00;
        padding: 0.5rem 0.75rem;
      }
      .solution {
        border-color: #1d6b35;
      }
      ol.thread {
        list-style: none;
        margin: 0 0 0.75rem;
        padding: 0;
      }
      ol.thread ol.thread {
        margin: 0 0 0 0.5rem;
        padding-left: 0.65rem;
        border-left: 2px solid var(--stoa-border, #c9ced6);
      }
      ol.thread > li + li {
        border-top: 1px solid #e3e6ea;
      }
      @media (min-width: 40rem) {
        ol.thread ol.thread {
          margin-left: 1rem;
          padding-left: 1rem;
        }
      }
      stoa-composer {
        margin-top: 0.75rem;
      }
      .add-prompt {
        margin-top: 1rem;
        display: grid;
        gap: 0.75rem;
        justify-items: start;
      }
      .add-prompt stoa-prompt-form {
        justify-self: stretch;
      }
      .paging {
        margin-top: 1.5rem;
      }
      .moderation-note {
        background: #fff4d6;
        border-left: 4px solid #a36b00;
        padding: 0.5rem 0.75rem;
      }
      .placeholder {
        font-style: italic;
        margin-top: 1rem;
      }
      .topic-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        margin: 0.5rem 0;
      }
      .topic-actions .error {
        flex-basis: 100%;
      }
      .topic-actions .error:empty {
        display: none;
      }
      .topic-moderation {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        margin: 0.5rem 0;
      }
      .topic-moderation .error {
        flex-basis: 100%;
      }
      .topic-moderation .error:empty {
        display: none;
      }
      .participation {
        padding: 0.6rem 0.25rem;
      }
      button.small {
        min-height: 2.75rem;
        padding: 0.25rem 0.7rem;
        font-size: 0.9rem;
        border-width: 1px;
      }
      button[aria-pressed='true'] {
        background: #e3eefb;
      }
      .paging-sentinel {
        height: 1px;
      }
      .new-pill {
        position: fixed;
        bottom: 1rem;
        left: 50%;
        transform: translateX(-50%);
        z-index: 5;
        border-radius: 999px;
        box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25);
      }
    `,
  ];
}

/** What members see instead of a hidden or removed topic's words (its author and moderators see them). */
const PLACEHOLDER: Record<TopicDetail['moderationStatus'], string> = {
  removed: 'This topic was removed by a moderator.',
  hidden: 'This topic is hidden while a moderator reviews it.',
  pending: 'This topic is waiting for a moderator.',
  published: '',
};

function placeholderTitle(d: Pick<TopicDetail, 'moderationStatus'>) {
  return d.moderationStatus === 'removed' ? 'Removed topic' : 'Hidden topic';
}

/** Adds posts to the list, once each, keeping creation order (a live or just-posted reply may come first). */
export function mergePosts(existing: readonly Post[], incoming: readonly Post[]): Post[] {
  const known = new Set(existing.map((p) => p.id));
  const added = incoming.filter((p) => !known.has(p.id));
  if (!added.length) return existing as Post[];
  const merged = [...existing, ...added];
  const last = existing[existing.length - 1];
  if (last && added.some((p) => p.createdAt < last.createdAt)) merged.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return merged;
}

customElements.define('stoa-topic-page', StoaTopicPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-topic-page': StoaTopicPage;
  }
}

// Live updates of one topic (channel `topic:<id>` on the tab's shared connection), applied in place: new
// replies join their thread without moving what the reader is looking at (a "N new replies" pill points to
// those below the fold), edits, withdrawals and helpful counts change in place, and topic events (removed,
// restored, approved, hidden, prompt released) read the topic again. The merge rules are client/live-merge.ts.
import type { ReactiveController } from 'lit';
import { ContextConsumer } from '@lit/context';
import type { Post } from '../api/index.js';
import { LiveCoverage, LiveSubscription } from '../api/live-connection.js';
import type { EventMessage } from '../../shared/schemas/live.js';
import { liveContext, type ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { mergeLivePost } from '../live-merge.js';
import { focusPost, postItem, type TopicView } from './topic-view.js';
import type { TopicPagingController } from './topic-paging.js';

/** Topic events come in bursts (a prompt released, a lock): one refetch of the topic per burst. */
const DETAIL_REFRESH_MS = 500;

export interface TopicLiveOptions {
  api: ApiConsumer;
  paging: TopicPagingController;
  /** True while the page's load runs: events are kept until it is done. */
  loading: () => boolean;
  /** Forgets a read position not sent yet (the topic is gone or hidden for this viewer). */
  dropPendingRead: () => void;
}

export class TopicLiveController implements ReactiveController {
  /** Live replies that arrived below the visible part of the page (the "N new replies" pill). */
  newBelow: string[] = [];
  /** Why live updates stopped for this topic (access revoked…), or ''. */
  notice = '';
  private readonly live: ContextConsumer<typeof liveContext, TopicView>;
  private readonly subscription: LiveSubscription;
  /** Something happened between the page's read and the subscription's start: read it again. */
  private readonly coverage = new LiveCoverage(() => queueMicrotask(() => void this.refreshAll()));
  /** Events received before the topic finished loading. */
  private queue: EventMessage[] = [];
  private detailRefreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: TopicView,
    private readonly options: TopicLiveOptions,
  ) {
    host.addController(this);
    this.live = new ContextConsumer(host, { context: liveContext, subscribe: true });
    this.subscription = new LiveSubscription(host, (channel) => {
      const topicId = channel.slice('topic:'.length);
      return {
        onEvent: (event) => {
          if (this.host.detail?.id === topicId && !this.options.loading()) this.apply(event);
          else this.queue.push(event);
        },
        onStart: (lastEventId) => this.coverage.started(channel, lastEventId),
        onResync: () => void this.refreshAll(),
        onError: (code, message) => {
          this.setNotice(`Live updates stopped for this topic: ${message}`);
          // Suspended just now: the app reads who I am again, and its banner says why and until when.
          if (code === 'member_suspended') emit(this.host, 'stoa-session-changed', {});
        },
      };
    });
  }

  hostConnected() {
    // This page keeps the reading position itself when live replies arrive above it (see keepScroll);
    // the browser's own scroll anchoring would correct a second time.
    document.documentElement.style.overflowAnchor = 'none';
  }

  hostDisconnected() {
    document.documentElement.style.overflowAnchor = '';
    if (this.detailRefreshTimer) clearTimeout(this.detailRefreshTimer);
    this.detailRefreshTimer = null;
  }

  /**
   * Subscribes to `topic:<id>`; follows topic changes and reconnections of the app. The host calls it in
   * willUpdate, before its load starts, so nothing between the load and the subscription is missed.
   */
  sync() {
    const { host } = this;
    const changed = this.subscription.sync(host.isConnected ? (this.live.value ?? null) : null, host.topicId ? `topic:${host.topicId}` : null);
    if (changed) {
      this.queue = [];
      this.notice = '';
    }
  }

  /** The page loaded the topic; its reads reported `liveCursor`. Events that came meanwhile are applied now. */
  loaded(topicId: string, liveCursor: number) {
    this.coverage.read(`topic:${topicId}`, liveCursor);
    this.newBelow = [];
    // Older states among them are ignored by version.
    const queued = this.queue.splice(0);
    queueMicrotask(() => queued.forEach((e) => this.apply(e)));
  }

  /** A post is no longer there to read (withdrawn, removed, held): the pill stops counting it. */
  gone(postId: string) {
    this.seen(postId);
  }

  /** A post came into view: it is no longer new below. */
  seen(postId: string) {
    if (this.newBelow.includes(postId)) this.setNewBelow(this.newBelow.filter((x) => x !== postId));
  }

  private setNewBelow(ids: string[]) {
    this.newBelow = ids;
    this.host.requestUpdate();
  }

  private setNotice(notice: string) {
    this.notice = notice;
    this.host.requestUpdate();
  }

  private apply(event: EventMessage) {
    const detail = this.host.detail;
    if (!detail) return;
    switch (event.name) {
      case 'post.created':
      case 'post.approved':
        return this.onPost(event.data, true);
      case 'post.updated':
      case 'post.withdrawn':
      case 'post.removed':
      case 'post.restored':
        return this.onPost(event.data, false);
      case 'post.helpful': {
        const h = event.data;
        if (this.host.indexOf(h.postId) !== undefined) this.host.changePost({ id: h.postId, helpfulCount: h.helpfulCount });
        return;
      }
      case 'topic.removed':
        // Its posts may be gone for this viewer: a read position still waiting to be sent would be refused.
        this.options.dropPendingRead();
        return void this.refreshAll();
      case 'topic.restored':
      case 'topic.approved':
        // The topic's words and its discussion come or go for this viewer: read both again.
        return void this.refreshAll();
      case 'topic.updated': {
        // Hidden by flags or shown again: as above.
        const status = event.data.moderationStatus;
        if (status !== detail.moderationStatus) {
          if (status !== 'published') this.options.dropPendingRead();
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

  private onPost(data: Post, created: boolean) {
    const { host } = this;
    const merge = mergeLivePost({ detail: host.detail!, posts: host.posts }, data, created, { userId: host.myUserId, index: host.indexOf(data.id) });
    if (merge.kind === 'add') {
      void this.keepScroll(() => {
        host.posts = merge.state.posts as Post[];
        host.detail = merge.state.detail;
      }, merge.announce ? [data.id] : []);
    } else if (merge.kind === 'change') {
      void this.keepScroll(() => host.changePost(merge.change));
    }
  }

  /**
   * Applies a change without moving what the reader is looking at: the first post (or the article) whose
   * bottom is in view keeps its place on screen. New replies that land below the fold go to the pill.
   */
  private async keepScroll(change: () => void, newIds: string[] = []) {
    const anchor = this.visibleAnchor();
    const before = anchor?.getBoundingClientRect().top ?? 0;
    change();
    await this.host.updateComplete;
    await new Promise((resolve) => requestAnimationFrame(resolve)); // child posts have rendered too
    if (anchor?.isConnected) {
      const delta = anchor.getBoundingClientRect().top - before;
      if (Math.abs(delta) >= 1) window.scrollBy(0, delta);
    }
    const below = newIds.filter((id) => {
      const item = postItem(this.host, id);
      return item && item.getBoundingClientRect().top > window.innerHeight;
    });
    if (below.length) this.setNewBelow([...this.newBelow, ...below]);
  }

  private visibleAnchor(): Element | null {
    if (window.scrollY === 0) return null; // at the top: nothing above to keep
    for (const el of this.host.renderRoot.querySelectorAll('.article, li[data-post-id] > stoa-post, .prompt > h3, .discussion > h2')) {
      if (el.getBoundingClientRect().bottom > 0) return el;
    }
    return null;
  }

  /** The pill: scrolls to the first new reply below and focuses it. */
  showNewReplies() {
    const first = this.newBelow
      .map((id) => postItem(this.host, id))
      .filter((el): el is HTMLElement => !!el)
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
    this.setNewBelow([]);
    first?.scrollIntoView({ block: 'center' });
    focusPost(first);
  }

  private scheduleDetailRefresh() {
    if (this.detailRefreshTimer) return;
    this.detailRefreshTimer = setTimeout(() => {
      this.detailRefreshTimer = null;
      const topicId = this.host.detail?.id;
      if (!topicId) return;
      this.options.api.client.topics
        .get(topicId)
        .then((fresh) => {
          if (fresh.id !== this.host.detail?.id) return;
          void this.keepScroll(() => (this.host.detail = { ...fresh, myReadPosition: this.host.detail!.myReadPosition }));
        })
        .catch(() => {}); // the next event or a reload will catch up
    }, DETAIL_REFRESH_MS);
  }

  /** After `resync` (too much missed), a moderation action or an answer-first reply: the topic and as many posts as were loaded, read again. */
  async refreshAll() {
    const { host } = this;
    const d = host.detail;
    if (!d) return;
    try {
      const fresh = await this.options.api.client.topics.get(d.id);
      const { posts, nextCursor } = await this.options.paging.reloadLoaded(d.id);
      if (host.detail?.id !== d.id) return;
      await this.keepScroll(() => {
        host.detail = { ...fresh, myReadPosition: d.myReadPosition };
        host.posts = posts;
        this.options.paging.nextCursor = nextCursor;
      });
    } catch {
      this.setNotice('Some live updates may be missing. Reload the page to catch up.');
    }
  }
}

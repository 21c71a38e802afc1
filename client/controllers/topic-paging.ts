// Paging through a long topic: PAGE_SIZE posts at a time, the next page on "Load more replies" or when the
// end of the list comes within 400 px of the screen (an IntersectionObserver on `.paging-sentinel`).
import type { ReactiveController } from 'lit';
import type { Post } from '../api/index.js';
import type { ApiConsumer } from '../context.js';
import { mergePosts } from '../live-merge.js';
import type { TopicView } from './topic-view.js';

export const PAGE_SIZE = 50;

export class TopicPagingController implements ReactiveController {
  /** The server's cursor for the next page, or null when everything is loaded. */
  nextCursor: string | null = null;
  loading = false;
  /** The last failed page load, shown beside the button. */
  error: unknown = null;
  private observer: IntersectionObserver | null = null;
  private observed = new WeakSet<Element>();

  constructor(
    private readonly host: TopicView,
    private readonly api: ApiConsumer,
  ) {
    host.addController(this);
  }

  hostConnected() {
    if (typeof IntersectionObserver !== 'undefined') {
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.loadMore();
      }, { rootMargin: '400px 0px' });
    }
  }

  hostDisconnected() {
    this.observer?.disconnect();
    this.observer = null;
  }

  /** Watches the end of the list. */
  hostUpdated() {
    const sentinel = this.host.renderRoot.querySelector('.paging-sentinel');
    if (sentinel && this.observer && !this.observed.has(sentinel)) {
      this.observed.add(sentinel);
      this.observer.observe(sentinel);
    }
  }

  /** A first page was loaded (a new topic, or the same one again). */
  reset(nextCursor: string | null) {
    this.nextCursor = nextCursor;
    this.error = null;
    this.observed = new WeakSet();
    this.observer?.disconnect();
    this.host.requestUpdate();
  }

  /** Loads the next page; false when it failed or there is none. */
  async loadMore(): Promise<boolean> {
    const detail = this.host.detail;
    if (this.loading || !this.nextCursor || !detail) return false;
    const topicId = detail.id;
    this.loading = true;
    this.error = null;
    this.host.requestUpdate();
    try {
      const page = await this.api.client.posts.list(topicId, { cursor: this.nextCursor, limit: PAGE_SIZE });
      if (topicId !== this.host.detail?.id) return false; // navigated away meanwhile
      this.host.posts = mergePosts(this.host.posts, page.items);
      this.nextCursor = page.nextCursor;
      return true;
    } catch (error) {
      this.error = error;
      return false;
    } finally {
      this.loading = false;
      this.host.requestUpdate();
    }
  }

  /** The topic's posts read again from the start, at least as many as are loaded now (after a resync). */
  async reloadLoaded(topicId: string): Promise<{ posts: Post[]; nextCursor: string | null }> {
    let posts: Post[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.api.client.posts.list(topicId, { cursor, limit: PAGE_SIZE });
      posts = mergePosts(posts, page.items);
      cursor = page.nextCursor;
    } while (cursor && posts.length < this.host.posts.length);
    return { posts, nextCursor: cursor };
  }
}

// Read tracking on the topic page: the furthest post seen on screen (60 % visible) is sent as my read
// position, at most every READ_THROTTLE_MS while scrolling, and at once when the page is left or hidden.
// The server only ever moves the position forward.
import type { ReactiveController } from 'lit';
import type { ApiConsumer } from '../context.js';
import type { TopicView } from './topic-view.js';

/** Read positions are sent at most this often while scrolling. */
const READ_THROTTLE_MS = 2_000;

export class ReadTrackingController implements ReactiveController {
  private observer: IntersectionObserver | null = null;
  private observed = new WeakSet<Element>();
  /** Index in host.posts of the furthest post seen, and of the furthest sent to the server. */
  private seenIndex = -1;
  private sentIndex = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: TopicView,
    private readonly api: ApiConsumer,
    /** Each post that came into view (the live controller takes it off its "new replies" pill). */
    private readonly onSeen: (postId: string) => void,
  ) {
    host.addController(this);
  }

  hostConnected() {
    if (typeof IntersectionObserver !== 'undefined') {
      this.observer = new IntersectionObserver((entries) => this.seen(entries), { threshold: 0.6 });
    }
    window.addEventListener('pagehide', this.flush);
  }

  hostDisconnected() {
    this.flush();
    this.observer?.disconnect();
    this.observer = null;
    window.removeEventListener('pagehide', this.flush);
  }

  /** Watches newly rendered posts. */
  hostUpdated() {
    if (!this.observer) return;
    for (const el of this.host.renderRoot.querySelectorAll('li[data-post-id] > stoa-post')) {
      if (!this.observed.has(el)) {
        this.observed.add(el);
        this.observer.observe(el);
      }
    }
  }

  /** A (re)loaded topic: send what is pending for the old list, then start again. */
  reset() {
    this.flush();
    this.seenIndex = this.sentIndex = -1;
    this.observed = new WeakSet();
    this.observer?.disconnect();
  }

  /** Forgets a position not sent yet (the topic was removed or hidden: the server would refuse it). */
  dropPending() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sentIndex = this.seenIndex;
  }

  private seen(entries: IntersectionObserverEntry[]) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const id = (entry.target as HTMLElement).parentElement?.dataset.postId;
      if (!id) continue;
      const index = this.host.indexOf(id);
      if (index !== undefined && index > this.seenIndex) this.seenIndex = index;
      this.onSeen(id);
    }
    if (this.seenIndex > this.sentIndex && !this.timer) this.timer = setTimeout(this.flush, READ_THROTTLE_MS);
  }

  /** Sends the furthest post seen (if it moved). */
  private flush = () => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const post = this.host.posts[this.seenIndex];
    const detail = this.host.detail;
    if (!post || this.seenIndex <= this.sentIndex || !detail) return;
    const index = this.seenIndex;
    this.sentIndex = index;
    this.api.client.topics.markRead(detail.id, post.id).catch(() => {
      // Offline or refused: try again with the next scroll.
      if (this.sentIndex === index) this.sentIndex = -1;
    });
  };
}

// Going to a place in the topic page: the first unread post after my read position ("Jump to first unread"), or
// the post or prompt the address names (?post=<id> from a notification or a search hit, ?prompt=<id> from a
// search hit) once the topic has loaded. Pages on until the post is loaded (bounded: every page moves the cursor
// on), then scrolls to it and moves keyboard focus there.
import { html, nothing, type ReactiveController } from 'lit';
import type { TopicDetail } from '../api/index.js';
import type { TopicPagingController } from './topic-paging.js';
import { focusPost, postItem, type TopicView } from './topic-view.js';

export interface JumpHost extends TopicView {
  readonly updateComplete: Promise<boolean>;
  /** ?post=<id>: the post to scroll to and focus once it is loaded. */
  readonly focusPostId: string | null;
  /** ?prompt=<id>: the prompt to scroll to. */
  readonly focusPromptId: string | null;
}

export class TopicJumpController implements ReactiveController {
  /** `topicId/target` of the place last gone to from the address, so that a re-render does not go there again. */
  private focusedFor: string | null = null;

  constructor(
    private readonly host: JumpHost,
    private readonly paging: TopicPagingController,
    /** Whether the topic named by the address has finished loading. */
    private readonly loaded: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  hostUpdated() {
    const { focusPostId, focusPromptId, topicId } = this.host;
    const target = focusPostId ?? focusPromptId;
    if (!target || !this.loaded() || !this.host.detail || this.focusedFor === `${topicId}/${target}`) return;
    this.focusedFor = `${topicId}/${target}`;
    void (focusPostId ? this.toPost(target) : this.toPrompt(target));
  }

  /** "Jump to first unread" while there is an unread post (loaded or not). */
  renderUnreadLink(d: TopicDetail) {
    if (!this.firstUnread()) return nothing;
    return html`<p class="unread-link"><a href="#" @click=${this.onJump}>Jump to first unread</a>
      <span class="muted">(${d.unreadCount} unread)</span></p>`;
  }

  private onJump = (event: Event) => {
    event.preventDefault();
    void this.toFirstUnread();
  };

  /** The first loaded post after my read position that someone else wrote; 'more' when it is not loaded yet. */
  private firstUnread(): string | 'more' | null {
    const { detail: d, posts, myUserId } = this.host;
    if (!d || d.unreadCount <= 0) return null;
    const lastId = d.myReadPosition?.lastReadPostId ?? null;
    const start = lastId ? this.host.indexOf(lastId) : -1;
    if (start === undefined) return this.paging.nextCursor ? 'more' : null;
    for (let i = start + 1; i < posts.length; i++) {
      const p = posts[i]!;
      if (p.author.id !== myUserId && p.status === 'published') return p.id;
    }
    return this.paging.nextCursor ? 'more' : null;
  }

  private async show(postId: string, block: ScrollLogicalPosition) {
    await this.host.updateComplete;
    const item = postItem(this.host, postId);
    item?.scrollIntoView({ block });
    focusPost(item);
  }

  private async toFirstUnread() {
    let target = this.firstUnread();
    while (target === 'more' && this.paging.nextCursor) {
      if (!(await this.paging.loadMore())) return;
      target = this.firstUnread();
    }
    if (target && target !== 'more') await this.show(target, 'start');
  }

  /** At most 20 pages: a link to a post far down a long topic still arrives, a wrong id does not page for ever. */
  private async toPost(postId: string) {
    for (let pages = 0; !this.host.posts.some((p) => p.id === postId) && this.paging.nextCursor && pages < 20; pages++) {
      if (!(await this.paging.loadMore())) return;
    }
    await this.show(postId, 'center');
  }

  /** Scrolls to a CPD topic's prompt and puts keyboard focus on its heading (so reading goes on from there). */
  private async toPrompt(promptId: string) {
    await this.host.updateComplete;
    const heading = this.host.renderRoot.querySelector<HTMLElement>(`#prompt-h-${CSS.escape(promptId)}`);
    if (!heading) return;
    heading.tabIndex = -1;
    heading.closest('section')?.scrollIntoView({ block: 'start' });
    heading.focus({ preventScroll: true });
  }
}

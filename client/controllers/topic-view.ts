// What the topic page's controllers (read tracking, paging, live merge, topic moderation) see of
// <stoa-topic-page>: the topic and its loaded posts, which the page owns and renders, and the viewer.
import type { ReactiveControllerHost } from 'lit';
import type { MembershipSummary, Post, TopicDetail } from '../api/index.js';
import type { PostChange } from '../live-merge.js';

export interface TopicView extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** The topic being shown (route parameter); the loaded `detail` may still be the previous one. */
  readonly topicId: string;
  /** The topic as last loaded, with local changes laid over it. */
  detail: TopicDetail | null;
  /** Loaded posts, oldest first (the server's order). */
  posts: Post[];
  readonly myUserId: string;
  /** Position of a loaded post in `posts`. */
  indexOf(postId: string): number | undefined;
  /** Merges a change into a loaded post (and the solution copy). */
  changePost(change: PostChange): void;
}

/** The viewer in the topic's community: looked up once per render and passed down, not once per post. */
export interface Viewer {
  userId: string;
  membership: MembershipSummary | null;
  isAdmin: boolean;
  /** A moderator of the community (post removal, approval): not the topic's `can.moderate`, which facilitators have too. */
  moderatesPosts: boolean;
}

/** The `<li data-post-id>` of a loaded post in the page. */
export function postItem(host: TopicView, postId: string): HTMLElement | null {
  return host.renderRoot.querySelector<HTMLElement>(`li[data-post-id="${CSS.escape(postId)}"]`);
}

/** Moves keyboard focus to a post's article without scrolling again. */
export function focusPost(item: HTMLElement | null | undefined) {
  item?.querySelector('stoa-post')?.shadowRoot?.querySelector<HTMLElement>('article')?.focus({ preventScroll: true });
}

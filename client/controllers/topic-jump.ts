// Going to a post in the topic page: the first unread one ("Jump to first unread") or a named one (?post=<id>
// from a notification or a search hit), or to a prompt (?prompt=<id> from a search hit). Pages on until the post is loaded (bounded: every page moves the cursor on), then
// scrolls to it and moves keyboard focus there.
import type { TopicPagingController } from './topic-paging.js';
import { focusPost, postItem, type TopicView } from './topic-view.js';

type Host = TopicView & { readonly updateComplete: Promise<boolean> };

/** The first loaded post after my read position that someone else wrote; 'more' when it is not loaded yet. */
export function firstUnread(host: Host, paging: TopicPagingController): string | 'more' | null {
  const d = host.detail;
  if (!d || d.unreadCount <= 0) return null;
  const lastId = d.myReadPosition?.lastReadPostId ?? null;
  const start = lastId ? host.indexOf(lastId) : -1;
  if (start === undefined) return paging.nextCursor ? 'more' : null;
  for (let i = start + 1; i < host.posts.length; i++) {
    const p = host.posts[i]!;
    if (p.author.id !== host.myUserId && p.status === 'published') return p.id;
  }
  return paging.nextCursor ? 'more' : null;
}

async function show(host: Host, postId: string, block: ScrollLogicalPosition) {
  await host.updateComplete;
  const item = postItem(host, postId);
  item?.scrollIntoView({ block });
  focusPost(item);
}

export async function jumpToFirstUnread(host: Host, paging: TopicPagingController) {
  let target = firstUnread(host, paging);
  while (target === 'more' && paging.nextCursor) {
    if (!(await paging.loadMore())) return;
    target = firstUnread(host, paging);
  }
  if (target && target !== 'more') await show(host, target, 'start');
}

/** At most 20 pages: a link to a post far down a long topic still arrives, a wrong id does not page for ever. */
export async function jumpToPost(host: Host, paging: TopicPagingController, postId: string) {
  for (let pages = 0; !host.posts.some((p) => p.id === postId) && paging.nextCursor && pages < 20; pages++) {
    if (!(await paging.loadMore())) return;
  }
  await show(host, postId, 'center');
}

/** Scrolls to a CPD topic's prompt and puts keyboard focus on its heading (so reading goes on from there). */
export async function jumpToPrompt(host: Host, promptId: string) {
  await host.updateComplete;
  const heading = host.renderRoot.querySelector<HTMLElement>(`#prompt-h-${CSS.escape(promptId)}`);
  if (!heading) return;
  heading.tabIndex = -1;
  heading.closest('section')?.scrollIntoView({ block: 'start' });
  heading.focus({ preventScroll: true });
}

// The topic page's keyboard flow. After I post, focus moves to my new post (the composer announces it in the
// app's live region). Shortcuts while no field has the keyboard: `j`/`k` move focus to the next/previous
// post, `r` opens a reply to the post in focus (or, with none, goes to the topic's own reply box).
import type { ReactiveController } from 'lit';
import { activeChain, isShortcut } from '../keyboard.js';
import { focusPost, postItem, type TopicView } from './topic-view.js';
import type { StoaPost } from '../components/stoa-post.js';

export class TopicKeysController implements ReactiveController {
  constructor(private readonly host: TopicView) {
    host.addController(this);
    host.addEventListener('stoa-post-created', (e) => void this.focusNewPost(e.detail.post.id));
  }

  hostConnected() {
    document.addEventListener('keydown', this.onKey);
  }

  hostDisconnected() {
    document.removeEventListener('keydown', this.onKey);
  }

  /** Waits for the page to show the post (its own listener merges it), then puts focus on it. */
  private async focusNewPost(postId: string) {
    await null; // the rest of this event's listeners (the page merging the post) run first
    await this.host.updateComplete;
    const item = postItem(this.host, postId);
    await item?.querySelector('stoa-post')?.updateComplete;
    item?.scrollIntoView({ block: 'nearest' });
    focusPost(item);
  }

  /** The posts in reading order, and which one holds the focus (-1: none). */
  private posts(): { items: HTMLElement[]; current: number } {
    const items = [...this.host.renderRoot.querySelectorAll<HTMLElement>('li[data-post-id]')];
    const chain = activeChain();
    const current = items.findIndex((li) => chain.includes(li.querySelector(':scope > stoa-post') as Element));
    return { items, current };
  }

  private onKey = (event: KeyboardEvent) => {
    if (!isShortcut(event) || !['j', 'k', 'r'].includes(event.key)) return;
    event.preventDefault();
    const { items, current } = this.posts();
    if (event.key === 'r') return void this.reply(items[current]);
    const next = event.key === 'j' ? current + 1 : current === -1 ? items.length - 1 : current - 1;
    const item = items[Math.max(0, Math.min(items.length - 1, next))];
    item?.scrollIntoView({ block: 'nearest' });
    focusPost(item);
  };

  private async reply(item: HTMLElement | undefined) {
    const post = item?.querySelector<StoaPost>(':scope > stoa-post');
    if (post) return post.openReply();
    const composer = this.host.renderRoot.querySelector<HTMLElement>('.discussion > stoa-composer');
    composer?.scrollIntoView({ block: 'center' });
    composer?.focus();
  }
}

// Properties go down, events come up. Components never change app state directly: they emit one of
// these bubbling, composed events (they cross shadow roots) and <stoa-app> handles it. The topic events
// (stoa-post-*, stoa-prompt-added, stoa-solution-changed) are handled by <stoa-topic-page>.
import type { Post, Prompt, TopicDetail } from './api/index.js';

export interface StoaEvents {
  /**
   * Go to an app path, e.g. `/c/elt`. `replace` replaces the history entry (redirects). `keepFocus` leaves focus
   * and scroll where they are (a filter changed the address of the page the member is on).
   */
  'stoa-navigate': { path: string; replace?: boolean; keepFocus?: boolean };
  /** Something changed who I am or where I belong (sign-in, register, join, invite, roles): reload /api/me. */
  'stoa-session-changed': { navigateTo?: string; announce?: string };
  /** The header's sign-out button. */
  'stoa-sign-out': Record<string, never>;
  /** A page knows its title (for document.title). */
  'stoa-page-title': { title: string };
  /** Say something politely to screen readers through the app's live region. */
  'stoa-announce': { message: string };
  /** A reply was posted (by me, from a composer). */
  'stoa-post-created': { post: Post };
  /** A post changed (my edit or withdrawal, or a helpful mark): merge these fields into the post with this id. */
  'stoa-post-changed': { id: string } & Partial<Post>;
  /** A facilitator added a prompt. */
  'stoa-prompt-added': { prompt: Prompt };
  /** A facilitator edited a prompt (its question, release time or answer-first). */
  'stoa-prompt-changed': { prompt: Prompt };
  /** The topic's editor saved its title, text, source link or schedule: the topic as it is now. */
  'stoa-topic-edited': { topic: TopicDetail };
  /** An edit form (a topic's, a prompt's) was saved or cancelled: the page closes it. */
  'stoa-edit-closed': Record<string, never>;
  /** The practice problem's solution was marked (or cleared with null). */
  'stoa-solution-changed': { postId: string | null };
  /** I flagged a post (the flag dialog). */
  'stoa-post-flagged': { postId: string };
  /** A moderator acted (queue, post, member): moderation counts (the nav badge) should be refetched. */
  'stoa-moderation-changed': { communityId?: string };
}

export function emit<K extends keyof StoaEvents>(from: EventTarget, type: K, detail: StoaEvents[K]): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'stoa-navigate': CustomEvent<StoaEvents['stoa-navigate']>;
    'stoa-session-changed': CustomEvent<StoaEvents['stoa-session-changed']>;
    'stoa-sign-out': CustomEvent<StoaEvents['stoa-sign-out']>;
    'stoa-page-title': CustomEvent<StoaEvents['stoa-page-title']>;
    'stoa-announce': CustomEvent<StoaEvents['stoa-announce']>;
    'stoa-post-created': CustomEvent<StoaEvents['stoa-post-created']>;
    'stoa-post-changed': CustomEvent<StoaEvents['stoa-post-changed']>;
    'stoa-prompt-added': CustomEvent<StoaEvents['stoa-prompt-added']>;
    'stoa-solution-changed': CustomEvent<StoaEvents['stoa-solution-changed']>;
    'stoa-prompt-changed': CustomEvent<StoaEvents['stoa-prompt-changed']>;
    'stoa-topic-edited': CustomEvent<StoaEvents['stoa-topic-edited']>;
    'stoa-edit-closed': CustomEvent<StoaEvents['stoa-edit-closed']>;
    'stoa-post-flagged': CustomEvent<StoaEvents['stoa-post-flagged']>;
    'stoa-moderation-changed': CustomEvent<StoaEvents['stoa-moderation-changed']>;
  }
}

// Properties go down, events come up. Components never change app state directly: they emit one of
// these bubbling, composed events (they cross shadow roots) and <stoa-app> handles it.

export interface StoaEvents {
  /** Go to an app path, e.g. `/c/elt`. `replace` replaces the history entry (redirects). */
  'stoa-navigate': { path: string; replace?: boolean };
  /** Something changed who I am or where I belong (sign-in, register, join, invite, roles): reload /api/me. */
  'stoa-session-changed': { navigateTo?: string; announce?: string };
  /** The header's sign-out button. */
  'stoa-sign-out': Record<string, never>;
  /** A page knows its title (for document.title). */
  'stoa-page-title': { title: string };
  /** Say something politely to screen readers through the app's live region. */
  'stoa-announce': { message: string };
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
  }
}

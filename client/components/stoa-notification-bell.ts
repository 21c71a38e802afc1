// The header's bell: my unread notification count, linking to the notifications page. It asks again when the
// server says my notifications changed (the live connection's `notifications` message, sent to my sockets
// only), after every reconnect (what was said while offline is not replayed), when the tab comes back, when a
// page says notifications changed, and every 5 minutes as a fallback.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import type { LiveConnection, LiveStatus } from '../api/live-connection.js';
import { ApiConsumer, liveContext } from '../context.js';
import { paths } from '../router.js';
import { base } from '../styles.js';

const POLL_MS = 5 * 60_000;

export class StoaNotificationBell extends LitElement {
  static override properties = {
    unread: { state: true },
    /** Changed by the app on navigation: the count is asked again. */
    refresh: { attribute: false },
  };

  declare unread: number;
  declare refresh: unknown;

  private readonly api = new ApiConsumer(this);
  private readonly live = new ContextConsumer(this, {
    context: liveContext,
    subscribe: true,
    callback: (live) => this.follow(live ?? null),
  });
  private followed: LiveConnection | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight: AbortController | undefined;

  constructor() {
    super();
    this.unread = 0;
    this.refresh = 0;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.timer = setInterval(() => void this.load(), POLL_MS);
    document.addEventListener('visibilitychange', this.onVisible);
    window.addEventListener('stoa-notifications-changed', this.onChanged);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.follow(null);
    clearInterval(this.timer);
    this.inFlight?.abort();
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('stoa-notifications-changed', this.onChanged);
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('refresh')) void this.load();
  }

  /** Listens to the tab's live connection (it changes at sign-in and sign-out). */
  private follow(live: LiveConnection | null) {
    if (live === this.followed) return;
    this.followed?.removeEventListener('notifications', this.onChanged);
    this.followed?.removeEventListener('status', this.onStatus);
    this.followed = live;
    live?.addEventListener('notifications', this.onChanged);
    live?.addEventListener('status', this.onStatus);
  }

  private onStatus = (event: Event) => {
    if ((event as CustomEvent<LiveStatus>).detail === 'live') void this.load();
  };

  private onVisible = () => {
    if (document.visibilityState === 'visible') void this.load();
  };

  private onChanged = (event: Event) => {
    const count = (event as CustomEvent<{ unreadCount?: number }>).detail?.unreadCount;
    if (typeof count === 'number') this.unread = count;
    else void this.load();
  };

  private async load() {
    if (document.visibilityState === 'hidden') return;
    this.inFlight?.abort();
    const controller = (this.inFlight = new AbortController());
    try {
      const page = await this.api.client.notifications.list({ unread: true, limit: 1 }, controller.signal);
      this.unread = page.unreadCount;
    } catch {
      // Offline or signed out: keep the last count; the next poll tries again.
    }
  }

  override render() {
    const label = this.unread === 0 ? 'Notifications, none unread' : `Notifications, ${this.unread} unread`;
    return html`<a href=${paths.notifications()} aria-label=${label} title=${label}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" /><path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>${this.unread > 0 ? html`<span class="count" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>` : nothing}
    </a>`;
  }

  static override styles = [
    base,
    css`
      /* The bell lives in the dark header: the icon in the header's text colour (it was link blue, 1.9:1). */
      a {
        color: var(--stoa-on-header);
        display: inline-flex;
        align-items: center;
        gap: 0.2em;
        text-decoration: none;
        min-height: 2.75rem;
        min-width: 2.75rem;
        justify-content: center;
      }
      :focus-visible {
        outline-color: var(--stoa-highlight);
      }
      .count {
        font-size: 0.8em;
        font-weight: 700;
        padding: 0 0.45em;
        border-radius: 1em;
        background: var(--stoa-highlight);
        color: var(--stoa-highlight-text);
      }
    `,
  ];
}

customElements.define('stoa-notification-bell', StoaNotificationBell);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-notification-bell': StoaNotificationBell;
  }
}

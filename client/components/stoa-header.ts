// The site header: the Stoa name (home link), the search box (in the community being viewed, else in all of
// mine), who is signed in, their roles in the community being viewed, and the sign-out button. Pure view: data comes in as properties, sign-out goes up as an event.
import { LitElement, css, html, nothing } from 'lit';
import type { Me, MembershipSummary } from '../api/index.js';
import type { LiveStatus } from '../api/live-connection.js';
import { emit } from '../events.js';
import { paths, type Route } from '../router.js';
import { base, forms } from '../styles.js';
import { roleNames } from '../roles.js';
import './stoa-community-nav.js';
import './stoa-notification-bell.js';
import './stoa-search-box.js';

const LIVE_LABELS: Record<LiveStatus, string> = { live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };

/**
 * @fires stoa-sign-out - the sign-out button was pressed
 */
export class StoaHeader extends LitElement {
  static override properties = {
    me: { attribute: false },
    membership: { attribute: false },
    liveStatus: { attribute: false },
    routeName: { attribute: false },
    moderationRefresh: { attribute: false },
  };

  declare me: Me | null;
  /** The signed-in user's membership of the community in the current page, if any. */
  declare membership: MembershipSummary | null;
  /** The live-update connection's state (null when there is none: signed out). */
  declare liveStatus: LiveStatus | null;
  /** The current page, for the community nav's aria-current. */
  declare routeName: Route['name'];
  /** Bumped when a moderator acted in this tab: the moderation badge refetches. */
  declare moderationRefresh: number;

  constructor() {
    super();
    this.me = null;
    this.membership = null;
    this.liveStatus = null;
    this.routeName = 'home';
    this.moderationRefresh = 0;
  }

  override render() {
    const { me, membership } = this;
    return html`
      <header>
        <div class="bar">
          <a class="brand" href=${paths.home()}>Stoa</a>
          ${me
            ? html`
                <nav aria-label="Main">
                  <a href=${paths.home()}>My communities</a>
                  ${me.isAdmin ? html`<a href=${paths.outbox()}>Mail outbox</a>` : nothing}
                </nav>
                <stoa-search-box class="search" .membership=${membership}></stoa-search-box>
                <div class="who">
                  <stoa-notification-bell .refresh=${this.routeName}></stoa-notification-bell>
                  ${this.liveStatus
                    ? html`<span class="live ${this.liveStatus}" title="Live updates">${LIVE_LABELS[this.liveStatus]}</span>`
                    : nothing}
                  <span>Signed in as <a href=${paths.account()} title="My account"><strong>${me.displayName}</strong></a>${me.isAdmin ? html` <span class="badge">admin</span>` : nothing}</span>
                  <button type="button" class="secondary" @click=${() => emit(this, 'stoa-sign-out', {})}>Sign out</button>
                </div>
              `
            : html`
                <nav aria-label="Account">
                  <a href=${paths.login()}>Sign in</a>
                  <a href=${paths.register()}>Create an account</a>
                </nav>
              `}
        </div>
        ${me && membership
          ? html`<p class="context">
              In <strong>${membership.name}</strong>: <span class="roles">${roleNames(membership.roles).join(', ')}</span>${membership.suspended
                ? html` <span class="badge warn">suspended</span>`
                : nothing}
            </p>
            <stoa-community-nav .membership=${membership} .isAdmin=${me.isAdmin} .current=${this.routeName}
              .refreshKey=${this.moderationRefresh}></stoa-community-nav>`
          : nothing}
      </header>
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        background: var(--stoa-header-bg);
        color: var(--stoa-on-accent);
      }
      header {
        max-width: 60rem;
        margin: 0 auto;
        padding: 0.5rem 1rem;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1.25rem;
      }
      a {
        color: var(--stoa-on-accent);
      }
      :focus-visible {
        outline-color: var(--stoa-highlight);
      }
      .brand {
        font-size: 1.35rem;
        font-weight: 700;
        text-decoration: none;
        padding: 0.4rem 0;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
      }
      nav a {
        padding: 0.6rem 0;
      }
      .search {
        flex: 1 1 14rem;
        max-width: 24rem;
      }
      .who {
        margin-left: auto;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 0.75rem;
      }
      button.secondary {
        background: transparent;
        color: var(--stoa-on-accent);
        border-color: var(--stoa-on-accent);
        min-height: 2.5rem;
        padding: 0.25rem 0.85rem;
      }
      .context {
        margin: 0.25rem 0 0.25rem;
        font-size: 0.95rem;
      }
      .badge {
        display: inline-block;
        font-size: 0.8rem;
        font-weight: 600;
        padding: 0 0.4rem;
        border: 1px solid currentColor;
        border-radius: 0.25rem;
      }
      .live {
        font-size: 0.85rem;
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
      }
      .live::before {
        content: '';
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: var(--stoa-live-ok);
      }
      .live.reconnecting::before,
      .live.offline::before {
        background: var(--stoa-highlight);
      }
      .badge.warn {
        background: var(--stoa-highlight);
        color: var(--stoa-highlight-text);
      }
    `,
  ];
}

customElements.define('stoa-header', StoaHeader);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-header': StoaHeader;
  }
}

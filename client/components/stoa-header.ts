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
import './stoa-theme-switch.js';

const LIVE_LABELS: Record<LiveStatus, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };

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
    menuOpen: { state: true },
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
  /** The phone menu (≤ 30rem wide: everything but the name, the bell and the community's tabs). */
  declare menuOpen: boolean;

  constructor() {
    super();
    this.me = null;
    this.membership = null;
    this.liveStatus = null;
    this.routeName = 'home';
    this.moderationRefresh = 0;
    this.menuOpen = false;
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('routeName')) this.menuOpen = false; // a page opened from the menu: show the page
  }

  /** Focuses the search field; false when there is none (signed out). */
  focusSearch(): boolean {
    const box = this.renderRoot.querySelector('stoa-search-box');
    if (!box) return false;
    this.menuOpen = true; // on a phone the box is in the menu
    void this.updateComplete.then(() => box.focus());
    return true;
  }

  override render() {
    const { me, membership } = this;
    return html`
      <header>
        <div class="bar">
          <a class="brand" href=${paths.home()}>Stoa</a>
          ${me
            ? html`
                <stoa-notification-bell class="bell" .refresh=${this.routeName}></stoa-notification-bell>
                <button type="button" class="secondary menu-button" aria-expanded=${this.menuOpen ? 'true' : 'false'} aria-controls="header-menu"
                  @click=${() => (this.menuOpen = !this.menuOpen)}>Menu</button>
                <div id="header-menu" class=${this.menuOpen ? 'menu open' : 'menu'} @keydown=${this.onMenuKey}>
                  <nav aria-label="Main">
                    <a href=${paths.home()}>My communities</a>
                    ${me.isAdmin ? html`<a href=${paths.outbox()}>Mail outbox</a>` : nothing}
                  </nav>
                  <stoa-search-box class="search" .membership=${membership}></stoa-search-box>
                  <div class="who">
                    ${this.liveStatus
                      ? html`<span class="live ${this.liveStatus}" title="Live updates">${LIVE_LABELS[this.liveStatus]}</span>`
                      : nothing}
                    <span>Signed in as <a href=${paths.account()} title="My account"><strong>${me.displayName}</strong></a>${me.isAdmin ? html` <span class="badge">admin</span>` : nothing}</span>
                    <stoa-theme-switch></stoa-theme-switch>
                    <button type="button" class="secondary" @click=${() => emit(this, 'stoa-sign-out', {})}>Sign out</button>
                  </div>
                  ${membership
                    ? html`<p class="context">
                        In <strong>${membership.name}</strong>: <span class="roles">${roleNames(membership.roles).join(', ')}</span>${membership.suspended
                          ? html` <span class="badge warn">suspended</span>`
                          : nothing}
                      </p>`
                    : nothing}
                </div>
              `
            : html`
                <nav aria-label="Account">
                  <a href=${paths.login()}>Sign in</a>
                  <a href=${paths.register()}>Create an account</a>
                </nav>
                <stoa-theme-switch class="theme"></stoa-theme-switch>
              `}
        </div>
        ${me && membership
          ? html`<stoa-community-nav .membership=${membership} .isAdmin=${me.isAdmin} .current=${this.routeName}
              .refreshKey=${this.moderationRefresh}></stoa-community-nav>`
          : nothing}
      </header>
    `;
  }

  /** Escape in the open phone menu closes it and gives focus back to the Menu button. */
  private onMenuKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !this.menuOpen) return;
    this.menuOpen = false;
    this.renderRoot.querySelector<HTMLElement>('.menu-button')?.focus();
  };

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        background: var(--stoa-header-bg);
        color: var(--stoa-on-header);
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
        color: var(--stoa-on-header);
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
      /* Wide: the menu's parts are items of the bar (Menu button hidden); the bell ends the bar, after "who". */
      .menu {
        display: contents;
      }
      .menu-button {
        display: none;
      }
      nav {
        order: 1;
      }
      .bell {
        order: 5;
      }
      .search {
        order: 2;
      }
      .who {
        order: 4;
        margin-left: auto;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 0.75rem;
      }
      button.secondary {
        background: transparent;
        color: var(--stoa-on-header);
        border-color: var(--stoa-on-header);
        min-height: 2.5rem;
        padding: 0.25rem 0.85rem;
      }
      .theme {
        margin-left: auto;
      }
      .context {
        order: 10;
        flex-basis: 100%;
        margin: 0 0 0.25rem;
        font-size: 0.95rem;
      }
      /* Phone: content first. One row (name, bell, Menu); the rest opens under it. */
      @media (max-width: 30rem) {
        header {
          padding-block: 0.25rem;
        }
        .bell {
          order: 3;
          margin-left: auto;
        }
        .menu-button {
          display: inline-flex;
          order: 4;
        }
        .menu {
          display: none;
          order: 5;
          flex-basis: 100%;
          padding-bottom: 0.5rem;
        }
        .menu.open {
          display: grid;
          gap: 0.5rem;
        }
        .search {
          max-width: none;
        }
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
      .live.connecting::before,
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

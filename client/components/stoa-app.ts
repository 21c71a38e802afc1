// The root element: owns the session and the current route, provides the API client and the session
// through context, renders the header, the skip link (in a nav landmark: axe's region rule), the page for the route, and the app-wide live region.
import { LitElement, css, html, type TemplateResult } from 'lit';
import { ContextProvider } from '@lit/context';
import { api as defaultApi, messageFor, type Api, type MembershipSummary } from '../api/index.js';
import { apiContext, liveContext, sessionContext, type Session } from '../context.js';
import { LiveConnection, type LiveStatus } from '../api/live-connection.js';
import { inAppLinkTarget, paths, resolve, SIGNED_IN_ONLY, SIGNED_OUT_ONLY, type Route } from '../router.js';
import { base, forms } from '../styles.js';
import './stoa-header.js';
import './stoa-login-page.js';
import './stoa-register-page.js';
import './stoa-invite-page.js';
import './stoa-password-reset-page.js';
import './stoa-verify-email-page.js';
import './stoa-account-page.js';
import './stoa-notifications-page.js';
import './stoa-profile-page.js';
import './stoa-outbox-page.js';
import './stoa-communities-page.js';
import './stoa-community-page.js';
import './stoa-suspension-notice.js';
import './stoa-topic-page.js';
import './stoa-community-tool-page.js';
import './stoa-search-page.js';
import './stoa-shortcuts-dialog.js';
import { isShortcut, submitOnCtrlEnter } from '../keyboard.js';

export class StoaApp extends LitElement {
  static override properties = {
    route: { state: true },
    session: { state: true },
    announcement: { state: true },
    sessionError: { state: true },
    liveStatus: { state: true },
    moderationRefresh: { state: true },
  };

  declare route: Route;
  declare session: Session;
  declare announcement: string;
  /** Why the first session check failed (offline, server down); shown with a retry button. */
  declare sessionError: unknown;
  /** The live connection's state, for the header ("live" / "reconnecting…"). */
  declare liveStatus: LiveStatus | null;
  /** Bumped on stoa-moderation-changed: the header's moderation badge refetches its counts. */
  declare moderationRefresh: number;

  private readonly apiProvider = new ContextProvider(this, { context: apiContext, initialValue: defaultApi });
  private readonly sessionProvider = new ContextProvider(this, { context: sessionContext });
  /** One live connection per tab, while signed in; pages subscribe to their channels on it. */
  private readonly liveProvider = new ContextProvider(this, { context: liveContext, initialValue: null });
  /** Move focus to <main> after the next render (set by in-app navigation, not by the first load). */
  private focusMainAfterRender = false;

  constructor() {
    super();
    this.route = resolve(location);
    this.session = { status: 'loading', me: null };
    this.announcement = '';
    this.sessionError = null;
    this.liveStatus = null;
    this.moderationRefresh = 0;
    this.addEventListener('stoa-moderation-changed', () => this.moderationRefresh++);
    this.addEventListener('click', this.onClick);
    this.addEventListener('stoa-navigate', (e) => this.navigate(e.detail.path, e.detail.replace, e.detail.keepFocus));
    this.addEventListener('stoa-session-changed', (e) => void this.onSessionChanged(e.detail));
    this.addEventListener('stoa-sign-out', () => void this.signOut());
    this.addEventListener('stoa-page-title', (e) => (document.title = `${e.detail.title} · Stoa`));
    this.addEventListener('stoa-announce', (e) => this.announce(e.detail.message));
  }

  get api(): Api {
    return this.apiProvider.value;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    document.addEventListener('keydown', this.onKeyDown);
    void this.loadSession();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    document.removeEventListener('keydown', this.onKeyDown);
    this.stopLive();
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('session')) {
      this.sessionProvider.setValue(this.session);
      if (this.session.status === 'signed-in') this.startLive();
      else if (this.session.status === 'signed-out') this.stopLive();
    }
    if (changed.has('route') || changed.has('session')) this.redirectIfNeeded();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('route') && this.route.name === 'not-found') document.title = 'Page not found · Stoa';
    if (this.focusMainAfterRender) {
      this.focusMainAfterRender = false;
      this.renderRoot.querySelector<HTMLElement>('main')?.focus();
    }
  }

  /** Opens the tab's live connection (once per sign-in); the socket authenticates with the session cookie. */
  private startLive() {
    if (this.liveProvider.value) return;
    const live = new LiveConnection();
    live.addEventListener('status', this.onLiveStatus);
    // The server ended the session (signed out elsewhere, expired): find out who we are now.
    live.addEventListener('session-ended', this.onLiveSessionEnded);
    live.start();
    this.liveStatus = live.status;
    this.liveProvider.setValue(live);
  }

  private stopLive() {
    const live = this.liveProvider.value;
    if (!live) return;
    live.removeEventListener('status', this.onLiveStatus);
    live.removeEventListener('session-ended', this.onLiveSessionEnded);
    live.stop();
    this.liveStatus = null;
    this.liveProvider.setValue(null);
  }

  private onLiveStatus = (event: Event) => {
    this.liveStatus = (event as CustomEvent<LiveStatus>).detail;
  };

  private onLiveSessionEnded = () => {
    this.stopLive();
    void this.onSessionChanged({});
  };

  private async loadSession() {
    this.sessionError = null;
    const session = await this.fetchSession();
    if (session) this.session = session;
  }

  /** null when the server could not be asked (offline, 5xx): then we do not know, and must not pretend "signed out". */
  private async fetchSession(): Promise<Session | null> {
    try {
      const me = await this.api.auth.me();
      return me ? { status: 'signed-in', me } : { status: 'signed-out', me: null };
    } catch (error) {
      this.sessionError = error;
      return null;
    }
  }

  private async onSessionChanged(detail: { navigateTo?: string; announce?: string }) {
    const session = await this.fetchSession();
    if (!session) {
      this.announce(messageFor(this.sessionError));
      return;
    }
    // Set the session and the route in one go, so no page renders for the in-between state
    // (e.g. the sign-in page redirecting home before we navigate to ?next).
    this.session = session;
    if (detail.navigateTo) this.navigate(detail.navigateTo);
    if (detail.announce) this.announce(detail.announce);
  }

  private async signOut() {
    try {
      await this.api.auth.logout();
    } catch (error) {
      this.announce(messageFor(error));
      return;
    }
    this.session = { status: 'signed-out', me: null };
    this.navigate(paths.login());
    this.announce('You are signed out.');
  }

  /** Go to an in-app path. Redirects (and `keepFocus`) leave focus and scroll where they are; redirects replace the history entry. */
  navigate(path: string, replace = false, keepFocus = false) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.route = resolve(location);
    if (!replace && !keepFocus) {
      this.focusMainAfterRender = true;
      window.scrollTo(0, 0);
    }
  }

  /** App-wide keys (client/keyboard.ts): Ctrl/⌘+Enter sends any composer, `/` searches, `?` lists the shortcuts. */
  private onKeyDown = (event: KeyboardEvent) => {
    if (submitOnCtrlEnter(event) || !isShortcut(event)) return;
    if (event.key === '/' && this.renderRoot.querySelector('stoa-header')?.focusSearch()) event.preventDefault();
    else if (event.key === '?') {
      event.preventDefault();
      this.renderRoot.querySelector('stoa-shortcuts-dialog')?.show();
    }
  };

  private onPopState = () => {
    this.route = resolve(location);
    this.focusMainAfterRender = true;
  };

  private onClick = (event: MouseEvent) => {
    const path = inAppLinkTarget(event);
    if (path === null) return;
    event.preventDefault();
    this.navigate(path);
  };

  /** Signed-out visitors of private pages go to sign-in (and come back after); signed-in ones skip the sign-in forms. */
  private redirectIfNeeded() {
    const { route, session } = this;
    if (session.status === 'loading') return;
    if (session.status === 'signed-out' && SIGNED_IN_ONLY.has(route.name)) {
      const here = location.pathname + location.search;
      this.navigate(paths.login({ next: here === '/' ? null : here }), true);
    } else if (session.status === 'signed-in' && SIGNED_OUT_ONLY.has(route.name)) {
      this.navigate(paths.home(), true);
    }
  }

  private announce(message: string) {
    // Clear first so the same message twice is announced twice.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = message));
  }

  private skipToMain(event: Event) {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  /** The membership for the community in the current path, for the header's "my roles here". */
  private currentMembership(): MembershipSummary | null {
    const slug = 'slug' in this.route ? this.route.slug : null;
    if (!slug || this.session.status !== 'signed-in') return null;
    return this.session.me.memberships.find((m) => m.slug === slug) ?? null;
  }

  override render() {
    return html`
      <nav class="skip" aria-label="Skip link"><a class="skip-link" href="#main" @click=${this.skipToMain}>Skip to main content</a></nav>
      <stoa-header .me=${this.session.me} .membership=${this.currentMembership()} .liveStatus=${this.liveStatus}
        .routeName=${this.route.name} .moderationRefresh=${this.moderationRefresh}></stoa-header>
      <main id="main" tabindex="-1">
        ${this.session.status === 'loading' ? this.renderLoading() : html`<stoa-suspension-notice .membership=${this.currentMembership()}></stoa-suspension-notice>${this.renderPage(this.route)}`}
      </main>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      <stoa-shortcuts-dialog></stoa-shortcuts-dialog>
    `;
  }

  private renderLoading() {
    if (!this.sessionError) return html`<p role="status">Loading…</p>`;
    return html`<h1>Stoa is out of reach</h1>
      <p role="alert">${messageFor(this.sessionError)}</p>
      <button type="button" class="retry" @click=${() => void this.loadSession()}>Try again</button>`;
  }

  /** One case per route name. */
  private renderPage(route: Route): TemplateResult {
    switch (route.name) {
      case 'login':
        return html`<stoa-login-page .next=${route.next} .invite=${route.invite}></stoa-login-page>`;
      case 'register':
        return html`<stoa-register-page .invite=${route.invite}></stoa-register-page>`;
      case 'invite':
        return html`<stoa-invite-page .token=${route.token}></stoa-invite-page>`;
      case 'forgot-password':
        return html`<stoa-password-reset-page .token=${null}></stoa-password-reset-page>`;
      case 'reset-password':
        return html`<stoa-password-reset-page .token=${route.token}></stoa-password-reset-page>`;
      case 'verify-email':
        return html`<stoa-verify-email-page .token=${route.token}></stoa-verify-email-page>`;
      case 'account':
        return html`<stoa-account-page></stoa-account-page>`;
      case 'notifications':
        return html`<stoa-notifications-page></stoa-notifications-page>`;
      case 'outbox':
        return html`<stoa-outbox-page></stoa-outbox-page>`;
      case 'profile':
        return html`<stoa-profile-page .user=${route.user}></stoa-profile-page>`;
      case 'home':
        return html`<stoa-communities-page></stoa-communities-page>`;
      case 'community':
        return html`<stoa-community-page .slug=${route.slug}></stoa-community-page>`;
      case 'topic':
        return html`<stoa-topic-page .slug=${route.slug} .topicId=${route.topicId} .focusPostId=${route.post}
          .focusPromptId=${route.prompt}></stoa-topic-page>`;
      case 'search':
        return html`<stoa-search-page .filters=${route.filters}></stoa-search-page>`;
      case 'moderation':
      case 'moderation-log':
      case 'community-settings':
        return html`<stoa-community-tool-page .slug=${route.slug} .tool=${route.name} .topicId=${null}></stoa-community-tool-page>`;
      case 'engagement':
        return html`<stoa-community-tool-page .slug=${route.slug} .tool=${'engagement'} .topicId=${route.topicId}></stoa-community-tool-page>`;
      case 'not-found':
        return html`<h1>Page not found</h1>
          <p>There is nothing at this address. <a href=${paths.home()}>Go to your communities</a>.</p>`;
    }
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      .skip-link {
        position: absolute;
        left: 0.5rem;
        top: -4rem;
        z-index: 10;
        background: var(--stoa-surface);
        padding: 0.75rem 1rem;
        border: 2px solid var(--stoa-focus);
        border-radius: 0.35rem;
        font-weight: 600;
      }
      .skip-link:focus {
        top: 0.5rem;
      }
      main {
        display: block;
        max-width: 60rem;
        margin: 0 auto;
        padding: 1.25rem 1rem 3rem;
      }
      main:focus {
        outline: none; /* focused by the app after navigation, never by the user's Tab */
      }
    `,
  ];
}

customElements.define('stoa-app', StoaApp);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-app': StoaApp;
  }
}

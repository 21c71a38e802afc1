// /notifications: what happened that concerns me, newest first; unread ones stand out. Opening one marks it
// read and goes to the exact post; "Mark all read"; older ones page in. Also how notifications reach me by mail.
import { LitElement, css, html, nothing } from 'lit';
import { Task } from '@lit/task';
import { messageFor, type Notification } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { formatDateTime } from '../format.js';
import { base, forms } from '../styles.js';

const EMAIL_CHOICES = [
  ['immediate', 'At once (what happens in one topic within a minute comes in one mail)'],
  ['daily', 'A daily digest'],
  ['weekly', 'A weekly digest'],
  ['never', 'Never'],
] as const;

/**
 * @fires stoa-page-title
 * @fires stoa-navigate - opening a notification
 */
export class StoaNotificationsPage extends LitElement {
  static override properties = {
    items: { state: true },
    nextCursor: { state: true },
    error: { state: true },
    email: { state: true },
    emailSaved: { state: true },
  };

  declare items: Notification[];
  declare nextCursor: string | null;
  declare error: unknown;
  declare email: string | null;
  declare emailSaved: boolean;

  private readonly api = new ApiConsumer(this);

  private readonly firstPage = new Task(this, {
    task: async (_args, { signal }) => {
      const api = this.api.client;
      const [page, prefs] = await Promise.all([api.notifications.list({ limit: 30 }, signal), api.notifications.preferences(signal)]);
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.email = prefs.email;
      return page;
    },
    args: () => [],
  });

  constructor() {
    super();
    this.items = [];
    this.nextCursor = null;
    this.error = null;
    this.email = null;
    this.emailSaved = false;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'Notifications' });
  }

  private changed(unreadCount: number) {
    window.dispatchEvent(new CustomEvent('stoa-notifications-changed', { detail: { unreadCount } }));
  }

  private async open(event: MouseEvent, n: Notification) {
    if (n.read) return; // the link navigates by itself
    event.preventDefault();
    try {
      const { unreadCount } = await this.api.client.notifications.markRead({ ids: [n.id] });
      this.changed(unreadCount);
    } catch {
      // Marking read failed (offline): go anyway.
    }
    emit(this, 'stoa-navigate', { path: n.url });
  }

  private async markAll() {
    try {
      const { unreadCount } = await this.api.client.notifications.markRead({ all: true });
      this.items = this.items.map((n) => ({ ...n, read: true }));
      this.changed(unreadCount);
      emit(this, 'stoa-announce', { message: 'All notifications are marked read.' });
    } catch (error) {
      this.error = error;
    }
  }

  private async more() {
    try {
      const page = await this.api.client.notifications.list({ limit: 30, cursor: this.nextCursor });
      this.items = [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = error;
    }
  }

  private async setEmail(event: Event) {
    const email = (event.target as HTMLSelectElement).value as 'immediate' | 'daily' | 'weekly' | 'never';
    this.emailSaved = false;
    try {
      this.email = (await this.api.client.notifications.setPreferences({ email })).email;
      this.emailSaved = true;
    } catch (error) {
      this.error = error;
    }
  }

  override render() {
    return html`<h1>Notifications</h1>
      ${this.firstPage.render({
        pending: () => html`<p role="status">Loading…</p>`,
        error: (e) => html`<p role="alert">${messageFor(e)}</p>`,
        complete: () => this.renderList(),
      })}
      ${this.email ? this.renderEmail() : nothing}`;
  }

  private renderList() {
    const unread = this.items.some((n) => !n.read);
    return html`
      <p class="error" role="alert">${this.error ? messageFor(this.error) : ''}</p>
      ${unread ? html`<p><button type="button" class="secondary" @click=${this.markAll}>Mark all read</button></p>` : nothing}
      ${this.items.length === 0
        ? html`<p>Nothing yet. Replies to you, mentions, new topics and prompts in your communities will show here.</p>`
        : html`<ul class="notifications">
            ${this.items.map(
              (n) => html`<li class=${n.read ? 'read' : 'unread'}>
                <a href=${n.url} @click=${(e: MouseEvent) => this.open(e, n)}>${n.read ? nothing : html`<span class="visually-hidden">Unread: </span>`}${n.text}</a>
                ${n.note ? html`<p class="note">Moderator's note: ${n.note}</p>` : nothing}
                <p class="meta">${n.community.name} · <time datetime=${n.updatedAt}>${formatDateTime(n.updatedAt)}</time></p>
              </li>`,
            )}
          </ul>`}
      ${this.nextCursor ? html`<p><button type="button" class="secondary" @click=${this.more}>Show older</button></p>` : nothing}`;
  }

  private renderEmail() {
    return html`<section aria-labelledby="mail-heading">
      <h2 id="mail-heading">By mail</h2>
      <div class="field">
        <label for="email-choice">Send me notifications</label>
        <select id="email-choice" .value=${this.email!} @change=${this.setEmail}>
          ${EMAIL_CHOICES.map(([value, label]) => html`<option value=${value} ?selected=${value === this.email}>${label}</option>`)}
        </select>
      </div>
      <p role="status">${this.emailSaved ? 'Saved.' : ''}</p>
    </section>`;
  }

  static override styles = [
    base,
    forms,
    css`
      .notifications {
        list-style: none;
        padding: 0;
      }
      .notifications li {
        padding: 0.6rem 0.75rem;
        border-bottom: 1px solid var(--stoa-border);
      }
      .notifications li.unread {
        background: var(--stoa-selected-bg);
      }
      .notifications a {
        display: block;
      }
      .notifications li.unread a {
        font-weight: 600;
      }
      .meta,
      .note {
        margin: 0.2rem 0 0;
        font-size: 0.9em;
      }
      .meta {
        color: var(--stoa-muted);
      }
    `,
  ];
}

customElements.define('stoa-notifications-page', StoaNotificationsPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-notifications-page': StoaNotificationsPage;
  }
}

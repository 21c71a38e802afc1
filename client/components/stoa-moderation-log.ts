// <stoa-moderation-log community-id="…">: the append-only audit log, newest first, filterable by action
// and by member, with "Load older" (keyset pagination).
import { LitElement, css, html } from 'lit';
import { LOG_ACTIONS, type LogEntry } from '../../shared/schemas/moderation.js';
import { api } from './moderation-api.js';

export class StoaModerationLog extends LitElement {
  static override properties = {
    communityId: { type: String, attribute: 'community-id' },
    /** Optional: show only entries about / by this member (e.g. from the member list). */
    memberId: { type: String, attribute: 'member-id' },
    action: { state: true },
    items: { state: true },
    cursor: { state: true },
    error: { state: true },
    loading: { state: true },
  };
  static override styles = css`
    table { border-collapse: collapse; width: 100%; }
    td, th { border-bottom: 1px solid #ddd; padding: 0.3rem; text-align: left; vertical-align: top; }
    pre { margin: 0; white-space: pre-wrap; font-size: 0.85em; }
    .error { color: #a00; }
  `;
  declare communityId: string;
  declare memberId: string;
  declare action: string;
  declare items: LogEntry[];
  declare cursor: string | null;
  declare error: string;
  declare loading: boolean;

  constructor() {
    super();
    this.communityId = '';
    this.memberId = '';
    this.action = '';
    this.items = [];
    this.cursor = null;
    this.error = '';
    this.loading = false;
  }

  override willUpdate(changed: Map<string, unknown>) {
    if ((changed.has('communityId') || changed.has('memberId')) && this.communityId) void this.load(true);
  }

  async load(reset: boolean) {
    if (this.loading) return;
    this.loading = true;
    const params = new URLSearchParams();
    if (!reset && this.cursor) params.set('cursor', this.cursor);
    if (this.action) params.set('action', this.action);
    if (this.memberId) params.set('memberId', this.memberId);
    try {
      const page = await api<{ items: LogEntry[]; nextCursor: string | null }>('GET', `/api/communities/${this.communityId}/moderation/log?${params}`);
      this.items = reset ? page.items : [...this.items, ...page.items];
      this.cursor = page.nextCursor;
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private change(entry: LogEntry) {
    const show = (v: unknown) => (v == null ? '' : JSON.stringify(v, null, 1));
    return html`${entry.before != null ? html`<pre>before: ${show(entry.before)}</pre>` : ''}${entry.after != null ? html`<pre>after: ${show(entry.after)}</pre>` : ''}`;
  }

  override render() {
    return html`
      <label>Action
        <select @change=${(e: Event) => ((this.action = (e.target as HTMLSelectElement).value), void this.load(true))}>
          <option value="">All</option>
          ${LOG_ACTIONS.map((a) => html`<option value=${a} ?selected=${this.action === a}>${a}</option>`)}
        </select>
      </label>
      <label>Member id <input .value=${this.memberId} placeholder="any" @change=${(e: Event) => (this.memberId = (e.target as HTMLInputElement).value.trim())} /></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <table>
        <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Reason</th><th>Change</th></tr></thead>
        <tbody>
          ${this.items.map(
            (e) => html`<tr>
              <td>${new Date(e.createdAt).toLocaleString()}</td>
              <td>${e.actor ? e.actor.displayName : 'system'}</td>
              <td>${e.action}</td>
              <td>${e.targetType} ${e.targetId.slice(0, 8)}</td>
              <td>${e.reason ?? ''}</td>
              <td>${this.change(e)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.items.length === 0 && !this.loading ? html`<p>No entries.</p>` : ''}
      ${this.cursor ? html`<button ?disabled=${this.loading} @click=${() => this.load(false)}>Load older</button>` : ''}
    `;
  }
}
customElements.define('stoa-moderation-log', StoaModerationLog);

// The banner a suspended member sees on every page of the community they are suspended in: that they can
// read but not write, the moderators' reason and when it ends. The suspend dialog tells the moderator the
// member sees the reason; this is where they do (until notifications also mail it).
import { LitElement, css, html, nothing } from 'lit';
import type { MembershipSummary } from '../api/index.js';
import { formatDateTime } from '../format.js';

export class StoaSuspensionNotice extends LitElement {
  static override properties = { membership: { attribute: false } };

  /** The member's membership of the community shown (the banner is empty unless it is suspended). */
  declare membership: MembershipSummary | null;

  constructor() {
    super();
    this.membership = null;
  }

  override render() {
    const m = this.membership;
    if (!m?.suspended) return nothing;
    const until = m.suspension?.until ?? null;
    return html`<section class="banner" role="region" aria-label="Your suspension">
      <p>
        <strong>You are suspended in ${m.name}</strong>
        ${until ? html`until <time datetime=${until}>${formatDateTime(until)}</time>` : 'until a moderator lifts it'}: you can read, but not post.
      </p>
      ${m.suspension ? html`<p>Reason given by the moderators: <q class="reason">${m.suspension.reason}</q></p>` : nothing}
    </section>`;
  }

  static override styles = css`
    .banner {
      background: var(--stoa-warning-bg);
      border-left: 4px solid var(--stoa-warning);
      color: var(--stoa-text);
      padding: 0.5rem 0.75rem;
      margin: 0 0 1rem;
    }
    p {
      margin: 0.2rem 0;
    }
    .reason {
      white-space: pre-wrap;
    }
  `;
}

customElements.define('stoa-suspension-notice', StoaSuspensionNotice);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-suspension-notice': StoaSuspensionNotice;
  }
}

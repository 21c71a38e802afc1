// /admin/outbox (instance admins): the mails the embedded default wrote to DATA_DIR/outbox/ instead of sending
// them (SMTP_URL unset), newest first, each readable as sent. With SMTP_URL set it says that mail leaves.
import { LitElement, css, html } from 'lit';
import { Task } from '@lit/task';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { formatDateTime } from '../format.js';
import { base, tables } from '../styles.js';

/** @fires stoa-page-title */
export class StoaOutboxPage extends LitElement {
  private readonly api = new ApiConsumer(this);
  private readonly outbox = new Task(this, { task: async (_args, { signal }) => this.api.client.mail.outbox(signal), args: () => [] });

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'Mail outbox' });
  }

  override render() {
    return html`<h1>Mail outbox</h1>
      ${this.outbox.render({
        pending: () => html`<p role="status">Loading…</p>`,
        error: (e) => html`<p role="alert">${messageFor(e)}</p>`,
        complete: (o) =>
          o.delivery === 'smtp'
            ? html`<p>Mail leaves through the SMTP server (SMTP_URL): nothing is kept here.</p>`
            : html`<p>SMTP_URL is not set, so nothing leaves this machine: each mail Stoa would have sent is written here as an .eml file.</p>
                ${o.items.length === 0
                  ? html`<p>No mail yet.</p>`
                  : html`<table>
                      <thead><tr><th>Written</th><th>Mail</th><th class="n">Size</th></tr></thead>
                      <tbody>
                        ${o.items.map(
                          (m) => html`<tr>
                            <td>${formatDateTime(m.writtenAt)}</td>
                            <td><a href=${`/api/admin/outbox/${encodeURIComponent(m.name)}`} target="_blank" rel="noopener">${m.name}</a></td>
                            <td class="n">${Math.ceil(m.bytes / 1024)} KB</td>
                          </tr>`,
                        )}
                      </tbody>
                    </table>`}`,
      })}`;
  }

  static override styles = [
    base,
    tables,
    css`
      .n {
        text-align: right;
      }
    `,
  ];
}

customElements.define('stoa-outbox-page', StoaOutboxPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-outbox-page': StoaOutboxPage;
  }
}

// On a topic's participation view: invite its silent readers (who read but never posted) with a personal note,
// and see what came of earlier invitations (how many invited readers posted afterwards).
import { LitElement, css, html, nothing } from 'lit';
import { Task } from '@lit/task';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { formatDateTime } from '../format.js';
import { base, forms } from '../styles.js';

/** @fires stoa-announce - how many readers were invited */
export class StoaInviteReaders extends LitElement {
  static override properties = { topicId: { attribute: false }, result: { state: true } };

  declare topicId: string | null;
  declare result: string | null;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);
  private readonly past = new Task(this, {
    task: async ([topicId], { signal }) => (topicId ? this.api.client.notifications.invitations(topicId, signal) : { items: [] }),
    args: () => [this.topicId] as const,
  });

  constructor() {
    super();
    this.topicId = null;
    this.result = null;
  }

  private async invite(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const { note = '' } = formValues(form);
    let invited = 0;
    const ok = await this.submission.run(async () => {
      invited = (await this.api.client.notifications.inviteReaders(this.topicId!, note)).invited;
    });
    if (!ok) return;
    form.reset();
    this.result = invited === 0 ? 'There is no silent reader left to invite.' : `Invited ${invited} silent ${invited === 1 ? 'reader' : 'readers'}.`;
    emit(this, 'stoa-announce', { message: this.result });
    void this.past.run();
  }

  override render() {
    const { busy, error } = this.submission;
    return html`<section aria-labelledby="invite-h">
      <h2 id="invite-h">Invite the silent readers</h2>
      <p>Members who read this topic but never posted get your note as a notification and, unless they chose no mail, one mail. Each is invited once; one invitation a day.</p>
      <form @submit=${this.invite}>
        <div class="field">
          <label for="invite-note">Your note</label>
          <textarea id="invite-note" name="note" rows="3" required maxlength="2000"
            aria-invalid=${invalidIf(error, 'note')} aria-describedby=${describedBy(error, 'note', 'invite-error')}></textarea>
        </div>
        <p id="invite-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <p role="status">${this.result ?? ''}</p>
        <div><button type="submit" ?disabled=${busy}>${busy ? 'Inviting…' : 'Invite the silent readers'}</button></div>
      </form>
      ${this.past.render({
        complete: (r) =>
          r.items.length
            ? html`<table>
                <thead><tr><th>Sent</th><th>By</th><th class="n">Invited</th><th class="n">Posted afterwards</th></tr></thead>
                <tbody>${r.items.map((i) => html`<tr><td>${formatDateTime(i.createdAt)}</td><td>${i.invitedBy}</td><td class="n">${i.invited}</td><td class="n">${i.postedAfterwards}</td></tr>`)}</tbody>
              </table>`
            : nothing,
        error: (e) => html`<p role="alert">${messageFor(e)}</p>`,
      })}
    </section>`;
  }

  static override styles = [
    base,
    forms,
    css`
      table {
        border-collapse: collapse;
        margin-top: 1rem;
      }
      th,
      td {
        padding: 0.3rem 0.6rem;
        text-align: left;
      }
      .n {
        text-align: right;
      }
    `,
  ];
}

customElements.define('stoa-invite-readers', StoaInviteReaders);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-invite-readers': StoaInviteReaders;
  }
}

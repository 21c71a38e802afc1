// /verify-email?token=…: the link mailed at registration or for a new address. Following it confirms the address.
import { LitElement, html } from 'lit';
import { Task } from '@lit/task';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { paths } from '../router.js';
import { base } from '../styles.js';

/**
 * @fires stoa-page-title
 * @fires stoa-session-changed - after a confirmation, so the header and account page show the address
 */
export class StoaVerifyEmailPage extends LitElement {
  static override properties = { token: { attribute: false } };

  declare token: string | null;

  private readonly api = new ApiConsumer(this);

  /** Runs once per token: a second confirmation of the same link would be refused as used. */
  private readonly confirmation = new Task(this, {
    task: async ([token]) => {
      if (!token) throw new Error('This link has no confirmation code: open the link from the mail again.');
      const result = await this.api.client.auth.verifyEmail(token);
      emit(this, 'stoa-session-changed', {});
      return result;
    },
    args: () => [this.token] as const,
  });

  constructor() {
    super();
    this.token = null;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'Confirm your address' });
  }

  override render() {
    return html`<h1>Confirm your address</h1>
      ${this.confirmation.render({
        pending: () => html`<p role="status">Confirming…</p>`,
        complete: (r) => html`<p role="status">Thank you: ${r.email} is confirmed. Stoa can now mail you what you choose to hear about.</p>
          <p><a href=${paths.home()}>Go to your communities</a></p>`,
        error: (e) => html`<p role="alert">${messageFor(e)}</p>
          <p>Signed in, you can ask for a new link on <a href=${paths.account()}>your account page</a>.</p>`,
      })}`;
  }

  static override styles = [base];
}

customElements.define('stoa-verify-email-page', StoaVerifyEmailPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-verify-email-page': StoaVerifyEmailPage;
  }
}

// Forgotten password: /forgot-password asks for the address and mails a link (the answer is the same whether or
// not the address has an account); /reset-password?token=… sets a new password, which signs out everywhere.
import { LitElement, css, html, nothing } from 'lit';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

/** @fires stoa-page-title */
export class StoaPasswordResetPage extends LitElement {
  static override properties = {
    token: { attribute: false },
    done: { state: true },
  };

  /** null: ask for the address; a token: choose the new password. */
  declare token: string | null;
  declare done: boolean;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);

  constructor() {
    super();
    this.token = null;
    this.done = false;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: this.token ? 'Choose a new password' : 'Forgotten password' });
  }

  private async requestLink(event: SubmitEvent) {
    event.preventDefault();
    const { email = '' } = formValues(event.target as HTMLFormElement);
    if (await this.submission.run(() => this.api.client.auth.requestPasswordReset(email))) this.done = true;
  }

  private async setPassword(event: SubmitEvent) {
    event.preventDefault();
    const { password = '' } = formValues(event.target as HTMLFormElement);
    const token = this.token!;
    if (await this.submission.run(() => this.api.client.auth.confirmPasswordReset({ token, password }))) this.done = true;
  }

  override render() {
    const { busy, error } = this.submission;
    if (this.token) {
      if (this.done) {
        return html`<h1>Password changed</h1>
          <p role="status">Your new password is set, and every device that was signed in is signed out.</p>
          <p><a href=${paths.login()}>Sign in</a></p>`;
      }
      return html`
        <h1>Choose a new password</h1>
        <form @submit=${this.setPassword}>
          <div class="field">
            <label for="password">New password</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required
              minlength=${LIMITS.passwordMin} maxlength=${LIMITS.passwordMax}
              aria-invalid=${invalidIf(error, 'password')} aria-describedby=${describedBy(error, 'password', 'reset-error', 'password-hint')} />
            <p id="password-hint" class="hint">At least ${LIMITS.passwordMin} characters.</p>
          </div>
          <p id="reset-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
          ${error ? html`<p><a href=${paths.forgotPassword()}>Ask for a new link</a></p>` : nothing}
          <div><button type="submit" ?disabled=${busy}>${busy ? 'Saving…' : 'Set the new password'}</button></div>
        </form>`;
    }
    if (this.done) {
      return html`<h1>Check your mail</h1>
        <p role="status">If an account uses this address, a link to choose a new password is on its way. It works once, for one hour.</p>
        <p><a href=${paths.login()}>Back to sign in</a></p>`;
    }
    return html`
      <h1>Forgotten password</h1>
      <p>Give the address of your account: we mail you a link to choose a new password.</p>
      <form @submit=${this.requestLink}>
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength=${LIMITS.emailMax}
            aria-invalid=${invalidIf(error, 'email')} aria-describedby=${describedBy(error, 'email', 'forgot-error')} />
        </div>
        <p id="forgot-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <div><button type="submit" ?disabled=${busy}>${busy ? 'Sending…' : 'Mail me a link'}</button></div>
      </form>`;
  }

  static override styles = [base, forms, css``];
}

customElements.define('stoa-password-reset-page', StoaPasswordResetPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-password-reset-page': StoaPasswordResetPage;
  }
}

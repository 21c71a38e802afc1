// The account form, used by the register page and by the invite page. With an invite token the new
// account joins that community in the same request, and the form goes straight to the community.
import { LitElement, html } from 'lit';
import { ContextConsumer } from '@lit/context';
import { messageFor, type Api } from '../api/index.js';
import { apiContext } from '../context.js';
import { emit } from '../events.js';
import { describedBy, focusErrorField, formValues, invalidIf } from '../form-helpers.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

export class StoaRegisterForm extends LitElement {
  static override properties = {
    inviteToken: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  declare inviteToken: string | null;
  declare busy: boolean;
  declare error: unknown;

  private readonly api = new ContextConsumer(this, { context: apiContext });

  constructor() {
    super();
    this.inviteToken = null;
    this.busy = false;
    this.error = null;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return; // never send twice
    const api = this.api.value as Api;
    const { email = '', password = '', displayName = '' } = formValues(event.target as HTMLFormElement);
    this.busy = true;
    this.error = null;
    try {
      await api.auth.register({ email, password, displayName, ...(this.inviteToken ? { inviteToken: this.inviteToken } : {}) });
    } catch (error) {
      this.busy = false;
      this.error = error;
      await this.updateComplete;
      focusErrorField(this.renderRoot, error);
      return;
    }
    let navigateTo = paths.home();
    if (this.inviteToken) {
      // A brand-new account that came through an invite belongs to exactly that one community.
      const me = await api.auth.me().catch(() => null);
      const joined = me?.memberships[0];
      if (joined) navigateTo = paths.community(joined.slug);
    }
    emit(this, 'stoa-session-changed', { navigateTo, announce: 'Your account is ready; you are signed in.' });
  }

  override render() {
    const error = this.error;
    return html`
      <form @submit=${this.submit}>
        <div class="field">
          <label for="displayName">Display name</label>
          <span class="hint" id="displayName-hint">How other members see you, e.g. your first name and surname.</span>
          <input id="displayName" name="displayName" type="text" autocomplete="name" required maxlength=${LIMITS.displayNameMax}
            aria-invalid=${invalidIf(error, 'displayName')}
            aria-describedby=${describedBy(error, 'displayName', 'register-error', 'displayName-hint')} />
        </div>
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="email" required maxlength=${LIMITS.emailMax}
            aria-invalid=${invalidIf(error, 'email')} aria-describedby=${describedBy(error, 'email', 'register-error')} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <span class="hint" id="password-hint">At least ${LIMITS.passwordMin} characters. A few unrelated words work well.</span>
          <input id="password" name="password" type="password" autocomplete="new-password" required
            minlength=${LIMITS.passwordMin} maxlength=${LIMITS.passwordMax} aria-invalid=${invalidIf(error, 'password')}
            aria-describedby=${describedBy(error, 'password', 'register-error', 'password-hint')} />
        </div>
        <p id="register-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <div>
          <button type="submit" ?disabled=${this.busy}>
            ${this.busy ? 'Creating your account…' : this.inviteToken ? 'Create account and join' : 'Create account'}
          </button>
        </div>
      </form>
    `;
  }

  static override styles = [base, forms];
}

customElements.define('stoa-register-form', StoaRegisterForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-register-form': StoaRegisterForm;
  }
}

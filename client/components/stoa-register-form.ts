// The account form, used by the register page and by the invite page. With an invite token the new
// account joins that community in the same request, and the form goes straight to the community.
import { LitElement, html } from 'lit';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

/**
 * @fires stoa-session-changed - who I am or where I belong changed: the app reads /api/me again (and may navigate)
 */
export class StoaRegisterForm extends LitElement {
  static override properties = {
    inviteToken: { attribute: false },
  };

  declare inviteToken: string | null;

  private readonly api = new ApiConsumer(this);
  /** Registered, the page is left: the button stays disabled meanwhile. */
  private readonly submission = new SubmitController(this, { staysBusyOnSuccess: true });

  constructor() {
    super();
    this.inviteToken = null;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const api = this.api.client;
    const { email = '', password = '', displayName = '' } = formValues(event.target as HTMLFormElement);
    const body = { email, password, displayName, ...(this.inviteToken ? { inviteToken: this.inviteToken } : {}) };
    if (!(await this.submission.run(() => api.auth.register(body)))) return; // failed, or already sending
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
    const { busy, error } = this.submission;
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
          <button type="submit" ?disabled=${busy}>
            ${busy ? 'Creating your account…' : this.inviteToken ? 'Create account and join' : 'Create account'}
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

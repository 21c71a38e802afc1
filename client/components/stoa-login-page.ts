// Sign in. With ?next=/path it returns there afterwards; with ?invite=<token> (from an invite link)
// it accepts the invite right after signing in and opens the community.
import { LitElement, css, html, nothing } from 'lit';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

/**
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 * @fires stoa-session-changed - who I am or where I belong changed: the app reads /api/me again (and may navigate)
 */
export class StoaLoginPage extends LitElement {
  static override properties = {
    next: { attribute: false },
    invite: { attribute: false },
  };

  declare next: string | null;
  declare invite: string | null;

  private readonly api = new ApiConsumer(this);
  /** Signed in, the page is left: the button stays disabled meanwhile. */
  private readonly submission = new SubmitController(this, { staysBusyOnSuccess: true });

  constructor() {
    super();
    this.next = null;
    this.invite = null;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'Sign in' });
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const api = this.api.client;
    const { email = '', password = '' } = formValues(event.target as HTMLFormElement);
    if (!(await this.submission.run(() => api.auth.login({ email, password })))) return; // failed, or already sending
    if (!this.invite) {
      emit(this, 'stoa-session-changed', { navigateTo: this.next ?? paths.home() });
      return;
    }
    try {
      const community = await api.communities.acceptInvite(this.invite);
      emit(this, 'stoa-session-changed', { navigateTo: paths.community(community.slug), announce: `Welcome to ${community.name}.` });
    } catch (error) {
      // Signed in, but the invite did not work: the invite page says why and offers what is possible.
      emit(this, 'stoa-session-changed', { navigateTo: paths.invite(this.invite), announce: messageFor(error) });
    }
  }

  override render() {
    const { busy, error } = this.submission;
    return html`
      <h1>Sign in</h1>
      ${this.invite ? html`<p>Sign in to accept your invite; you will go straight to the community.</p>` : nothing}
      <form @submit=${this.submit}>
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength=${LIMITS.emailMax}
            aria-invalid=${invalidIf(error, 'email')} aria-describedby=${describedBy(error, 'email', 'login-error')} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required
            maxlength=${LIMITS.passwordMax} aria-invalid=${invalidIf(error, 'password')}
            aria-describedby=${describedBy(error, 'password', 'login-error')} />
        </div>
        <p id="login-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <div><button type="submit" ?disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button></div>
      </form>
      <p class="after">
        <a href=${paths.forgotPassword()}>Forgotten your password?</a><br />
        New to Stoa? <a href=${paths.register({ invite: this.invite })}>Create an account</a>.
      </p>
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      .after {
        margin-top: 1.5rem;
      }
    `,
  ];
}

customElements.define('stoa-login-page', StoaLoginPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-login-page': StoaLoginPage;
  }
}

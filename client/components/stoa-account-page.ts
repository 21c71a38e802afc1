// /account: my profile (display name, @handle, bio, what I can help with), my email address (confirmed or not,
// and changing it through a link to the new one), my password, and signing out on every device.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { messageFor, type Me } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

/**
 * @fires stoa-page-title
 * @fires stoa-session-changed - after a profile change (the header shows the new name) or signing out everywhere
 * @fires stoa-announce - what each form did
 */
export class StoaAccountPage extends LitElement {
  static override properties = {
    saved: { state: true },
  };

  /** What the last successful form did, shown in its section. */
  declare saved: { section: 'profile' | 'email' | 'password'; message: string } | null;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  private readonly profileForm = new SubmitController(this);
  private readonly emailForm = new SubmitController(this);
  private readonly passwordForm = new SubmitController(this);
  private readonly everywhere = new SubmitController(this, { focus: null, staysBusyOnSuccess: true });

  constructor() {
    super();
    this.saved = null;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'My account' });
  }

  private done(section: 'profile' | 'email' | 'password', message: string) {
    this.saved = { section, message };
    emit(this, 'stoa-announce', { message });
  }

  private async saveProfile(event: SubmitEvent) {
    event.preventDefault();
    const { displayName = '', handle = '', bio = '', expertise = '' } = formValues(event.target as HTMLFormElement);
    this.saved = null;
    const ok = await this.profileForm.run(() => this.api.client.auth.updateProfile({ displayName, handle: handle.replace(/^@/, ''), bio, expertise }));
    if (!ok) return;
    emit(this, 'stoa-session-changed', {});
    this.done('profile', 'Your profile is saved.');
  }

  private async changeEmail(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const { email = '', currentPassword = '' } = formValues(form);
    this.saved = null;
    if (!(await this.emailForm.run(() => this.api.client.auth.changeEmail({ email, currentPassword })))) return;
    form.reset();
    this.done('email', `A link is on its way to ${email}. Your address changes when you follow it.`);
  }

  private async changePassword(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const { currentPassword = '', newPassword = '' } = formValues(form);
    this.saved = null;
    if (!(await this.passwordForm.run(() => this.api.client.auth.changePassword({ currentPassword, newPassword })))) return;
    form.reset();
    this.done('password', 'Your password is changed. Other devices are signed out.');
  }

  private async signOutEverywhere() {
    if (!(await this.everywhere.run(() => this.api.client.auth.logoutEverywhere()))) return;
    emit(this, 'stoa-session-changed', { navigateTo: paths.login(), announce: 'You are signed out on every device.' });
  }

  private status(section: 'profile' | 'email' | 'password') {
    return html`<p class="saved" role="status">${this.saved?.section === section ? this.saved.message : ''}</p>`;
  }

  override render() {
    const session = this.session.value;
    if (!session || session.status !== 'signed-in') return nothing;
    return html`
      <h1>My account</h1>
      ${this.renderProfile(session.me)} ${this.renderEmail(session.me)} ${this.renderPassword()}
      <section aria-labelledby="everywhere-heading">
        <h2 id="everywhere-heading">Devices</h2>
        <p>Lost a phone, or signed in on a shared computer? Sign out on every device, this one included.</p>
        <p class="error" role="alert">${this.everywhere.error ? messageFor(this.everywhere.error) : ''}</p>
        <button type="button" class="secondary" ?disabled=${this.everywhere.busy} @click=${this.signOutEverywhere}>Sign out everywhere</button>
      </section>`;
  }

  private renderProfile(me: Me) {
    const { busy, error } = this.profileForm;
    return html`
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <form @submit=${this.saveProfile}>
          <div class="field">
            <label for="displayName">Display name</label>
            <input id="displayName" name="displayName" required maxlength=${LIMITS.displayNameMax} .value=${me.displayName}
              autocomplete="name" aria-invalid=${invalidIf(error, 'displayName')} aria-describedby=${describedBy(error, 'displayName', 'profile-error')} />
          </div>
          <div class="field">
            <label for="handle">Handle</label>
            <input id="handle" name="handle" required minlength="3" maxlength="30" pattern="@?[A-Za-z0-9_]+" .value=${me.handle}
              aria-invalid=${invalidIf(error, 'handle')} aria-describedby=${describedBy(error, 'handle', 'profile-error', 'handle-hint')} />
            <p id="handle-hint" class="hint">Others mention you as @${me.handle}. Letters, digits and _; 3 to 30 characters.</p>
          </div>
          <div class="field">
            <label for="bio">About me</label>
            <textarea id="bio" name="bio" rows="3" maxlength=${LIMITS.bioMax} .value=${me.bio}
              aria-invalid=${invalidIf(error, 'bio')} aria-describedby=${describedBy(error, 'bio', 'profile-error')}></textarea>
          </div>
          <div class="field">
            <label for="expertise">What I can help with</label>
            <textarea id="expertise" name="expertise" rows="2" maxlength=${LIMITS.bioMax} .value=${me.expertise}
              aria-invalid=${invalidIf(error, 'expertise')} aria-describedby=${describedBy(error, 'expertise', 'profile-error', 'expertise-hint')}></textarea>
            <p id="expertise-hint" class="hint">Shown on your profile, so colleagues know whom to ask.</p>
          </div>
          <p id="profile-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
          ${this.status('profile')}
          <div><button type="submit" ?disabled=${busy}>${busy ? 'Saving…' : 'Save profile'}</button></div>
        </form>
      </section>`;
  }

  private renderEmail(me: Me) {
    const { busy, error } = this.emailForm;
    return html`
      <section aria-labelledby="email-heading">
        <h2 id="email-heading">Email</h2>
        <p>
          ${me.email}
          ${me.emailVerified
            ? html`<span class="badge">confirmed</span>`
            : html`<span class="badge warn">not confirmed</span> Follow the link we mailed you: until then Stoa sends you no mail.`}
        </p>
        <form @submit=${this.changeEmail}>
          <div class="field">
            <label for="newEmail">New address</label>
            <input id="newEmail" name="email" type="email" required maxlength=${LIMITS.emailMax} autocomplete="email"
              aria-invalid=${invalidIf(error, 'email')} aria-describedby=${describedBy(error, 'email', 'email-error')} />
          </div>
          <div class="field">
            <label for="emailPassword">Current password</label>
            <input id="emailPassword" name="currentPassword" type="password" required autocomplete="current-password" maxlength=${LIMITS.passwordMax}
              aria-invalid=${invalidIf(error, 'currentPassword')} aria-describedby=${describedBy(error, 'currentPassword', 'email-error')} />
          </div>
          <p id="email-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
          ${this.status('email')}
          <div><button type="submit" ?disabled=${busy}>${busy ? 'Sending…' : 'Change address'}</button></div>
        </form>
      </section>`;
  }

  private renderPassword() {
    const { busy, error } = this.passwordForm;
    return html`
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <form @submit=${this.changePassword}>
          <div class="field">
            <label for="currentPassword">Current password</label>
            <input id="currentPassword" name="currentPassword" type="password" required autocomplete="current-password" maxlength=${LIMITS.passwordMax}
              aria-invalid=${invalidIf(error, 'currentPassword')} aria-describedby=${describedBy(error, 'currentPassword', 'password-error')} />
          </div>
          <div class="field">
            <label for="newPassword">New password</label>
            <input id="newPassword" name="newPassword" type="password" required autocomplete="new-password"
              minlength=${LIMITS.passwordMin} maxlength=${LIMITS.passwordMax}
              aria-invalid=${invalidIf(error, 'newPassword')} aria-describedby=${describedBy(error, 'newPassword', 'password-error')} />
          </div>
          <p id="password-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
          ${this.status('password')}
          <div><button type="submit" ?disabled=${busy}>${busy ? 'Saving…' : 'Change password'}</button></div>
        </form>
      </section>`;
  }

  static override styles = [
    base,
    forms,
    css`
      section {
        margin-block: 2rem;
      }
      .badge {
        font-size: 0.85em;
        padding: 0.1em 0.5em;
        border-radius: 1em;
        background: var(--stoa-ok-bg);
      }
      .badge.warn {
        background: var(--stoa-warning-bg);
      }
      .saved:empty {
        display: none;
      }
    `,
  ];
}

customElements.define('stoa-account-page', StoaAccountPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-account-page': StoaAccountPage;
  }
}

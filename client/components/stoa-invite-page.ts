// /invite/<token>, the page an invite link opens. Signed out: create an account (which accepts the
// invite in the same request) or sign in first. Signed in: accept with this account and go to the community.
import { LitElement, css, html } from 'lit';
import { ContextConsumer } from '@lit/context';
import { messageFor } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import './stoa-register-form.js';

/**
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 * @fires stoa-session-changed - who I am or where I belong changed: the app reads /api/me again (and may navigate)
 */
export class StoaInvitePage extends LitElement {
  static override properties = {
    token: { attribute: false },
  };

  declare token: string;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  /** A button, not a form: no field to focus after a failure. */
  private readonly accepting = new SubmitController(this, { focus: null });

  constructor() {
    super();
    this.token = '';
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'Your invite' });
  }

  private async accept() {
    await this.accepting.run(async () => {
      const community = await this.api.client.communities.acceptInvite(this.token);
      emit(this, 'stoa-session-changed', { navigateTo: paths.community(community.slug), announce: `Welcome to ${community.name}.` });
    });
  }

  override render() {
    const me = this.session.value?.me;
    if (me) {
      const { busy, error } = this.accepting;
      return html`
        <h1>You are invited to a community</h1>
        <p>You are signed in as <strong>${me.displayName}</strong> (${me.email}). Accept the invite to join with this account.</p>
        <p id="invite-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <button type="button" @click=${this.accept} ?disabled=${busy}>${busy ? 'Accepting…' : 'Accept invite'}</button>
        <p class="after muted">Not you? Sign out from the header, then open the link again.</p>
      `;
    }
    return html`
      <h1>You are invited to a community</h1>
      <p>Create your Stoa account to join. It takes a minute.</p>
      <stoa-register-form .inviteToken=${this.token}></stoa-register-form>
      <p class="after">Already have an account? <a href=${paths.login({ invite: this.token })}>Sign in to accept the invite</a>.</p>
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      .after {
        margin-top: 1.5rem;
      }
      .error {
        margin-bottom: 1rem;
      }
    `,
  ];
}

customElements.define('stoa-invite-page', StoaInvitePage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-invite-page': StoaInvitePage;
  }
}

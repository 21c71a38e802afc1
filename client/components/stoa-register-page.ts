// Create an account. Reached from the header, or with ?invite=<token> from an invite's sign-in page.
import { LitElement, css, html } from 'lit';
import { emit } from '../events.js';
import { paths } from '../router.js';
import { base } from '../styles.js';
import './stoa-register-form.js';

/**
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 */
export class StoaRegisterPage extends LitElement {
  static override properties = {
    invite: { attribute: false },
  };

  declare invite: string | null;

  constructor() {
    super();
    this.invite = null;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'Create an account' });
  }

  override render() {
    return html`
      <h1>Create an account</h1>
      ${this.invite
        ? html`<p>Your new account will join the community that invited you.</p>`
        : html`<p class="muted">Most communities on Stoa are joined by invite: if you have an invite link, open it instead.</p>`}
      <stoa-register-form .inviteToken=${this.invite}></stoa-register-form>
      <p class="after">Already have an account? <a href=${paths.login({ invite: this.invite })}>Sign in</a>.</p>
    `;
  }

  static override styles = [
    base,
    css`
      .after {
        margin-top: 1.5rem;
      }
    `,
  ];
}

customElements.define('stoa-register-page', StoaRegisterPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-register-page': StoaRegisterPage;
  }
}

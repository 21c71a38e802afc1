// "Invite someone": creates an invite link (optionally for one email address, optionally with added
// roles for managers/admins) and shows it ready to copy. The link is shown only here: the server keeps a hash.
// Plain links work for anyone until they expire; a link for one email, or one that grants roles, works once.
import { LitElement, css, html, nothing } from 'lit';
import { messageFor, type Invite } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { formatLongDate } from '../format.js';
import { describedBy, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { ROLE_LABELS, ROLES, type Role } from '../roles.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 */
export class StoaInviteForm extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    canChooseRoles: { attribute: false },
    invite: { state: true },
    copyStatus: { state: true },
  };

  declare communityId: string;
  /** Managers and admins may invite straight into an added role; facilitators invite practitioners. */
  declare canChooseRoles: boolean;
  declare invite: Invite | null;
  declare copyStatus: string;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);

  constructor() {
    super();
    this.communityId = '';
    this.canChooseRoles = false;
    this.invite = null;
    this.copyStatus = '';
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const email = String(data.get('email') ?? '').trim();
    const days = Number(data.get('expiresInDays'));
    const roles = data.getAll('roles').map(String) as Role[];
    await this.submission.run(async () => {
      this.invite = null;
      this.copyStatus = '';
      this.invite = await this.api.client.communities.createInvite(this.communityId, {
        roles,
        ...(email ? { email } : {}),
        ...(Number.isInteger(days) && days > 0 ? { expiresInDays: days } : {}),
      });
      emit(this, 'stoa-announce', { message: 'Invite link created. It is shown below the form.' });
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#invite-link')?.focus();
    });
  }

  private async copy() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#invite-link');
    if (!this.invite || !input) return;
    try {
      await navigator.clipboard.writeText(this.invite.url);
      this.copyStatus = 'Link copied.';
    } catch {
      // No clipboard access (older browser, or not a secure context): select it for Ctrl+C / long-press.
      input.focus();
      input.select();
      this.copyStatus = 'The link is selected: copy it with Ctrl+C (or long-press on a phone).';
    }
  }

  override render() {
    const { busy, error } = this.submission;
    return html`
      <p class="muted">Anyone with the link can join until it expires, so send it privately. With an email address, it works once, for that address only. A link that adds roles works once.</p>
      <form @submit=${this.submit}>
        <div class="field">
          <label for="invite-email">Email address (optional)</label>
          <span class="hint" id="invite-email-hint">If given, only an account with this email can use the link, and only once.</span>
          <input id="invite-email" name="email" type="email" autocomplete="off" maxlength=${LIMITS.emailMax}
            aria-invalid=${invalidIf(error, 'email')} aria-describedby=${describedBy(error, 'email', 'invite-error', 'invite-email-hint')} />
        </div>
        ${this.canChooseRoles
          ? html`<fieldset>
              <legend>Added roles (optional)</legend>
              <span class="hint">Everyone joins as a practitioner. A link with added roles works for one person only.</span>
              ${ROLES.map(
                (role) => html`<label class="check"><input type="checkbox" name="roles" value=${role} /> ${ROLE_LABELS[role]}</label>`,
              )}
            </fieldset>`
          : nothing}
        <div class="field">
          <label for="invite-days">Valid for (days)</label>
          <input id="invite-days" name="expiresInDays" type="number" inputmode="numeric" min="1" max="90" value="14" required
            aria-invalid=${invalidIf(error, 'expiresInDays')} aria-describedby=${describedBy(error, 'expiresInDays', 'invite-error')} />
        </div>
        <p id="invite-error" class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <div><button type="submit" ?disabled=${busy}>${busy ? 'Creating…' : 'Create invite link'}</button></div>
      </form>
      ${this.invite
        ? html`<div class="result card">
            <label for="invite-link">Invite link</label>
            <div class="copy-row">
              <input id="invite-link" type="text" readonly .value=${this.invite.url} aria-describedby="invite-expiry" />
              <button type="button" class="secondary" @click=${this.copy}>Copy link</button>
            </div>
            <p id="invite-expiry" class="hint">
              ${this.invite.singleUse ? 'Works once: the first person to use it joins with it.' : 'Anyone with it can join.'}
              Expires ${formatLongDate(this.invite.expiresAt)}.
            </p>
            <p class="status" role="status">${this.copyStatus}</p>
          </div>`
        : nothing}
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      .result {
        margin-top: 1rem;
        display: grid;
        gap: 0.5rem;
        max-width: 40rem;
      }
      .copy-row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .copy-row input {
        flex: 1 1 14rem;
        min-width: 0;
      }
      .result p {
        margin: 0;
      }
      input[type='number'] {
        max-width: 8rem;
      }
    `,
  ];
}

customElements.define('stoa-invite-form', StoaInviteForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-invite-form': StoaInviteForm;
  }
}

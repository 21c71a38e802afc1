// A modal <dialog> that asks for a reason before an action (remove a post, suspend a member, a note to an
// author), then runs the action itself so a refusal (ApiError) shows inside the dialog, in a role=alert
// region, and the typed text stays. `withUntil` adds an optional "until" date (suspensions).
import { LitElement, html, nothing } from 'lit';
import { messageFor } from '../api/index.js';
import { localInputToIso } from '../format.js';
import { invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { base, dialogs, forms } from '../styles.js';

export interface ReasonAnswer {
  reason: string;
  /** ISO 8601, only with `withUntil` and when a date was given. */
  until?: string;
}

export class StoaReasonDialog extends LitElement {
  static override properties = {
    heading: { attribute: false },
    label: { attribute: false },
    hint: { attribute: false },
    confirmLabel: { attribute: false },
    maxLength: { attribute: false },
    withUntil: { attribute: false },
  };

  declare heading: string;
  declare label: string;
  declare hint: string;
  declare confirmLabel: string;
  declare maxLength: number;
  declare withUntil: boolean;

  private readonly submission = new SubmitController(this);
  private action: ((answer: ReasonAnswer) => Promise<void>) | null = null;
  private returnFocus: HTMLElement | null = null;

  constructor() {
    super();
    this.heading = '';
    this.label = 'Reason';
    this.hint = '';
    this.confirmLabel = 'Confirm';
    this.maxLength = 1000;
    this.withUntil = false;
  }

  /** Opens the dialog; `action` runs on submit and closes the dialog when it resolves. */
  async open(action: (answer: ReasonAnswer) => Promise<void>, from?: HTMLElement | null) {
    this.action = action;
    this.returnFocus = from ?? null;
    this.submission.error = null;
    await this.updateComplete;
    this.renderRoot.querySelector('form')!.reset();
    this.renderRoot.querySelector('dialog')!.showModal();
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  private onClose = () => {
    this.returnFocus?.isConnected && this.returnFocus.focus();
    this.returnFocus = null;
  };

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const action = this.action;
    if (!action) return;
    const data = new FormData(event.target as HTMLFormElement);
    const reason = String(data.get('reason') ?? '').trim();
    const until = localInputToIso(String(data.get('until') ?? ''));
    await this.submission.run(async () => {
      await action({ reason, ...(until ? { until } : {}) });
      this.close();
    });
  }

  override render() {
    const { busy, error } = this.submission;
    return html`<dialog aria-labelledby="reason-h" @close=${this.onClose}>
      <h2 id="reason-h">${this.heading}</h2>
      <form @submit=${this.submit}>
        <div class="field">
          <label for="reason-text">${this.label}</label>
          <textarea id="reason-text" name="reason" required maxlength=${this.maxLength} aria-invalid=${invalidIf(error, 'reason')}
            aria-describedby=${this.hint ? 'reason-hint' : nothing}></textarea>
          ${this.hint ? html`<span class="hint" id="reason-hint">${this.hint}</span>` : nothing}
        </div>
        ${this.withUntil
          ? html`<div class="field">
              <label for="reason-until">Until (optional)</label>
              <input id="reason-until" name="until" type="datetime-local" aria-invalid=${invalidIf(error, 'until')} aria-describedby="until-hint" />
              <span class="hint" id="until-hint">Leave empty to suspend until a moderator lifts it.</span>
            </div>`
          : nothing}
        <p class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <div class="dialog-actions">
          <button type="submit" ?disabled=${busy}>${busy ? 'Working…' : this.confirmLabel}</button>
          <button type="button" class="secondary" @click=${this.close}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }

  static override styles = [base, forms, dialogs];
}

customElements.define('stoa-reason-dialog', StoaReasonDialog);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-reason-dialog': StoaReasonDialog;
  }
}

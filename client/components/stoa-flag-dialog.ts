// The "Flag" dialog of a post: a reason (radio group) and an optional note for the moderators. A modal
// <dialog> (showModal makes the page behind it inert, so focus stays inside; Escape closes it). On
// success it closes, returns focus to the Flag button and announces the thanks.
import { LitElement, css, html } from 'lit';
import { ContextConsumer } from '@lit/context';
import { ApiError, messageFor, type Api, type FlagReason } from '../api/index.js';
import { apiContext } from '../context.js';
import { emit } from '../events.js';
import { FLAG_REASONS, MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { base, dialogs, forms } from '../styles.js';

const LABELS: Record<FlagReason, string> = {
  inappropriate: 'Inappropriate',
  offensive: 'Offensive',
  off_topic: 'Off topic',
  spam: 'Spam',
  other: 'Something else',
};

export class StoaFlagDialog extends LitElement {
  static override properties = {
    postId: { attribute: false },
    authorName: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  declare postId: string;
  /** Whose post it is, for the dialog's title. */
  declare authorName: string;
  declare busy: boolean;
  declare error: unknown;

  private readonly api = new ContextConsumer(this, { context: apiContext });
  private returnFocus: HTMLElement | null = null;

  constructor() {
    super();
    this.postId = '';
    this.authorName = '';
    this.busy = false;
    this.error = null;
  }

  /** Opens the dialog; `from` gets the focus back when it closes. */
  async open(from?: HTMLElement | null) {
    this.returnFocus = from ?? null;
    this.error = null;
    await this.updateComplete;
    const form = this.renderRoot.querySelector('form')!;
    form.reset();
    this.renderRoot.querySelector('dialog')!.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('input[name=reason]')?.focus();
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  private onClose = () => {
    this.returnFocus?.focus();
    this.returnFocus = null;
  };

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return; // never double-submit on a slow connection
    const data = new FormData(event.target as HTMLFormElement);
    const reason = String(data.get('reason') ?? '') as FlagReason;
    const note = String(data.get('note') ?? '').trim();
    this.busy = true;
    this.error = null;
    try {
      await (this.api.value as Api).moderation.flag(this.postId, { reason, ...(note ? { note } : {}) });
      this.close();
      emit(this, 'stoa-announce', { message: 'Thank you: the post is flagged and a moderator will review it.' });
      emit(this, 'stoa-post-flagged', { postId: this.postId });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'already_flagged') {
        this.close();
        emit(this, 'stoa-announce', { message: messageFor(error) });
      } else this.error = error;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const L = MODERATION_LIMITS;
    return html`<dialog aria-labelledby="flag-h" @close=${this.onClose}>
      <h2 id="flag-h">Flag ${this.authorName ? `${this.authorName}’s post` : 'this post'}</h2>
      <form @submit=${this.submit}>
        <fieldset>
          <legend>Why should a moderator look at it?</legend>
          ${FLAG_REASONS.map(
            (r, i) => html`<label class="check"><input type="radio" name="reason" value=${r} ?checked=${i === 0} required /> ${LABELS[r]}</label>`,
          )}
        </fieldset>
        <div class="field">
          <label for="flag-note">Note for the moderators (optional)</label>
          <textarea id="flag-note" name="note" maxlength=${L.flagNoteMax} aria-describedby="flag-hint"></textarea>
          <span class="hint" id="flag-hint">Only moderators see your note and that you flagged the post.</span>
        </div>
        <p class="error" role="alert">${this.error ? messageFor(this.error) : ''}</p>
        <div class="dialog-actions">
          <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Flagging…' : 'Flag post'}</button>
          <button type="button" class="secondary" @click=${this.close}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }

  static override styles = [base, forms, dialogs, css`textarea { min-height: 5rem; }`];
}

customElements.define('stoa-flag-dialog', StoaFlagDialog);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-flag-dialog': StoaFlagDialog;
  }
}

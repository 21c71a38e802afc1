// The "Flag" dialog of a post, or of a topic (`topicId` set): a reason (radio group) and an optional note for the moderators. A modal
// <dialog> (showModal makes the page behind it inert, so focus stays inside; Escape closes it). On
// success it closes, returns focus to the Flag button and announces the thanks.
import { LitElement, css, html } from 'lit';
import { ApiError, messageFor, type FlagReason } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { SubmitController } from '../form-submit-controller.js';
import { FLAG_REASONS, MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { base, dialogs, forms } from '../styles.js';

const LABELS: Record<FlagReason, string> = {
  inappropriate: 'Inappropriate',
  offensive: 'Offensive',
  off_topic: 'Off topic',
  spam: 'Spam',
  other: 'Something else',
};

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-post-flagged - I flagged the post or topic
 */
export class StoaFlagDialog extends LitElement {
  static override properties = {
    postId: { attribute: false },
    topicId: { attribute: false },
    authorName: { attribute: false },
  };

  declare postId: string;
  /** Set to flag a topic (its title, text and prompts) instead of a post. */
  declare topicId: string;
  /** Whose post it is, for the dialog's title. */
  declare authorName: string;

  private readonly api = new ApiConsumer(this);
  /** A refusal shows in the role=alert region; focus stays where it was. */
  private readonly submission = new SubmitController(this, { focus: null });
  private returnFocus: HTMLElement | null = null;

  constructor() {
    super();
    this.postId = '';
    this.topicId = '';
    this.authorName = '';
  }

  /** Opens the dialog; `from` gets the focus back when it closes. */
  async open(from?: HTMLElement | null) {
    this.returnFocus = from ?? null;
    this.submission.error = null;
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
    const data = new FormData(event.target as HTMLFormElement);
    const reason = String(data.get('reason') ?? '') as FlagReason;
    const note = String(data.get('note') ?? '').trim();
    // The controller never sends twice on a slow connection.
    await this.submission.run(async () => {
      try {
        const body = { reason, ...(note ? { note } : {}) };
        const api = this.api.client.moderation;
        await (this.topicId ? api.flagTopic(this.topicId, body) : api.flag(this.postId, body));
      } catch (error) {
        // Flagged before: nothing to correct in the form, so it closes and says so.
        if (!(error instanceof ApiError && error.code === 'already_flagged')) throw error;
        this.close();
        emit(this, 'stoa-announce', { message: messageFor(error) });
        return;
      }
      this.close();
      emit(this, 'stoa-announce', { message: `Thank you: the ${this.what} is flagged and a moderator will review it.` });
      if (!this.topicId) emit(this, 'stoa-post-flagged', { postId: this.postId });
    });
  }

  private get what() {
    return this.topicId ? 'topic' : 'post';
  }

  override render() {
    const L = MODERATION_LIMITS;
    const { busy, error } = this.submission;
    return html`<dialog aria-labelledby="flag-h" @close=${this.onClose}>
      <h2 id="flag-h">Flag ${this.authorName ? `${this.authorName}’s ${this.what}` : `this ${this.what}`}</h2>
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
          <span class="hint" id="flag-hint">Only moderators see your note and that you flagged the ${this.what}.</span>
        </div>
        <p class="error" role="alert">${error ? messageFor(error) : ''}</p>
        <div class="dialog-actions">
          <button type="submit" ?disabled=${busy}>${busy ? 'Flagging…' : `Flag ${this.what}`}</button>
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

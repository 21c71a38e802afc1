// <stoa-flag-dialog post-id="…">: lets a member flag a post with a reason and an optional note.
// Fires `flagged` (detail: the flag) on success and `close` when dismissed.
import { LitElement, css, html } from 'lit';
import { FLAG_REASONS, MODERATION_LIMITS, type FlagReason } from '../../shared/schemas/moderation.js';
import { api, ApiError } from './moderation-api.js';

const LABELS: Record<FlagReason, string> = {
  inappropriate: 'Inappropriate',
  offensive: 'Offensive',
  off_topic: 'Off topic',
  spam: 'Spam',
  other: 'Something else',
};

export class StoaFlagDialog extends LitElement {
  static override properties = {
    postId: { type: String, attribute: 'post-id' },
    reason: { state: true },
    note: { state: true },
    busy: { state: true },
    error: { state: true },
    done: { state: true },
  };
  static override styles = css`
    form { display: grid; gap: 0.5rem; max-width: 28rem; }
    .error { color: #a00; }
    textarea { min-height: 4rem; }
  `;
  declare postId: string;
  declare reason: FlagReason;
  declare note: string;
  declare busy: boolean;
  declare error: string;
  declare done: boolean;

  constructor() {
    super();
    this.postId = '';
    this.reason = 'inappropriate';
    this.note = '';
    this.busy = false;
    this.error = '';
    this.done = false;
  }

  private async submit(e: Event) {
    e.preventDefault();
    if (this.busy) return; // never double-submit on a slow connection
    this.busy = true;
    this.error = '';
    try {
      const flag = await api('POST', `/api/posts/${this.postId}/flags`, { reason: this.reason, ...(this.note.trim() ? { note: this.note } : {}) });
      this.done = true;
      this.dispatchEvent(new CustomEvent('flagged', { detail: flag, bubbles: true, composed: true }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'already_flagged') this.done = true;
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.done) {
      return html`<p role="status">${this.error || 'Thank you — a moderator will review this post.'}</p>
        <button @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }))}>Close</button>`;
    }
    return html`<form @submit=${this.submit} aria-label="Flag this post">
      <fieldset>
        <legend>Why should a moderator look at this post?</legend>
        ${FLAG_REASONS.map(
          (r) => html`<label><input type="radio" name="reason" .value=${r} .checked=${this.reason === r} @change=${() => (this.reason = r)} /> ${LABELS[r]}</label><br />`,
        )}
      </fieldset>
      <label>Note for the moderators (optional)
        <textarea maxlength=${MODERATION_LIMITS.flagNoteMax} .value=${this.note} @input=${(e: Event) => (this.note = (e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div>
        <button type="submit" ?disabled=${this.busy}>Flag post</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }))}>Cancel</button>
      </div>
    </form>`;
  }
}
customElements.define('stoa-flag-dialog', StoaFlagDialog);

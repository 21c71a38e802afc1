// The edit box of my own post (inside <stoa-post>): the text with a live preview, "Save edit" and "Cancel".
// It only shows and reports: <stoa-post> (its PostEditController) keeps the text and its draft, saves with the
// version the edit started from, and shows a refusal in the post's alert.
import { LitElement, css, html } from 'lit';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import './stoa-markdown-preview.js';

/**
 * Its events do not bubble: the post listens on the element.
 * @fires stoa-post-edit-input - the member typed: `{ body }`, the edit box's text
 * @fires stoa-post-edit-save - "Save edit": `{ body }`
 * @fires stoa-post-edit-cancel - "Cancel"
 */
export class StoaPostEditForm extends LitElement {
  static override properties = {
    postId: { attribute: false },
    text: { attribute: false },
    saving: { attribute: false },
  };

  declare postId: string;
  /** The text in the edit box. */
  declare text: string;
  /** A save runs: its button says so and sends nothing more. */
  declare saving: boolean;

  constructor() {
    super();
    this.postId = '';
    this.text = '';
    this.saving = false;
  }

  /** Puts the keyboard in the edit box. */
  override focus() {
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }

  private tell(type: 'stoa-post-edit-input' | 'stoa-post-edit-save' | 'stoa-post-edit-cancel', detail: { body: string } | Record<string, never>) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.tell('stoa-post-edit-save', { body: this.text });
  }

  override render() {
    const id = `edit-${this.postId}`;
    return html`<form class="edit" @submit=${this.onSubmit}>
      <label for=${id}>Edit your post</label>
      <textarea id=${id} name="body" required maxlength=${LIMITS.postBodyMax} .value=${this.text}
        @input=${(e: Event) => this.tell('stoa-post-edit-input', { body: (e.target as HTMLTextAreaElement).value })}></textarea>
      <stoa-markdown-preview .source=${this.text} .label=${'Preview of your edit'}></stoa-markdown-preview>
      <div class="row">
        <button type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save edit'}</button>
        <button type="button" class="secondary" @click=${() => this.tell('stoa-post-edit-cancel', {})}>Cancel</button>
      </div>
    </form>`;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      form.edit {
        max-width: none;
        gap: 0.5rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
    `,
  ];
}

customElements.define('stoa-post-edit-form', StoaPostEditForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-post-edit-form': StoaPostEditForm;
  }
  interface HTMLElementEventMap {
    'stoa-post-edit-input': CustomEvent<{ body: string }>;
    'stoa-post-edit-save': CustomEvent<{ body: string }>;
    'stoa-post-edit-cancel': CustomEvent<Record<string, never>>;
  }
}

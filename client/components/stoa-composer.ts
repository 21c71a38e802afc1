// The reply composer: markdown textarea with a live preview (the same shared markdown module as the
// server), a draft kept in localStorage (survives reloads and lost connections; cleared only after the
// server confirmed the post) and an idempotent submit: the Idempotency-Key is chosen once per draft text
// and reused on retry, so "post again" after a failed response never makes a second post.
import { LitElement, css, html, nothing } from 'lit';
import { ApiError, messageFor } from '../api/index.js';
import { ContextConsumer } from '@lit/context';
import { ApiConsumer, communityIdContext } from '../context.js';
import { MentionAutocomplete } from '../controllers/mention-autocomplete.js';
import { clearDraft, idempotencyKeyFor, loadDraft, pruneDrafts, saveDraft, type DraftPlace } from '../drafts.js';
import { emit } from '../events.js';
import { SubmitController } from '../form-submit-controller.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import './stoa-markdown-preview.js';
import { MENTIONS_MAX, mentionedHandles } from '../../shared/mentions.js';
import { withQuote } from '../quote.js';

let composerCount = 0;

// Once per page load, before any composer (or the topic page, which opens reply composers that have a draft)
// reads a draft: old drafts would otherwise stay in localStorage for ever.
pruneDrafts();

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-post-created - my reply was posted (the topic page adds it to its thread)
 */
export class StoaComposer extends LitElement {
  static override properties = {
    topicId: { attribute: false },
    promptId: { attribute: false },
    parentId: { attribute: false },
    label: { attribute: false },
    disabledReason: { attribute: false },
    body: { state: true },
    status: { state: true },
  };

  declare topicId: string;
  declare promptId: string | null;
  declare parentId: string | null;
  /** The textarea's label, e.g. "Your reply to prompt 1". */
  declare label: string;
  /** Why replying is not possible here (closed, locked, not open yet, suspended), or null. */
  declare disabledReason: string | null;
  declare body: string;
  declare status: string;

  private readonly api = new ApiConsumer(this);
  private readonly community = new ContextConsumer(this, { context: communityIdContext, subscribe: true });
  private readonly mentions = new MentionAutocomplete(this, this.api, () => this.community.value ?? null);
  /** Any failure is about the one textarea, whatever field the server names. */
  private readonly submission = new SubmitController(this, { focus: (root) => root.querySelector('textarea')?.focus() });
  private readonly uid = `composer-${++composerCount}`;
  private loadedFor = '';

  constructor() {
    super();
    this.topicId = '';
    this.promptId = null;
    this.parentId = null;
    this.label = 'Your reply';
    this.disabledReason = null;
    this.body = '';
    this.status = '';
  }

  private get place(): DraftPlace {
    return { topicId: this.topicId, promptId: this.promptId, parentId: this.parentId };
  }

  override willUpdate(changed: Map<string, unknown>) {
    // Load the saved draft for this place (on first render and if the element is reused for another place).
    const placeKey = `${this.topicId}|${this.promptId}|${this.parentId}`;
    if (this.topicId && placeKey !== this.loadedFor) {
      this.loadedFor = placeKey;
      const draft = loadDraft(this.place);
      this.body = draft?.body ?? '';
      if (draft?.body) this.status = 'Your unsent draft is restored.';
    }
    void changed;
  }

  /** Focuses the text box (after "Reply" opened this composer, or the `r` shortcut). */
  override focus(options?: FocusOptions) {
    this.renderRoot.querySelector('textarea')?.focus(options);
  }

  /** Adds a quote (the "Quote" action of a post) after the text, keeps it as the draft and puts the caret below it. */
  insertQuote(quote: string) {
    this.body = withQuote(this.body, quote);
    const previous = loadDraft(this.place);
    saveDraft(this.place, { body: this.body, idempotencyKey: previous?.idempotencyKey ?? null, keyBody: previous?.keyBody ?? null });
    this.status = '';
    void this.updateComplete.then(() => {
      const box = this.renderRoot.querySelector('textarea');
      if (!box) return;
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
  }

  private onInput(event: InputEvent) {
    this.body = (event.target as HTMLTextAreaElement).value;
    this.mentions.onInput(event.target as HTMLTextAreaElement);
    this.status = '';
    // Save on every keystroke: a reload or a crash a second later must not lose the text. The stored
    // Idempotency-Key stays with the text it was made for; idempotencyKeyFor() makes a new one for new text.
    const previous = loadDraft(this.place);
    saveDraft(this.place, { body: this.body, idempotencyKey: previous?.idempotencyKey ?? null, keyBody: previous?.keyBody ?? null });
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    if (this.submission.busy || this.disabledReason) return; // never two submissions at once
    const body = this.body;
    if (!body.trim()) {
      this.submission.error = new ApiError(400, 'empty_text', 'Write something first.', 'body');
      return;
    }
    const draft = loadDraft(this.place);
    const idempotencyKey = idempotencyKeyFor(draft, body);
    // Remember the key with the text before sending: if the response is lost, the retry reuses it.
    saveDraft(this.place, { body, idempotencyKey, keyBody: body });
    await this.submission.run(async () => {
      this.status = '';
      const post = await this.api.client.posts.create(
        this.topicId,
        { body, ...(this.parentId ? { parentId: this.parentId } : this.promptId ? { promptId: this.promptId } : {}) },
        idempotencyKey,
      );
      clearDraft(this.place);
      this.body = '';
      emit(this, 'stoa-post-created', { post });
      emit(this, 'stoa-announce', { message: 'Your reply is posted.' });
    });
  }

  /** Who a mention will reach, said before posting: members only, the first ten. */
  private mentionNote() {
    const handles = mentionedHandles(this.body);
    if (handles.length === 0) return nothing;
    const told = handles.slice(0, MENTIONS_MAX).map((h) => `@${h}`).join(', ');
    const more = handles.length > MENTIONS_MAX ? ` Only the first ${MENTIONS_MAX} people you mention are notified.` : '';
    return html`<p class="muted small mention-note" role="note">Mentioned: ${told}. Members of this community are notified; anyone else is not.${more}</p>`;
  }

  override render() {
    const { uid } = this;
    const { busy, error } = this.submission;
    if (this.disabledReason) {
      return html`<p class="disabled muted" role="note">${this.disabledReason}</p>`;
    }
    const errorText = error
      ? `${messageFor(error)}${error instanceof ApiError && (error.status === 0 || error.status >= 500) ? ' Your reply is kept here; posting it again will not post it twice.' : ''}`
      : '';
    return html`
      <form @submit=${this.submit}>
        <div class="field">
          <label for=${`${uid}-body`}>${this.label}</label>
          <span class="hint" id=${`${uid}-hint`}>Markdown works: **bold**, *italic*, - lists, [links](https://…). Your draft is saved on this device.</span>
          <textarea id=${`${uid}-body`} name="body" .value=${this.body} @input=${this.onInput} maxlength=${LIMITS.postBodyMax}
            @keydown=${(e: KeyboardEvent) => this.mentions.onKeydown(e, e.target as HTMLTextAreaElement)}
            @blur=${() => this.mentions.close()}
            aria-autocomplete="list" aria-controls=${this.mentions.open ? `${uid}-mentions` : nothing}
            aria-activedescendant=${this.mentions.open ? `${uid}-mentions-${this.mentions.active}` : nothing}
            ?readonly=${busy /* success clears the box: text typed while posting would be lost with it */}
            aria-invalid=${error ? 'true' : 'false'} aria-describedby=${`${uid}-hint${error ? ` ${uid}-error` : ''}`}></textarea>
          ${this.mentions.render(`${uid}-mentions`, () => this.renderRoot.querySelector<HTMLTextAreaElement>(`#${uid}-body`))}
        </div>
        <stoa-markdown-preview .source=${this.body}>${this.mentionNote()}</stoa-markdown-preview>
        <p class="error" role="alert" id=${`${uid}-error`}>${errorText}</p>
        <div class="actions">
          <button type="submit" ?disabled=${busy}>${busy ? 'Posting…' : 'Post reply'}</button>
          <span class="status" role="status">${this.status}</span>
        </div>
      </form>
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      form {
        max-width: none;
        gap: 0.5rem;
      }
      .error:empty {
        display: none;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
      .field {
        position: relative;
      }
      .mentions {
        list-style: none;
        margin: 0;
        padding: 0.25rem 0;
        border: 1px solid var(--stoa-border);
        border-radius: 0.35rem;
        background: var(--stoa-surface);
        max-width: 24rem;
      }
      .mentions li {
        padding: 0.35rem 0.75rem;
        cursor: pointer;
      }
      .mentions li[aria-selected='true'] {
        background: var(--stoa-surface-muted);
        outline: 2px solid var(--stoa-focus, currentColor);
        outline-offset: -2px;
      }
      .disabled {
        margin: 0;
        padding: 0.5rem 0.75rem;
        background: var(--stoa-surface-sunken);
        border-radius: 0.35rem;
      }
    `,
  ];
}

customElements.define('stoa-composer', StoaComposer);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-composer': StoaComposer;
  }
}

// A CPD topic's prompt, for its facilitators: "Add a prompt" (no `prompt`), or "Edit prompt" (`prompt` set: the
// question, release time and answer-first as they are, and only what changed is sent; the server keeps the old
// question as a revision). The question (markdown) has a live preview; an optional release time keeps it for
// facilitators only until then (marked as scheduled); "answer before you see others". What is typed is kept as a
// draft (per topic for a new prompt, per prompt for an edit; client/drafts.ts) until the server accepts it.
import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { messageFor, type Prompt } from '../api/index.js';
import type { UpdatePromptBody } from '../api/topics.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { isoToLocalInput, localInputToIso } from '../format.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import { clearFormDraft, loadFormDraft, saveFormDraft } from '../drafts.js';
import './stoa-markdown-preview.js';

interface PromptFields {
  body: string;
  releaseAt: string;
  answerFirst: boolean;
}

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-prompt-added - a facilitator added a prompt
 * @fires stoa-prompt-changed - a facilitator edited this prompt
 * @fires stoa-edit-closed - the edit was saved or cancelled (the page closes the form)
 */
export class StoaPromptForm extends LitElement {
  static override properties = {
    topicId: { attribute: false },
    prompt: { attribute: false },
    fields: { state: true },
  };

  declare topicId: string;
  /** The prompt being edited, or null to add one. */
  declare prompt: Prompt | null;
  /** What is typed (its preview and draft). */
  declare fields: PromptFields;
  private draftFor: string | null = null;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);

  constructor() {
    super();
    this.topicId = '';
    this.prompt = null;
    this.fields = { body: '', releaseAt: '', answerFirst: false };
  }

  /** The body as typed (kept for callers and tests that read it). */
  get body() {
    return this.fields.body;
  }

  private get draftKey() {
    return this.prompt ? `edit-prompt:${this.prompt.id}` : `new-prompt:${this.topicId}`;
  }

  private saved(): PromptFields {
    const p = this.prompt;
    return p ? { body: p.bodyMd ?? '', releaseAt: isoToLocalInput(p.releaseAt), answerFirst: p.answerFirst } : { body: '', releaseAt: '', answerFirst: false };
  }

  override willUpdate() {
    if (this.topicId && this.draftKey !== this.draftFor) {
      this.draftFor = this.draftKey;
      const draft = loadFormDraft<Partial<PromptFields>>(this.draftKey);
      const saved = this.saved();
      this.fields = draft
        ? {
            body: typeof draft.body === 'string' ? draft.body : saved.body,
            releaseAt: typeof draft.releaseAt === 'string' ? draft.releaseAt : saved.releaseAt,
            answerFirst: typeof draft.answerFirst === 'boolean' ? draft.answerFirst : saved.answerFirst,
          }
        : saved;
    }
  }

  override firstUpdated() {
    if (this.prompt) this.renderRoot.querySelector('textarea')?.focus();
  }

  private onInput(event: Event) {
    const field = event.target as HTMLInputElement;
    if (field.name === 'answerFirst') this.fields = { ...this.fields, answerFirst: field.checked };
    else if (field.name === 'body' || field.name === 'releaseAt') this.fields = { ...this.fields, [field.name]: field.value };
    else return;
    const untouched = JSON.stringify(this.fields) === JSON.stringify(this.saved());
    if (untouched) clearFormDraft(this.draftKey);
    else saveFormDraft(this.draftKey, this.fields);
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const f = this.fields;
    const prompt = this.prompt;
    if (prompt) {
      const saved = this.saved();
      const patch: UpdatePromptBody = {};
      if (f.body !== saved.body) patch.body = f.body;
      if (f.releaseAt !== saved.releaseAt) patch.releaseAt = localInputToIso(f.releaseAt) ?? null;
      if (f.answerFirst !== saved.answerFirst) patch.answerFirst = f.answerFirst;
      if (Object.keys(patch).length === 0) return this.cancel();
      await this.submission.run(async () => {
        const changed = await this.api.client.topics.updatePrompt(this.topicId, prompt.id, patch);
        clearFormDraft(this.draftKey);
        emit(this, 'stoa-prompt-changed', { prompt: changed });
        emit(this, 'stoa-announce', { message: `Prompt ${changed.position} is saved.` });
        emit(this, 'stoa-edit-closed', {});
      });
      return;
    }
    const releaseAt = localInputToIso(f.releaseAt);
    await this.submission.run(async () => {
      const added = await this.api.client.topics.addPrompt(this.topicId, {
        body: f.body,
        ...(releaseAt ? { releaseAt } : {}),
        answerFirst: f.answerFirst,
      });
      form.reset();
      this.fields = { body: '', releaseAt: '', answerFirst: false };
      clearFormDraft(this.draftKey);
      emit(this, 'stoa-prompt-added', { prompt: added });
      emit(this, 'stoa-announce', { message: added.scheduled ? 'The prompt is scheduled.' : 'The prompt is added.' });
    });
  }

  /** Cancel an edit: its draft goes, nothing is saved. */
  private cancel() {
    clearFormDraft(this.draftKey);
    emit(this, 'stoa-edit-closed', {});
  }

  override render() {
    const { busy, error } = this.submission;
    const f = this.fields;
    const editing = this.prompt !== null;
    const label = editing ? `Edit prompt ${this.prompt!.position}` : 'New prompt';
    return html`<form @submit=${this.submit} @input=${this.onInput} @change=${this.onInput}>
      <div class="field">
        <label for="prompt-body">${label}</label>
        <span class="hint" id="prompt-body-hint">An open question, in markdown.${editing ? ' The earlier wording stays in the topic’s history.' : ''}</span>
        <textarea id="prompt-body" name="body" required maxlength=${LIMITS.promptBodyMax} aria-invalid=${invalidIf(error, 'body')}
          .value=${live(f.body)} aria-describedby=${describedBy(error, 'body', 'prompt-error', 'prompt-body-hint')}></textarea>
      </div>
      <stoa-markdown-preview .source=${f.body} .label=${editing ? `Preview of prompt ${this.prompt!.position}` : 'Preview of the new prompt'}></stoa-markdown-preview>
      <div class="field">
        <label for="prompt-release">Release at (optional)</label>
        <span class="hint" id="prompt-release-hint">Until then only the topic's facilitators see it.</span>
        <input id="prompt-release" name="releaseAt" type="datetime-local" .value=${live(f.releaseAt)} aria-invalid=${invalidIf(error, 'releaseAt')}
          aria-describedby=${describedBy(error, 'releaseAt', 'prompt-error', 'prompt-release-hint')} />
      </div>
      <label class="check"><input type="checkbox" name="answerFirst" .checked=${live(f.answerFirst)} /> Members answer before they see others' replies</label>
      <p class="error" role="alert" id="prompt-error">${error ? messageFor(error) : ''}</p>
      <div class="actions">
        <button type="submit" ?disabled=${busy}>${busy ? (editing ? 'Saving…' : 'Adding…') : editing ? 'Save prompt' : 'Add prompt'}</button>
        ${editing ? html`<button type="button" class="secondary" @click=${this.cancel}>Cancel</button>` : nothing}
      </div>
    </form>`;
  }

  static override styles = [
    base,
    forms,
    css`
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ];
}

customElements.define('stoa-prompt-form', StoaPromptForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-prompt-form': StoaPromptForm;
  }
}

// "Add a prompt" for a CPD topic's facilitators: the question (markdown), an optional release time (until
// then only facilitators see it, marked as scheduled) and "answer before you see others". The question has a
// live preview and is kept as a draft (per topic, client/drafts.ts) until the prompt is added.
import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { localInputToIso } from '../format.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import { clearFormDraft, loadFormDraft, saveFormDraft } from '../drafts.js';
import './stoa-markdown-preview.js';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-prompt-added - a facilitator added a prompt
 */
export class StoaPromptForm extends LitElement {
  static override properties = {
    topicId: { attribute: false },
    body: { state: true },
  };

  declare topicId: string;
  /** The question as typed (its preview and draft). */
  declare body: string;
  private draftFor: string | null = null;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);

  constructor() {
    super();
    this.topicId = '';
    this.body = '';
  }

  private get draftKey() {
    return `new-prompt:${this.topicId}`;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('topicId') && this.topicId && this.topicId !== this.draftFor) {
      this.draftFor = this.topicId;
      this.body = loadFormDraft<{ body?: string }>(this.draftKey)?.body ?? '';
    }
  }

  private onBody(event: Event) {
    this.body = (event.target as HTMLTextAreaElement).value;
    if (this.body) saveFormDraft(this.draftKey, { body: this.body });
    else clearFormDraft(this.draftKey);
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const values = formValues(form);
    const releaseAt = localInputToIso(values.releaseAt);
    await this.submission.run(async () => {
      const prompt = await this.api.client.topics.addPrompt(this.topicId, {
        body: this.body,
        ...(releaseAt ? { releaseAt } : {}),
        answerFirst: values.answerFirst === 'on',
      });
      form.reset();
      this.body = '';
      clearFormDraft(this.draftKey);
      emit(this, 'stoa-prompt-added', { prompt });
      emit(this, 'stoa-announce', { message: prompt.scheduled ? 'The prompt is scheduled.' : 'The prompt is added.' });
    });
  }

  override render() {
    const { busy, error } = this.submission;
    return html`<form @submit=${this.submit}>
      <div class="field">
        <label for="prompt-body">New prompt</label>
        <span class="hint" id="prompt-body-hint">An open question, in markdown.</span>
        <textarea id="prompt-body" name="body" required maxlength=${LIMITS.promptBodyMax} aria-invalid=${invalidIf(error, 'body')}
          .value=${live(this.body)} @input=${this.onBody}
          aria-describedby=${describedBy(error, 'body', 'prompt-error', 'prompt-body-hint')}></textarea>
      </div>
      <stoa-markdown-preview .source=${this.body} .label=${'Preview of the new prompt'}></stoa-markdown-preview>
      <div class="field">
        <label for="prompt-release">Release at (optional)</label>
        <span class="hint" id="prompt-release-hint">Until then only the topic's facilitators see it.</span>
        <input id="prompt-release" name="releaseAt" type="datetime-local" aria-invalid=${invalidIf(error, 'releaseAt')}
          aria-describedby=${describedBy(error, 'releaseAt', 'prompt-error', 'prompt-release-hint')} />
      </div>
      <label class="check"><input type="checkbox" name="answerFirst" /> Members answer before they see others' replies</label>
      <p class="error" role="alert" id="prompt-error">${error ? messageFor(error) : ''}</p>
      <div><button type="submit" ?disabled=${busy}>${busy ? 'Adding…' : 'Add prompt'}</button></div>
    </form>`;
  }

  static override styles = [base, forms];
}

customElements.define('stoa-prompt-form', StoaPromptForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-prompt-form': StoaPromptForm;
  }
}

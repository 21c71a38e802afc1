// "Edit topic" on the topic page, for those who may edit it (a CPD topic's facilitators, a practice problem's
// author): the title, the article (or the problem's description) with a live preview, and for a CPD topic its
// source link and schedule (opens/closes). Only what changed is sent (PATCH /api/topics/:id); the server keeps
// the old title and text as a revision. What is typed is kept as a draft (per topic) until saved or cancelled.
// A refusal names its field, which is marked and focused.
import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { messageFor, type TopicDetail } from '../api/index.js';
import type { UpdateTopicBody } from '../api/topics.js';
import { ApiConsumer } from '../context.js';
import { clearFormDraft, loadFormDraft, saveFormDraft } from '../drafts.js';
import { emit } from '../events.js';
import { describedBy, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { isoToLocalInput, localInputToIso } from '../format.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import './stoa-markdown-preview.js';

interface TopicFields {
  title: string;
  text: string;
  articleUrl: string;
  opensAt: string;
  closesAt: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-topic-edited - the topic as saved
 * @fires stoa-edit-closed - the form was cancelled or saved (the page closes it)
 */
export class StoaTopicEditForm extends LitElement {
  static override properties = {
    topic: { attribute: false },
    fields: { state: true },
    restored: { state: true },
  };

  declare topic: TopicDetail;
  declare fields: TopicFields;
  declare restored: boolean;
  private loadedFor: string | null = null;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);

  constructor() {
    super();
    this.fields = { title: '', text: '', articleUrl: '', opensAt: '', closesAt: '' };
    this.restored = false;
  }

  private get isCpd() {
    return this.topic.kind === 'cpd';
  }

  /** The API's name for the text: a CPD topic's article, a practice problem's body. */
  private get textField(): 'article' | 'body' {
    return this.isCpd ? 'article' : 'body';
  }

  private get draftKey() {
    return `edit-topic:${this.topic.id}`;
  }

  /** The topic's fields as saved. */
  private saved(): TopicFields {
    const t = this.topic;
    return { title: t.title ?? '', text: t.bodyMd ?? '', articleUrl: t.articleUrl ?? '', opensAt: isoToLocalInput(t.opensAt), closesAt: isoToLocalInput(t.closesAt) };
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('topic') && this.topic && this.topic.id !== this.loadedFor) {
      this.loadedFor = this.topic.id;
      const draft = loadFormDraft<Partial<TopicFields>>(this.draftKey);
      const saved = this.saved();
      this.fields = draft
        ? { title: str(draft.title), text: str(draft.text), articleUrl: str(draft.articleUrl), opensAt: str(draft.opensAt), closesAt: str(draft.closesAt) }
        : saved;
      this.restored = draft !== null;
    }
  }

  override firstUpdated() {
    this.renderRoot.querySelector<HTMLInputElement>('input[name=title]')?.focus();
  }

  private onInput(event: Event) {
    const field = event.target as HTMLInputElement;
    const name = field.name === this.textField ? 'text' : field.name;
    if (!(name in this.fields)) return;
    this.fields = { ...this.fields, [name]: field.value };
    saveFormDraft(this.draftKey, this.fields);
  }

  /** Only what differs from the topic as saved. */
  private patch(): UpdateTopicBody {
    const f = this.fields;
    const saved = this.saved();
    const out: UpdateTopicBody = {};
    if (f.title !== saved.title) out.title = f.title;
    if (f.text !== saved.text) out[this.textField] = f.text;
    if (this.isCpd) {
      if (f.articleUrl.trim() !== saved.articleUrl) out.articleUrl = f.articleUrl.trim() || null;
      if (f.opensAt !== saved.opensAt) out.opensAt = localInputToIso(f.opensAt) ?? null;
      if (f.closesAt !== saved.closesAt) out.closesAt = localInputToIso(f.closesAt) ?? null;
    }
    return out;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const patch = this.patch();
    if (Object.keys(patch).length === 0) {
      this.close();
      return;
    }
    await this.submission.run(async () => {
      const topic = await this.api.client.topics.update(this.topic.id, patch);
      clearFormDraft(this.draftKey);
      emit(this, 'stoa-topic-edited', { topic });
      emit(this, 'stoa-announce', { message: 'Your changes to the topic are saved.' });
      emit(this, 'stoa-edit-closed', {});
    });
  }

  /** Cancel: the draft goes, nothing is saved. */
  private close() {
    clearFormDraft(this.draftKey);
    emit(this, 'stoa-edit-closed', {});
  }

  override render() {
    const { busy, error } = this.submission;
    const f = this.fields;
    const textLabel = this.isCpd ? 'Article' : 'The problem';
    return html`<form @submit=${this.submit} @input=${this.onInput} aria-labelledby="edit-topic-h">
      <h2 id="edit-topic-h">Edit the topic</h2>
      ${this.restored ? html`<p class="muted" role="status">Your unsaved changes are restored.</p>` : nothing}
      <div class="field">
        <label for="edit-title">Title</label>
        <input id="edit-title" name="title" type="text" required maxlength=${LIMITS.titleMax} .value=${live(f.title)}
          aria-invalid=${invalidIf(error, 'title')} aria-describedby=${describedBy(error, 'title', 'edit-error')} />
      </div>
      <div class="field">
        <label for="edit-text">${textLabel}</label>
        <span class="hint" id="edit-text-hint">Markdown. The earlier version stays in the topic's history.</span>
        <textarea id="edit-text" name=${this.textField} class="tall" required maxlength=${this.isCpd ? LIMITS.articleMax : LIMITS.postBodyMax}
          .value=${live(f.text)} aria-invalid=${invalidIf(error, this.textField)}
          aria-describedby=${describedBy(error, this.textField, 'edit-error', 'edit-text-hint')}></textarea>
      </div>
      <stoa-markdown-preview .source=${f.text} .label=${'Preview of your changes'}></stoa-markdown-preview>
      ${this.isCpd
        ? html`<div class="field">
              <label for="edit-url">Source link (optional)</label>
              <input id="edit-url" name="articleUrl" type="url" placeholder="https://" maxlength=${LIMITS.urlMax} .value=${live(f.articleUrl)}
                aria-invalid=${invalidIf(error, 'articleUrl')} aria-describedby=${describedBy(error, 'articleUrl', 'edit-error')} />
            </div>
            <fieldset>
              <legend>Schedule (optional)</legend>
              <div class="row">
                <div class="field">
                  <label for="edit-opens">Opens at</label>
                  <input id="edit-opens" name="opensAt" type="datetime-local" .value=${live(f.opensAt)} aria-invalid=${invalidIf(error, 'opensAt')}
                    aria-describedby=${describedBy(error, 'opensAt', 'edit-error', 'edit-opens-hint')} />
                  <span class="hint" id="edit-opens-hint">Before then only facilitators see the topic. Empty: open now.</span>
                </div>
                <div class="field">
                  <label for="edit-closes">Closes at</label>
                  <input id="edit-closes" name="closesAt" type="datetime-local" .value=${live(f.closesAt)} aria-invalid=${invalidIf(error, 'closesAt')}
                    aria-describedby=${describedBy(error, 'closesAt', 'edit-error', 'edit-closes-hint')} />
                  <span class="hint" id="edit-closes-hint">After that it is read-only. Empty: no end.</span>
                </div>
              </div>
            </fieldset>`
        : nothing}
      <p class="error" role="alert" id="edit-error">${error ? messageFor(error) : ''}</p>
      <div class="row">
        <button type="submit" ?disabled=${busy}>${busy ? 'Saving…' : 'Save changes'}</button>
        <button type="button" class="secondary" @click=${this.close}>Cancel</button>
      </div>
    </form>`;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        margin: 1rem 0;
      }
      form {
        max-width: 40rem;
      }
      h2 {
        font-size: 1.2rem;
        margin: 0;
      }
      textarea.tall {
        min-height: 12rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 1rem;
      }
      .row .field {
        flex: 1 1 14rem;
      }
      .error:empty {
        display: none;
      }
    `,
  ];
}

customElements.define('stoa-topic-edit-form', StoaTopicEditForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-topic-edit-form': StoaTopicEditForm;
  }
}

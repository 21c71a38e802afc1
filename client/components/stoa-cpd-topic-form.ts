// "New CPD topic" (facilitators): title, article (markdown) with an optional source link, 1–10 prompts
// (each with an optional release time and "answer before you see others"), an optional schedule
// (opensAt/closesAt) and guest facilitators chosen from the member list. The server names the field of a
// validation error (e.g. `prompts.1.body`); that field is marked and focused. On success the topic opens.
// The article and every prompt have a live preview; what is typed is kept as a draft (one per community,
// client/drafts.ts) until the topic is created, so a reload or a lost connection loses nothing.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { repeat } from 'lit/directives/repeat.js';
import { live } from 'lit/directives/live.js';
import { fieldOf, messageFor, type Community } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { fieldPathOf, focusErrorPath, invalidIf, invalidIfPath } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { localInputToIso } from '../format.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import type { CreateTopicBody } from '../../shared/schemas/topics.js';
import { clearFormDraft, loadFormDraft, saveFormDraft } from '../drafts.js';
import './stoa-markdown-preview.js';

/** The form's single fields as typed (datetime-local values as the inputs hold them). */
interface CpdFields {
  title: string;
  article: string;
  articleUrl: string;
  opensAt: string;
  closesAt: string;
}

/** What the draft keeps: the fields and the prompts (not the guest facilitators: the member list may change). */
interface CpdDraft extends CpdFields {
  prompts: Array<Omit<PromptDraft, 'key'>>;
}

const emptyFields = (): CpdFields => ({ title: '', article: '', articleUrl: '', opensAt: '', closesAt: '' });
const str = (v: unknown) => (typeof v === 'string' ? v : '');

interface PromptDraft {
  /** Stable key for rendering (prompts can be removed from the middle). */
  key: number;
  body: string;
  releaseAt: string;
  answerFirst: boolean;
}

let promptKeys = 0;
const emptyPrompt = (): PromptDraft => ({ key: ++promptKeys, body: '', releaseAt: '', answerFirst: false });

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-navigate - go to another app path (e.g. the new topic)
 */
export class StoaCpdTopicForm extends LitElement {
  static override properties = {
    community: { attribute: false },
    prompts: { state: true },
    fields: { state: true },
    restored: { state: true },
  };

  declare community: Community | null;
  declare prompts: PromptDraft[];
  declare fields: CpdFields;
  /** A draft was restored: the form says so. */
  declare restored: boolean;
  /** The community whose draft the form holds. */
  private draftFor: string | null = null;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  /** Errors name exact paths (`prompts.1.body`): focus that prompt's field, not the first of its name. */
  private readonly submission = new SubmitController(this, { focus: focusErrorPath });

  /** Other members, for guest facilitators (the member list is open to facilitators). */
  private readonly members = new Task(this, {
    task: async ([communityId], { signal }) => {
      if (!communityId) return initialState;
      return (await this.api.client.communities.listMembers(communityId, signal)).items;
    },
    args: () => [this.community?.id] as const,
  });

  constructor() {
    super();
    this.community = null;
    this.prompts = [emptyPrompt()];
    this.fields = emptyFields();
    this.restored = false;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    const id = this.community?.id ?? null;
    if (changed.has('community') && id !== this.draftFor) {
      this.draftFor = id;
      const draft = id ? loadFormDraft<Partial<CpdDraft>>(`new-cpd:${id}`) : null;
      this.fields = draft
        ? { title: str(draft.title), article: str(draft.article), articleUrl: str(draft.articleUrl), opensAt: str(draft.opensAt), closesAt: str(draft.closesAt) }
        : emptyFields();
      const prompts = Array.isArray(draft?.prompts) ? draft.prompts.slice(0, LIMITS.promptsMax) : [];
      this.prompts = prompts.length
        ? prompts.map((p) => ({ key: ++promptKeys, body: str(p?.body), releaseAt: str(p?.releaseAt), answerFirst: p?.answerFirst === true }))
        : [emptyPrompt()];
      this.restored = draft !== null;
    }
  }

  /** Any field typed in (the prompts' own handlers ran first): the draft is saved as it is now. */
  private onInput(event: Event) {
    const field = event.target as HTMLInputElement;
    if (field.name in this.fields) this.fields = { ...this.fields, [field.name]: field.value };
    this.saveDraft();
  }

  private saveDraft() {
    if (!this.draftFor) return;
    const draft: CpdDraft = { ...this.fields, prompts: this.prompts.map(({ body, releaseAt, answerFirst }) => ({ body, releaseAt, answerFirst })) };
    const empty = !Object.values(this.fields).some(Boolean) && draft.prompts.every((p) => !p.body && !p.releaseAt);
    if (empty) clearFormDraft(`new-cpd:${this.draftFor}`);
    else saveFormDraft(`new-cpd:${this.draftFor}`, draft);
  }

  private updatePrompt(key: number, change: Partial<PromptDraft>) {
    this.prompts = this.prompts.map((p) => (p.key === key ? { ...p, ...change } : p));
  }

  private async addPrompt() {
    if (this.prompts.length >= LIMITS.promptsMax) return;
    const added = emptyPrompt();
    this.prompts = [...this.prompts, added];
    this.saveDraft();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#prompt-${added.key}-body`)?.focus();
  }

  private async removePrompt(key: number) {
    if (this.prompts.length <= 1) return;
    this.prompts = this.prompts.filter((p) => p.key !== key);
    this.saveDraft();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.add-prompt')?.focus();
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const c = this.community;
    if (!c) return;
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => {
      const v = data.get(name);
      return typeof v === 'string' ? v : '';
    };
    const articleUrl = text('articleUrl').trim();
    const opensAt = localInputToIso(text('opensAt'));
    const closesAt = localInputToIso(text('closesAt'));
    const facilitatorIds = data.getAll('facilitatorIds').map(String);
    const body: CreateTopicBody = {
      kind: 'cpd',
      title: text('title'),
      article: text('article'),
      prompts: this.prompts.map((p) => {
        const releaseAt = localInputToIso(p.releaseAt);
        return { body: p.body, ...(releaseAt ? { releaseAt } : {}), ...(p.answerFirst ? { answerFirst: true } : {}) };
      }),
      ...(articleUrl ? { articleUrl } : {}),
      ...(opensAt ? { opensAt } : {}),
      ...(closesAt ? { closesAt } : {}),
      ...(facilitatorIds.length ? { facilitatorIds } : {}),
    };
    await this.submission.run(async () => {
      const topic = await this.api.client.topics.create(c.id, body);
      clearFormDraft(`new-cpd:${c.id}`);
      emit(this, 'stoa-navigate', { path: paths.topic(c.slug, topic.id) });
      emit(this, 'stoa-announce', { message: 'The CPD topic is created.' });
    });
  }

  /** aria-describedby: the hint, plus the error when it is about this exact field. */
  private described(path: string, hintId?: string) {
    const { error } = this.submission;
    const about = fieldPathOf(error) === path || fieldOf(error) === path;
    const ids = [hintId, about ? 'cpd-error' : undefined];
    return ids.filter(Boolean).join(' ') || nothing;
  }

  override render() {
    const { busy, error } = this.submission;
    const myId = this.session.value?.me?.id;
    const f = this.fields;
    return html`<form @submit=${this.submit} @input=${this.onInput} @change=${this.onInput}>
      ${this.restored ? html`<p class="muted" role="status">Your unsent draft is restored. It is kept on this device until the topic is created.</p>` : nothing}
      <div class="field">
        <label for="cpd-title">Title</label>
        <input id="cpd-title" name="title" type="text" required maxlength=${LIMITS.titleMax} aria-invalid=${invalidIf(error, 'title')}
          .value=${live(f.title)} aria-describedby=${this.described('title')} />
      </div>
      <div class="field">
        <label for="cpd-article">Article</label>
        <span class="hint" id="cpd-article-hint">The reading that starts the discussion, in markdown. Your draft is saved on this device.</span>
        <textarea id="cpd-article" name="article" class="tall" required maxlength=${LIMITS.articleMax} aria-invalid=${invalidIf(error, 'article')}
          .value=${live(f.article)} aria-describedby=${this.described('article', 'cpd-article-hint')}></textarea>
      </div>
      <stoa-markdown-preview .source=${f.article} .label=${'Preview of the reading'}></stoa-markdown-preview>
      <div class="field">
        <label for="cpd-url">Source link (optional)</label>
        <input id="cpd-url" name="articleUrl" type="url" placeholder="https://" maxlength=${LIMITS.urlMax} .value=${live(f.articleUrl)} aria-invalid=${invalidIf(error, 'articleUrl')}
          aria-describedby=${this.described('articleUrl')} />
      </div>

      <fieldset class="prompts">
        <legend>Prompts (${this.prompts.length} of at most ${LIMITS.promptsMax})</legend>
        ${repeat(
          this.prompts,
          (p) => p.key,
          (p, i) => html`<div class="prompt" role="group" aria-labelledby=${`prompt-${p.key}-label`}>
            <div class="field">
              <label id=${`prompt-${p.key}-label`} for=${`prompt-${p.key}-body`}>Prompt ${i + 1}</label>
              <textarea id=${`prompt-${p.key}-body`} name=${`prompts.${i}.body`} required maxlength=${LIMITS.promptBodyMax} .value=${p.body}
                @input=${(e: Event) => this.updatePrompt(p.key, { body: (e.target as HTMLTextAreaElement).value })}
                aria-invalid=${invalidIfPath(error, `prompts.${i}.body`)} aria-describedby=${this.described(`prompts.${i}.body`)}></textarea>
            </div>
            <stoa-markdown-preview .source=${p.body} .label=${`Preview of prompt ${i + 1}`}></stoa-markdown-preview>
            <div class="field">
              <label for=${`prompt-${p.key}-release`}>Release prompt ${i + 1} at (optional)</label>
              <span class="hint" id=${`prompt-${p.key}-release-hint`}>Until then only the topic's facilitators see it.</span>
              <input id=${`prompt-${p.key}-release`} name=${`prompts.${i}.releaseAt`} type="datetime-local" .value=${p.releaseAt}
                @input=${(e: Event) => this.updatePrompt(p.key, { releaseAt: (e.target as HTMLInputElement).value })}
                aria-invalid=${invalidIfPath(error, `prompts.${i}.releaseAt`)}
                aria-describedby=${this.described(`prompts.${i}.releaseAt`, `prompt-${p.key}-release-hint`)} />
            </div>
            <label class="check">
              <input type="checkbox" .checked=${p.answerFirst} @change=${(e: Event) => this.updatePrompt(p.key, { answerFirst: (e.target as HTMLInputElement).checked })} />
              Answer before you see others (prompt ${i + 1})
            </label>
            ${this.prompts.length > 1
              ? html`<div><button type="button" class="secondary small" @click=${() => this.removePrompt(p.key)}>Remove prompt ${i + 1}</button></div>`
              : nothing}
          </div>`,
        )}
        ${this.prompts.length < LIMITS.promptsMax
          ? html`<div><button type="button" class="secondary add-prompt" @click=${this.addPrompt}>Add another prompt</button></div>`
          : nothing}
      </fieldset>

      <fieldset>
        <legend>Schedule (optional)</legend>
        <div class="row">
          <div class="field">
            <label for="cpd-opens">Opens at</label>
            <input id="cpd-opens" name="opensAt" type="datetime-local" .value=${live(f.opensAt)} aria-invalid=${invalidIf(error, 'opensAt')} aria-describedby=${this.described('opensAt', 'cpd-opens-hint')} />
            <span class="hint" id="cpd-opens-hint">Before then only facilitators see the topic.</span>
          </div>
          <div class="field">
            <label for="cpd-closes">Closes at</label>
            <input id="cpd-closes" name="closesAt" type="datetime-local" .value=${live(f.closesAt)} aria-invalid=${invalidIf(error, 'closesAt')} aria-describedby=${this.described('closesAt', 'cpd-closes-hint')} />
            <span class="hint" id="cpd-closes-hint">After that it is read-only.</span>
          </div>
        </div>
      </fieldset>

      ${this.members.render({
        initial: () => nothing,
        pending: () => html`<p class="muted" role="status">Loading members…</p>`,
        // Without the member list a topic is still possible: the author is always its facilitator.
        error: () => nothing,
        complete: (members) => {
          const others = members.filter((m) => m.userId !== myId && !m.suspended);
          if (!others.length) return nothing;
          return html`<fieldset class="guests" aria-describedby=${this.described('facilitatorIds', 'cpd-guests-hint')}>
            <legend>Guest facilitators (optional)</legend>
            <span class="hint" id="cpd-guests-hint">They facilitate this topic only. You are always one.</span>
            <div class="guest-list">
              ${others.map((m) => html`<label class="check"><input type="checkbox" name="facilitatorIds" value=${m.userId} /> ${m.displayName}</label>`)}
            </div>
          </fieldset>`;
        },
      })}

      <p class="error" role="alert" id="cpd-error">${error ? messageFor(error) : ''}</p>
      <div><button type="submit" ?disabled=${busy}>${busy ? 'Creating…' : 'Create CPD topic'}</button></div>
    </form>`;
  }

  static override styles = [
    base,
    forms,
    css`
      form {
        max-width: 40rem;
      }
      textarea.tall {
        min-height: 12rem;
      }
      .prompts {
        display: grid;
        gap: 1rem;
      }
      .prompt {
        display: grid;
        gap: 0.5rem;
        padding-bottom: 1rem;
        border-bottom: 1px solid var(--stoa-divider);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 1rem;
      }
      .row .field {
        flex: 1 1 14rem;
      }
      .guest-list {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1.25rem;
        max-height: 14rem;
        overflow-y: auto;
      }
      button.small {
        min-height: 2.75rem;
        padding: 0.25rem 0.75rem;
        font-size: 0.9rem;
      }
    `,
  ];
}

customElements.define('stoa-cpd-topic-form', StoaCpdTopicForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-cpd-topic-form': StoaCpdTopicForm;
  }
}

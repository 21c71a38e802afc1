// "New practice problem" (any member): a title and a description of the problem, in markdown.
// On success the new topic opens.
import { LitElement, html } from 'lit';
import { ContextConsumer } from '@lit/context';
import { messageFor, type Api, type Community } from '../api/index.js';
import { apiContext } from '../context.js';
import { emit } from '../events.js';
import { describedBy, focusErrorField, formValues, invalidIf } from '../form-helpers.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

export class StoaProblemForm extends LitElement {
  static override properties = {
    community: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  declare community: Community | null;
  declare busy: boolean;
  declare error: unknown;

  private readonly api = new ContextConsumer(this, { context: apiContext });

  constructor() {
    super();
    this.community = null;
    this.busy = false;
    this.error = null;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const c = this.community;
    if (this.busy || !c) return;
    const { title = '', body = '' } = formValues(event.target as HTMLFormElement);
    this.busy = true;
    this.error = null;
    try {
      const topic = await (this.api.value as Api).topics.create(c.id, { kind: 'problem', title, body });
      emit(this, 'stoa-navigate', { path: paths.topic(c.slug, topic.id) });
      emit(this, 'stoa-announce', { message: 'Your practice problem is posted.' });
    } catch (error) {
      this.error = error;
      await this.updateComplete;
      focusErrorField(this.renderRoot, error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const error = this.error;
    return html`<form @submit=${this.submit}>
      <div class="field">
        <label for="problem-title">Title</label>
        <input id="problem-title" name="title" type="text" required maxlength=${LIMITS.titleMax} aria-invalid=${invalidIf(error, 'title')}
          aria-describedby=${describedBy(error, 'title', 'problem-error')} />
      </div>
      <div class="field">
        <label for="problem-body">The problem</label>
        <span class="hint" id="problem-body-hint">What happened, in your practice? Markdown works.</span>
        <textarea id="problem-body" name="body" required maxlength=${LIMITS.postBodyMax} aria-invalid=${invalidIf(error, 'body')}
          aria-describedby=${describedBy(error, 'body', 'problem-error', 'problem-body-hint')}></textarea>
      </div>
      <p class="error" role="alert" id="problem-error">${error ? messageFor(error) : ''}</p>
      <div><button type="submit" ?disabled=${this.busy}>${this.busy ? 'Posting…' : 'Post practice problem'}</button></div>
    </form>`;
  }

  static override styles = [base, forms];
}

customElements.define('stoa-problem-form', StoaProblemForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-problem-form': StoaProblemForm;
  }
}

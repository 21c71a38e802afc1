// "New practice problem" (any member): a title and a description of the problem, in markdown.
// On success the new topic opens.
import { LitElement, html } from 'lit';
import { messageFor, type Community } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { describedBy, formValues, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-navigate - go to another app path (e.g. the new topic)
 */
export class StoaProblemForm extends LitElement {
  static override properties = {
    community: { attribute: false },
  };

  declare community: Community | null;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);

  constructor() {
    super();
    this.community = null;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const c = this.community;
    if (!c) return;
    const { title = '', body = '' } = formValues(event.target as HTMLFormElement);
    await this.submission.run(async () => {
      const topic = await this.api.client.topics.create(c.id, { kind: 'problem', title, body });
      emit(this, 'stoa-navigate', { path: paths.topic(c.slug, topic.id) });
      emit(this, 'stoa-announce', { message: 'Your practice problem is posted.' });
    });
  }

  override render() {
    const { busy, error } = this.submission;
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
      <div><button type="submit" ?disabled=${busy}>${busy ? 'Posting…' : 'Post practice problem'}</button></div>
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

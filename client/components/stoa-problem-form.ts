// "New practice problem" (any member): a title and a description of the problem, in markdown.
// While the title is typed, "Has this been asked before?" lists up to 5 similar earlier problems (solved ones
// with their solution's first line), so the member can read the earlier answer instead of asking again. What
// they wrote is kept as a draft (client/drafts.ts) until the problem is posted, so opening one of those
// problems in the same tab loses nothing. On success the new topic opens.
import { LitElement, css, html, nothing } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import { live } from 'lit/directives/live.js';
import { messageFor, type Community, type SimilarProblem } from '../api/index.js';
import { SEARCH_LIMITS } from '../api/search.js';
import { ApiConsumer } from '../context.js';
import { clearProblemDraft, loadProblemDraft, saveProblemDraft } from '../drafts.js';
import { emit } from '../events.js';
import { describedBy, invalidIf } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { formatDate, plural } from '../format.js';
import { pause, TYPING_PAUSE_MS } from '../pause.js';
import { paths } from '../router.js';
import { badges, base, forms } from '../styles.js';
import { LIMITS } from '../../shared/limits.js';
import './stoa-markdown-preview.js';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-navigate - go to another app path (e.g. the new topic)
 */
export class StoaProblemForm extends LitElement {
  static override properties = {
    community: { attribute: false },
    titleText: { state: true },
    bodyText: { state: true },
  };

  declare community: Community | null;
  declare titleText: string;
  declare bodyText: string;

  private readonly api = new ApiConsumer(this);
  private readonly submission = new SubmitController(this);
  /** The community whose draft the fields hold. */
  private draftFor: string | null = null;

  /** "Has this been asked before?": asked once typing pauses; a newer title cancels the older request. */
  private readonly similar = new Task(this, {
    task: async ([communityId, title], { signal }) => {
      if (!communityId || title.length < SEARCH_LIMITS.similarTitleMin) return initialState;
      await pause(TYPING_PAUSE_MS, signal);
      return (await this.api.client.search.similarProblems(communityId, title, signal)).items;
    },
    args: () => [this.community?.id ?? null, this.titleText.trim()] as const,
  });

  constructor() {
    super();
    this.community = null;
    this.titleText = '';
    this.bodyText = '';
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    const id = this.community?.id ?? null;
    if (changed.has('community') && id !== this.draftFor) {
      this.draftFor = id;
      const draft = id ? loadProblemDraft(id) : null;
      this.titleText = draft?.title ?? '';
      this.bodyText = draft?.body ?? '';
    }
  }

  private onInput(event: Event) {
    const field = event.target as HTMLInputElement | HTMLTextAreaElement;
    if (field.name === 'title') this.titleText = field.value;
    else if (field.name === 'body') this.bodyText = field.value;
    if (this.draftFor) saveProblemDraft(this.draftFor, { title: this.titleText, body: this.bodyText });
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const c = this.community;
    if (!c) return;
    const title = this.titleText;
    const body = this.bodyText;
    await this.submission.run(async () => {
      const topic = await this.api.client.topics.create(c.id, { kind: 'problem', title, body });
      clearProblemDraft(c.id);
      emit(this, 'stoa-navigate', { path: paths.topic(c.slug, topic.id) });
      emit(this, 'stoa-announce', { message: 'Your practice problem is posted.' });
    });
  }

  override render() {
    const { busy, error } = this.submission;
    return html`<form @submit=${this.submit} @input=${this.onInput}>
      <div class="field">
        <label for="problem-title">Title</label>
        <input id="problem-title" name="title" type="text" required maxlength=${LIMITS.titleMax} .value=${live(this.titleText)}
          aria-invalid=${invalidIf(error, 'title')} aria-describedby=${describedBy(error, 'title', 'problem-error')} />
      </div>
      <div class="similar" aria-live="polite">${this.renderSimilar()}</div>
      <div class="field">
        <label for="problem-body">The problem</label>
        <span class="hint" id="problem-body-hint">What happened, in your practice? Markdown works.</span>
        <textarea id="problem-body" name="body" required maxlength=${LIMITS.postBodyMax} .value=${live(this.bodyText)}
          aria-invalid=${invalidIf(error, 'body')} aria-describedby=${describedBy(error, 'body', 'problem-error', 'problem-body-hint')}></textarea>
      </div>
      <stoa-markdown-preview .source=${this.bodyText}></stoa-markdown-preview>
      <p class="error" role="alert" id="problem-error">${error ? messageFor(error) : ''}</p>
      <div><button type="submit" ?disabled=${busy}>${busy ? 'Posting…' : 'Post practice problem'}</button></div>
    </form>`;
  }

  /** The similar problems, once there are some for the title as typed (nothing while there are none: no noise). */
  private renderSimilar() {
    const items = this.similar.status === TaskStatus.COMPLETE || this.similar.status === TaskStatus.PENDING ? (this.similar.value ?? []) : [];
    if (this.similar.status === TaskStatus.INITIAL || !items.length || !this.community) return nothing;
    const slug = this.community.slug;
    return html`<section aria-labelledby="similar-h">
      <h4 id="similar-h">Has this been asked before?</h4>
      <p class="hint">${plural(items.length, 'similar problem')} in this community. What you wrote here is kept if you open one.</p>
      <ul>
        ${items.map((p) => this.renderItem(p, slug))}
      </ul>
    </section>`;
  }

  private renderItem(p: SimilarProblem, slug: string) {
    return html`<li>
      <a href=${paths.topic(slug, p.topicId)}>${p.title}</a>
      ${p.solved ? html`<span class="badge open">solved</span>` : nothing}
      <span class="muted small">· ${plural(p.postCount, 'reply', 'replies')} · <time datetime=${p.createdAt}>${formatDate(p.createdAt)}</time></span>
      ${p.solved && p.solutionFirstLine ? html`<p class="solution"><strong>Solution:</strong> ${p.solutionFirstLine}</p>` : nothing}
    </li>`;
  }

  static override styles = [
    base,
    forms,
    badges,
    css`
      .similar:empty {
        display: none;
      }
      .similar section {
        border-left: 4px solid var(--stoa-accent);
        background: var(--stoa-surface-muted);
        padding: 0.5rem 0.75rem;
        border-radius: 0 0.35rem 0.35rem 0;
      }
      h4 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
      }
      .similar .hint {
        margin: 0 0 0.5rem;
      }
      ul {
        margin: 0;
        padding-left: 1.1rem;
        display: grid;
        gap: 0.4rem;
      }
      a {
        overflow-wrap: anywhere;
      }
      .small {
        font-size: 0.9rem;
      }
      .solution {
        margin: 0.15rem 0 0;
        font-size: 0.9rem;
        color: var(--stoa-muted);
        overflow-wrap: anywhere;
      }
      .solution strong {
        color: var(--stoa-ok);
      }
    `,
  ];
}

customElements.define('stoa-problem-form', StoaProblemForm);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-problem-form': StoaProblemForm;
  }
}

// Editing a topic on its page: "Edit topic" (its title, text, source link and schedule: <stoa-topic-edit-form>)
// and each prompt's "Edit prompt" (<stoa-prompt-form>) for those who may, "History" of the topic's words and of
// each prompt for its editors and moderators (<stoa-revision-history>), and what the forms report back
// (stoa-topic-edited, stoa-prompt-changed, stoa-edit-closed). An edit left unsaved opens again on load, as
// reply drafts do. Rendered into the topic page's own shadow root.
import { html, nothing, type ReactiveController } from 'lit';
import type { Prompt, TopicDetail } from '../api/index.js';
import type { ApiConsumer } from '../context.js';
import { loadFormDraft } from '../drafts.js';
import { emit } from '../events.js';
import { placeholderTitle } from '../topic-words.js';
import type { TopicView } from './topic-view.js';

export class TopicEditingController implements ReactiveController {
  /** "Edit topic" is open. */
  private editingTopic = false;
  /** The prompt whose "Edit prompt" form is open, or null. */
  private editingPrompt: string | null = null;
  /** The history dialog has been rendered (on first use). */
  private historyUsed = false;

  constructor(
    private readonly host: TopicView,
    private readonly api: ApiConsumer,
  ) {
    host.addController(this);
    host.addEventListener('stoa-topic-edited', (e) => this.onTopicEdited(e.detail.topic));
    host.addEventListener('stoa-prompt-changed', (e) => this.onPromptChanged(e.detail.prompt));
  }

  hostConnected() {}

  private set(change: { editingTopic?: boolean; editingPrompt?: string | null; historyUsed?: boolean }) {
    Object.assign(this, change);
    this.host.requestUpdate();
  }

  /** A topic has loaded: an edit of the topic or of a prompt left unsaved opens again. */
  loaded(detail: TopicDetail) {
    this.set({
      editingTopic: detail.can.update && loadFormDraft(`edit-topic:${detail.id}`) !== null,
      editingPrompt: detail.can.addPrompt ? (detail.prompts.find((p) => loadFormDraft(`edit-prompt:${p.id}`) !== null)?.id ?? null) : null,
    });
  }

  private onTopicEdited(topic: TopicDetail) {
    // The answer to the write has no live cursor: the page's own stays.
    this.host.detail = { ...topic, liveCursor: this.host.detail?.liveCursor ?? topic.liveCursor };
    emit(this.host, 'stoa-page-title', { title: topic.title ?? placeholderTitle(topic) });
  }

  private onPromptChanged(prompt: Prompt) {
    const d = this.host.detail;
    if (!d) return;
    // What the viewer saw of replies (hidden until answered, answered by me) does not change with the wording.
    const prompts = d.prompts.map((p) => (p.id === prompt.id ? { ...prompt, repliesHidden: p.repliesHidden, answeredByMe: p.answeredByMe } : p));
    this.host.detail = { ...d, prompts };
  }

  /** A topic's history (promptId null: its title and text) or one prompt's, in the history dialog. */
  private async openHistory(event: Event, d: TopicDetail, prompt: Prompt | null) {
    const button = event.currentTarget as HTMLElement;
    this.set({ historyUsed: true });
    await this.host.updateComplete;
    const textLabel = d.kind === 'cpd' ? 'Article' : 'The problem';
    await this.host.renderRoot.querySelector('stoa-revision-history')?.open(
      prompt ? `History of prompt ${prompt.position}` : 'History of the topic',
      async () =>
        (await this.api.client.topics.revisions(d.id)).items
          .filter((r) => r.promptId === (prompt?.id ?? null))
          .map((r) => ({
            version: r.version,
            createdAt: r.createdAt,
            editorName: r.editor.displayName,
            fields: prompt ? [{ label: 'Question', text: r.bodyMd }] : [{ label: 'Title', text: r.title ?? '' }, { label: textLabel, text: r.bodyMd }],
          })),
      button,
    );
  }

  /** After a form closes, the keyboard goes back to the button that opened it. */
  private async closeEdit(selector: string) {
    this.set({ editingTopic: false, editingPrompt: null });
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** The history dialog, once it has been used. */
  renderHistory() {
    return this.historyUsed ? html`<stoa-revision-history></stoa-revision-history>` : nothing;
  }

  /** "Edit topic" and "History" for those who may, and the edit form while open. */
  renderEditing(d: TopicDetail) {
    const canEdit = d.can.update;
    if (!canEdit && !d.can.readRevisions) return nothing;
    return html`<div class="topic-edit-actions">
        ${canEdit
          ? html`<button type="button" class="secondary small edit-topic" aria-expanded=${this.editingTopic ? 'true' : 'false'}
              @click=${() => this.set({ editingTopic: !this.editingTopic })}>Edit topic</button>`
          : nothing}
        ${d.can.readRevisions
          ? html`<button type="button" class="secondary small topic-history" aria-haspopup="dialog" @click=${(e: Event) => void this.openHistory(e, d, null)}>History</button>`
          : nothing}
      </div>
      ${this.editingTopic && canEdit
        ? html`<stoa-topic-edit-form .topic=${d} @stoa-edit-closed=${(e: Event) => (e.stopPropagation(), void this.closeEdit('button.edit-topic'))}></stoa-topic-edit-form>`
        : nothing}`;
  }

  /** A prompt's "Edit prompt" and "History" (its facilitators; History also for moderators), and its edit form. */
  renderPromptEditing(d: TopicDetail, p: Prompt) {
    const canEdit = d.can.addPrompt;
    if (!canEdit && !d.can.readRevisions) return nothing;
    if (this.editingPrompt === p.id && canEdit) {
      return html`<stoa-prompt-form .topicId=${d.id} .prompt=${p}
        @stoa-edit-closed=${(e: Event) => (e.stopPropagation(), void this.closeEdit(`button[data-edit-prompt="${CSS.escape(p.id)}"]`))}></stoa-prompt-form>`;
    }
    return html`<div class="prompt-edit-actions">
      ${canEdit
        ? html`<button type="button" class="secondary small" data-edit-prompt=${p.id} @click=${() => this.set({ editingPrompt: p.id })}>Edit prompt</button>`
        : nothing}
      ${d.can.readRevisions
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${(e: Event) => void this.openHistory(e, d, p)}>History</button>`
        : nothing}
    </div>`;
  }
}

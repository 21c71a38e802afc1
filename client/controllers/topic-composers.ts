// Which reply composers of the topic page are open. A prompt shows "Reply to this prompt" until asked (a topic
// with many prompts would otherwise carry a text box for each) and closes again once my reply to it is posted; a
// prompt or a post with a reply draft waiting in this browser opens its composer on load.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Post, Prompt } from '../api/index.js';
import { parentsWithDrafts, promptsWithDrafts } from '../drafts.js';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export class TopicComposersController implements ReactiveController {
  /** Prompts whose composer is open. */
  private openPrompts = new Set<string>();
  /** Posts with a reply draft waiting: their composers open on load. */
  private draftParents = new Set<string>();

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected() {}

  /** A topic has loaded: the composers with a draft waiting open. */
  loaded(topicId: string) {
    this.draftParents = parentsWithDrafts(topicId);
    this.openPrompts = promptsWithDrafts(topicId);
  }

  /** My reply is posted: its draft is gone, and a prompt's composer closes (focus moves to the new post). */
  posted(post: Post) {
    if (post.parentId && this.draftParents.delete(post.parentId)) this.host.requestUpdate();
    if (post.promptId && !post.parentId && this.openPrompts.delete(post.promptId)) this.host.requestUpdate();
  }

  /** Whether a post's reply composer opens on load. */
  replyOpen(postId: string): boolean {
    return this.draftParents.has(postId);
  }

  /** The prompt's composer when asked for (or a draft waits), else the button that opens it. */
  renderPromptComposer(topicId: string, p: Prompt, blocked: string | null) {
    const open = this.openPrompts.has(p.id);
    if (!open && !blocked) {
      return html`<button type="button" class="secondary reply-prompt" aria-expanded="false" @click=${() => void this.openPrompt(p.id)}>Reply to this prompt</button>`;
    }
    return html`<stoa-composer data-prompt-id=${p.id} .topicId=${topicId} .promptId=${p.id} .parentId=${null}
        .label=${`Your reply to prompt ${p.position}`} .disabledReason=${blocked}></stoa-composer>
      ${open && !blocked
        ? html`<button type="button" class="secondary small close-prompt" aria-expanded="true" @click=${() => this.closePrompt(p.id)}>Close the reply box</button>`
        : nothing}`;
  }

  /** Opens a prompt's composer and puts the keyboard in its text box. */
  private async openPrompt(promptId: string) {
    this.openPrompts.add(promptId);
    this.host.requestUpdate();
    await this.host.updateComplete;
    const composer = this.host.renderRoot.querySelector<HTMLElement & { updateComplete: Promise<unknown> }>(`stoa-composer[data-prompt-id="${CSS.escape(promptId)}"]`);
    await composer?.updateComplete;
    composer?.focus();
  }

  private closePrompt(promptId: string) {
    this.openPrompts.delete(promptId);
    this.host.requestUpdate();
  }
}

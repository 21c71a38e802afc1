// Editing my own post (<stoa-post>): the text in the edit box and the version the edit started from, kept as a
// draft until the edit is saved or cancelled (an edit left unsaved reopens on load). Saving sends that version
// (optimistic concurrency): if the post changed meanwhile the server answers 409, and "Load the current version"
// loads the newest revision in place while the edit box keeps my text. The post's one-action-at-a-time runner
// and its alert are the host's: `run` runs the work there (a refusal shows in the post's role=alert).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, type Api, type Post } from '../api/index.js';
import { clearFormDraft, loadFormDraft, saveFormDraft } from '../drafts.js';
import { emit } from '../events.js';

type Host = ReactiveControllerHost & HTMLElement & { readonly post: Post };

export interface PostEditOptions {
  api: () => Api;
  /** Runs the work as the post's 'edit' action (one action at a time; a failure shows in the post's alert). */
  run: (work: () => Promise<void>) => Promise<void>;
  /** Forgets the post's last refusal (Cancel). */
  clearError: () => void;
  /** Puts the keyboard in the edit box (called once the host has rendered it). */
  focusEditBox: () => Promise<void>;
}

export class PostEditController implements ReactiveController {
  /** The edit box is open. */
  editing = false;
  /** The text in the edit box (kept when the current version is loaded after a conflict). */
  text = '';
  /** After a 409 on save: the version now on the server. */
  conflictVersion: number | null = null;
  /** The version the edit started from: live updates may change `post.version` meanwhile, and a save must then conflict. */
  private version = 0;
  /** The post whose edit draft was looked for. */
  private draftCheckedFor: string | null = null;

  constructor(
    private readonly host: Host,
    private readonly options: PostEditOptions,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  private get draftKey() {
    return `edit-post:${this.host.post.id}`;
  }

  /** Keeps the edit box's text, with the version it started from, until the edit is saved or cancelled. */
  private saveDraft() {
    saveFormDraft(this.draftKey, { body: this.text, version: this.version });
  }

  /**
   * Once per post (call from the host's willUpdate): an edit left unsaved reopens, with the version it started
   * from — if the post changed since, saving says so (409) as it would have then. `allowed`: the post is mine and
   * editable here (not in the solution's copy above the article, nor where editing is closed).
   */
  restoreDraft(allowed: boolean) {
    const post = this.host.post;
    if (this.draftCheckedFor === post.id) return;
    this.draftCheckedFor = post.id;
    const draft = allowed ? loadFormDraft<{ body?: unknown; version?: unknown }>(this.draftKey) : null;
    if (draft && typeof draft.body === 'string' && typeof draft.version === 'number' && post.status === 'published') {
      this.text = draft.body;
      this.version = draft.version;
      this.editing = true;
    }
  }

  /** The member typed in the edit box. */
  input(text: string) {
    this.text = text;
    this.saveDraft();
    this.host.requestUpdate();
  }

  /** "Edit": opens the edit box on the post's markdown (the newest revision's, when a live update left none). */
  async start() {
    let source = this.host.post.bodyMd;
    // Edited elsewhere since this page loaded (a live update): start from the newest revision.
    if (source === null) source = (await this.loadCurrentVersion()) ?? null;
    if (source === null) return;
    this.text = source;
    this.version = this.host.post.version;
    this.editing = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    await this.options.focusEditBox();
  }

  save(body: string) {
    const post = this.host.post;
    return this.options.run(async () => {
      try {
        const updated = await this.options.api().posts.update(post.id, body, this.version);
        clearFormDraft(this.draftKey);
        this.editing = false;
        this.conflictVersion = null;
        emit(this.host, 'stoa-post-changed', updated);
        emit(this.host, 'stoa-announce', { message: 'Your edit is saved.' });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'version_conflict') {
          this.conflictVersion = typeof error.problem.currentVersion === 'number' ? error.problem.currentVersion : null;
        }
        throw error;
      }
    });
  }

  /** After a conflict: load the current text (the newest revision) in place; the edit box keeps my text. Returns its markdown. */
  async loadCurrentVersion(): Promise<string | undefined> {
    let source: string | undefined;
    const postId = this.host.post.id;
    await this.options.run(async () => {
      const { items } = await this.options.api().posts.revisions(postId);
      const latest = items.reduce((a, b) => (b.version > a.version ? b : a), items[0]!);
      source = latest.bodyMd;
      this.version = latest.version;
      if (this.editing) this.saveDraft();
      emit(this.host, 'stoa-post-changed', { id: postId, bodyHtml: latest.bodyHtml, bodyMd: latest.bodyMd, version: latest.version, editedAt: latest.createdAt });
      this.conflictVersion = null;
    });
    return source;
  }

  /** Cancel discards the edit, its draft too. */
  cancel() {
    clearFormDraft(this.draftKey);
    this.editing = false;
    this.options.clearError();
    this.conflictVersion = null;
    this.host.requestUpdate();
  }
}

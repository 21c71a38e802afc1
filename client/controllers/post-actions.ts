// The action bar of one post (<stoa-post>) and what its buttons do: "helpful", reply, edit, withdraw, history,
// mark as solution, flag, and for moderators approve, remove (with a reason) and restore. One action at a time
// on a post, the edit's save included (PostEditController runs through `run`); the post's alert shows the last
// one's refusal (`error`). Its dialogs (flag, removal reason, history) are rendered on first use: long topics
// have many posts. Rendered into the post's own shadow root.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Api, Post } from '../api/index.js';
import { emit } from '../events.js';
import { SubmitController } from '../form-submit-controller.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';

export type PostAction = 'helpful' | 'edit' | 'withdraw' | 'solution' | 'moderation';

/** The removal reason travels with the post for its author and moderators. */
export type ModeratedPost = Post & { statusReason?: string | null };

/** What the action bar sees of <stoa-post>. */
export interface PostActionsHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly post: Post;
  readonly myUserId: string;
  /** Why replying is not possible (topic closed, locked…), or null. */
  readonly replyDisabledReason: string | null;
  readonly canMarkSolution: boolean;
  readonly canModerate: boolean;
  readonly canFlag: boolean;
  readonly isSolution: boolean;
  /** The reply composer is open. */
  readonly replyOpen: boolean;
}

export interface PostActionsOptions {
  api: () => Api;
  /** "Reply": opens or closes the reply composer. */
  toggleReply: () => void;
  /** "Edit": opens the edit box. */
  startEdit: () => void;
}

export class PostActionsController implements ReactiveController {
  /** Buttons only (the edit box too), so no field takes focus after a refusal. */
  private readonly action: SubmitController;
  /** Which action runs (its button shows it). */
  private kind: PostAction | null = null;
  /** Which dialog has been rendered (on first use). */
  private dialog: 'flag' | 'remove' | 'history' | null = null;

  constructor(
    private readonly host: PostActionsHost,
    private readonly options: PostActionsOptions,
  ) {
    host.addController(this);
    this.action = new SubmitController(host, { focus: null });
  }

  hostConnected() {}

  /** The last action's refusal, or null. */
  get error(): unknown {
    return this.action.error;
  }

  clearError() {
    this.action.error = null;
  }

  private get mine() {
    return this.host.post.author.id === this.host.myUserId;
  }

  /** Runs one action unless another runs; a refusal is kept for the post's alert. */
  async run(kind: PostAction, work: () => Promise<void>) {
    if (this.action.busy) return;
    this.kind = kind;
    try {
      await this.action.run(work);
    } finally {
      this.kind = null;
    }
  }

  /** True while this kind of action runs. */
  busyWith(kind: PostAction) {
    return this.action.busy && this.kind === kind;
  }

  private toggleHelpful() {
    const on = !this.host.post.helpfulByMe;
    const postId = this.host.post.id;
    return this.run('helpful', async () => {
      const state = await this.options.api().posts.setHelpful(postId, on);
      emit(this.host, 'stoa-post-changed', { id: state.postId, helpfulCount: state.helpfulCount, helpfulByMe: state.helpfulByMe });
    });
  }

  private withdraw() {
    if (!confirm('Withdraw this post? Others will see "withdrawn by author".')) return;
    const postId = this.host.post.id;
    return this.run('withdraw', async () => {
      const updated = await this.options.api().posts.withdraw(postId);
      emit(this.host, 'stoa-post-changed', updated);
      emit(this.host, 'stoa-announce', { message: 'Your post is withdrawn.' });
    });
  }

  private markSolution() {
    const { post, isSolution } = this.host;
    const postId = isSolution ? null : post.id;
    return this.run('solution', async () => {
      const state = await this.options.api().topics.setSolution(post.topicId, postId);
      emit(this.host, 'stoa-solution-changed', { postId: state.solutionPostId });
    });
  }

  /** Renders a dialog (on first use) and waits for it. */
  private async showDialog(dialog: 'flag' | 'remove' | 'history') {
    this.dialog = dialog;
    this.host.requestUpdate();
    await this.host.updateComplete;
  }

  private async openFlag(event: Event) {
    const button = event.currentTarget as HTMLElement;
    await this.showDialog('flag');
    await this.host.renderRoot.querySelector('stoa-flag-dialog')?.open(button);
  }

  private async openRemove(event: Event) {
    const button = event.currentTarget as HTMLElement;
    await this.showDialog('remove');
    const postId = this.host.post.id;
    await this.host.renderRoot.querySelector('stoa-reason-dialog')?.open(async ({ reason }) => {
      const result = await this.options.api().moderation.remove(postId, reason);
      emit(this.host, 'stoa-post-changed', { id: postId, status: result.status, statusReason: result.statusReason } as Partial<ModeratedPost> & { id: string });
      emit(this.host, 'stoa-moderation-changed', { communityId: result.communityId });
      emit(this.host, 'stoa-announce', { message: 'The post is removed. Its author sees your reason.' });
    }, button);
  }

  /** The post's versions with their differences (its author and moderators: the server's policy says who). */
  private async openHistory(event: Event) {
    const button = event.currentTarget as HTMLElement;
    await this.showDialog('history');
    const { post } = this.host;
    await this.host.renderRoot.querySelector('stoa-revision-history')?.open(
      `History of ${this.mine ? 'your' : `${post.author.displayName}’s`} post`,
      async () =>
        (await this.options.api().posts.revisions(post.id)).items.map((r) => ({
          version: r.version,
          createdAt: r.createdAt,
          editorName: r.editor.displayName,
          fields: [{ label: 'Text', text: r.bodyMd }],
        })),
      button,
    );
  }

  private restore() {
    const postId = this.host.post.id;
    return this.run('moderation', async () => {
      const result = await this.options.api().moderation.restore(postId);
      emit(this.host, 'stoa-post-changed', { id: result.id, status: result.status, statusReason: result.statusReason } as Partial<ModeratedPost> & { id: string });
      emit(this.host, 'stoa-moderation-changed', { communityId: result.communityId });
      emit(this.host, 'stoa-announce', { message: 'The post is restored.' });
    });
  }

  private approve() {
    const postId = this.host.post.id;
    return this.run('moderation', async () => {
      const result = await this.options.api().moderation.approve(postId);
      emit(this.host, 'stoa-post-changed', { id: result.id, status: result.status });
      emit(this.host, 'stoa-moderation-changed', { communityId: result.communityId });
      emit(this.host, 'stoa-announce', { message: 'The post is approved and visible to everyone.' });
    });
  }

  /** The dialog in use, if any. */
  renderDialogs() {
    const p = this.host.post;
    if (this.dialog === 'history') return html`<stoa-revision-history></stoa-revision-history>`;
    if (this.dialog === 'flag') return html`<stoa-flag-dialog .postId=${p.id} .authorName=${p.author.displayName}></stoa-flag-dialog>`;
    if (this.dialog === 'remove') {
      return html`<stoa-reason-dialog .heading=${`Remove ${p.author.displayName}’s post`} .label=${'Reason for removal'}
        .hint=${'The author sees this reason; others see “Removed by a moderator”. You can restore the post later.'}
        .confirmLabel=${'Remove post'} .maxLength=${MODERATION_LIMITS.reasonMax}></stoa-reason-dialog>`;
    }
    return nothing;
  }

  renderActions() {
    const { post: p, replyDisabledReason, replyOpen, isSolution, canMarkSolution, canModerate, canFlag } = this.host;
    const mine = this.mine;
    const published = p.status === 'published';
    const canAcknowledge = published && !mine;
    return html`<div class="row actions">
      ${canAcknowledge
        ? html`<button type="button" class="secondary small" aria-pressed=${p.helpfulByMe ? 'true' : 'false'} ?disabled=${this.busyWith('helpful')}
            @click=${() => this.toggleHelpful()}>Helpful <span class="count">${p.helpfulCount}</span></button>`
        : p.helpfulCount > 0
          ? html`<span class="muted">${p.helpfulCount} found this helpful</span>`
          : nothing}
      ${published && !replyDisabledReason
        ? html`<button type="button" class="secondary small" aria-expanded=${replyOpen ? 'true' : 'false'}
            @click=${() => this.options.toggleReply()}>Reply</button>`
        : nothing}
      ${mine && published && !replyDisabledReason
        ? html`<button type="button" class="secondary small" @click=${() => this.options.startEdit()}>Edit</button>`
        : nothing}
      ${mine && p.status !== 'withdrawn' && p.status !== 'removed'
        ? html`<button type="button" class="secondary small" ?disabled=${this.busyWith('withdraw')} @click=${() => this.withdraw()}>Withdraw</button>`
        : nothing}
      ${p.editedAt && p.bodyHtml && (mine || canModerate)
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${(e: Event) => void this.openHistory(e)}>History</button>`
        : nothing}
      ${canMarkSolution && published
        ? html`<button type="button" class="secondary small" aria-pressed=${isSolution ? 'true' : 'false'} ?disabled=${this.busyWith('solution')}
            @click=${() => this.markSolution()}>${isSolution ? 'Unmark solution' : 'Mark as solution'}</button>`
        : nothing}
      ${!mine && canFlag && (published || p.status === 'hidden')
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${(e: Event) => void this.openFlag(e)}>Flag</button>`
        : nothing}
      ${canModerate && p.status === 'pending'
        ? html`<button type="button" class="secondary small" ?disabled=${this.busyWith('moderation')} @click=${() => this.approve()}>Approve</button>`
        : nothing}
      ${canModerate && (published || p.status === 'pending' || p.status === 'hidden')
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${(e: Event) => void this.openRemove(e)}>Remove</button>`
        : nothing}
      ${canModerate && p.status === 'removed'
        ? html`<button type="button" class="secondary small" ?disabled=${this.busyWith('moderation')} @click=${() => this.restore()}>Restore</button>`
        : nothing}
    </div>`;
  }
}

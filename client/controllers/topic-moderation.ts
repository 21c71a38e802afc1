// The topic page's moderation controls. Facilitators and moderators lock, close and pin the topic; the topic
// is content too, so members flag it and moderators remove (with a reason), restore and approve it. Also the
// note the author and moderators see on a moderated topic, and the link to its participation figures.
// Rendered into the topic page's own shadow root.
import { html, nothing, type ReactiveController } from 'lit';
import { messageFor, type TopicDetail } from '../api/index.js';
import type { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { SubmitController } from '../form-submit-controller.js';
import { paths } from '../router.js';
import { canSeeEngagement } from '../roles.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import type { StoaFlagDialog } from '../components/stoa-flag-dialog.js';
import type { StoaReasonDialog } from '../components/stoa-reason-dialog.js';
import type { TopicView, Viewer } from './topic-view.js';

export interface TopicModerationOptions {
  api: ApiConsumer;
  /** The community's slug, for the participation link. */
  slug: () => string;
  /** Reads the topic and its loaded discussion again. */
  refreshAll: () => Promise<void>;
}

export class TopicModerationController implements ReactiveController {
  /** Lock / close / pin: buttons, not a form, so no field takes focus after a refusal. */
  private readonly moderation: SubmitController;
  /** Restore / approve the topic (Remove goes through <stoa-reason-dialog>, Flag through <stoa-flag-dialog>). */
  private readonly actions: SubmitController;

  constructor(
    private readonly host: TopicView,
    private readonly options: TopicModerationOptions,
  ) {
    host.addController(this);
    this.moderation = new SubmitController(host, { focus: null });
    this.actions = new SubmitController(host, { focus: null });
  }

  hostConnected() {}

  /** Lock / close / pin (the topic's facilitators and moderators): PATCH /api/topics/:id/moderation, then refetch. */
  private async moderateTopic(change: { locked?: boolean; closed?: boolean; pinned?: boolean }, message: string) {
    const d = this.host.detail;
    if (!d) return;
    const api = this.options.api.client;
    await this.moderation.run(async () => {
      await api.moderation.moderateTopic(d.id, change);
      const fresh = await api.topics.get(d.id);
      if (this.host.detail?.id === d.id) this.host.detail = { ...fresh, myReadPosition: this.host.detail.myReadPosition };
      emit(this.host, 'stoa-announce', { message });
    });
  }

  /** Lock / close / pin buttons and the participation link. */
  renderModeration(d: TopicDetail, viewer: Viewer) {
    // The topic's participation figures: its facilitators and the community's managers (the server decides).
    const participation = d.facilitators.some((f) => f.id === viewer.userId) || canSeeEngagement(viewer.membership?.roles ?? null, viewer.isAdmin);
    if (!d.can.moderate && !participation) return nothing;
    const closed = d.status === 'closed';
    const link = participation ? html`<a class="participation" href=${paths.topicEngagement(this.options.slug(), d.id)}>Participation</a>` : nothing;
    if (!d.can.moderate) return html`<div class="topic-moderation">${link}</div>`;
    const { busy, error } = this.moderation;
    return html`<div class="topic-moderation" role="group" aria-label="Topic moderation">
      <button type="button" class="secondary small" aria-pressed=${d.locked ? 'true' : 'false'} ?disabled=${busy}
        @click=${() => this.moderateTopic({ locked: !d.locked }, d.locked ? 'The topic is unlocked.' : 'The topic is locked: no new replies.')}>${d.locked ? 'Unlock' : 'Lock'}</button>
      <button type="button" class="secondary small" aria-pressed=${closed ? 'true' : 'false'} ?disabled=${busy}
        @click=${() => this.moderateTopic({ closed: !closed }, closed ? 'The topic is reopened.' : 'The topic is closed.')}>${closed ? 'Reopen' : 'Close'}</button>
      <button type="button" class="secondary small" aria-pressed=${d.pinned ? 'true' : 'false'} ?disabled=${busy}
        @click=${() => this.moderateTopic({ pinned: !d.pinned }, d.pinned ? 'The topic is unpinned.' : 'The topic is pinned.')}>${d.pinned ? 'Unpin' : 'Pin'}</button>
      ${link}
      <p class="error" role="alert">${error ? messageFor(error) : ''}</p>
    </div>`;
  }

  /** After a moderation action: the topic and its discussion as they are now for me (the live echo may come later). */
  private async reloadAfter(message: string) {
    await this.options.refreshAll();
    emit(this.host, 'stoa-announce', { message });
    if (this.host.detail) emit(this.host, 'stoa-moderation-changed', { communityId: this.host.detail.communityId });
  }

  private openFlag = async (event: Event) => {
    const button = event.currentTarget as HTMLElement;
    await this.host.renderRoot.querySelector<StoaFlagDialog>('stoa-flag-dialog')?.open(button);
  };

  private openRemove = async (event: Event) => {
    const button = event.currentTarget as HTMLElement;
    const d = this.host.detail;
    if (!d) return;
    await this.host.renderRoot.querySelector<StoaReasonDialog>('stoa-reason-dialog.topic-remove')?.open(async ({ reason }) => {
      await this.options.api.client.moderation.removeTopic(d.id, reason);
      await this.reloadAfter('The topic is removed. Its author sees your reason; members see “Removed by a moderator”.');
    }, button);
  };

  private restore() {
    const d = this.host.detail;
    if (!d) return;
    return this.actions.run(async () => {
      await this.options.api.client.moderation.restoreTopic(d.id);
      await this.reloadAfter('The topic is restored.');
    });
  }

  private approve() {
    const d = this.host.detail;
    if (!d) return;
    return this.actions.run(async () => {
      await this.options.api.client.moderation.approveTopic(d.id);
      await this.reloadAfter('The topic is approved: members see it now.');
    });
  }

  /** Flag (members) and remove / restore / approve (moderators). */
  renderActions(d: TopicDetail) {
    if (!d.can.flag && !d.can.remove) return nothing;
    const { busy, error } = this.actions;
    return html`<div class="topic-actions" role="group" aria-label="Topic actions">
      ${d.can.flag
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" @click=${this.openFlag}>Flag topic</button>
            <stoa-flag-dialog .topicId=${d.id} .authorName=${d.author.displayName}></stoa-flag-dialog>`
        : nothing}
      ${d.can.remove && d.moderationStatus === 'pending'
        ? html`<button type="button" class="small" ?disabled=${busy} @click=${() => this.approve()}>Approve topic</button>`
        : nothing}
      ${d.can.remove && d.moderationStatus !== 'removed'
        ? html`<button type="button" class="secondary small" aria-haspopup="dialog" ?disabled=${busy} @click=${this.openRemove}>Remove topic…</button>
            <stoa-reason-dialog class="topic-remove" .heading=${'Remove this topic'} .label=${'Reason for removal'}
              .hint=${'The author sees this reason; members see “Removed by a moderator” instead of the topic and its replies. You can restore it later.'}
              .confirmLabel=${'Remove topic'} .maxLength=${MODERATION_LIMITS.reasonMax}></stoa-reason-dialog>`
        : nothing}
      ${d.can.remove && d.moderationStatus === 'removed'
        ? html`<button type="button" class="secondary small" ?disabled=${busy} @click=${() => this.restore()}>Restore topic</button>`
        : nothing}
      <p class="error" role="alert">${error ? messageFor(error) : ''}</p>
    </div>`;
  }

  /** What the author / a moderator is told about a moderated topic whose words they still see. */
  renderNote(d: TopicDetail, viewer: Viewer) {
    if (d.moderationStatus === 'published' || d.bodyHtml === null) return nothing;
    const mine = d.author.id === viewer.userId;
    const reason = d.moderationReason ? html` Reason: <q>${d.moderationReason}</q>` : nothing;
    const text = {
      removed: mine ? 'A moderator removed your topic: members see “Removed by a moderator”.' : 'Removed by a moderator: only moderators and the author see the topic and its replies.',
      pending: mine ? 'Pending approval: a moderator will review your topic before others see it.' : 'Held for approval: only moderators and the author see it.',
      hidden: 'Hidden after several flags, until a moderator reviews it.',
    }[d.moderationStatus];
    return html`<p class="moderation-note" role="note">${text}${d.moderationStatus === 'removed' ? reason : nothing}</p>`;
  }
}

// The members of a community with their roles (shown to facilitators, moderators, managers, admins).
// Managers and admins get a role editor per member and can remove a membership (after a confirm);
// moderators suspend (reason, optional end date, in <stoa-reason-dialog>) and lift suspensions.
// A list, not a table, so it reads well at 360 px.
import { LitElement, css, html, nothing } from 'lit';
import { Task } from '@lit/task';
import type { Member } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { RowActionController } from '../controllers/row-actions.js';
import { emit } from '../events.js';
import { formatDate, formatDateTime } from '../format.js';
import { ROLE_LABELS, ROLES, roleNames, type Role } from '../roles.js';
import { base, forms } from '../styles.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import type { StoaReasonDialog } from './stoa-reason-dialog.js';
import './stoa-reason-dialog.js';
import { loadError } from '../load-error.js';
import { paths } from '../router.js';

/**
 * @fires stoa-announce - an outcome in words, for the app's screen-reader live region
 * @fires stoa-moderation-changed - a moderator acted: the nav's review count is read again
 * @fires stoa-session-changed - who I am or where I belong changed: the app reads /api/me again (and may navigate)
 */
export class StoaMemberList extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    canEditRoles: { attribute: false },
    myUserId: { attribute: false },
    canSuspend: { attribute: false },
    canRemove: { attribute: false },
    removed: { state: true },
    saved: { state: true },
  };

  declare communityId: string;
  declare canEditRoles: boolean;
  declare myUserId: string;
  /** Moderators (and admins): suspend / lift. */
  declare canSuspend: boolean;
  /** Managers (and admins): remove a membership. */
  declare canRemove: boolean;
  /** Members removed in this view (hidden from the list). */
  declare removed: Set<string>;
  /** Members as the server returned them after a role change, by user id (laid over the loaded list). */
  declare saved: Record<string, Member>;

  private readonly api = new ApiConsumer(this);
  /** Role saves, lifts and removals, one at a time, with messages per member (keyed by user id). */
  private readonly rows = new RowActionController(this);

  private readonly members = new Task(this, {
    task: async ([communityId], { signal }) => {
      if (!communityId) return [];
      this.saved = {};
      return (await this.api.client.communities.listMembers(communityId, signal)).items;
    },
    args: () => [this.communityId] as const,
  });

  constructor() {
    super();
    this.communityId = '';
    this.canEditRoles = false;
    this.myUserId = '';
    this.canSuspend = false;
    this.canRemove = false;
    this.removed = new Set();
    this.saved = {};
  }

  private async saveRoles(event: SubmitEvent, member: Member) {
    event.preventDefault();
    const roles = new FormData(event.target as HTMLFormElement).getAll('roles').map(String) as Role[];
    await this.rows.run(member.userId, async () => {
      const updated = await this.api.client.communities.setMemberRoles(this.communityId, member.userId, roles);
      // Update the row in place; no reload of the whole list.
      this.saved = { ...this.saved, [updated.userId]: updated };
      // My own roles changed: the header and the page must follow.
      if (member.userId === this.myUserId) emit(this, 'stoa-session-changed', {});
      return `Saved: ${roleNames(updated.roles).join(', ')}.`;
    });
  }

  private async suspend(member: Member, event: Event) {
    const button = event.currentTarget as HTMLElement;
    const dialog = this.renderRoot.querySelector<StoaReasonDialog>('stoa-reason-dialog')!;
    dialog.heading = `Suspend ${member.displayName}`;
    await dialog.open(async ({ reason, until }) => {
      const s = await this.api.client.moderation.suspend(this.communityId, member.userId, { reason, ...(until ? { until } : {}) });
      this.saved = { ...this.saved, [member.userId]: { ...member, suspended: true } };
      const message = `${member.displayName} is suspended${s.until ? ` until ${formatDateTime(s.until)}` : ' until lifted'}.`;
      this.rows.report(member.userId, message);
      emit(this, 'stoa-announce', { message });
      emit(this, 'stoa-moderation-changed', { communityId: this.communityId });
    }, button);
  }

  private async lift(member: Member) {
    await this.rows.run(member.userId, async () => {
      await this.api.client.moderation.lift(this.communityId, member.userId);
      this.saved = { ...this.saved, [member.userId]: { ...member, suspended: false } };
      return `${member.displayName}’s suspension is lifted.`;
    });
  }

  private async removeMember(member: Member) {
    if (this.rows.busy()) return;
    if (!confirm(`Remove ${member.displayName} from this community? Everything they wrote stays.`)) return;
    await this.rows.run(member.userId, async () => {
      await this.api.client.moderation.removeMember(this.communityId, member.userId);
      this.removed = new Set([...this.removed, member.userId]);
      emit(this, 'stoa-announce', { message: `${member.displayName} is no longer a member.` });
    });
  }

  override render() {
    return this.members.render({
      pending: () => (this.members.value ? this.renderList(this.members.value) : html`<p role="status">Loading members…</p>`),
      error: (error) => loadError(error, () => this.members.run()),
      complete: (items) => this.renderList(items),
    });
  }

  private renderList(loaded: readonly Member[]) {
    if (!loaded.length) return html`<p class="muted">No members yet.</p>`;
    const items = loaded.filter((m) => !this.removed.has(m.userId)).map((m) => this.saved[m.userId] ?? m);
    return html`<stoa-reason-dialog .label=${'Reason (the member sees it)'} .confirmLabel=${'Suspend'} .withUntil=${true}
        .maxLength=${MODERATION_LIMITS.reasonMax} .hint=${'A suspended member can read but not post, flag or mark posts helpful.'}></stoa-reason-dialog>
      <ul class="members">
      ${items.map((m) => {
        const rowId = `member-${m.userId}`;
        return html`<li class="card" aria-labelledby=${`${rowId}-name`}>
          <p class="name" id=${`${rowId}-name`}>
            <strong>${m.displayName}</strong>${m.userId === this.myUserId ? ' (you)' : ''}
            ${m.suspended ? html`<span class="badge">suspended</span>` : nothing}
          </p>
          <p class="muted"><a class="handle" href=${paths.profile(m.handle)}>@${m.handle}</a>${m.email ? html` · <span class="email">${m.email}</span>` : nothing}</p>
          <p class="muted">
            ${roleNames(m.roles).join(', ')} · joined ${formatDate(m.joinedAt)}
          </p>
          ${this.canEditRoles ? this.renderRoleEditor(m, rowId) : nothing}
          ${this.renderModeration(m)}
          ${this.canEditRoles ? nothing : html`<p class="error" role="alert">${this.rows.error(m.userId)}</p>
            <p class="status" role="status">${this.rows.status(m.userId)}</p>`}
        </li>`;
      })}
    </ul>`;
  }

  private renderModeration(m: Member) {
    const self = m.userId === this.myUserId;
    if (self || (!this.canSuspend && !this.canRemove)) return nothing;
    const busy = this.rows.busy(m.userId);
    return html`<div class="actions moderation">
      ${this.canSuspend && !m.suspended
        ? html`<button type="button" class="secondary" aria-haspopup="dialog" @click=${(e: Event) => this.suspend(m, e)}>Suspend<span class="visually-hidden"> ${m.displayName}</span>…</button>`
        : nothing}
      ${this.canSuspend && m.suspended
        ? html`<button type="button" class="secondary" ?disabled=${busy} @click=${() => this.lift(m)}>Lift suspension<span class="visually-hidden"> of ${m.displayName}</span></button>`
        : nothing}
      ${this.canRemove
        ? html`<button type="button" class="secondary danger" ?disabled=${busy} @click=${() => this.removeMember(m)}>Remove from community<span class="visually-hidden">: ${m.displayName}</span></button>`
        : nothing}
    </div>`;
  }

  private renderRoleEditor(m: Member, rowId: string) {
    const saving = this.rows.busy(m.userId);
    return html`<form class="roles" @submit=${(e: SubmitEvent) => this.saveRoles(e, m)}>
      <fieldset>
        <legend>Added roles for ${m.displayName}</legend>
        ${ROLES.map(
          (role) => html`<label class="check">
            <input type="checkbox" name="roles" value=${role} .checked=${m.roles.includes(role)} /> ${ROLE_LABELS[role]}
          </label>`,
        )}
      </fieldset>
      <div class="actions">
        <button type="submit" class="secondary" ?disabled=${saving}>${saving ? 'Saving…' : 'Save roles'}</button>
        <p class="error" role="alert" id=${`${rowId}-error`}>${this.rows.error(m.userId)}</p>
        <p class="status" role="status" id=${`${rowId}-status`}>${this.rows.status(m.userId)}</p>
      </div>
    </form>`;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      .members {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.75rem;
      }
      .members p {
        margin: 0 0 0.25rem;
      }
      .email {
        overflow-wrap: anywhere;
      }
      form.roles {
        margin-top: 0.5rem;
        max-width: none;
        gap: 0.5rem;
      }
      fieldset {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1.25rem;
      }
      legend {
        font-size: 0.95rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
      .moderation {
        margin-top: 0.5rem;
      }
      button.danger {
        color: var(--stoa-danger);
        border-color: var(--stoa-danger);
      }
      .error:empty,
      .status:empty {
        display: none;
      }
      .badge {
        font-size: 0.8rem;
        border: 1px solid currentColor;
        border-radius: 0.25rem;
        padding: 0 0.35rem;
        margin-left: 0.25rem;
      }
    `,
  ];
}

customElements.define('stoa-member-list', StoaMemberList);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-member-list': StoaMemberList;
  }
}

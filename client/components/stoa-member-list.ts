// The members of a community with their roles (shown to facilitators, moderators, managers, admins).
// Managers and admins get a role editor per member. A list, not a table, so it reads well at 360 px.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { messageFor, type Api, type Member } from '../api/index.js';
import { apiContext } from '../context.js';
import { emit } from '../events.js';
import { ROLE_LABELS, ROLES, roleNames, type Role } from '../roles.js';
import { base, forms } from '../styles.js';

export class StoaMemberList extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    canEditRoles: { attribute: false },
    myUserId: { attribute: false },
    savingUserId: { state: true },
    rowErrors: { state: true },
    rowStatus: { state: true },
    saved: { state: true },
  };

  declare communityId: string;
  declare canEditRoles: boolean;
  declare myUserId: string;
  /** The member whose roles are being saved (their button shows progress). */
  declare savingUserId: string | null;
  /** Per-member messages, keyed by user id. */
  declare rowErrors: Record<string, string>;
  declare rowStatus: Record<string, string>;
  /** Members as the server returned them after a role change, by user id (laid over the loaded list). */
  declare saved: Record<string, Member>;

  private readonly api = new ContextConsumer(this, { context: apiContext });

  private readonly members = new Task(this, {
    task: async ([communityId], { signal }) => {
      if (!communityId) return [];
      this.saved = {};
      return (await (this.api.value as Api).communities.listMembers(communityId, signal)).items;
    },
    args: () => [this.communityId] as const,
  });

  constructor() {
    super();
    this.communityId = '';
    this.canEditRoles = false;
    this.myUserId = '';
    this.savingUserId = null;
    this.rowErrors = {};
    this.rowStatus = {};
    this.saved = {};
  }

  private async saveRoles(event: SubmitEvent, member: Member) {
    event.preventDefault();
    if (this.savingUserId) return;
    const roles = new FormData(event.target as HTMLFormElement).getAll('roles').map(String) as Role[];
    this.savingUserId = member.userId;
    this.rowErrors = { ...this.rowErrors, [member.userId]: '' };
    this.rowStatus = { ...this.rowStatus, [member.userId]: '' };
    try {
      const updated = await (this.api.value as Api).communities.setMemberRoles(this.communityId, member.userId, roles);
      // Update the row in place; no reload of the whole list.
      this.saved = { ...this.saved, [updated.userId]: updated };
      this.rowStatus = { ...this.rowStatus, [member.userId]: `Saved: ${roleNames(updated.roles).join(', ')}.` };
      // My own roles changed: the header and the page must follow.
      if (member.userId === this.myUserId) emit(this, 'stoa-session-changed', {});
    } catch (error) {
      this.rowErrors = { ...this.rowErrors, [member.userId]: messageFor(error) };
    } finally {
      this.savingUserId = null;
    }
  }

  override render() {
    return this.members.render({
      pending: () => (this.members.value ? this.renderList(this.members.value) : html`<p role="status">Loading members…</p>`),
      error: (error) => html`<p class="error" role="alert">${messageFor(error)}</p>
        <button type="button" @click=${() => this.members.run()}>Try again</button>`,
      complete: (items) => this.renderList(items),
    });
  }

  private renderList(loaded: readonly Member[]) {
    if (!loaded.length) return html`<p class="muted">No members yet.</p>`;
    const items = loaded.map((m) => this.saved[m.userId] ?? m);
    return html`<ul class="members">
      ${items.map((m) => {
        const rowId = `member-${m.userId}`;
        return html`<li class="card" aria-labelledby=${`${rowId}-name`}>
          <p class="name" id=${`${rowId}-name`}>
            <strong>${m.displayName}</strong>${m.userId === this.myUserId ? ' (you)' : ''}
            ${m.suspended ? html`<span class="badge">suspended</span>` : nothing}
          </p>
          <p class="muted email">${m.email}</p>
          <p class="muted">
            ${roleNames(m.roles).join(', ')} · joined ${new Date(m.joinedAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}
          </p>
          ${this.canEditRoles ? this.renderRoleEditor(m, rowId) : nothing}
        </li>`;
      })}
    </ul>`;
  }

  private renderRoleEditor(m: Member, rowId: string) {
    const saving = this.savingUserId === m.userId;
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
        <p class="error" role="alert" id=${`${rowId}-error`}>${this.rowErrors[m.userId] ?? ''}</p>
        <p class="status" role="status" id=${`${rowId}-status`}>${this.rowStatus[m.userId] ?? ''}</p>
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

// `/c/:slug`: one community. Its name, description and my roles; the topic list (<stoa-topic-list>,
// filled by the topics feature); for facilitators/managers/admins the invite form; for facilitators,
// moderators, managers and admins the member list (managers and admins can change roles there).
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { ApiError, type Api, type Community } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { paths } from '../router.js';
import { canInvite, canInviteWithRoles, canListMembers, canModerate, canRemoveMembers, canSetRoles, roleNames } from '../roles.js';
import { base, forms } from '../styles.js';
import './stoa-watch-control.js';
import './stoa-invite-form.js';
import './stoa-member-list.js';
import './stoa-topic-list.js';
import { loadError, loadErrorHeading } from '../load-error.js';

/**
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 */
export class StoaCommunityPage extends LitElement {
  static override properties = {
    slug: { attribute: false },
  };

  declare slug: string;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });

  private readonly community = new Task(this, {
    task: async ([slug, signedIn], { signal }) => {
      // After sign-out this element may update once more before it is removed: ask nothing then.
      if (!signedIn) return initialState;
      const api = this.api.client;
      const communityId = await this.resolveSlug(api, slug, signal);
      const community = await api.communities.get(communityId, signal);
      emit(this, 'stoa-page-title', { title: community.name });
      return community;
    },
    // Reload when the address or my memberships (joins, role changes) change.
    args: () => [this.slug, this.session.value?.status === 'signed-in', JSON.stringify(this.session.value?.me?.memberships ?? [])] as const,
    onError: (error) => emit(this, 'stoa-page-title', { title: loadErrorHeading(error, 'community') }),
  });

  constructor() {
    super();
    this.slug = '';
  }

  /** Slug → id: from my memberships when I belong, else from the communities I can see (open ones; all for admins). */
  private async resolveSlug(api: Api, slug: string, signal: AbortSignal): Promise<string> {
    const mine = this.session.value?.me?.memberships.find((m) => m.slug === slug);
    if (mine) return mine.communityId;
    const visible = (await api.communities.list(signal)).items.find((c) => c.slug === slug);
    if (visible) return visible.id;
    throw new ApiError(404, 'not_found', 'There is no community at this address, or you are not a member of it.');
  }

  override render() {
    return this.community.render({
      initial: () => nothing,
      // A reload (after a join or a role change) keeps showing the page instead of flashing "Loading".
      pending: () =>
        this.community.value?.slug === this.slug ? this.renderCommunity(this.community.value) : html`<p role="status">Loading the community…</p>`,
      error: (error) => html`
        <h1>${loadErrorHeading(error, 'community')}</h1>
        ${loadError(error, () => this.community.run())}
        <p><a href=${paths.home()}>Back to your communities</a></p>
      `,
      complete: (community) => this.renderCommunity(community),
    });
  }

  private renderCommunity(c: Community) {
    const me = this.session.value?.me;
    const isAdmin = me?.isAdmin ?? false;
    const roles = c.myRoles;
    const membership = me?.memberships.find((m) => m.communityId === c.id);
    return html`
      <div class="intro">
        <h1>${c.name}</h1>
        ${c.description ? html`<p class="description">${c.description}</p>` : nothing}
        <p class="muted">
          ${roles ? html`Your roles here: <strong>${roleNames(roles).join(', ')}</strong>` : 'You are not a member of this community.'}
          · ${c.memberCount} member${c.memberCount === 1 ? '' : 's'}
        </p>
        ${membership ? html`<stoa-watch-control .kind=${'community'} .targetId=${c.id}></stoa-watch-control>` : nothing}
      </div>

      <section aria-labelledby="topics-h">
        <h2 id="topics-h">Topics</h2>
        <stoa-topic-list .community=${c}></stoa-topic-list>
      </section>

      ${canInvite(roles, isAdmin)
        ? html`<section aria-labelledby="invite-h">
            <h2 id="invite-h">Invite someone</h2>
            <stoa-invite-form .communityId=${c.id} .canChooseRoles=${canInviteWithRoles(roles, isAdmin)}></stoa-invite-form>
          </section>`
        : nothing}
      ${canListMembers(roles, isAdmin)
        ? html`<section aria-labelledby="members-h">
            <h2 id="members-h">Members</h2>
            <stoa-member-list .communityId=${c.id} .canEditRoles=${canSetRoles(roles, isAdmin)} .myUserId=${me?.id ?? ''}
              .canSuspend=${canModerate(roles, isAdmin)} .canRemove=${canRemoveMembers(roles, isAdmin)}></stoa-member-list>
          </section>`
        : nothing}
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      .description {
        white-space: pre-line;
        overflow-wrap: anywhere;
      }
      section {
        margin-top: 2rem;
      }
    `,
  ];
}

customElements.define('stoa-community-page', StoaCommunityPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-community-page': StoaCommunityPage;
  }
}

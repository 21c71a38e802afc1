// `/`: the communities I belong to, and open communities I can join.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { messageFor, type Community } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { paths } from '../router.js';
import { roleNames } from '../roles.js';
import { base, forms } from '../styles.js';
import { loadError } from '../load-error.js';

/**
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 * @fires stoa-session-changed - who I am or where I belong changed: the app reads /api/me again (and may navigate)
 */
export class StoaCommunitiesPage extends LitElement {
  static override properties = {
    joining: { state: true },
    joinError: { state: true },
  };

  /** The id of the community being joined (its button shows progress). */
  declare joining: string | null;
  declare joinError: unknown;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });

  private readonly communities = new Task(this, {
    task: async ([userId], { signal }) => {
      if (!userId) return [];
      return (await this.api.client.communities.list(signal)).items;
    },
    // Reload when the signed-in user changes.
    args: () => [this.session.value?.me?.id] as const,
  });

  constructor() {
    super();
    this.joining = null;
    this.joinError = null;
  }

  override firstUpdated() {
    emit(this, 'stoa-page-title', { title: 'My communities' });
  }

  private async join(community: Community) {
    if (this.joining) return;
    this.joining = community.id;
    this.joinError = null;
    try {
      await this.api.client.communities.join(community.id);
      emit(this, 'stoa-session-changed', { navigateTo: paths.community(community.slug), announce: `You joined ${community.name}.` });
    } catch (error) {
      this.joinError = error;
    } finally {
      this.joining = null;
    }
  }

  override render() {
    return html`
      <h1>My communities</h1>
      ${this.communities.render({
        pending: () => html`<p role="status">Loading communities…</p>`,
        error: (error) => loadError(error, () => this.communities.run()),
        complete: (items) => this.renderLists(items),
      })}
    `;
  }

  private renderLists(items: readonly Community[]) {
    const mine = items.filter((c) => c.myRoles !== null);
    const others = items.filter((c) => c.myRoles === null);
    const suspendedIn = new Set(this.session.value?.me?.memberships.filter((m) => m.suspended).map((m) => m.communityId));
    return html`
      ${mine.length
        ? html`<ul class="list" aria-label="Communities you belong to">
            ${mine.map(
              (c) => html`<li class="card">
                <h2><a href=${paths.community(c.slug)}>${c.name}</a></h2>
                ${c.description ? html`<p>${c.description}</p>` : nothing}
                <p class="meta muted">
                  Your roles: ${roleNames(c.myRoles ?? []).join(', ')}${suspendedIn.has(c.id) ? ' (suspended)' : ''} ·
                  ${c.memberCount} member${c.memberCount === 1 ? '' : 's'}
                </p>
              </li>`,
            )}
          </ul>`
        : html`<p>You do not belong to any community yet. Communities are usually joined through an invite link from a facilitator.</p>`}
      ${others.length
        ? html`<section aria-labelledby="others-h">
            <h2 id="others-h">Other communities</h2>
            <p id="join-error" class="error" role="alert">${this.joinError ? messageFor(this.joinError) : ''}</p>
            <ul class="list">
              ${others.map(
                (c) => html`<li class="card">
                  <h3>${c.joinPolicy === 'open' ? c.name : html`<a href=${paths.community(c.slug)}>${c.name}</a>`}</h3>
                  ${c.description ? html`<p>${c.description}</p>` : nothing}
                  <p class="meta muted">${c.joinPolicy === 'open' ? 'Open to everyone' : 'Invite only'} · ${c.memberCount} member${c.memberCount === 1 ? '' : 's'}</p>
                  ${c.joinPolicy === 'open'
                    ? html`<button type="button" @click=${() => this.join(c)} ?disabled=${this.joining !== null}
                        aria-label=${`Join ${c.name}`}>${this.joining === c.id ? 'Joining…' : 'Join'}</button>`
                    : nothing}
                </li>`,
              )}
            </ul>
          </section>`
        : nothing}
    `;
  }

  static override styles = [
    base,
    forms,
    css`
      .list {
        list-style: none;
        padding: 0;
        margin: 0 0 2rem;
        display: grid;
        gap: 1rem;
      }
      .list h2,
      .list h3 {
        font-size: 1.2rem;
      }
      .list p:last-child {
        margin-bottom: 0;
      }
      .meta {
        font-size: 0.9rem;
      }
      .card p {
        overflow-wrap: anywhere;
      }
      section h2 {
        margin-top: 1rem;
      }
    `,
  ];
}

customElements.define('stoa-communities-page', StoaCommunitiesPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-communities-page': StoaCommunitiesPage;
  }
}

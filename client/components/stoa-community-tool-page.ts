// The community's tool pages: `/c/:slug/moderation` (review queue), `/c/:slug/moderation/log` (audit log),
// `/c/:slug/settings` (watched words, thresholds) and `/c/:slug/engagement[?topic=id]` (dashboard). This
// element resolves the slug to the community, gives the page its title and heading, and renders the tool
// element with the community's id. Who may see what is the server's decision: a refusal (403) from the
// tool's own requests is shown by the tool, in words.
import { LitElement, css, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { Task, initialState } from '@lit/task';
import { ApiError, messageFor, type Community } from '../api/index.js';
import { ApiConsumer, sessionContext } from '../context.js';
import { emit } from '../events.js';
import { paths } from '../router.js';
import { base } from '../styles.js';
import './stoa-moderation-queue.js';
import './stoa-moderation-log.js';
import './stoa-community-settings.js';
import './stoa-engagement-dashboard.js';

export type CommunityTool = 'moderation' | 'moderation-log' | 'community-settings' | 'engagement';

const TITLES: Record<CommunityTool, string> = {
  moderation: 'Moderation queue',
  'moderation-log': 'Moderation audit log',
  'community-settings': 'Community settings',
  engagement: 'Engagement',
};

/**
 * @fires stoa-page-title - the page's title, once it is known (document.title)
 */
export class StoaCommunityToolPage extends LitElement {
  static override properties = {
    slug: { attribute: false },
    tool: { attribute: false },
    topicId: { attribute: false },
  };

  declare slug: string;
  declare tool: CommunityTool;
  /** Engagement only: one topic's participation (facilitators' view). */
  declare topicId: string | null;

  private readonly api = new ApiConsumer(this);
  private readonly session = new ContextConsumer(this, { context: sessionContext, subscribe: true });

  private readonly community = new Task(this, {
    task: async ([slug, tool, signedIn], { signal }) => {
      if (!signedIn) return initialState;
      const api = this.api.client;
      const mine = this.session.value?.me?.memberships.find((m) => m.slug === slug);
      const communityId = mine?.communityId ?? (await api.communities.list(signal)).items.find((c) => c.slug === slug)?.id;
      if (!communityId) throw new ApiError(404, 'not_found', 'There is no community at this address, or you are not a member of it.');
      const community = await api.communities.get(communityId, signal);
      emit(this, 'stoa-page-title', { title: `${TITLES[tool]} · ${community.name}` });
      return community;
    },
    args: () => [this.slug, this.tool, this.session.value?.status === 'signed-in'] as const,
  });

  constructor() {
    super();
    this.slug = '';
    this.tool = 'moderation';
    this.topicId = null;
  }

  override render() {
    return this.community.render({
      initial: () => nothing,
      pending: () => (this.community.value?.slug === this.slug ? this.renderTool(this.community.value) : html`<p role="status">Loading…</p>`),
      error: (error) => html`<h1>${TITLES[this.tool]}</h1>
        <p class="error" role="alert">${messageFor(error)}</p>
        <p><a href=${paths.home()}>Back to your communities</a></p>`,
      complete: (community) => this.renderTool(community),
    });
  }

  private renderTool(c: Community) {
    return html`<p class="crumb"><a href=${paths.community(c.slug)}>← ${c.name}</a></p>
      <h1>${TITLES[this.tool]}${this.tool === 'engagement' && this.topicId ? ': one topic' : ''}</h1>
      ${this.renderElement(c)}`;
  }

  private renderElement(c: Community) {
    switch (this.tool) {
      case 'moderation':
        return html`<stoa-moderation-queue .communityId=${c.id} .slug=${c.slug}></stoa-moderation-queue>`;
      case 'moderation-log':
        return html`<stoa-moderation-log .communityId=${c.id} .slug=${c.slug}></stoa-moderation-log>`;
      case 'community-settings':
        return html`<stoa-community-settings .communityId=${c.id}></stoa-community-settings>`;
      case 'engagement':
        return html`<stoa-engagement-dashboard .communityId=${c.id} .topicId=${this.topicId} .slug=${c.slug}></stoa-engagement-dashboard>`;
    }
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .crumb {
        margin: 0 0 0.5rem;
      }
      .error {
        color: var(--stoa-danger);
        font-weight: 600;
      }
    `,
  ];
}

customElements.define('stoa-community-tool-page', StoaCommunityToolPage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-community-tool-page': StoaCommunityToolPage;
  }
}

// The community's navigation under the header: Topics, and by role Moderation (with the count of flagged
// and held posts), the audit log, Settings and Engagement. The badge is fetched from
// GET …/moderation/counts, refetched when a post or topic event arrives on the community's live channel, when a
// moderator acts in this tab (`refreshKey` changes) and every two minutes as a fallback.
import { LitElement, css, html, nothing } from 'lit';
import { Task } from '@lit/task';
import { ContextConsumer } from '@lit/context';
import type { MembershipSummary, ModerationCounts } from '../api/index.js';
import { LiveSubscription } from '../api/live-connection.js';
import { ApiConsumer, liveContext } from '../context.js';
import { paths, type Route } from '../router.js';
import { canEditModerationSettings, canModerate, canReadModerationLog, canSeeEngagement } from '../roles.js';
import { base } from '../styles.js';

const POLL_MS = 120_000;
/** Post events come in bursts (a busy topic): one counts request per burst. */
const DEBOUNCE_MS = 1_500;

export class StoaCommunityNav extends LitElement {
  static override properties = {
    membership: { attribute: false },
    isAdmin: { attribute: false },
    current: { attribute: false },
    refreshKey: { attribute: false },
    counts: { state: true },
  };

  declare membership: MembershipSummary;
  declare isAdmin: boolean;
  /** The route being shown, to mark the current link (aria-current). */
  declare current: Route['name'];
  /** Bumped by the app when a moderator acted in this tab. */
  declare refreshKey: number;
  declare counts: ModerationCounts | null;

  private readonly api = new ApiConsumer(this);
  private readonly live = new ContextConsumer(this, { context: liveContext, subscribe: true });
  private readonly subscription = new LiveSubscription(this, () => ({
    onEvent: (event) => {
      // Posts and topics are both moderated (flags, holds, approvals): either may change the counts.
      if (!event.name.startsWith('post.') && !event.name.startsWith('topic.')) return;
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.loadCounts(), DEBOUNCE_MS);
    },
    // The counts may have been read before the feed began (the socket opens after the page's first reads),
    // and the counts endpoint has no liveCursor to compare: read them once more when it begins.
    onStart: () => this.loadCounts(),
    onResync: () => this.loadCounts(),
  }));
  private poll: ReturnType<typeof setInterval> | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private loadedFor = '';

  constructor() {
    super();
    this.isAdmin = false;
    this.current = 'community';
    this.refreshKey = 0;
    this.counts = null;
  }

  private get moderates() {
    return canModerate(this.membership?.roles ?? null, this.isAdmin);
  }

  override willUpdate(changed: Map<string, unknown>) {
    const communityId = this.moderates ? this.membership.communityId : '';
    if (communityId !== this.loadedFor || changed.has('refreshKey')) {
      if (communityId !== this.loadedFor) this.counts = null;
      this.loadedFor = communityId;
      if (communityId) this.loadCounts();
    }
    this.syncLive(communityId);
  }

  override connectedCallback() {
    super.connectedCallback();
    this.poll = setInterval(() => this.loadedFor && this.loadCounts(), POLL_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.loadedFor = '';
  }

  private syncLive(communityId: string) {
    this.subscription.sync(this.isConnected ? (this.live.value ?? null) : null, communityId ? `community:${communityId}` : null);
  }

  /** The badge's counts: run by every trigger above; a newer run supersedes one in flight. */
  private readonly countsTask = new Task(this, {
    task: async ([communityId]: readonly [string], { signal }) => ({ communityId, counts: await this.api.client.moderation.counts(communityId, signal) }),
    autoRun: false,
    onComplete: ({ communityId, counts }) => {
      if (communityId === this.loadedFor) this.counts = counts;
    },
    // A failure keeps the last counts: the badge is a hint; the queue page itself reports errors.
  });

  private loadCounts() {
    const communityId = this.loadedFor;
    if (communityId) void this.countsTask.run([communityId]);
  }

  override render() {
    const m = this.membership;
    if (!m) return nothing;
    const roles = m.roles;
    const link = (route: Route['name'], href: string, label: unknown) =>
      html`<a href=${href} aria-current=${this.current === route ? 'page' : 'false'}>${label}</a>`;
    const total = this.counts?.total ?? 0;
    return html`<nav aria-label=${`${m.name}`}>
      ${link('community', paths.community(m.slug), 'Topics')}
      ${this.moderates
        ? link(
            'moderation',
            paths.moderation(m.slug),
            html`Moderation${total > 0
              ? html` <span class="count" aria-label=${`${total} to review`}>${total}</span>`
              : nothing}`,
          )
        : nothing}
      ${canReadModerationLog(roles, this.isAdmin) ? link('moderation-log', paths.moderationLog(m.slug), 'Audit log') : nothing}
      ${canEditModerationSettings(roles, this.isAdmin) ? link('community-settings', paths.communitySettings(m.slug), 'Settings') : nothing}
      ${canSeeEngagement(roles, this.isAdmin) ? link('engagement', paths.engagement(m.slug), 'Engagement') : nothing}
    </nav>`;
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1.1rem;
      }
      a {
        color: var(--stoa-on-header);
        padding: 0.55rem 0;
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
      }
      :focus-visible {
        outline-color: var(--stoa-highlight);
      }
      a[aria-current='page'] {
        font-weight: 700;
        text-decoration-thickness: 3px;
      }
      .count {
        background: var(--stoa-highlight);
        color: var(--stoa-highlight-text);
        border-radius: 999px;
        padding: 0 0.45rem;
        font-size: 0.8rem;
        font-weight: 700;
        line-height: 1.4;
      }
    `,
  ];
}

customElements.define('stoa-community-nav', StoaCommunityNav);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-community-nav': StoaCommunityNav;
  }
}

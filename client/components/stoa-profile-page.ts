// /u/:handle — a member's profile: name, @handle, initials avatar, bio, what they can help with, the
// communities we share, and their recent posts that I may see. The server answers 404 unless we share one.
import { LitElement, css, html, nothing } from 'lit';
import { Task } from '@lit/task';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { messageFor } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { formatDateTime } from '../format.js';
import { paths } from '../router.js';
import { base, prose } from '../styles.js';
import { sanitizeHtml } from '../../shared/markdown.js';
import './stoa-avatar.js';

/** @fires stoa-page-title */
export class StoaProfilePage extends LitElement {
  static override properties = { user: { attribute: false } };

  declare user: string;

  private readonly api = new ApiConsumer(this);
  private readonly profile = new Task(this, {
    task: async ([user], { signal }) => {
      const profile = await this.api.client.people.profile(user, signal);
      emit(this, 'stoa-page-title', { title: profile.displayName });
      return profile;
    },
    args: () => [this.user] as const,
    onError: () => emit(this, 'stoa-page-title', { title: 'Member not found' }),
  });

  constructor() {
    super();
    this.user = '';
  }

  override render() {
    return this.profile.render({
      pending: () => html`<p role="status">Loading…</p>`,
      error: (e) => html`<h1>Member not found</h1><p role="alert">${messageFor(e)}</p>`,
      complete: (p) => html`
        <header class="who">
          <stoa-avatar .name=${p.displayName} .seed=${p.id} size="64"></stoa-avatar>
          <div><h1>${p.displayName}</h1><p class="handle">@${p.handle}</p></div>
        </header>
        ${p.bio ? html`<section aria-labelledby="bio-h"><h2 id="bio-h">About</h2><p class="text">${p.bio}</p></section>` : nothing}
        ${p.expertise ? html`<section aria-labelledby="help-h"><h2 id="help-h">Can help with</h2><p class="text">${p.expertise}</p></section>` : nothing}
        ${p.sharedCommunities.length
          ? html`<p>In ${p.sharedCommunities.map((c, i) => html`${i ? ', ' : ''}<a href=${paths.community(c.slug)}>${c.name}</a>`)}</p>`
          : nothing}
        <section aria-labelledby="posts-h">
          <h2 id="posts-h">Recent posts</h2>
          ${p.recentPosts.length
            ? html`<ul class="posts">
                ${p.recentPosts.map(
                  (post) => html`<li>
                    <p class="meta"><a href=${`${paths.topic(post.communitySlug, post.topicId)}?post=${encodeURIComponent(post.id)}`}>${post.topicTitle}</a> ·
                      <time datetime=${post.createdAt}>${formatDateTime(post.createdAt)}</time></p>
                    <div class="prose">${unsafeHTML(sanitizeHtml(post.bodyHtml))}</div>
                  </li>`,
                )}
              </ul>`
            : html`<p>No posts to show yet.</p>`}
        </section>`,
    });
  }

  static override styles = [
    base,
    prose,
    css`
      .who {
        display: flex;
        gap: 1rem;
        align-items: center;
      }
      .who h1 {
        margin: 0;
      }
      .handle,
      .meta {
        color: var(--stoa-muted);
        margin: 0.2rem 0;
      }
      .text {
        white-space: pre-line;
      }
      .posts {
        list-style: none;
        padding: 0;
      }
      .posts li {
        border-bottom: 1px solid var(--stoa-border);
        padding-block: 0.75rem;
      }
    `,
  ];
}

customElements.define('stoa-profile-page', StoaProfilePage);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-profile-page': StoaProfilePage;
  }
}

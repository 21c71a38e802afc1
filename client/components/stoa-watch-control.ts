// "Notify me" for a topic or a community: watching, tracking, normal or muted (Discourse's levels). Shows the
// level in force (chosen, or the default) and saves a choice at once.
import { LitElement, css, html } from 'lit';
import { Task } from '@lit/task';
import { messageFor, type WatchLevel } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { emit } from '../events.js';
import { base, forms } from '../styles.js';

const LABELS: Record<'topic' | 'community', Record<WatchLevel, string>> = {
  topic: {
    watching: 'Watching: every new post',
    tracking: 'Tracking: replies to me and mentions',
    normal: 'Normal: replies to me and mentions',
    muted: 'Muted: nothing',
  },
  community: {
    watching: 'Watching: every new post',
    tracking: 'Tracking: new topics and prompts',
    normal: 'Normal: only replies to me and mentions',
    muted: 'Muted: nothing',
  },
};

/** @fires stoa-announce - the level saved */
export class StoaWatchControl extends LitElement {
  static override properties = { kind: { attribute: false }, targetId: { attribute: false }, error: { state: true } };

  declare kind: 'topic' | 'community';
  declare targetId: string;
  declare error: unknown;

  private readonly api = new ApiConsumer(this);
  private readonly watch = new Task(this, {
    task: async ([kind, targetId], { signal }) => {
      const api = this.api.client.notifications;
      return kind === 'topic' ? api.topicWatch(targetId, signal) : api.communityWatch(targetId, signal);
    },
    args: () => [this.kind, this.targetId] as const,
  });

  constructor() {
    super();
    this.kind = 'topic';
    this.targetId = '';
    this.error = null;
  }

  private async choose(event: Event) {
    const level = (event.target as HTMLSelectElement).value as WatchLevel;
    const api = this.api.client.notifications;
    this.error = null;
    try {
      await (this.kind === 'topic' ? api.setTopicWatch(this.targetId, level) : api.setCommunityWatch(this.targetId, level));
      emit(this, 'stoa-announce', { message: `Notifications: ${LABELS[this.kind][level]}.` });
      void this.watch.run();
    } catch (error) {
      this.error = error;
    }
  }

  override render() {
    const id = `watch-${this.kind}`;
    return this.watch.render({
      complete: (w) => html`<div class="field">
        <label for=${id}>Notify me</label>
        <select id=${id} @change=${this.choose}>
          ${(['watching', 'tracking', 'normal', 'muted'] as const).map(
            (level) => html`<option value=${level} ?selected=${level === w.level}>${LABELS[this.kind][level]}${!w.chosen && level === w.level ? ' (default)' : ''}</option>`,
          )}
        </select>
        <p class="error" role="alert">${this.error ? messageFor(this.error) : ''}</p>
      </div>`,
      error: (e) => html`<p class="error" role="alert">${messageFor(e)}</p>`,
    });
  }

  static override styles = [
    base,
    forms,
    css`
      .field {
        margin: 0;
      }
      .error:empty {
        display: none;
      }
    `,
  ];
}

customElements.define('stoa-watch-control', StoaWatchControl);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-watch-control': StoaWatchControl;
  }
}

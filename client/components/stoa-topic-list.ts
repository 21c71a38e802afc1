// THE SLOT FOR TOPICS. The community page renders <stoa-topic-list .community=${community}> under its
// "Topics" heading. The topics feature replaces this element's body (load GET .../topics with a Task,
// link each topic to paths.topic(slug, topicId)); the page around it does not need to change.
import { LitElement, css, html } from 'lit';
import type { Community } from '../api/index.js';
import { base } from '../styles.js';

export class StoaTopicList extends LitElement {
  static override properties = {
    community: { attribute: false },
  };

  declare community: Community | null;

  constructor() {
    super();
    this.community = null;
  }

  override render() {
    return html`<p class="muted">No topics yet.</p>`;
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
    `,
  ];
}

customElements.define('stoa-topic-list', StoaTopicList);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-topic-list': StoaTopicList;
  }
}

// The history of a post or a topic in a modal <dialog>: every version, newest first, each with the words added
// and removed since the one before highlighted (<ins>/<del>, word-level: client/revision-diff.ts). The markdown
// source is compared, not the rendered HTML, so a changed link or emphasis shows too. Who may open it is the
// server's decision (policy: the author and moderators for a post, the topic's editors for a topic); the
// opener passes a loader and a refusal shows here in words.
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { messageFor } from '../api/index.js';
import { formatDateTime } from '../format.js';
import { versionDiff, type DiffPart, type VersionView } from '../revision-diff.js';
import { base, dialogs } from '../styles.js';

let historyCount = 0;

export class StoaRevisionHistory extends LitElement {
  static override properties = {
    heading: { state: true },
    versions: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  declare heading: string;
  /** Oldest first, as loaded. */
  declare versions: VersionView[];
  declare loading: boolean;
  declare error: unknown;
  private returnFocus: HTMLElement | null = null;
  private readonly uid = `history-${++historyCount}`;

  constructor() {
    super();
    this.heading = '';
    this.versions = [];
    this.loading = false;
    this.error = null;
  }

  /** Opens the dialog and loads the versions; `from` gets the focus back when it closes. */
  async open(heading: string, load: () => Promise<VersionView[]>, from?: HTMLElement | null) {
    this.heading = heading;
    this.returnFocus = from ?? null;
    this.versions = [];
    this.error = null;
    this.loading = true;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')!.showModal();
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    try {
      this.versions = [...(await load())].sort((a, b) => a.version - b.version);
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  private onClose = () => {
    this.returnFocus?.focus();
    this.returnFocus = null;
  };

  private renderParts(parts: DiffPart[]) {
    return parts.map((p) =>
      p.kind === 'added'
        ? html`<ins><span class="visually-hidden">[added: </span>${p.text}<span class="visually-hidden">]</span></ins>`
        : p.kind === 'removed'
          ? html`<del><span class="visually-hidden">[removed: </span>${p.text}<span class="visually-hidden">]</span></del>`
          : p.text,
    );
  }

  private renderVersion(v: VersionView, index: number) {
    const previous = index > 0 ? this.versions[index - 1]! : null;
    const latest = index === this.versions.length - 1;
    const fields = versionDiff(previous, v);
    const many = fields.length > 1;
    return html`<li class="version" aria-labelledby=${`${this.uid}-v${v.version}`}>
      <h3 id=${`${this.uid}-v${v.version}`}>Version ${v.version}${latest ? ' (current)' : ''}${index === 0 ? ' (original)' : ''}</h3>
      <p class="muted meta">${index === 0 ? 'Written' : 'Edited'} by ${v.editorName}, <time datetime=${v.createdAt}>${formatDateTime(v.createdAt)}</time></p>
      ${fields.map(
        (f) => html`${many ? html`<h4>${f.label}${previous && !f.changed ? html` <span class="muted">(unchanged)</span>` : nothing}</h4>` : nothing}
          ${previous && !f.changed && !many ? html`<p class="muted">No change to the text.</p>` : nothing}
          ${previous && !f.changed && many ? nothing : html`<div class="diff">${this.renderParts(f.parts)}</div>`}`,
      )}
    </li>`;
  }

  override render() {
    const newestFirst = this.versions.map((v, i) => ({ v, i })).reverse();
    return html`<dialog aria-labelledby=${`${this.uid}-h`} @close=${this.onClose}>
      <h2 id=${`${this.uid}-h`} tabindex="-1">${this.heading}</h2>
      <p class="muted legend">Newest first. Each version shows what changed since the one before:
        <ins>added words</ins> and <del>removed words</del>.</p>
      ${this.loading ? html`<p role="status">Loading the history…</p>` : nothing}
      <p class="error" role="alert">${this.error ? messageFor(this.error) : ''}</p>
      ${this.versions.length
        ? html`<ol class="versions">
            ${repeat(newestFirst, ({ v }) => v.version, ({ v, i }) => this.renderVersion(v, i))}
          </ol>`
        : nothing}
      <div class="dialog-actions">
        <button type="button" class="secondary" @click=${this.close}>Close</button>
      </div>
    </dialog>`;
  }

  static override styles = [
    base,
    dialogs,
    css`
      dialog {
        width: min(48rem, calc(100vw - 1.5rem));
      }
      h2:focus {
        outline: none;
      }
      .versions {
        list-style: none;
        margin: 0 0 1rem;
        padding: 0;
      }
      .version + .version {
        border-top: 1px solid var(--stoa-divider);
        margin-top: 0.75rem;
        padding-top: 0.75rem;
      }
      h3 {
        font-size: 1.05rem;
        margin: 0;
      }
      h4 {
        font-size: 0.95rem;
        margin: 0.5rem 0 0.25rem;
      }
      .meta {
        font-size: 0.9rem;
        margin: 0.15rem 0 0.35rem;
      }
      .diff {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        background: var(--stoa-surface-sunken);
        border-radius: 0.35rem;
        padding: 0.5rem 0.75rem;
        font-size: 0.95rem;
      }
      ins {
        background: var(--stoa-diff-added-bg);
        color: var(--stoa-diff-added-text);
        text-decoration: underline;
      }
      del {
        background: var(--stoa-diff-removed-bg);
        color: var(--stoa-diff-removed-text);
        text-decoration: line-through;
      }
      .legend {
        font-size: 0.9rem;
      }
    `,
  ];
}

customElements.define('stoa-revision-history', StoaRevisionHistory);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-revision-history': StoaRevisionHistory;
  }
}

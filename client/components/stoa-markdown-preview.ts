// The live preview under every markdown field (replies, edits, articles, prompts, practice problems): the
// source rendered by the shared markdown module (the server's own pipeline, so what is shown is what will be
// stored), at most once a frame while the member types. Markdown the server would refuse as too complex is
// said in the server's words (its 422); text over the length limit shows no preview (the submit says why).
// Slotted content (e.g. the composer's "Mentioned: …" note) shows under the preview.
import { LitElement, css, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { base, prose } from '../styles.js';
import { escapeHtml, MarkdownTooComplexError, renderMarkdown } from '../../shared/markdown.js';

/** The preview's HTML for a markdown source ('' for blank text). */
export function previewHtml(source: string): string {
  if (!source.trim()) return '';
  try {
    return renderMarkdown(source);
  } catch (err) {
    if (err instanceof MarkdownTooComplexError) return `<p class="too-complex"><strong>${escapeHtml(err.message)}</strong></p>`;
    return '';
  }
}

export class StoaMarkdownPreview extends LitElement {
  static override properties = {
    source: { attribute: false },
    label: { attribute: false },
    rendered: { state: true },
  };

  /** The markdown to show. */
  declare source: string;
  /** The region's name for screen readers, e.g. "Preview" or "Preview of prompt 2". */
  declare label: string;
  declare rendered: string;
  private renderedFor: string | null = null;
  private frame = 0;

  constructor() {
    super();
    this.source = '';
    this.label = 'Preview';
    this.rendered = '';
  }

  override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (!changed.has('source') || this.source === this.renderedFor) return;
    if (this.renderedFor === null || !this.source.trim()) {
      // First render (a restored draft) and clearing show at once; typing renders on the next frame.
      this.renderNow();
      return;
    }
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.renderNow());
  }

  private renderNow() {
    this.renderedFor = this.source;
    this.rendered = previewHtml(this.source);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
    // Reconnected later: the next source change renders again.
    if (this.renderedFor !== this.source) this.renderedFor = null;
  }

  override render() {
    if (!this.rendered) return nothing;
    return html`<section class="preview" aria-label=${this.label}>
      <p class="preview-label muted">Preview</p>
      <div class="prose">${unsafeHTML(this.rendered)}</div>
      <slot></slot>
    </section>`;
  }

  static override styles = [
    base,
    prose,
    css`
      :host {
        display: block;
      }
      .preview {
        border: 1px dashed var(--stoa-border);
        border-radius: 0.35rem;
        padding: 0.5rem 0.75rem;
        background: var(--stoa-surface-muted);
      }
      .preview-label {
        font-size: 0.85rem;
        margin: 0 0 0.25rem;
      }
    `,
  ];
}

customElements.define('stoa-markdown-preview', StoaMarkdownPreview);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-markdown-preview': StoaMarkdownPreview;
  }
}

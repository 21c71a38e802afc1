// The list of keyboard shortcuts (client/keyboard.ts), in a modal dialog opened with `?`.
import { LitElement, css, html } from 'lit';
import { SHORTCUTS } from '../keyboard.js';
import { base, dialogs, forms } from '../styles.js';

export class StoaShortcutsDialog extends LitElement {
  /** Opens the dialog (focus goes to its Close button; Escape or Close shut it and focus returns). */
  show() {
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  override render() {
    return html`<dialog aria-labelledby="shortcuts-h">
      <h2 id="shortcuts-h">Keyboard shortcuts</h2>
      <p class="hint">Single keys work when you are not typing in a box.</p>
      <dl>
        ${SHORTCUTS.map(([keys, what]) => html`<div><dt>${keys.split(/\s{2}or\s{2}/).map((k, i) => html`${i ? ' or ' : ''}<kbd>${k}</kbd>`)}</dt><dd>${what}</dd></div>`)}
      </dl>
      <div class="dialog-actions">
        <button type="button" autofocus @click=${() => this.renderRoot.querySelector('dialog')?.close()}>Close</button>
      </div>
    </dialog>`;
  }

  static override styles = [
    base,
    forms,
    dialogs,
    css`
      dl {
        margin: 0 0 1rem;
        display: grid;
        gap: 0.4rem;
      }
      dl > div {
        display: grid;
        grid-template-columns: minmax(7rem, auto) 1fr;
        gap: 0.75rem;
      }
      dd {
        margin: 0;
      }
      kbd {
        font: inherit;
        font-family: ui-monospace, monospace;
        font-size: 0.9em;
        padding: 0 0.35rem;
        border: 1px solid var(--stoa-border);
        border-radius: 0.25rem;
        background: var(--stoa-surface-sunken);
      }
    `,
  ];
}

customElements.define('stoa-shortcuts-dialog', StoaShortcutsDialog);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-shortcuts-dialog': StoaShortcutsDialog;
  }
}

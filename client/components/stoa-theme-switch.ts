// The colour-scheme switch in the header: follow the system, light or dark (client/theme.ts remembers it).
import { LitElement, css, html } from 'lit';
import { setTheme, storedTheme, type ThemeChoice } from '../theme.js';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export class StoaThemeSwitch extends LitElement {
  static override properties = { choice: { state: true } };

  declare choice: ThemeChoice;

  constructor() {
    super();
    this.choice = storedTheme();
  }

  private onChange(event: Event) {
    this.choice = (event.target as HTMLSelectElement).value as ThemeChoice;
    setTheme(this.choice);
  }

  override render() {
    return html`<label
      ><span>Theme</span>
      <select @change=${this.onChange}>
        ${(Object.keys(LABELS) as ThemeChoice[]).map((c) => html`<option value=${c} ?selected=${c === this.choice}>${LABELS[c]}</option>`)}
      </select></label
    >`;
  }

  static override styles = css`
    label {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      font-size: 0.85rem;
    }
    select {
      font: inherit;
      min-height: 2.75rem;
      padding: 0 0.4rem;
      color: var(--stoa-on-header);
      background: var(--stoa-header-bg);
      border: 1px solid var(--stoa-on-header);
      border-radius: 0.35rem;
    }
    select:focus-visible {
      outline: 3px solid var(--stoa-highlight);
      outline-offset: 2px;
    }
  `;
}

customElements.define('stoa-theme-switch', StoaThemeSwitch);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-theme-switch': StoaThemeSwitch;
  }
}

// A generated initials avatar: up to two initials of the name on a colour chosen from the member's id, so a
// member keeps the same colour everywhere. Decorative (the name is always written beside it).
import { LitElement, css, html } from 'lit';

// The avatar tokens (tokens.css), each dark enough for white text at WCAG AA (4.5:1).
const COLOURS = Array.from({ length: 8 }, (_, i) => `var(--stoa-avatar-${i})`);

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!] : words.slice(0, 1);
  return letters.map((w) => [...w][0]!.toLocaleUpperCase()).join('') || '?';
}

export function colourFor(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return COLOURS[Math.abs(hash) % COLOURS.length]!;
}

export class StoaAvatar extends LitElement {
  static override properties = { name: { attribute: false }, seed: { attribute: false }, size: { type: Number } };

  declare name: string;
  declare seed: string;
  declare size: number;

  constructor() {
    super();
    this.name = '';
    this.seed = '';
    this.size = 32;
  }

  override render() {
    return html`<span aria-hidden="true" style="width:${this.size}px;height:${this.size}px;font-size:${Math.round(this.size * 0.4)}px;background:${colourFor(this.seed || this.name)}"
      >${initialsOf(this.name)}</span
    >`;
  }

  static override styles = css`
    span {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      border-radius: 50%;
      color: var(--stoa-on-avatar);
      font-weight: 700;
      user-select: none;
    }
  `;
}

customElements.define('stoa-avatar', StoaAvatar);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-avatar': StoaAvatar;
  }
}

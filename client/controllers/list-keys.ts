// Moving through a list of links with the keyboard (search results): ↓ and ↑ go from one link to the next
// while one of them has focus, and, with `shortcuts`, j and k do the same from anywhere on the page unless the
// member is typing (the first j goes to the first link). Enter on a focused link opens it, as links do.
// Focus moves to the real link, so the screen reader reads it and Tab continues from there.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ListKeysOptions {
  /** j / k anywhere on the page (listening on window while the host is connected); else only keys inside the host. */
  shortcuts: boolean;
}

/** True when the key is for a text field (or another control that uses letters and arrows itself). */
export function isTyping(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

export class ListKeysController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** The links, in order, as they are now. */
    private readonly links: () => HTMLElement[],
    private readonly options: ListKeysOptions,
  ) {
    host.addController(this);
  }

  hostConnected() {
    (this.options.shortcuts ? window : this.host).addEventListener('keydown', this.onKeydown as EventListener);
  }

  hostDisconnected() {
    (this.options.shortcuts ? window : this.host).removeEventListener('keydown', this.onKeydown as EventListener);
  }

  /** Moves focus `step` links on from the one that has it (or to the first / last); false when there is none. */
  move(step: 1 | -1, from?: EventTarget): boolean {
    const links = this.links();
    if (!links.length) return false;
    const current = from ? links.findIndex((l) => l === from || l.contains(from as Node)) : -1;
    const next = current === -1 ? (step === 1 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, current + step));
    const link = links[next]!;
    link.focus();
    link.scrollIntoView({ block: 'nearest' });
    return true;
  }

  private onKeydown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const origin = event.composedPath()[0];
    const onLink = this.links().some((l) => l === origin);
    let step: 1 | -1 | 0 = 0;
    if (onLink && event.key === 'ArrowDown') step = 1;
    else if (onLink && event.key === 'ArrowUp') step = -1;
    else if (this.options.shortcuts && !isTyping(origin) && !event.shiftKey && (event.key === 'j' || event.key === 'k')) step = event.key === 'j' ? 1 : -1;
    if (step && this.move(step, onLink ? origin : undefined)) event.preventDefault();
  };
}

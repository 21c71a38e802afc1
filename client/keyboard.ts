// Keyboard shortcuts, as Discourse members know them. App-wide (installed by <stoa-app>): Ctrl/⌘+Enter
// submits the form of the text box being typed in (any composer), `/` focuses the header's search box, `?`
// opens the list of shortcuts. The topic page adds `j`/`k` (next/previous post) and `r` (reply): see
// client/controllers/topic-keys.ts. Single-key shortcuts are off while typing in a field.

import { isTyping as isTypingIn } from './controllers/list-keys.js';

/** The shortcuts, for the `?` dialog. */
export const SHORTCUTS: ReadonlyArray<readonly [keys: string, what: string]> = [
  ['j', 'Next post'],
  ['k', 'Previous post'],
  ['r', 'Reply (to the post in focus, else to the topic)'],
  ['/', 'Search'],
  ['?', 'Show these shortcuts'],
  ['Ctrl + Enter  or  ⌘ + Enter', 'Send what you are writing'],
];

/** The element the event really started on (inside shadow roots). */
function origin(event: Event): Element | null {
  const first = event.composedPath()[0];
  return first instanceof Element ? first : null;
}

/** True while the member types: in a text field, a select, or editable content. */
export function isTyping(event: Event): boolean {
  return isTypingIn(event.composedPath()[0]);
}

/** A single-key shortcut: no Ctrl, ⌘ or Alt held, not typing, not already handled. */
export function isShortcut(event: KeyboardEvent): boolean {
  return !event.defaultPrevented && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event);
}

/** Ctrl/⌘+Enter in a text field: submits its form as its submit button would (validation included). */
export function submitOnCtrlEnter(event: KeyboardEvent): boolean {
  if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return false;
  const el = origin(event);
  const form = el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement ? el.form : null;
  if (!form) return false;
  event.preventDefault();
  form.requestSubmit();
  return true;
}

/** The innermost focused element, through open shadow roots. */
export function deepActiveElement(): Element | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** The chain of focused elements from the document down (each shadow host, then what is focused inside it). */
export function activeChain(): Element[] {
  const chain: Element[] = [];
  let el: Element | null = document.activeElement;
  while (el) {
    chain.push(el);
    el = el.shadowRoot?.activeElement ?? null;
  }
  return chain;
}

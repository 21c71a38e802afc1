// Images from other sites in members' posts wait for the reader: the shared markdown module turns them into
// placeholder links (`<a href=SRC data-stoa-image=ALT>Show image from HOST</a>`), so no other site learns
// who reads what. A click (or Enter) on a placeholder puts the image in its place. One listener for the
// whole app: placeholders live in many components' shadow roots, and composedPath() reaches into them.
import { IMAGE_PLACEHOLDER_ATTR } from '../shared/markdown.js';

const HTTP_URL = /^https?:\/\//i;

/** The placeholder link the event came from, if any. */
function placeholderOf(event: Event): HTMLAnchorElement | null {
  for (const target of event.composedPath()) {
    if (target instanceof HTMLAnchorElement && target.hasAttribute(IMAGE_PLACEHOLDER_ATTR)) return target;
  }
  return null;
}

/** Replaces the placeholder by its image; keeps keyboard focus on the image's place. */
export function loadPlaceholderImage(link: HTMLAnchorElement): HTMLImageElement | null {
  const src = link.getAttribute('href') ?? '';
  if (!HTTP_URL.test(src)) return null;
  const img = link.ownerDocument.createElement('img');
  img.src = src;
  img.alt = link.getAttribute(IMAGE_PLACEHOLDER_ATTR) ?? '';
  const hadFocus = link.matches(':focus');
  link.replaceWith(img);
  if (hadFocus) {
    img.tabIndex = -1;
    img.focus();
  }
  return img;
}

/** Installs the listener once (client/main.ts). A modified click (new tab, new window) opens the image as a link does. */
export function installRemoteImages(root: Document = document) {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = placeholderOf(event);
    if (!link) return;
    event.preventDefault();
    loadPlaceholderImage(link);
  });
}

// The one markdown pipeline, used by the server when a post is written (the HTML is stored) and by the
// client for the composer's live preview and to re-sanitise stored HTML before it is shown.
//
//   renderMarkdown(source)  GFM markdown → safe HTML (marked, then DOMPurify with an allow-list)
//   sanitizeHtml(html)      any HTML → safe HTML (the same allow-list and link rules)
//
// Safety rules (enforced by DOMPurify, whatever marked produced):
// - only the elements markdown itself makes (no iframe/object/embed/svg/math/form/input/style);
// - only href, src, alt, title, align, start attributes (no event handlers, no style, no class/id);
// - link URLs: http, https, mailto or relative; images: http(s) only (others are replaced by their alt);
// - images from other sites are not loaded until the reader asks (privacy: a loaded image tells its host who
//   reads what): an <img> becomes a placeholder link `<a href=SRC data-stoa-image=ALT>Show image from HOST</a>`;
//   the client turns it into the image on click (client/remote-images.ts). Where the sanitiser knows the
//   page's origin (in the browser: location.origin), images from that origin stay images;
// - every link gets rel="nofollow ugc noopener" and no target;
// - raw HTML inside markdown is shown as text (escaped), never interpreted.
// Hostile input is bounded before marked sees it: a length cap, and container nesting (lists and
// blockquotes) flattened beyond MAX_NESTING so deep nesting cannot stall marked or exhaust the stack.
// Rendering time grows with the number of elements (DOMPurify on jsdom costs ~0.1 ms per element on the
// server) and superlinearly with unmatched emphasis delimiters in marked, so markdownComplexity() refuses
// text with too many of either before parsing (MarkdownTooComplexError; the server answers 422
// `markdown_too_complex`, the composer preview says the same). The server also renders in worker threads
// with a time limit (server/domain/markdown-pool.ts).
import { Marked } from 'marked';
import DOMPurify from 'isomorphic-dompurify';
import { escapeHtml } from './html-escape.js';
import { LIMITS } from './limits.js';
import { linkMentions } from './mentions.js';

/** Lists/blockquotes nest at most this deep; deeper markers are dropped (the text is kept). */
export const MAX_NESTING = 12;
/** Leading indentation beyond this many columns is clamped: a nested list needs ≥2 columns per level. */
const MAX_INDENT = MAX_NESTING * 2;

export const LINK_REL = 'nofollow ugc noopener';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'pre', 'code',
  'em', 'strong', 'del', 's', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd', '#text',
];
/** On a placeholder link: the image's alt text (present, maybe empty, only on placeholders). */
export const IMAGE_PLACEHOLDER_ATTR = 'data-stoa-image';
const ALLOWED_ATTR = ['href', 'src', 'alt', 'title', 'align', 'start', IMAGE_PLACEHOLDER_ATTR];
// http(s), mailto, or a relative URL (no scheme before the first / ? #).
const SAFE_URL = /^(?:(?:https?|mailto):|[^a-z]|[a-z0-9+.-]+(?:[^a-z0-9+.\-:]|$))/i;
const HTTP_URL = /^https?:\/\//i;

const PURIFY_CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOWED_URI_REGEXP: SAFE_URL,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // Content of removed elements (e.g. <textarea>, <noscript>, <title>) goes too: it is markup-ish text.
  KEEP_CONTENT: false,
  RETURN_TRUSTED_TYPE: false,
} as const;

/** The origin whose images load at once: the page's own in a browser; none on the server (every image waits). */
const OWN_ORIGIN: string | null = typeof location !== 'undefined' && /^https?:$/.test(location.protocol) ? location.origin : null;

/** The URL's origin and host, or null when it is not an absolute http(s) URL. */
function httpUrl(value: string): { origin: string; host: string } | null {
  if (!HTTP_URL.test(value.trim())) return null;
  try {
    const url = new URL(value.trim());
    return url.host ? { origin: url.origin, host: url.host } : null;
  } catch {
    return null;
  }
}

function makeImage(doc: Document, src: string, alt: string): Element {
  const img = doc.createElement('img');
  img.setAttribute('src', src);
  img.setAttribute('alt', alt);
  return img;
}

/** What a reader sees before choosing to load an image from another site. */
export const imagePlaceholderText = (host: string, alt: string) => `Show image from ${host}${alt ? `: ${alt}` : ''}`;

// Runs after DOMPurify has filtered an element's attributes: add rel to links, drop non-http images, hold
// back images from other sites (placeholders), and let the page's own origin's images show.
function finishElement(node: Element, ownOrigin: string | null) {
  const tag = node.nodeName.toLowerCase();
  if (tag === 'a') {
    node.removeAttribute('target');
    if (node.hasAttribute('href')) node.setAttribute('rel', LINK_REL);
    if (node.hasAttribute(IMAGE_PLACEHOLDER_ATTR)) {
      const target = httpUrl(node.getAttribute('href') ?? '');
      // Only an http(s) link can stand for an image; a placeholder for this page's own origin is the image again.
      if (!target) node.removeAttribute(IMAGE_PLACEHOLDER_ATTR);
      else if (target.origin === ownOrigin) node.replaceWith(makeImage(node.ownerDocument, node.getAttribute('href')!, node.getAttribute(IMAGE_PLACEHOLDER_ATTR) ?? ''));
    }
  } else if (tag === 'img') {
    const src = (node.getAttribute('src') ?? '').trim();
    const alt = node.getAttribute('alt') ?? '';
    const target = httpUrl(src);
    if (!target) {
      node.replaceWith(node.ownerDocument.createTextNode(alt));
    } else if (target.origin !== ownOrigin) {
      const link = node.ownerDocument.createElement('a');
      link.setAttribute('href', src);
      link.setAttribute('rel', LINK_REL);
      link.setAttribute(IMAGE_PLACEHOLDER_ATTR, alt);
      link.textContent = imagePlaceholderText(target.host, alt);
      node.replaceWith(link);
    }
  }
}

/** Sanitises HTML with the allow-list above. Idempotent; never throws (hostile HTML that DOMPurify refuses becomes text). */
export function sanitizeHtml(html: string, { mentions = false, ownOrigin = OWN_ORIGIN }: { mentions?: boolean; ownOrigin?: string | null } = {}): string {
  // The hook is added and removed around each call so that no other DOMPurify user is affected.
  const hook = (node: Element) => finishElement(node, ownOrigin);
  DOMPurify.addHook('afterSanitizeAttributes', hook);
  try {
    const fragment = DOMPurify.sanitize(html, {
      ...PURIFY_CONFIG,
      ALLOWED_TAGS: [...ALLOWED_TAGS],
      ALLOWED_ATTR: [...ALLOWED_ATTR],
      RETURN_DOM_FRAGMENT: true,
    }) as unknown as DocumentFragment;
    return serialize(fragment.childNodes, mentions);
  } catch {
    // DOMPurify refuses some pathological trees (e.g. nodes it cannot detach): show the input as text.
    return `<p>${escapeStrict(html)}</p>`;
  } finally {
    DOMPurify.removeHook('afterSanitizeAttributes', hook);
  }
}

const VOID_ELEMENTS = new Set(['br', 'hr', 'img']);
const SERIALIZED_ATTRS = [...ALLOWED_ATTR.filter((a) => a !== IMAGE_PLACEHOLDER_ATTR), 'rel', IMAGE_PLACEHOLDER_ATTR];
const NO_MENTIONS_INSIDE = new Set(['a', 'code', 'pre']);

/**
 * Escapes text and attribute values more strictly than the HTML serialiser: besides & < > " ' it
 * encodes `=` and the colon after "script"/"data", so that the stored HTML never even looks like an
 * event handler or a script URL to a naive filter (browsers decode the entities back when showing it).
 */
export function escapeStrict(text: string): string {
  return text
    .replace(/[&<>"'=]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '=': '&#61;' })[c]!)
    .replace(/(script|data)\s*:/gi, (m) => m.replace(':', '&#58;'));
}

// Serialises the sanitised tree ourselves (only allow-listed elements remain) with strict escaping. With
// `mentions`, an @handle in text (not in a link or code) becomes a link to the profile.
function serialize(nodes: NodeListOf<ChildNode>, mentions = false): string {
  let out = '';
  for (const node of Array.from(nodes)) {
    if (node.nodeType === 3) {
      out += mentions ? linkMentions(node.nodeValue ?? '', escapeStrict) : escapeStrict(node.nodeValue ?? '');
    } else if (node.nodeType === 1) {
      const el = node as Element;
      const tag = el.nodeName.toLowerCase();
      if (!ALLOWED_TAGS.includes(tag)) continue;
      let attrs = '';
      // In one fixed order, so that sanitising again gives the same text (DOMPurify may reorder attributes).
      for (const name of SERIALIZED_ATTRS) {
        const value = el.getAttribute(name);
        if (value !== null) attrs += ` ${name}="${escapeStrict(value)}"`;
      }
      out += `<${tag}${attrs}>`;
      if (!VOID_ELEMENTS.has(tag)) out += `${serialize(el.childNodes, mentions && !NO_MENTIONS_INSIDE.has(tag))}</${tag}>`;
    }
  }
  return out;
}

// One line's container prefix: indentation, then blockquote markers and list markers.
const CONTAINER_MARKER = /^[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function indentWidth(ws: string) {
  let width = 0;
  for (const ch of ws) width += ch === '\t' ? 4 - (width % 4) : 1;
  return width;
}

/**
 * Bounds nesting: beyond MAX_NESTING container markers on one line the extra markers are dropped, and
 * leading indentation is clamped to MAX_INDENT columns. Fenced code blocks are left untouched.
 */
export function limitNesting(source: string): string {
  const lines = source.split('\n');
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      continue;
    }
    let rest = line;
    let kept = '';
    let markers = 0;
    for (;;) {
      const m = CONTAINER_MARKER.exec(rest);
      if (!m) break;
      markers++;
      if (markers <= MAX_NESTING) kept += m[0];
      rest = rest.slice(m[0].length);
    }
    const lead = /^[ \t]*/.exec(rest)![0];
    const clampedLead = indentWidth(lead) > MAX_INDENT ? ' '.repeat(MAX_INDENT) : lead;
    const keptLead = /^[ \t]*/.exec(kept)![0];
    const clampedKept = indentWidth(keptLead) > MAX_INDENT ? ' '.repeat(MAX_INDENT) + kept.slice(keptLead.length) : kept;
    if (markers > MAX_NESTING || clampedLead !== lead || clampedKept !== kept) {
      lines[i] = clampedKept + clampedLead + rest.slice(lead.length);
    }
  }
  return lines.join('\n');
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML in markdown is shown as text, never parsed: it is not needed for discussion, and deeply
    // nested HTML makes DOM sanitisers slow (seconds for a few thousand tags) or throw.
    html(token) {
      const text = escapeHtml(token.text);
      return 'block' in token && token.block ? `<p>${text}</p>\n` : text;
    },
    // GFM task lists would render <input>: show the box as a character instead.
    checkbox({ checked }) {
      return checked ? '☑ ' : '☐ ';
    },
  },
});

export class MarkdownTooLongError extends Error {
  constructor(readonly maxLength: number) {
    super(`Markdown longer than ${maxLength} characters.`);
  }
}

/** Emphasis delimiters (`*`, `_`, `~`) outside fenced code blocks: at most this many in one text. */
export const MAX_EMPHASIS_DELIMITERS = 2_000;
/** Estimated elements (paragraphs, lines, table cells, emphasis, code spans, links…) in one text. */
export const MAX_ELEMENTS = 1_000;

export class MarkdownTooComplexError extends Error {
  readonly code = 'markdown_too_complex';
}

// Things that can each become an element (or cost as much): table cell bars, link and image brackets,
// angle brackets (autolinks, or raw HTML shown as text), bare URLs and e-mail addresses (GFM autolinks).
const ELEMENT_MARKS = /[|[<]|www\.|:\/\/|@/g;
// An image costs more: the sanitiser parses its URL and replaces it with a placeholder link and its text (or
// the image again, in the browser, for the page's own origin). Two more elements each.
const IMAGE_MARKS = /!\[/g;

/**
 * Why this text is too complex to render in bounded time, or null. A cheap upper estimate, counted
 * outside fenced code blocks (code is one element however it looks): every line (a paragraph, list item,
 * table row or line break), every table bar, bracket and autolink, and one element per pair of emphasis
 * delimiters or backticks. Ordinary writing stays far below the limits.
 */
export function markdownComplexity(source: string): string | null {
  let delimiters = 0;
  let elements = 0;
  let fence: string | null = null;
  for (const line of source.split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      elements++;
      continue;
    }
    let lineDelimiters = 0;
    let backticks = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 42 /* * */ || c === 95 /* _ */ || c === 126 /* ~ */) lineDelimiters++;
      else if (c === 96 /* ` */) backticks++;
    }
    delimiters += lineDelimiters;
    elements += 1 + Math.ceil(lineDelimiters / 2) + Math.ceil(backticks / 2) + (line.match(ELEMENT_MARKS)?.length ?? 0) + 2 * (line.match(IMAGE_MARKS)?.length ?? 0);
  }
  if (delimiters > MAX_EMPHASIS_DELIMITERS) {
    return `This text has too many emphasis marks (*, _ or ~): ${delimiters}, at most ${MAX_EMPHASIS_DELIMITERS.toLocaleString('en')} outside code blocks. Put code in a \`\`\` block.`;
  }
  if (elements > MAX_ELEMENTS) {
    return `This text has too many lines, links or formatted pieces for one post (about ${elements}, at most ${MAX_ELEMENTS.toLocaleString('en')}). Split it, or put code and logs in a \`\`\` block.`;
  }
  return null;
}

/**
 * Renders GFM markdown to safe HTML. Throws MarkdownTooLongError beyond `maxLength` characters
 * (default LIMITS.postBodyMax; articles pass LIMITS.articleMax) and MarkdownTooComplexError for text
 * markdownComplexity() refuses. Otherwise never throws for hostile content.
 */
export function renderMarkdown(source: string, { maxLength = LIMITS.postBodyMax }: { maxLength?: number } = {}): string {
  if (source.length > maxLength) throw new MarkdownTooLongError(maxLength);
  const unified = source.replace(/\r\n?/g, '\n');
  const tooComplex = markdownComplexity(unified);
  if (tooComplex) throw new MarkdownTooComplexError(tooComplex);
  const normalised = limitNesting(unified.replace(/\u0000/g, '\uFFFD'));
  let html: string;
  try {
    html = marked.parse(normalised) as string;
  } catch {
    // marked should not throw, but if it ever does the text is still shown, escaped.
    return `<p>${escapeStrict(source)}</p>`;
  }
  return sanitizeHtml(html, { mentions: true }).trim();
}

export { escapeHtml };

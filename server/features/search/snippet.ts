// Turning ts_headline's output (the member's markdown, with control-character marks around matched words)
// into safe HTML: the text is escaped whole, and the only elements are the <mark>s put back here.
import { MARK_END, MARK_START } from './queries.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Markdown syntax that reads as noise in a one-line snippet: link targets, emphasis, headings, quotes. */
export function plainMarkdown(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // [words](url) → words; images keep their alt text
    .replace(/^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+/gm, '') // headings, quotes, list markers
    .replace(/(\*\*|__|~~|`+)/g, '') // bold, strike, code ticks (single * and _ are often real text)
    .replace(/<[^>]*>/g, ' ') // raw HTML tags
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escaped text with <mark> where ts_headline marked a match; an unpaired mark is dropped. */
export function highlightedHtml(headline: string, { markdown }: { markdown: boolean }): string {
  const text = markdown ? plainMarkdown(headline) : headline;
  let html = '';
  let open = false;
  for (const part of text.split(new RegExp(`([${MARK_START}${MARK_END}])`))) {
    if (part === MARK_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (part === MARK_END) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += escapeHtml(part);
    }
  }
  return open ? `${html}</mark>` : html;
}

/** The first line of a post with text in it, as plain text, at most 160 characters. */
export function firstLine(markdown: string): string {
  const line = markdown.split('\n').map((l) => plainMarkdown(l)).find((l) => l !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

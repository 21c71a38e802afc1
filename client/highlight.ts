// Search snippets and titles arrive as escaped text with the matched words in <mark>. They are server HTML,
// so they go through DOMPurify like every other piece of server HTML the client shows, with an allow-list of
// exactly that one element and no attributes: anything else (were the server ever to send it) is dropped,
// its text kept.
import DOMPurify from 'isomorphic-dompurify';

const cache = new Map<string, string>();

export function sanitizeHighlight(html: string): string {
  let out = cache.get(html);
  if (out === undefined) {
    out = DOMPurify.sanitize(html, { ALLOWED_TAGS: ['mark', '#text'], ALLOWED_ATTR: [], KEEP_CONTENT: true });
    if (cache.size > 500) cache.clear();
    cache.set(html, out);
  }
  return out;
}

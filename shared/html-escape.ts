// Escaping text for HTML, apart from the markdown pipeline: the server's request thread imports this
// module and never shared/markdown.ts, whose DOMPurify loads jsdom (about a second of every start-up;
// only the markdown worker threads need it). `npm run lint:deps` keeps it that way.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

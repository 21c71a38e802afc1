// @mentions in markdown: the handles a post names, outside code. Server (who to notify) and client (what the
// preview says) read them the same way, and the markdown pipeline renders each as a link to the profile.

/** Mentioning more than this many people in one post notifies nobody beyond the first ten. */
export const MENTIONS_MAX = 10;

const HANDLE = /(^|[^\w@/.])@([A-Za-z0-9_]{3,30})\b/g;

/** The distinct handles mentioned (lower-case, in order of first appearance), ignoring code and link text, as rendered. */
export function mentionedHandles(markdown: string): string[] {
  const text = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, ' ') // fenced code
    .replace(/`+[^`\n]*`+/g, ' ') // code spans
    .replace(/\[[^\]\n]*\]\([^)\n]*\)/g, ' '); // link text (it renders as the link, not as a mention)
  const seen = new Set<string>();
  for (const match of text.matchAll(HANDLE)) seen.add(match[2]!.toLowerCase());
  return [...seen];
}

/** Where a mention links: the member's profile, by handle. */
export const profilePath = (handle: string) => `/u/${encodeURIComponent(handle.toLowerCase())}`;

/** Text with each @handle (not inside a word, an address or a path) as a link to the profile; the rest escaped. */
export function linkMentions(text: string, escape: (s: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(HANDLE)) {
    const at = m.index! + m[1]!.length;
    const handle = m[2]!.toLowerCase();
    out += `${escape(text.slice(last, at))}<a href="${profilePath(handle)}">@${escape(m[2]!)}</a>`;
    last = at + 1 + m[2]!.length;
  }
  return out + escape(text.slice(last));
}

// @mentions in markdown: the handles a post names, outside code. Server (who to notify) and client (what the
// preview says) read them the same way.

/** Mentioning more than this many people in one post notifies nobody beyond the first ten. */
export const MENTIONS_MAX = 10;

const HANDLE = /(^|[^\w@/.])@([A-Za-z0-9_]{3,30})\b/g;

/** The distinct handles mentioned (lower-case, in order of first appearance), ignoring code blocks and code spans. */
export function mentionedHandles(markdown: string): string[] {
  const text = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, ' ') // fenced code
    .replace(/`+[^`\n]*`+/g, ' '); // code spans
  const seen = new Set<string>();
  for (const match of text.matchAll(HANDLE)) seen.add(match[2]!.toLowerCase());
  return [...seen];
}

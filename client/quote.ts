// The "Quote" action's markdown: the selected words as a blockquote, then who wrote them. The mention
// (@handle) tells the quoted member, as quoting does in Discourse; a member without a handle is named.

export interface QuotedAuthor {
  displayName: string;
  handle?: string | null | undefined;
}

/** `> line` for each line of the selection (blank lines stay in the quote as `>`), then `— @handle`. */
export function quoteMarkdown(text: string, author: QuotedAuthor): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => line.trimEnd());
  // Runs of blank lines (paragraph gaps in the selection) become one quoted blank line.
  const quoted = lines.filter((line, i) => line !== '' || lines[i - 1] !== '').map((line) => (line ? `> ${line}` : '>'));
  return `${quoted.join('\n')}\n\n— ${author.handle ? `@${author.handle}` : author.displayName}`;
}

/** The composer's text with a quote added: after what is there, a blank line apart, with room to answer below. */
export function withQuote(body: string, quote: string): string {
  const before = body.trimEnd();
  return `${before ? `${before}\n\n` : ''}${quote}\n\n`;
}

// @vitest-environment jsdom
// The "Quote" action's markdown: a blockquote of the selected words, then who wrote them.
import { describe, expect, it } from 'vitest';
import { quoteMarkdown, withQuote } from '../../client/quote.js';
import { selectedText } from '../../client/controllers/quote-selection.js';
import { renderMarkdown } from '../../shared/markdown.js';

describe('quoteMarkdown', () => {
  it('quotes every line, keeps one quoted blank line between paragraphs, and names the author by handle', () => {
    const md = quoteMarkdown('  First paragraph.\n\n\nSecond line one\r\nline two  \n', { displayName: 'Pat P', handle: 'pat' });
    expect(md).toBe('> First paragraph.\n>\n> Second line one\n> line two\n\n— @pat');
    const html = renderMarkdown(md);
    expect(html).toMatch(/^<blockquote>\s*<p>First paragraph.<\/p>\s*<p>Second line one\s*line two<\/p>\s*<\/blockquote>/);
  });

  it('names a member without a handle by display name', () => {
    expect(quoteMarkdown('Yes.', { displayName: 'Pat P', handle: null })).toBe('> Yes.\n\n— Pat P');
  });

  it('adds the quote after what the composer holds, a blank line apart, with room to answer', () => {
    expect(withQuote('', '> a\n\n— @x')).toBe('> a\n\n— @x\n\n');
    expect(withQuote('I agree.\n\n', '> a\n\n— @x')).toBe('I agree.\n\n> a\n\n— @x\n\n');
  });
});

describe('selectedText', () => {
  it('reads the selection inside the post paragraph by paragraph, clamped to the post', () => {
    document.body.innerHTML = '<div id="post"><p>First\nline <em>kept</em>.</p><ul><li>one</li><li>two</li></ul><p>a<br>b</p></div><p id="after">outside</p>';
    const post = document.getElementById('post')!;
    const range = document.createRange();
    range.setStart(post.querySelector('em')!.firstChild!, 0);
    range.setEnd(document.getElementById('after')!.firstChild!, 3); // the selection runs past the post
    expect(selectedText(range, post)).toBe('kept.\n\none\n\ntwo\n\na\nb');
    range.setStart(post.querySelector('p')!.firstChild!, 0);
    range.setEnd(post.querySelector('p')!.firstChild!, 5);
    expect(selectedText(range, post)).toBe('First');
  });
});

// The shared markdown module on its own: hostile markdown must come out safe, quickly, without throwing.
import { describe, expect, it } from 'vitest';
import { LINK_REL, MarkdownTooComplexError, MarkdownTooLongError, renderMarkdown, sanitizeHtml } from '../../shared/markdown.js';
import { UNSAFE_HTML, xssPayloads } from '../helpers/corpora.js';
import { LIMITS } from '../../shared/limits.js';

const assertSafe = (html: string, label = html) => {
  for (const pattern of UNSAFE_HTML) expect(html, label).not.toMatch(pattern);
  expect(html, label).not.toMatch(/<(iframe|object|embed|svg|math|form|input|style|script|textarea|button)\b/i);
  expect(html, label).not.toMatch(/\sstyle\s*=/i);
};

describe('renderMarkdown', () => {
  it('renders GFM', () => {
    expect(renderMarkdown('# Title\n\n*em* **strong** ~~del~~ `code`')).toBe(
      '<h1>Title</h1>\n<p><em>em</em> <strong>strong</strong> <del>del</del> <code>code</code></p>',
    );
    expect(renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |')).toContain('<table>');
    expect(renderMarkdown('- [x] done\n- [ ] todo')).toBe('<ul>\n<li>☑ done</li>\n<li>☐ todo</li>\n</ul>');
    expect(renderMarkdown('> quoted')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>');
  });

  it('gives links rel="nofollow ugc noopener" and no target; keeps http(s), mailto and relative URLs', () => {
    expect(renderMarkdown('[a](https://example.org/x?y=1)')).toBe(`<p><a href="https://example.org/x?y&#61;1" rel="${LINK_REL}">a</a></p>`);
    expect(renderMarkdown('<https://example.org>')).toContain(`rel="${LINK_REL}"`);
    expect(renderMarkdown('[m](mailto:a@example.org)')).toContain('href="mailto:a@example.org"');
    expect(renderMarkdown('[r](/topics/1)')).toContain('href="/topics/1"');
    expect(renderMarkdown('[f](ftp://example.org)')).toBe('<p><a>f</a></p>');
    expect(sanitizeHtml('<a href="https://x.org" target="_blank" rel="opener">x</a>')).toBe(`<a href="https://x.org" rel="${LINK_REL}">x</a>`);
  });

  const hostile: Array<[string, string]> = [
    ['script tag', '<script>alert(1)</script>'],
    ['script in paragraph', 'hi <script>alert(1)</script> there'],
    ['javascript link', '[x](javascript:alert(1))'],
    ['entity-obfuscated javascript link', '[x](jav&#x61;script:alert(1))'],
    ['decimal entity link', '[x](&#106;avascript:alert(1))'],
    ['tab inside scheme', '[x](java\tscript:alert(1))'],
    ['upper-case scheme', '[x](JAVASCRIPT:alert(1))'],
    ['reference-style javascript link', '[x][evil]\n\n[evil]: javascript:alert(1) "t"'],
    ['reference-style data link', '[x][evil]\n\n[evil]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['vbscript link', '[x](vbscript:msgbox(1))'],
    ['data:text/html link', '[x](data:text/html,<script>alert(1)</script>)'],
    ['data image', '![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)'],
    ['javascript image', '![x](javascript:alert(1))'],
    ['onerror img html', '<img src=x onerror=alert(1)>'],
    ['onerror in markdown title', '![x](https://a.example/i.png "a onerror=alert(1)")'],
    ['link title with handler', '[x](https://a.example "x\\" onmouseover=\\"alert(1)")'],
    ['svg', '<svg onload=alert(1)><circle r=1 /></svg>'],
    ['math', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
    ['iframe', '<iframe src="https://evil.example"></iframe>'],
    ['object/embed', '<object data="x.swf"></object><embed src="x.swf">'],
    ['form/input', '<form action="https://evil.example"><input name=a></form>'],
    ['style attribute', '<p style="background:url(javascript:alert(1))">x</p>'],
    ['style element', '<style>body{display:none}</style>'],
    ['autolink javascript', '<javascript:alert(1)>'],
    ['html in code', '`<img src=x onerror=alert(1)>`'],
    ['fenced html', '```html\n<script>alert(1)</script>\n```'],
  ];
  for (const [label, source] of hostile) {
    it(`neutralises ${label}`, () => {
      const html = renderMarkdown(source);
      assertSafe(html, label);
      // Sanitising stored HTML again (the client does) changes nothing.
      expect(sanitizeHtml(html)).toBe(html);
    });
  }

  it('shows raw HTML as text rather than interpreting it', () => {
    expect(renderMarkdown('<b>bold?</b>')).toBe('<p>&lt;b&gt;bold?&lt;/b&gt;</p>');
  });

  it('only allows http(s) images, replacing others by their alt text', () => {
    expect(renderMarkdown('![chart](/local.png)')).toBe('<p>chart</p>');
    expect(renderMarkdown('![chart](javascript:alert(1))')).toBe('<p>chart</p>');
  });

  it('holds back images from other sites: a placeholder link naming the host, loaded only when the reader asks', () => {
    const placeholder = `<p><a href="https://img.example/c.png" rel="${LINK_REL}" data-stoa-image="chart">Show image from img.example: chart</a></p>`;
    expect(renderMarkdown('![chart](https://img.example/c.png)')).toBe(placeholder);
    expect(renderMarkdown('![](http://img.example:8080/c.png)')).toContain('>Show image from img.example:8080</a>');
    // Idempotent, and stored HTML written before this rule (an <img>) becomes the placeholder when shown.
    expect(sanitizeHtml(placeholder)).toBe(placeholder);
    expect(sanitizeHtml('<p><img src="https://img.example/c.png" alt="chart"></p>')).toBe(placeholder);
    // The page's own origin: its images show at once, placeholders for it become images again.
    const own = { ownOrigin: 'https://stoa.example' };
    expect(sanitizeHtml('<img src="https://stoa.example/logo.png" alt="logo">', own)).toBe('<img src="https://stoa.example/logo.png" alt="logo">');
    expect(sanitizeHtml('<a href="https://stoa.example/logo.png" data-stoa-image="logo">x</a>', own)).toBe('<img src="https://stoa.example/logo.png" alt="logo">');
    expect(sanitizeHtml('<img src="https://img.example/c.png" alt="chart">', own)).toBe(placeholder.slice(3, -4));
    // The marker stands only on http(s) links: elsewhere it is dropped.
    expect(sanitizeHtml('<a href="mailto:a@example.org" data-stoa-image="x">m</a>')).toBe(`<a href="mailto:a@example.org" rel="${LINK_REL}">m</a>`);
    // Hostile alt text stays an attribute value / text.
    const hostile = renderMarkdown('![" onerror="alert(1)](https://img.example/x.png)');
    assertSafe(hostile);
    expect(sanitizeHtml(hostile)).toBe(hostile);
  });

  it('bounds length: longer than the limit throws MarkdownTooLongError', () => {
    expect(() => renderMarkdown('x'.repeat(LIMITS.postBodyMax + 1))).toThrow(MarkdownTooLongError);
    expect(() => renderMarkdown('x'.repeat(LIMITS.postBodyMax))).not.toThrow();
    expect(renderMarkdown('y'.repeat(30_000), { maxLength: LIMITS.articleMax })).toContain('yyy');
  });

  // Behaviour, not speed: each of these completes (no stack overflow, no exception) and yields safe,
  // bounded output. Timing is measured in benchmarks, not asserted here.
  const deep: Array<[string, string]> = [
    ['10,000 nested list markers', '- '.repeat(10_000) + 'x'],
    ['10,000 nested quotes', '>'.repeat(10_000) + ' x'],
    ['10,000 spaced quotes', '> '.repeat(9_999) + 'x'],
    ['mixed quote and list nesting', '> - 1. '.repeat(2_800) + 'x'],
    ['indentation staircase', Array.from({ length: 140 }, (_, i) => `${' '.repeat(i * 2)}- level ${i}`).join('\n')],
    ['10,000 nested html divs', '<div>'.repeat(4_000)],
    ['10,000 brackets', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['emphasis storm', '*_'.repeat(10_000)],
    ['many lazy quote lines', Array.from({ length: 6_000 }, () => '>a').join('\n')],
  ];
  for (const [label, source] of deep) {
    it(`survives ${label}`, () => {
      // Storms with too many elements or emphasis marks are refused before parsing (issue 11.3); the
      // rest must render safely.
      let html: string;
      try {
        html = renderMarkdown(source.slice(0, LIMITS.postBodyMax));
      } catch (err) {
        expect(err).toBeInstanceOf(MarkdownTooComplexError);
        return;
      }
      assertSafe(html, label);
      const nestedLists = html.split(/<(?:ul|ol|blockquote)>/).length - 1;
      const closings = html.split(/<\/(?:ul|ol|blockquote)>/).length - 1;
      expect(nestedLists).toBe(closings);
      expect(maxNesting(html)).toBeLessThanOrEqual(16);
    });
  }

  it('renders every DOMPurify test payload to safe HTML', () => {
    for (const { title, payload } of xssPayloads()) assertSafe(renderMarkdown(payload.slice(0, LIMITS.postBodyMax)), title);
  });

  it('sanitizeHtml makes every DOMPurify payload safe when given as HTML directly', () => {
    for (const { title, payload } of xssPayloads()) assertSafe(sanitizeHtml(payload), title);
  });
});

/** Deepest nesting of list/blockquote elements in the HTML. */
function maxNesting(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)(ul|ol|blockquote)>/g)) {
    depth += m[1] ? -1 : 1;
    max = Math.max(max, depth);
  }
  return max;
}

describe('@mentions', () => {
  it('link to the profile outside code, links, words, addresses and paths; the same handles notify', async () => {
    const { mentionedHandles } = await import('../../shared/mentions.js');
    const source = 'Hi @Maria_Costa and **@ben_w**, see `@in_code` and [@in_link](https://e.org), ana@example.org, a/@path, @ab\n\n```\n@in_block\n```';
    const html = renderMarkdown(source);
    expect(html).toContain('<a href="/u/maria_costa">@Maria_Costa</a>');
    expect(html).toContain('<strong><a href="/u/ben_w">@ben_w</a></strong>');
    expect(html).toContain('<code>@in_code</code>');
    expect(html).toContain('>@in_link</a>');
    expect(html).not.toContain('/u/in_link');
    expect(html).not.toMatch(/\/u\/(example|path|ab\b|in_block)/);
    expect(mentionedHandles(source)).toEqual(['maria_costa', 'ben_w']);
  });
});

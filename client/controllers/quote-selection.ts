// Which words of a post the member has selected, for its "Quote" button. The selection lives in the post's
// shadow root: Chromium reads it with ShadowRoot.getSelection(), other browsers through document.getSelection()
// (their selection is not re-targeted to the host). The words are kept while the Quote button has the focus
// (a keyboard member selects, then Tabs to it) and while a pointer presses it.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export class QuoteSelectionController implements ReactiveController {
  /** The selected words inside the post's text, or '' (no selection there). */
  text = '';

  constructor(
    private readonly host: Host,
    /** The element holding the post's words (selections elsewhere are not quotes of this post). */
    private readonly content: () => Element | null,
    /** The Quote button, while shown. */
    private readonly button: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  hostConnected() {
    document.addEventListener('selectionchange', this.onChange);
  }

  hostDisconnected() {
    document.removeEventListener('selectionchange', this.onChange);
  }

  clear() {
    if (!this.text) return;
    this.text = '';
    this.host.requestUpdate();
  }

  private selection(): Selection | null {
    const root = this.host.renderRoot as ShadowRoot & { getSelection?: () => Selection | null };
    return typeof root.getSelection === 'function' ? root.getSelection() : document.getSelection();
  }

  private onChange = () => {
    const content = this.content();
    const sel = this.selection();
    let text = '';
    // One end in the post's words is enough (a triple click on its last paragraph ends the selection past it).
    if (content && sel && sel.rangeCount > 0 && !sel.isCollapsed && (content.contains(sel.anchorNode) || content.contains(sel.focusNode))) {
      text = selectedText(sel.getRangeAt(0), content);
    }
    if (!text) {
      const button = this.button();
      const root = this.host.renderRoot as ShadowRoot;
      if (button && (root.activeElement === button || button.matches(':active'))) return; // on the way to the button
    }
    if (text !== this.text) {
      this.text = text;
      this.host.requestUpdate();
    }
  };
}

const BLOCKS = new Set(['P', 'LI', 'PRE', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'DIV', 'UL', 'OL', 'TABLE', 'TR', 'HR']);

/**
 * The text of `range` within `content`, paragraphs apart by a blank line and `<br>` as a line break (the quote is
 * markdown: the layout's own text, Selection.toString(), would join or split lines by how they are shown).
 */
export function selectedText(range: Range, content: Element): string {
  const r = range.cloneRange();
  if (!content.contains(r.startContainer)) r.setStart(content, 0);
  if (!content.contains(r.endContainer)) r.setEnd(content, content.childNodes.length);
  const blocks: string[] = [];
  let line = '';
  const flush = () => {
    if (line.trim()) blocks.push(line.replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').trim());
    line = '';
  };
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      line += (node.textContent ?? '').replace(/\s*\n\s*/g, ' ');
      return;
    }
    if (!(node instanceof Element) && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
    const block = node instanceof Element && BLOCKS.has(node.tagName);
    if (node instanceof Element && node.tagName === 'BR') line += '\n';
    if (block) flush();
    node.childNodes.forEach(walk);
    if (block) flush();
  };
  walk(r.cloneContents());
  flush();
  return blocks.join('\n\n');
}

// One look for every mail Stoa sends: a plain-text part and a small HTML part built from the same paragraphs.
import { escapeHtml } from '../../shared/html-escape.js';

export interface MailBody {
  /** Paragraphs of plain text (no markup). */
  paragraphs: string[];
  /** The one thing to do, as an absolute link. */
  action?: { label: string; url: string };
  /** Small print under a rule (why this mail came, how to stop it). */
  footer?: string[];
}

export function renderMailBody(body: MailBody): { text: string; html: string } {
  const text = [
    ...body.paragraphs,
    ...(body.action ? [`${body.action.label}: ${body.action.url}`] : []),
    ...(body.footer?.length ? ['-- ', ...body.footer] : []),
  ].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">',
    ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    body.action ? `<p><a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.label)}</a></p>` : '',
    body.footer?.length ? `<hr><p style="color: #555; font-size: 0.9em">${body.footer.map(escapeHtml).join('<br>')}</p>` : '',
    '</body></html>',
  ].join('\n');
  return { text, html };
}

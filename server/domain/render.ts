// Markdown a member wrote, rendered once at write time (posts, topic texts, prompts).
import { invalid } from '../errors.js';
import { MarkdownTooLongError, renderMarkdown } from '../../shared/markdown.js';

/** Renders markdown for a field; blank → 400 `empty_text`, too long → 400 `too_long`, naming the field. */
export function renderField(field: string, source: string, maxLength: number): string {
  if (!source.trim()) throw invalid(field, `${field} is empty.`, 'empty_text');
  try {
    return renderMarkdown(source, { maxLength });
  } catch (err) {
    if (err instanceof MarkdownTooLongError) throw invalid(field, `${field} is longer than ${maxLength} characters.`, 'too_long');
    throw err;
  }
}

// Markdown a member wrote, rendered once at write time (posts, topic texts, prompts), in a worker thread
// (markdown-pool.ts) so a slow text never holds up the request thread.
import { AppError, invalid } from '../errors.js';
import { renderOffThread } from './markdown-pool.js';

/**
 * Renders markdown for a field; blank → 400 `empty_text`, too long → 400 `too_long`, too complex (too many
 * elements or emphasis marks, or over the time limit) → 422 `markdown_too_complex`, naming the field.
 */
export async function renderField(field: string, source: string, maxLength: number): Promise<string> {
  if (!source.trim()) throw invalid(field, `${field} is empty.`, 'empty_text');
  const result = await renderOffThread(source, maxLength);
  if (result.ok) return result.html;
  if (result.reason === 'too_long') throw invalid(field, `${field} is longer than ${maxLength} characters.`, 'too_long');
  throw new AppError(422, 'markdown_too_complex', result.message, { field });
}

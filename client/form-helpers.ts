// Small helpers shared by the forms: read a form's fields, and tie a server error to the field it names.
import { nothing } from 'lit';
import { ApiError, fieldOf } from './api/index.js';

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string') out[key] = value;
  });
  return out;
}

/** After a failed submit: focus the field the server named, so the keyboard user lands on it. */
export function focusErrorField(root: ParentNode, error: unknown) {
  const field = fieldOf(error);
  const input = field ? root.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`) : null;
  input?.focus();
}

/** aria-invalid for a field, given the current error. */
export function invalidIf(error: unknown, field: string): 'true' | 'false' {
  return fieldOf(error) === field ? 'true' : 'false';
}

/** aria-describedby for a field: its hint, plus the error message when the error is about it. */
export function describedBy(error: unknown, field: string, errorId: string, hintId?: string) {
  const ids = [hintId, fieldOf(error) === field ? errorId : undefined].filter(Boolean).join(' ');
  return ids || nothing;
}

/** The exact field path the error is about (e.g. `prompts.1.body`), for forms with repeated fields. */
export function fieldPathOf(error: unknown): string | undefined {
  return error instanceof ApiError && error.field ? error.field : undefined;
}

/** Like focusErrorField, but tries the exact path first (`prompts.1.body`), then its top-level name. */
export function focusErrorPath(root: ParentNode, error: unknown) {
  const path = fieldPathOf(error);
  const top = fieldOf(error);
  const input =
    (path ? root.querySelector<HTMLElement>(`[name="${CSS.escape(path)}"]`) : null) ??
    (top ? root.querySelector<HTMLElement>(`[name="${CSS.escape(top)}"], [name^="${CSS.escape(top)}."]`) : null);
  input?.focus();
}

/** aria-invalid for a field with an exact path. */
export function invalidIfPath(error: unknown, path: string): 'true' | 'false' {
  return fieldPathOf(error) === path ? 'true' : 'false';
}

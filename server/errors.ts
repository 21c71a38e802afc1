// Typed errors with stable codes. One handler (plugins/errors.ts) turns them into RFC 9457 problem JSON.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra members of the problem document (e.g. `field`, `currentVersion`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const unauthorized = (message = 'Sign in first.') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do that.', code = 'forbidden') => new AppError(403, code, message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(409, code, message, extra);
export const invalid = (field: string, message: string, code = 'validation_failed') =>
  new AppError(400, code, message, { field });
export const unprocessable = (code: string, message: string) => new AppError(422, code, message);
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts; try again later.') =>
  new AppError(429, 'rate_limited', message, { retryAfter: retryAfterSeconds });

// The one place that talks HTTP to the Stoa server: JSON in, JSON out, problem JSON → ApiError.
import { ApiError } from './errors.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface ProblemShape {
  status?: unknown;
  code?: unknown;
  detail?: unknown;
  field?: unknown;
  retryAfter?: unknown;
}

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  /** Extra request headers, e.g. `Idempotency-Key` on post creation. */
  extraHeaders?: Record<string, string>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      // Same-origin fetch: the browser sends the session cookie and, for writes, the Origin header
      // that the server's CSRF check requires.
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error; // a cancelled load, not a failure to report
    throw new ApiError(0, 'network_error', 'Could not reach Stoa. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  const data: unknown = isJson ? await response.json().catch(() => null) : null;
  if (response.ok) return data as T;
  throw toApiError(response, data);
}

function toApiError(response: Response, data: unknown): ApiError {
  const p = (data && typeof data === 'object' ? data : {}) as ProblemShape;
  const code = typeof p.code === 'string' ? p.code : `http_${response.status}`;
  const detail =
    typeof p.detail === 'string'
      ? p.detail
      : response.status >= 500
        ? 'Stoa is having trouble right now. Try again in a moment.'
        : `The request failed (HTTP ${response.status}).`;
  const retryAfter = typeof p.retryAfter === 'number' ? p.retryAfter : Number(response.headers.get('retry-after')) || undefined;
  return new ApiError(response.status, code, detail, typeof p.field === 'string' ? p.field : undefined, retryAfter, p as Record<string, unknown>);
}

import { Type, type Static, type TProperties } from 'typebox';

/** A request body object: unknown fields are rejected (no mass assignment). */
export const Body = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false });

export const Uuid = Type.String({ format: 'uuid' });
/** A UUID's text, either case, for building patterns. */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID_ONLY = new RegExp(`^${UUID_PATTERN}$`);
/** Is the whole string a UUID (e.g. an id taken from a cursor or from event data)? */
export const isUuid = (value: string) => UUID_ONLY.test(value);
export const IsoDateTime = Type.String({ format: 'date-time' });

/** Single-line text: trimmed meaning is checked in services; here only length and no control characters. */
export const Line = (maxLength: number, minLength = 1) =>
  Type.String({ minLength, maxLength, pattern: '^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    /** Stable, machine-readable: what clients branch on. */
    code: Type.String(),
    detail: Type.String(),
    /** For input errors: the offending field (a dotted path such as `words.0.phrase`, or `body`). */
    field: Type.Optional(Type.String()),
    /** For request validation errors: which part of the request (`body`, `querystring`, `params`, `headers`). */
    in: Type.Optional(Type.String()),
    /** For 429: seconds until a retry may succeed (also sent as the Retry-After header). */
    retryAfter: Type.Optional(Type.Integer()),
  },
  {
    additionalProperties: true,
    $id: 'Problem',
    description: 'An RFC 9457 problem document (application/problem+json). Some codes add members, e.g. `currentVersion` on `version_conflict`.',
  },
);
export type Problem = Static<typeof Problem>;

/**
 * The Problem schema by reference: the errors plugin adds it once (app.addSchema), the OpenAPI document
 * lists it once under components, and the type provider still sees a problem's type.
 */
export const ProblemRef = Type.Unsafe<Problem>({ $ref: 'Problem#' });

/** What each problem status means, in the OpenAPI document. */
export const PROBLEM_STATUSES = {
  400: 'Invalid input (`validation_failed`, `empty_text`, `invalid_characters`, `malformed_json`, `json_too_deep`…), with `field` where one is to blame.',
  401: 'Not signed in (`unauthenticated`).',
  403: 'Not allowed (`forbidden` or a more specific code).',
  404: 'Not found, or not visible to you (`not_found`).',
  409: 'In conflict with the current state (a specific code says which).',
  413: 'The request body is over the size limit (`body_too_large`).',
  415: 'The body is not JSON (`unsupported_media_type`).',
  422: 'Understood but refused by a rule of the community (a specific code says which).',
  426: 'Not a WebSocket upgrade (`upgrade_required`).',
  429: 'Too many requests (`rate_limited`, or `posting_too_fast` for new posts and topics); Retry-After says when to try again.',
  503: 'The database cannot be reached (`database_unavailable`); try again shortly.',
} as const;
export type ProblemStatus = keyof typeof PROBLEM_STATUSES;

/** One problem response for a route's `response` schema (application/problem+json). */
export const problemResponse = (status: ProblemStatus, description: string = PROBLEM_STATUSES[status]) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemRef } },
});

/** The problem responses a route can give: `response: { 200: Thing, ...problems(401, 403, 404) }`. */
export function problems<S extends ProblemStatus>(...statuses: S[]): Record<S, ReturnType<typeof problemResponse>> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)])) as Record<S, ReturnType<typeof problemResponse>>;
}

export const IdParams = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries(names.map((n) => [n, Uuid])) as { [key in K]: typeof Uuid });

export const RoleName = Type.Union([Type.Literal('facilitator'), Type.Literal('moderator'), Type.Literal('manager')]);

import { Type, type TProperties } from 'typebox';

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
    code: Type.String(),
    detail: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem' },
);

export const IdParams = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries(names.map((n) => [n, Uuid])) as { [key in K]: typeof Uuid });

export const RoleName = Type.Union([Type.Literal('facilitator'), Type.Literal('moderator'), Type.Literal('manager')]);

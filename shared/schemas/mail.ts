import { Type, type Static } from 'typebox';

export const OutboxEntry = Type.Object({
  name: Type.String(),
  bytes: Type.Integer(),
  writtenAt: Type.String({ format: 'date-time' }),
});

export const Outbox = Type.Object({
  /** 'outbox': SMTP_URL is not set and mail is written to files; 'smtp': mail leaves through a server (no files). */
  delivery: Type.Union([Type.Literal('outbox'), Type.Literal('smtp')]),
  items: Type.Array(OutboxEntry),
});
export type Outbox = Static<typeof Outbox>;

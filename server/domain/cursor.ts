// Keyset-cursor time text, shared by every paged list (posts, topics).
import { sql } from 'drizzle-orm';

/** Microsecond-exact UTC text of a timestamp, for keyset cursors. */
export const cursorTime = (column: unknown) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/** The text cursorTime() writes: what cursor decoders accept. */
export const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

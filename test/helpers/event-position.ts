// Live clients know an event by its position (the commit order the sequencer gives after commit), not by the
// row id recordEvent returns. Tests that compare the two wait for the sequencer and read the position.
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';

/** The position of the committed event with this row id (waits until the sequencer has given it). */
export async function eventPosition(app: FastifyInstance, eventRowId: number): Promise<number> {
  await app.eventSequencer.settle();
  const result = (await app.db.execute(sql`select position::float8 as position from events where id = ${eventRowId}`)) as unknown as { rows: Array<{ position: number | null }> };
  const position = result.rows[0]?.position;
  if (position == null) throw new Error(`event ${eventRowId} has no position`);
  return position;
}

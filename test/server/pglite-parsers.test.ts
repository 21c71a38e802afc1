// PGlite's table of parsers gets drizzle's once, and the client drizzle is given leaves them out of each query (server/db/pglite-parsers.ts): PGlite would otherwise copy its whole parser table per query to
// merge them in. What drizzle passes must be recognised (or the saving is lost without a sound), any other
// parsers must still reach PGlite, and the values drizzle reads must be what it read before.
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withParsersGivenOnce } from '../../server/db/pglite-parsers.js';

type Options = { parsers?: Record<string, unknown> } | undefined;

let pglite: PGlite;
/** The options of every query that reached PGlite, in or out of a transaction. */
const reached: Options[] = [];

/** `client` with each query's options recorded as they reach it. */
function recording<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'query') {
        return (text: string, params?: unknown[], options?: Options) => {
          reached.push(options);
          return (value as (...args: unknown[]) => unknown).call(target, text, params, options);
        };
      }
      if (key === 'transaction') {
        return (run: (tx: object) => unknown) => (value as (run: (tx: object) => unknown) => unknown).call(target, (tx: object) => run(recording(tx)));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

beforeAll(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
});
afterAll(async () => pglite?.close());

describe('PGlite parsers given once', () => {
  const row = sql`select timestamptz '2026-12-07 10:00:00+00' as at, date '2026-12-07' as day, interval '3 days' as span,
    array[timestamptz '2026-12-07 10:00:00+00'] as ats, 42::int as n, '{"a":1}'::jsonb as doc`;
  const expected = { at: '2026-12-07 10:00:00+00', day: '2026-12-07', span: '3 days', ats: '{"2026-12-07 10:00:00+00"}', n: 42, doc: { a: 1 } };

  it('leaves out the parsers drizzle passes, in and out of transactions, and reads the same values', async () => {
    const lean = drizzle({ client: withParsersGivenOnce(recording(pglite)) });
    const plain = drizzle({ client: new PGlite({}) });
    reached.length = 0;
    const outside = (await lean.execute(row)).rows;
    const inside = await lean.transaction(async (tx) => (await tx.execute(row)).rows);
    expect(reached.length).toBeGreaterThanOrEqual(2);
    expect(reached.filter((options) => options?.parsers !== undefined), 'queries that still carried parsers').toEqual([]);
    expect(outside).toEqual([expected]);
    expect(inside).toEqual([expected]);
    // The same statement through drizzle on a PGlite without any of this reads the same.
    expect((await plain.execute(row)).rows).toEqual([expected]);
    await (plain.$client as PGlite).close();
  });

  it('passes on parsers that ask anything else', async () => {
    const client = withParsersGivenOnce(recording(pglite));
    const upper = { 25: (value: string) => value.toUpperCase() }; // text
    reached.length = 0;
    const result = await client.query<{ t: string }>(`select 'quiet' as t`, [], { parsers: upper });
    expect(result.rows).toEqual([{ t: 'QUIET' }]);
    expect(reached[0]?.parsers).toBe(upper);
    // A parser for a kept type that does not keep the text is passed on too.
    const stamp = { 1184: () => 'parsed' }; // timestamptz
    const stamped = await client.query<{ at: string }>(`select now() as at`, [], { parsers: stamp });
    expect(stamped.rows).toEqual([{ at: 'parsed' }]);
  });
});

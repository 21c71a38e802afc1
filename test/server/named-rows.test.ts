// namedRows (server/db/client.ts): the hot write statements as named statements. Same rows as selectRows;
// on PostgreSQL the connection keeps each text as a prepared statement of its own name, and a name with
// too many texts runs the rest unnamed instead of preparing without bound.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { namedRows, selectRows, type Db } from '../../server/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const onPostgres = Boolean(inject('templateDatabaseUrl'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('namedRows', () => {
  it('gives the rows selectRows gives, timestamps and json included', async () => {
    const db = t.app.db as Db;
    const query = sql`select ${'a text'}::text as text, ${7}::int as n, now() as at, jsonb_build_object('k', ${'v'}::text) as doc, null::uuid as nothing`;
    const [named] = await namedRows<Record<string, unknown>>(db, `test_same_${Date.now()}`, query);
    const [plain] = await selectRows<Record<string, unknown>>(db, query);
    expect(Object.keys(named!)).toEqual(['text', 'n', 'at', 'doc', 'nothing']);
    expect({ ...named, at: typeof named!.at }).toEqual({ ...plain, at: typeof plain!.at });
    expect(named!.doc).toEqual({ k: 'v' });
  });

  it.runIf(onPostgres)('prepares each text once per connection under its own name, up to the limit per name', async () => {
    const db = t.app.db as Db;
    const base = `test_prep_${Date.now()}`;
    const prepared = await db.transaction(async (tx) => {
      for (let i = 0; i < 12; i++) {
        // Twelve texts under one name (the literal makes each text differ), each run twice.
        for (let run = 0; run < 2; run++) {
          const [row] = await namedRows<{ i: number; v: number }>(tx, base, sql`select ${sql.raw(String(i))}::int as i, ${run}::int as v`);
          expect(row).toEqual({ i, v: run });
        }
      }
      return selectRows<{ name: string; statement: string }>(tx, sql`select name, statement from pg_prepared_statements where name like ${`${base}%`} order by name`);
    });
    // The first eight texts have names of their own; the other four ran unnamed.
    expect(prepared.map((p) => p.name)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `${base}_${i}`));
    expect(prepared[3]!.statement).toContain('select 3::int as i');
  });
});


// What recording an event costs concurrent writers of ONE community, without Stoa's HTTP and Node work:
// N connections each loop `begin; <record>; commit` for a few seconds, with
//   locked:   the former recordEvent (per-community pg_advisory_xact_lock + pg_notify, held until commit),
//   sequenced: today's recordEvent (a plain insert; the sequencer positions it after commit).
//   DATABASE_URL=postgres://… npx tsx bench/event-record-cost.ts [--seconds 8] [--connections 20]
// The events it writes (under a random community id) are deleted at the end.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { numberArg, parseArgs, requireDatabaseUrl } from './common.js';

const args = parseArgs(process.argv.slice(2));
const databaseUrl = requireDatabaseUrl();
const seconds = numberArg(args, 'seconds', 8);
const connections = numberArg(args, 'connections', 20);
const communityId = randomUUID();
const data = JSON.stringify({ id: randomUUID(), bodyHtml: '<p>Benchmark reply</p>', status: 'published' });

const RECORD = {
  locked: `with inserted as (
      insert into events (community_id, topic_id, name, data)
      select $1::uuid, null, 'post.created', $2::jsonb
        from (select pg_advisory_xact_lock(${0x5354_4f41}, hashtext($1::text))) ordered
      returning id)
    select id, pg_notify('stoa_events_bench', id::text) from inserted`,
  sequenced: `insert into events (community_id, topic_id, name, data) values ($1::uuid, null, 'post.created', $2::jsonb) returning id`,
} as const;

async function measure(kind: keyof typeof RECORD): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (Date.now() < until) {
        await c.query('begin');
        await c.query(RECORD[kind], [communityId, data]);
        await c.query('commit');
        done++;
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  return done / seconds;
}

const results: Record<string, number[]> = { locked: [], sequenced: [] };
for (let round = 0; round < 2; round++) for (const kind of ['locked', 'sequenced'] as const) results[kind]!.push(await measure(kind));
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await admin.query('delete from events where community_id = $1', [communityId]);
await admin.end();
for (const [kind, rates] of Object.entries(results)) console.log(`${kind.padEnd(10)} ${rates.map((r) => r.toFixed(0)).join(', ')} commits/s (${connections} connections, one community)`);

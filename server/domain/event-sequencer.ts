// The event sequencer: gives committed events their `position`, the order in which live clients, replay and
// the notifier read them. Only committed rows are visible to it, and it numbers them in one statement per
// batch on one connection, so a position is never given to an event while an earlier position could still
// appear: a client that saw position 11 and reconnects with since=11 cannot miss anything.
//
// One sequencer works at a time per database: on PostgreSQL, the process whose dedicated connection holds a
// session advisory lock (the others retry, so a dead leader is replaced); PGlite has one process. It runs
// when a transaction of its own process that recorded events commits (commit-signal.ts), on NOTIFY
// `stoa_events_recorded` (other processes relay their commits; autocommit recordEvent sends it), on a
// periodic sweep, and when it becomes leader. Each batch NOTIFYs `first,last` on `stoa_events`.
import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { EVENTS_CHANNEL, EVENTS_RECORDED_CHANNEL } from './outbox.js';

/** Session advisory lock of the leader: 'STOA', 'SEQ'. */
const LEADER_LOCK = [0x5354_4f41, 0x0053_4551] as const;
const BATCH = 1000;

// Numbers the oldest unpositioned committed events, in id order (ids follow insertion, which keeps one
// transaction's events in their order), with a block of values reserved from events_position_seq (a sequence,
// so positions never repeat after old events are pruned). The unique index on position makes a second
// sequencer, were there ever one, fail instead of repeating positions. Each community's newest position
// (community_event_positions, the live cursor of page reads) moves in the same statement.
const SEQUENCE_BATCH = `
  with batch as (select id, row_number() over (order by id) as rn
                   from (select id from events where position is null order by id limit ${BATCH}) unpositioned),
       size as (select count(*) as n from batch),
       base as (select setval('events_position_seq', nextval('events_position_seq') + n - 1) - n as before from size where n > 0),
       positioned as (update events e set position = base.before + batch.rn from batch, base where e.id = batch.id
                      returning e.position, e.community_id),
       cursors as (insert into community_event_positions (community_id, position)
                     select community_id, max(position) from positioned group by community_id
                   on conflict (community_id) do update set position = greatest(community_event_positions.position, excluded.position))
  select count(*)::int as n, pg_notify('${EVENTS_CHANNEL}', min(position) || ',' || max(position))
    from positioned having count(*) > 0`;

export interface EventSequencerOptions {
  database: Database;
  log: FastifyBaseLogger;
  /** How often the leader sweeps for events nobody signalled, and a follower tries to become leader. */
  sweepMs?: number;
}

export function createEventSequencer({ database, log, sweepMs = 1000 }: EventSequencerOptions) {
  const embedded = database.kind === 'pglite';
  let leader: pg.Client | 'embedded' | undefined;
  let connecting: pg.Client | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let relaying: Promise<void> | undefined;
  let relayAgain = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let unsubscribe: (() => void) | undefined;

  async function sequenceBatch(): Promise<number> {
    if (leader === 'embedded') {
      const rows = await database.rows<{ n: number }>(sql.raw(SEQUENCE_BATCH));
      return rows[0]?.n ?? 0;
    }
    // Named: planned once on this connection (it has no parameters, so its one plan is the generic one), where
    // planning it unnamed cost more than running it (0.24 of 0.34 ms per batch in the post-creation bench).
    const result = await leader!.query<{ n: number }>({ name: 'stoa_sequence_batch', text: SEQUENCE_BATCH });
    return result.rows[0]?.n ?? 0;
  }

  /** Positions everything committed so far; coalesces calls that come while it runs into one more pass. */
  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        while (leader && !stopped && (await sequenceBatch()) === BATCH);
      } while (again && leader && !stopped);
    })()
      .catch((err) => {
        log.error({ err }, 'events: sequencing failed');
        if (leader && leader !== 'embedded') dropLeadership(leader);
      })
      .finally(() => (running = undefined));
    return running;
  }

  /** A follower tells the leader (in another process) that events were committed. */
  function relay() {
    if (relaying) {
      relayAgain = true;
      return;
    }
    relaying = (async () => {
      do {
        relayAgain = false;
        await database.rows(sql`select pg_notify(${EVENTS_RECORDED_CHANNEL}, '')`);
      } while (relayAgain && !stopped);
    })()
      .catch((err) => log.warn({ err }, 'events: could not wake the sequencer; its sweep will find them'))
      .finally(() => (relaying = undefined));
  }

  function committed() {
    if (stopped) return;
    if (leader) void run();
    else relay();
  }

  function dropLeadership(client: pg.Client) {
    if (leader === client) leader = undefined;
    client.removeAllListeners('notification');
    void client.end().catch(() => {});
  }

  /** PostgreSQL: connect (if needed) and try the leader lock; the winner LISTENs and catches up. */
  async function tryToLead() {
    if (leader || connecting || stopped) return;
    const client = database.newClient!();
    connecting = client;
    try {
      client.on('error', (err) => {
        log.warn({ err }, 'events: sequencer connection lost');
        dropLeadership(client);
      });
      client.on('end', () => {
        if (leader === client) leader = undefined;
      });
      await client.connect();
      // If this process vanishes without closing the socket (a partition), PostgreSQL must notice soon and
      // free the lock for another process: TCP keepalives on the server side of this connection.
      await client.query('set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3');
      // Find the unpositioned events by a plain scan of events_unpositioned_idx, never a bitmap scan: each event
      // row is updated once positioned, which leaves a dead index entry with a null position behind it until
      // vacuum. An index scan marks the dead entries it meets as killed, so the next batch skips them; a bitmap
      // scan cannot, and visited every dead row's heap page again on every batch (9 ms per batch, a busy
      // backend on a 2-core machine, once 20,000 posts had been written since the last vacuum). This
      // connection runs nothing else.
      await client.query('set enable_bitmapscan = off; set enable_seqscan = off');
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [...LEADER_LOCK]);
      if (!rows[0]?.locked || stopped) {
        await client.end();
        return;
      }
      client.on('notification', () => void run());
      await client.query(`LISTEN "${EVENTS_RECORDED_CHANNEL}"`);
      leader = client;
      log.debug('events: this process sequences events');
      void run();
    } catch (err) {
      log.warn({ err }, 'events: sequencer could not connect; retrying');
      void client.end().catch(() => {});
    } finally {
      connecting = undefined;
    }
  }

  /** PGlite: LISTEN for autocommit recordEvent's NOTIFY; a database that fails now is retried by the sweep. */
  let listeningEmbedded = false;
  async function listenEmbedded() {
    try {
      await database.listen(EVENTS_RECORDED_CHANNEL, () => void run());
      listeningEmbedded = true;
    } catch (err) {
      log.warn({ err }, 'events: cannot LISTEN yet; retrying');
    }
  }

  function sweep() {
    if (embedded && !listeningEmbedded) void listenEmbedded();
    if (leader) void run();
    else void tryToLead();
  }

  return {
    async start() {
      stopped = false;
      unsubscribe = database.onEventsCommitted(committed);
      if (embedded) {
        leader = 'embedded';
        await listenEmbedded();
        void run();
      } else {
        await tryToLead();
      }
      timer = setInterval(sweep, sweepMs);
      timer.unref();
    },

    /** Stops sequencing; on PostgreSQL another process's sequencer takes over once the lock is free. */
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await running;
      await relaying;
      const current = leader;
      leader = undefined;
      if (current && current !== 'embedded') await current.end().catch(() => {});
    },

    /**
     * Resolves once every event committed before the call has a position (whichever process leads).
     * For readers that must see what was just written, such as the notifier's drain in tests.
     */
    async settle(timeoutMs = 5000): Promise<void> {
      const [row] = await database.rows<{ id: number | null }>(sql`select max(id)::float8 as id from events`);
      const upTo = row?.id ?? 0;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (leader) await run();
        else relay();
        const [left] = await database.rows<{ n: number }>(sql`select count(*)::int as n from events where position is null and id <= ${upTo}`);
        if (!left || left.n === 0) return;
        if (Date.now() > deadline) throw new Error(`events: ${left.n} committed events still have no position`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

export type EventSequencer = ReturnType<typeof createEventSequencer>;

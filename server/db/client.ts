// One database handle for both back-ends: PGlite (embedded, one process) or PostgreSQL via a pg Pool.
// The same drizzle queries and migrations run on both.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions take either the database or an open transaction. */
export type DbOrTx = Db | Tx;

/** Runs raw SQL and returns its rows: both drivers (pg and PGlite) answer execute() with `{ rows }`. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}


export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Runs raw SQL and returns its rows (both drivers return `.rows`). */
  rows<T>(query: SQL, on?: DbOrTx): Promise<T[]>;
  ping(): Promise<void>;
  /**
   * LISTEN on a channel; the callback gets every NOTIFY payload (from any process on PostgreSQL).
   * On PostgreSQL the LISTEN connection reconnects by itself; `onReconnect` runs after it is back,
   * because NOTIFYs sent while it was down are lost (the caller must catch up another way).
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<void>;
  close(): Promise<void>;
  /** The raw PGlite instance (embedded mode only), for tests and migrations. */
  pglite?: PGlite;
  pool?: pg.Pool;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined means in memory. */
  dataDir?: string | undefined;
  onPoolError?: (err: Error) => void;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    // No JIT compilation: Stoa's statements are short and run once each, and PostgreSQL's cost estimate sent
    // the topic list's (correlated unread counts) through LLVM on every request: 70 of its 158 ms at bench
    // scale went to compiling. Reports turned it off per statement already (engagement/queries.ts).
    options: '-c jit=off',
  });
  // A client whose backend goes away (pg_terminate_backend, a server restart) emits 'error'. pg-pool listens
  // only while the client is idle; a client checked out for a transaction has no listener between two
  // statements, and an unheard 'error' event ends the process. So every client gets a listener of its own
  // for its whole life: its next query fails instead (→ 503), and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', (err) => options.onPoolError?.(err)));
  pool.on('error', (err) => options.onPoolError?.(err));
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  let listener: pg.Client | undefined;
  const handlers = new Map<string, (payload: string) => void>();
  const reconnectHandlers = new Set<() => void>();
  let closed = false;
  let reconnecting = false;

  async function connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    const lost = (err?: Error) => {
      if (err) options.onPoolError?.(err);
      if (listener !== client) return; // already handled (error is followed by end)
      listener = undefined;
      void reconnectListener();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      const handler = handlers.get(msg.channel);
      if (handler && msg.payload !== undefined) handler(msg.payload);
    });
    await client.connect();
    try {
      for (const channel of handlers.keys()) await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    listener = client;
  }

  /** Retries with capped backoff until the LISTEN connection is back (a failed connect emits no 'error'). */
  async function reconnectListener() {
    if (reconnecting) return;
    reconnecting = true;
    for (let attempt = 0; !closed; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5000)));
      if (closed) break;
      try {
        await connectListener();
        for (const handler of reconnectHandlers) handler();
        break;
      } catch (err) {
        options.onPoolError?.(err as Error);
      }
    }
    reconnecting = false;
  }

  return {
    kind: 'postgres',
    db,
    pool,
    async rows<T>(query: SQL, on: DbOrTx = db) {
      const result = (await on.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
    async ping() {
      await pool.query('select 1');
    },
    async listen(channel, onPayload, onReconnect) {
      if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel name ${channel}`);
      handlers.set(channel, onPayload);
      if (onReconnect) reconnectHandlers.add(onReconnect);
      if (!listener) await connectListener();
      else await listener.query(`LISTEN "${channel}"`);
    },
    async close() {
      closed = true;
      const current = listener;
      listener = undefined;
      await current?.end().catch(() => {});
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    // Trigram similarity for "has this been asked before?" (migration 0018 installs it where available).
    extensions: { pg_trgm },
  });
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async rows<T>(query: SQL, on: DbOrTx = db) {
      const result = (await on.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
    async ping() {
      await client.query('select 1');
    },
    async listen(channel, onPayload) {
      await client.listen(channel, onPayload);
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

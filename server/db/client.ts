// One database handle for both back-ends: PGlite (embedded, one process) or PostgreSQL via a pg Pool.
// The same drizzle queries and migrations run on both.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { trackEventCommits } from './commit-signal.js';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { sql, type ExtractTablesWithRelations, type SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.js';
import { extractSnapshot, readSnapshot } from './snapshot.js';
import { withParsersGivenOnce } from './pglite-parsers.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions take either the database or an open transaction. */
export type DbOrTx = Db | Tx;

/** Runs raw SQL and returns its rows: both drivers (pg and PGlite) answer execute() with `{ rows }`. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** What drizzle's database and transaction objects hold (internal in drizzle's types; the same in both drivers). */
interface DrizzleInternals {
  session: { prepareQuery(query: unknown, fields: undefined, name: string | undefined, arrayMode: boolean): { execute(): Promise<unknown> } };
  dialect: { sqlToQuery(query: SQL): unknown };
}

/** Statement names given per text, per base name; more texts than this under one name run unnamed. */
const NAMED_TEXTS_PER_NAME = 8;
const statementNames = new Map<string, Map<string, string>>();

/**
 * selectRows as a named statement: on PostgreSQL each pooled connection parses and analyses it once and
 * then only binds and executes it (PostgreSQL re-plans it only while custom plans look cheaper). For the hot
 * write statements, whose texts have a few fixed shapes: each distinct text under `name` gets a name of its
 * own (a connection may not reuse a name for another text), up to NAMED_TEXTS_PER_NAME, then runs unnamed —
 * so a text built from variable data cannot make every connection keep statements without bound. PGlite
 * runs it as execute() does. Rows come decoded exactly as selectRows' (drizzle's own raw query config).
 */
export async function namedRows<T>(db: DbOrTx, name: string, query: SQL): Promise<T[]> {
  const { session, dialect } = db as unknown as DrizzleInternals;
  const compiled = dialect.sqlToQuery(query) as { sql: string };
  let names = statementNames.get(name);
  if (!names) statementNames.set(name, (names = new Map()));
  let statementName = names.get(compiled.sql);
  if (statementName === undefined && names.size < NAMED_TEXTS_PER_NAME) names.set(compiled.sql, (statementName = `${name}_${names.size}`));
  const result = (await session.prepareQuery(compiled, undefined, statementName, false).execute()) as { rows: T[] };
  return result.rows;
}

/**
 * An array parameter of one Postgres type: one bound value, as an array literal (drizzle would expand a JS
 * array into a list, and an empty list is not valid SQL). Elements are quoted and escaped.
 */
export function sqlArray(values: readonly string[], type: 'uuid' | 'date' | 'text'): SQL {
  const literal = `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  return sql`${literal}::${sql.raw(type)}[]`;
}

/** A uuid[] parameter. */
export const uuidArray = (ids: readonly string[]) => sqlArray(ids, 'uuid');

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
  /** Runs `listener` after each transaction of this process that recorded events commits (commit-signal.ts). */
  onEventsCommitted(listener: () => void): () => void;
  /** PostgreSQL: a new connection outside the pool (the event sequencer holds its leader lock on one). */
  newClient?(): pg.Client;
  close(): Promise<void>;
  /** The raw PGlite instance (embedded mode only), for tests and migrations. */
  pglite?: PGlite;
  /** Embedded mode: where the database came from (start-up says so). */
  pgliteOrigin?: PgliteOrigin;
  pool?: pg.Pool;
}

export type PgliteOrigin =
  | { from: 'existing' }
  /** A new database made from the migrated snapshot; `pending` are the migrations added since it was made. */
  | { from: 'snapshot'; pending: string[] }
  /** A new database made by PGlite's initdb; `snapshotRefused` says why a snapshot that exists was not used. */
  | { from: 'initdb'; snapshotRefused?: string };

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined means in memory. */
  dataDir?: string | undefined;
  onPoolError?: (err: Error) => void;
  poolSize?: number;
  /**
   * PGlite: a migrated snapshot (snapshot.ts) to make a NEW database from (in memory, or a data directory
   * without PG_VERSION) instead of running initdb, when it is usable with `migrationsFolder`. The caller
   * still runs the migrations: only those added since the snapshot apply.
   */
  snapshot?: { file: string; migrationsFolder: string } | undefined;
}

/** The extensions every embedded database loads (a snapshot records them and must match). */
const PGLITE_EXTENSIONS = {
  // Trigram similarity for "has this been asked before?" (migration 0018 installs it where available).
  pg_trgm,
};
export const pgliteExtensionNames = Object.keys(PGLITE_EXTENSIONS);

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
  const commits = trackEventCommits(db);
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
    onEventsCommitted: commits.onEventsCommitted,
    newClient: () => new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000, keepAlive: true }),
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
  const { dataDir, snapshot } = options;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  let origin: PgliteOrigin = { from: 'initdb' };
  let loadDataDir: Blob | undefined;
  if (dataDir && existsSync(join(dataDir, 'PG_VERSION'))) origin = { from: 'existing' };
  // No snapshot built (`npm start` never builds one): initdb, and nothing to explain.
  else if (snapshot && existsSync(snapshot.file)) {
    const found = readSnapshot(snapshot.file, { migrationsFolder: snapshot.migrationsFolder, extensions: pgliteExtensionNames });
    if (!found.tarball) origin = { from: 'initdb', snapshotRefused: found.reason };
    else {
      // A data directory gets the files (then opens like an existing one); in memory, PGlite loads the tarball.
      if (dataDir) await extractSnapshot(found.tarball, dataDir);
      else loadDataDir = new Blob([found.tarball as Uint8Array<ArrayBuffer>]);
      origin = { from: 'snapshot', pending: found.pending };
    }
  }
  const client = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: PGLITE_EXTENSIONS,
  });
  await client.waitReady;
  const db = drizzlePglite({ client: withParsersGivenOnce(client), schema }) as unknown as Db;
  const commits = trackEventCommits(db);
  return {
    kind: 'pglite',
    db,
    onEventsCommitted: commits.onEventsCommitted,
    pglite: client,
    pgliteOrigin: origin,
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

// Prepared selects of the hot read paths (topic page, its posts, the topic list), executed without drizzle's
// generic row mapping. drizzle's mapResultRow asks, for every cell of every row, what kind of field it is
// (`is(field, Column)` walks the prototype chain) and which decoder it has; a 50-post page is ~800 cells.
// Here those answers are worked out once per statement: each column gets its slot in the row object and its
// decoder (none when the driver's value is already the value: text, uuid, json…). The driver call is the one
// drizzle makes (its own query config: named statement, array rows, its type parsers), so the values are
// the same; only PostgreSQL through a pg Pool takes this path, PGlite keeps drizzle's.
import { Column, DrizzleQueryError, fillPlaceholders, getTableName, is, noopDecoder, SQL, type Query, type Table } from 'drizzle-orm';
import pg from 'pg';
import type { Db } from './client.js';

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** What drizzle's node-postgres prepared query holds (drizzle-orm/node-postgres/session.js). */
interface DrizzlePrepared {
  execute(params?: Record<string, unknown>): Promise<unknown[]>;
  fields?: Array<{ path: string[]; field: unknown }>;
  params?: Query['params'];
  queryConfig?: pg.QueryConfig & { rowMode: 'array' };
  joinsNotNullableMap?: Record<string, boolean>;
}

export interface PreparedSelect<T> {
  execute(params?: Record<string, unknown>): Promise<T[]>;
}

interface Slot {
  /** The nested object's key (drizzle's path[0]) or null for a top-level field. */
  parent: string | null;
  key: string;
  decode: ((value: unknown) => unknown) | null;
}

const identity = (Column.prototype as unknown as Decoder).mapFromDriverValue;

function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field as unknown as Decoder;
  if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
  return (field as { sql: { decoder: Decoder } }).sql.decoder; // SQL.Aliased
}

/** The slots of a statement's fields, or null when its shape needs drizzle's mapping (deeper paths, nullable joins). */
function slotsOf(prepared: DrizzlePrepared): Slot[] | null {
  const { fields, joinsNotNullableMap } = prepared;
  if (!fields) return null;
  const slots: Slot[] = [];
  for (const { path, field } of fields) {
    if (path.length > 2) return null;
    // A nested object of a left-joined table's columns becomes null when they are: drizzle's rule, not copied here.
    if (path.length === 2 && joinsNotNullableMap && is(field, Column) && joinsNotNullableMap[getTableName((field as unknown as { table: Table }).table)] === false) return null;
    const decoder = decoderOf(field);
    // SQL fields without mapWith() have drizzle's noopDecoder; columns such as text and uuid inherit Column's identity.
    const noop = decoder === noopDecoder || decoder.mapFromDriverValue === identity;
    slots.push({ parent: path.length === 2 ? path[0]! : null, key: path[path.length - 1]!, decode: noop ? null : decoder.mapFromDriverValue.bind(decoder) });
  }
  return slots;
}

function rowMapper<T>(slots: Slot[]): (row: unknown[]) => T {
  const parents = [...new Set(slots.map((s) => s.parent).filter((p) => p !== null))];
  return (row: unknown[]) => {
    const result: Record<string, unknown> = {};
    for (const parent of parents) result[parent] = {};
    for (let i = 0; i < slots.length; i++) {
      const { parent, key, decode } = slots[i]!;
      const raw = row[i];
      const value = raw === null || decode === null ? raw : decode(raw);
      if (parent === null) result[key] = value;
      else (result[parent] as Record<string, unknown>)[key] = value;
    }
    return result as T;
  };
}

/**
 * Rows read as JSON arrays of a select's fields (`json_build_array(...fields)`, in `fields`' order) decoded as
 * drizzle decodes that select's rows; flat selections only. (JSON renders a timestamp as ISO text, which the
 * timestamp columns' decoder reads as it reads PostgreSQL's own text.)
 */
export function jsonRowMapper<T>(fields: Record<string, unknown>): { columns: unknown[]; map: (row: unknown[]) => T } {
  const ordered = Object.entries(fields).map(([key, field]) => ({ path: [key], field }));
  if (ordered.some((f) => !is(f.field, Column) && !is(f.field, SQL))) throw new Error('jsonRowMapper: columns and SQL fields only');
  const slots = slotsOf({ execute: async () => [], fields: ordered })!;
  return { columns: ordered.map((f) => f.field), map: rowMapper<T>(slots) };
}

/**
 * `builder.prepare(name)`, executed with a precomputed row mapping on PostgreSQL. Same rows as drizzle's
 * `execute` (prepared-select.test.ts compares them).
 */
export function preparedSelect<T>(db: Db, builder: { prepare(name: string): unknown }, name: string): PreparedSelect<T> {
  const prepared = builder.prepare(name) as DrizzlePrepared;
  const pool = (db as unknown as { $client?: unknown }).$client;
  const slots = pool instanceof pg.Pool && prepared.queryConfig && prepared.params ? slotsOf(prepared) : null;
  if (!slots) return prepared as PreparedSelect<T>;
  const mapRow = rowMapper<T>(slots);
  const config = prepared.queryConfig!;
  const statementParams = prepared.params!;
  return {
    async execute(params = {}) {
      const values = fillPlaceholders(statementParams, params);
      let rows: unknown[][];
      try {
        rows = (await (pool as pg.Pool).query<unknown[]>(config, values)).rows;
      } catch (err) {
        throw new DrizzleQueryError(config.text, values, err as Error);
      }
      return rows.map(mapRow);
    },
  };
}

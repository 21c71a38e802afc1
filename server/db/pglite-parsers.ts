// drizzle hands PGlite a set of type parsers with every query (timestamps, dates and intervals, and arrays of
// them, kept as PostgreSQL's text: drizzle decodes them itself). PGlite then copies its whole table of parsers,
// one per type and array type of the database (hundreds), to merge them in: about a quarter of a millisecond per
// query on a 2-core machine, as much again as a simple query's own cost. So the PGlite instance's own table
// gets those parsers once (TEXT_KEPT_PARSERS), and the client drizzle is given leaves out a query's parsers when
// they only ask what the instance already does. Any other parsers go through unchanged.
import { types, type PGlite } from '@electric-sql/pglite';

type Parser = (value: string, typeId?: number) => unknown;

const keepText: Parser = (value) => value;

/** The types whose text drizzle keeps (drizzle-orm/pglite/session.js). */
const TEXT_KEPT_PARSERS: Record<number, Parser> = {
  [types.TIMESTAMP]: keepText,
  [types.TIMESTAMPTZ]: keepText,
  [types.INTERVAL]: keepText,
  [types.DATE]: keepText,
  1231: keepText, // numeric[]
  1115: keepText, // timestamp[]
  1185: keepText, // timestamptz[]
  1187: keepText, // interval[]
  1182: keepText, // date[]
};

const probe = '\u0000stoa-parser-probe';

/** True when `parsers` only keep the text of types whose text the instance keeps already. */
function onlyKeepsText(parsers: Record<string, Parser>): boolean {
  for (const key in parsers) {
    if (!(key in TEXT_KEPT_PARSERS) || parsers[key]!(probe) !== probe) return false;
  }
  return true;
}

interface QueryOptions {
  parsers?: Record<string, Parser>;
  [option: string]: unknown;
}

type Query = (text: string, params?: unknown[], options?: QueryOptions) => Promise<unknown>;

function leanQuery(query: Query): Query {
  return (text, params, options) => {
    if (!options?.parsers || !onlyKeepsText(options.parsers)) return query(text, params, options);
    const { parsers: _given, ...rest } = options;
    return query(text, params, rest);
  };
}

/**
 * The client for drizzle: `client` itself, with drizzle's parsers put in its table and left out of each query.
 * Call it once `client` is ready: PGlite fills in its array types' parsers as it starts, and drizzle's own
 * replace some of them (it keeps a timestamp array's text too). (PGlite's refreshArrayTypes() would put them back.)
 */
export function withParsersGivenOnce(client: PGlite): PGlite {
  Object.assign(client.parsers, TEXT_KEPT_PARSERS);
  const query = leanQuery(client.query.bind(client) as Query);
  type Transaction = Parameters<Parameters<PGlite['transaction']>[0]>[0];
  const transaction = <T>(run: (tx: Transaction) => Promise<T>) =>
    client.transaction((tx) => {
      const txQuery = leanQuery(tx.query.bind(tx) as Query);
      return run(new Proxy(tx, { get: (target, key) => (key === 'query' ? txQuery : Reflect.get(target, key)) }));
    });
  return new Proxy(client, {
    get(target, key) {
      if (key === 'query') return query;
      if (key === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, key, target);
      // PGlite's methods use private fields: call them on the instance, not on the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

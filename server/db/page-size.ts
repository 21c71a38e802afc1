// A page's size as the LIMIT of a prepared statement (the hot first pages: posts, topic lists).
//
// PostgreSQL keeps using a prepared statement's generic plan only while its estimated cost is close to the
// custom plans'. With `limit $n` the generic plan cannot know n and assumes a tenth of the rows, so the first
// posts page of a busy topic looked ~7× dearer generically, and every execution was planned again with its
// values: 0.7 of the posts page statement's 1.2 ms. With the size written into the SQL, the generic plan is
// the custom one and is planned once per connection. A few sizes per statement get statements of their own
// (the client's and the API users' page sizes); any other keeps the parameter, so no run of odd sizes can make
// every connection keep two hundred plans.
import { sql, type Placeholder, type SQL } from 'drizzle-orm';

const LITERAL_SIZES_PER_STATEMENT = 4;
const literalSizes = new Map<string, Set<number>>();

export interface PageLimit {
  /** The statement's name for this size (prepare it under this name). */
  name: string;
  /** The LIMIT: the size itself, or the `limit` placeholder (pass `{ limit: size }` either way). */
  limit: SQL | Placeholder;
}

/** The LIMIT to build statement `statement` with for pages of `size` rows. */
export function pageLimit(statement: string, size: number): PageLimit {
  let sizes = literalSizes.get(statement);
  if (!sizes) literalSizes.set(statement, (sizes = new Set()));
  const literal = Number.isSafeInteger(size) && size > 0 && (sizes.has(size) || sizes.size < LITERAL_SIZES_PER_STATEMENT);
  if (!literal) return { name: `${statement}_n`, limit: sql.placeholder('limit') };
  sizes.add(size);
  return { name: `${statement}_${size}`, limit: sql.raw(String(size)) };
}

/**
 * For a statement read with extras built around its LIMIT (an access check with its first page): the statement
 * for pages of `size` rows, its extras built once per statement name, and the parameters to execute it with.
 */
export function extrasPerPageSize<E>(statement: string, build: (limit: PageLimit['limit']) => E): (size: number) => { name: string; extras: E; params: { limit: number } } {
  const built = new Map<string, E>();
  return (size) => {
    const { name, limit } = pageLimit(statement, size);
    let extras = built.get(name);
    if (!extras) built.set(name, (extras = build(limit)));
    return { name, extras, params: { limit: size } };
  };
}

/** The same as drizzle's `.limit()` argument (a SQL object is written into the statement as it is). */
export const asLimit = (limit: PageLimit['limit']) => limit as unknown as number;

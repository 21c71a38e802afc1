// The search index's settings: which text-search configurations a community may choose (those installed:
// PGlite and PostgreSQL ship the same stock ones), and re-stemming a community's texts when its language
// changes. The vectors themselves are written by the triggers of migration 0018_search.sql.
import { sql } from 'drizzle-orm';
import { selectRows, type DbOrTx } from '../db/client.js';

/** The installed text-search configurations, 'simple' first (the fallback: no stemming, no stop words). */
export async function searchLanguages(db: DbOrTx): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(db, sql`select cfgname as name from pg_catalog.pg_ts_config order by cfgname <> 'simple', cfgname`);
  return rows.map((r) => r.name);
}

/**
 * Sets a community's language and re-stems its topics, prompts and posts with it, in the caller's
 * transaction: searches see either the old index or the new one. It rewrites every row of the
 * community (a minute or so at a million posts), so it runs only when the language really changes.
 */
export async function changeSearchLanguage(tx: DbOrTx, communityId: string, language: string) {
  await tx.execute(sql`update communities set search_language = ${language} where id = ${communityId}`);
  await tx.execute(sql`update topics set search_vector = stoa_topic_search_vector(stoa_search_config(community_id), title, body_md)
    where community_id = ${communityId}`);
  await tx.execute(sql`update prompts p set search_vector = stoa_text_search_vector(stoa_search_config(t.community_id), p.body_md)
    from topics t where t.id = p.topic_id and t.community_id = ${communityId}`);
  await tx.execute(sql`update posts set search_vector = stoa_text_search_vector(stoa_search_config(community_id), body_md)
    where community_id = ${communityId}`);
}

/** Whether trigram similarity (pg_trgm) is installed in this database. */
export async function hasTrigramSimilarity(db: DbOrTx): Promise<boolean> {
  const [row] = await selectRows<{ installed: boolean }>(db, sql`select exists (select 1 from pg_extension where extname = 'pg_trgm') as installed`);
  return row?.installed ?? false;
}

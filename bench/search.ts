// The search rows of `npm run bench` (issue 14): full-text search and similar problems, timed one request
// at a time next to a bare query through plain `pg`, and what the search index costs post creation.
//
// Queries are chosen honestly and reproducibly from the generated data (bench/text.ts):
// - one word: vocabulary words at fixed frequency ranks, four common, four medium, four rare;
// - three words: three words one published post contains, in its order: six from its
//   vocabulary sentence, six from its fixed sentences (the domain words every post shares, the
//   expensive kind: each is in a large share of the posts);
// - similar problems: existing practice-problem titles with one word swapped.
// Match counts (posts whose search vector matches, any status) are reported beside the timings.
//
// The index-cost row switches the search triggers off and drops the GIN indexes for its middle run, and
// always puts them back: in a `finally`, on SIGINT/SIGTERM (run.ts's cleanups), and, should the process
// die anyway, at the start of the next bench run (the switch records what it took away in
// bench_gen.search_index_off, in the same transaction). By hand:
//   DATABASE_URL=… npx tsx bench/search.ts --restore
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { median, percentile, requireDatabaseUrl } from './common.js';
import type { RowInput } from './rows.js';
import { makeRandom, TITLE_SWAP_WORDS } from './text.js';

/** Vocabulary ranks of the one-word queries (of 6,000 words; rank 1 is in ~70% of posts). */
export const ONE_WORD_RANKS = { common: [2, 5, 12, 30], medium: [100, 200, 400, 800], rare: [1500, 2500, 4000, 6000] } as const;
const THREE_WORD_QUERIES = { vocabulary: 6, domain: 6 };
const SIMILAR_TITLES = 12;
/** Fixed, so the same data gives the same queries whatever --seed generated it. */
const QUERY_SEED = 14;

export interface SearchQuerySpec {
  q: string;
  kind: string; // common / medium / rare, vocabulary / domain
  ranks?: number[];
}

export interface SearchWorkload {
  config: string;
  oneWord: SearchQuerySpec[];
  threeWord: SearchQuerySpec[];
  similarTitles: Array<{ title: string; from: string }>;
  /** 50 reply texts of the generated kind, for post creation. */
  postBodies: string[];
}

const SHORT_WORDS = new Set(['about', 'after', 'again', 'their', 'there', 'these', 'those', 'which', 'while', 'would', 'could', 'should', 'other', 'every', 'where', 'being', 'think']);

/** The queries, or why there are none (data generated before search, or no search columns yet). */
export async function loadSearchWorkload(client: pg.Client, communityId: string): Promise<SearchWorkload | { missing: string }> {
  const has = async (sql: string) => Boolean((await client.query<{ x: boolean }>(`select (${sql}) as x`)).rows[0]?.x);
  if (!(await has(`select count(*) = 3 from information_schema.columns where table_schema = 'public' and column_name = 'search_vector' and table_name in ('posts', 'topics', 'prompts')`)))
    return { missing: 'no search_vector columns (migration 0018_search not applied)' };
  if (!(await has(`to_regclass('bench_gen.vocabulary') is not null`))) return { missing: 'data generated before the search vocabulary: run with --regenerate' };
  if (await has(`not exists (select 1 from posts where search_vector is not null)`)) return { missing: 'no post has a search vector' };
  const config = (await has(`exists (select 1 from information_schema.columns where table_name = 'communities' and column_name = 'search_language')`))
    ? (await client.query<{ c: string }>('select search_language as c from communities where id = $1', [communityId])).rows[0]?.c ?? 'simple'
    : 'simple';

  const random = makeRandom(QUERY_SEED);
  const wordAt = async (ranks: readonly number[]) =>
    (await client.query<{ rank: number; word: string }>('select rank, word from bench_gen.vocabulary where rank = any($1) order by rank', [ranks])).rows;
  const oneWord: SearchQuerySpec[] = [];
  for (const [kind, ranks] of Object.entries(ONE_WORD_RANKS)) for (const w of await wordAt(ranks)) oneWord.push({ q: w.word, kind, ranks: [w.rank] });

  // Three words one published post contains, in its order (posts drawn in a fixed pseudo-random order).
  const { rows: sample } = await client.query<{ md: string }>(
    `select body_md as md from posts where community_id = $1 and status = 'published' order by md5(id::text || $2) limit 200`,
    [communityId, String(QUERY_SEED)],
  );
  const threeWord: SearchQuerySpec[] = [];
  const ranks = new Map((await client.query<{ rank: number; word: string }>('select rank, word from bench_gen.vocabulary')).rows.map((r) => [r.word, r.rank]));
  const pick3 = (words: string[]) => {
    const distinct = [...new Set(words)];
    if (distinct.length < 3) return null;
    const chosen = new Set<number>();
    while (chosen.size < 3) chosen.add(random.int(distinct.length));
    return [...chosen].sort((a, b) => a - b).map((i) => distinct[i]!);
  };
  for (const [kind, count] of Object.entries(THREE_WORD_QUERIES)) {
    let made = 0;
    while (made < count && sample.length) {
      const md = sample.shift()!.md;
      const cut = md.lastIndexOf('\n\n');
      const text = (kind === 'vocabulary' ? md.slice(cut + 2) : md.slice(0, cut)).toLowerCase();
      const words = (text.match(/[a-z]+/g) ?? []).filter((w) => (kind === 'vocabulary' ? ranks.has(w) : w.length >= 5 && !SHORT_WORDS.has(w)));
      const three = pick3(words);
      if (!three) continue;
      threeWord.push({ q: three.join(' '), kind, ...(kind === 'vocabulary' ? { ranks: three.map((w) => ranks.get(w)!) } : {}) });
      made++;
    }
  }

  // Existing problem titles with one word swapped.
  const { rows: titles } = await client.query<{ title: string }>(
    `select title from topics where community_id = $1 and kind = 'problem' order by md5(id::text || $2) limit $3`,
    [communityId, String(QUERY_SEED), SIMILAR_TITLES],
  );
  const similarTitles = titles.map(({ title }) => {
    const words = title.split(' ');
    const candidates = words.map((w, i) => (/^[A-Za-z-]{4,}[?:]?$/.test(w) ? i : -1)).filter((i) => i >= 0);
    if (!candidates.length) return { title, from: title };
    const i = candidates[random.int(candidates.length)]!;
    const tail = /[?:]$/.exec(words[i]!)?.[0] ?? '';
    let swap = words[i]!;
    while (swap.replace(/[?:]$/, '').toLowerCase() === words[i]!.replace(/[?:]$/, '').toLowerCase()) swap = TITLE_SWAP_WORDS[random.int(TITLE_SWAP_WORDS.length)]!;
    words[i] = swap + tail;
    return { title: words.join(' '), from: title };
  });

  const { rows: bodies } = await client.query<{ md: string }>(
    `select md from bench_gen.bodies where n < 100000000 order by md5(n::text || $1) limit 50`,
    [String(QUERY_SEED)],
  );
  return { config, oneWord, threeWord, similarTitles, postBodies: bodies.map((b) => b.md) };
}

/** Posts whose vector matches each query (any status: what the GIN index has to look at). */
export async function postsMatching(client: pg.Client, communityId: string, config: string, queries: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const q of queries) {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from posts where community_id = $1 and search_vector @@ websearch_to_tsquery($2::regconfig, $3)`,
      [communityId, config, q],
    );
    out.push(rows[0]!.n);
  }
  return out;
}

// ---------------------------------------------------------------- sequential timing

export interface Timed {
  /** ms per request, per query (index as in the query list), measured rounds only. */
  times: number[][];
  failures: number;
  statuses: Record<string, number>;
  /** The first answer to each query, parsed (for total / truncated). */
  first: unknown[];
}

/**
 * Every request of `requests` once as a warm-up (not counted), then `rounds` more passes, one request
 * at a time. Two request lists given together are interleaved pass by pass (Stoa's pass, then the
 * baseline's), so both see the same machine and the same cache over time.
 */
export async function timeSequential(lists: Array<Array<{ url: string; headers?: Record<string, string> }>>, rounds: number): Promise<Timed[]> {
  const results: Timed[] = lists.map((l) => ({ times: l.map(() => []), failures: 0, statuses: {}, first: l.map(() => null) }));
  for (let round = -1; round < rounds; round++) {
    for (const [li, list] of lists.entries()) {
      const result = results[li]!;
      for (const [i, request] of list.entries()) {
        const started = performance.now();
        const response = await fetch(request.url, request.headers ? { headers: request.headers } : {});
        const text = await response.text();
        const ms = performance.now() - started;
        if (round < 0) {
          try {
            result.first[i] = JSON.parse(text);
          } catch {
            result.first[i] = text.slice(0, 200);
          }
          continue;
        }
        result.times[i]!.push(ms);
        result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
        if (response.status !== 200) result.failures++;
      }
    }
  }
  return results;
}

const all = (t: Timed) => t.times.flat();
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

/** Rows for a list of queries timed against Stoa and the bare baseline. */
export function timedRow(options: {
  id: string;
  section: string;
  measurement: string;
  target: number;
  baselineLabel: string;
  queries: Array<SearchQuerySpec & { postsMatching?: number }>;
  stoa: Timed;
  baseline: Timed;
  notes: string[];
  /** Answer fields to report per query (e.g. total, truncated). */
  answerSummary?: (answer: unknown) => Record<string, unknown>;
}): RowInput {
  const { stoa, baseline } = options;
  const times = all(stoa);
  const p50 = median(times);
  const p99 = percentile(times, 99);
  const baseP50 = median(all(baseline));
  const ratio = p50 / baseP50;
  const kinds = [...new Set(options.queries.map((q) => q.kind))];
  const perKind = kinds.map((kind) => {
    const idx = options.queries.map((q, i) => (q.kind === kind ? i : -1)).filter((i) => i >= 0);
    const kt = idx.flatMap((i) => stoa.times[i]!);
    const matches = idx.map((i) => options.queries[i]!.postsMatching).filter((m): m is number => m !== undefined);
    return { kind, p50: median(kt), matches };
  });
  const failures = stoa.failures;
  const notes = [
    ...options.notes,
    ...(failures ? [`${failures} of ${times.length} responses not 200 (${Object.entries(stoa.statuses).map(([c, n]) => `${c}×${n}`).join(', ')})`] : []),
    ...(baseline.failures ? [`baseline: ${baseline.failures} responses not 200`] : []),
    `per kind, p50 (posts matching): ${perKind
      .map((k) => `${k.kind} ${ms(k.p50)} ms${k.matches.length ? ` (${Math.min(...k.matches).toLocaleString('en')}–${Math.max(...k.matches).toLocaleString('en')})` : ''}`)
      .join(', ')}`,
  ];
  return {
    id: options.id,
    section: options.section,
    measurement: options.measurement,
    figure: `p50 ${ms(p50)} ms, p99 ${ms(p99)} ms (${times.length} requests one at a time, ${options.queries.length} queries)`,
    baseline: `${options.baselineLabel}: p50 ${ms(baseP50)} ms, p99 ${ms(percentile(all(baseline), 99))} ms`,
    ratio: Number.isFinite(ratio) ? `${ratio.toFixed(2)}× bare` : 'n.a.',
    ratioValue: Number.isFinite(ratio) ? ratio : null,
    value: Math.round(p50 * 10) / 10,
    baselineValue: Math.round(baseP50 * 10) / 10,
    unit: 'ms (p50)',
    target: `p50 < ${options.target} ms`,
    status: failures === 0 && p50 < options.target ? 'pass' : 'fail',
    notes,
    data: {
      p50,
      p99,
      baselineP50: baseP50,
      perKind,
      queries: options.queries.map((q, i) => ({
        ...q,
        p50: median(stoa.times[i]!),
        baselineP50: median(baseline.times[i]!),
        ...(options.answerSummary ? options.answerSummary(stoa.first[i]) : {}),
        times: stoa.times[i]!.map((t) => Math.round(t * 10) / 10),
      })),
    },
  };
}

// ---------------------------------------------------------------- the index switch

interface SwitchState {
  since: string;
  indexes: Array<{ name: string; def: string }>;
  triggers: Array<{ tbl: string; name: string; column: string }>;
}

const STATE_TABLE = `CREATE TABLE IF NOT EXISTS bench_gen.search_index_off (id int primary key default 1 check (id = 1), state jsonb not null, at timestamptz not null default now())`;

/**
 * Takes the search indexing off posts, topics and prompts (triggers disabled, GIN indexes dropped),
 * recording what it took away in the same transaction.
 */
export async function searchIndexOff(databaseUrl: string): Promise<SwitchState> {
  return withLockRetries(() => searchIndexOffOnce(databaseUrl));
}

/**
 * Requests still in flight when a load run ends hold row locks on topics and posts, and take the tables
 * in their own order: a switch's ALTER TABLE can deadlock with them (PostgreSQL then cancels one side)
 * or wait behind them. Retry a few times rather than fail.
 */
async function withLockRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= 20 || (code !== '40P01' && code !== '55P03')) throw err; // deadlock_detected, lock_not_available
      await new Promise((resolve) => setTimeout(resolve, 500 * i));
    }
  }
}

/**
 * The tables the switch alters, locked up front (posts first, as post creation takes them), and given up after
 * 200 ms (lock_timeout, retried by withLockRetries): below PostgreSQL's deadlock_timeout (1 s), so a request
 * still in flight that takes the tables in another order is never the one cancelled. With ALTER TABLE
 * statements waiting 5 s, the server log showed deadlocks and those requests failed.
 */
const LOCK_IN_POSTING_ORDER = 'LOCK TABLE posts, topics, prompts IN ACCESS EXCLUSIVE MODE';

async function searchIndexOffOnce(databaseUrl: string): Promise<SwitchState> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '200ms'`);
    await client.query(LOCK_IN_POSTING_ORDER);
    await client.query(`CREATE SCHEMA IF NOT EXISTS bench_gen; ${STATE_TABLE}`);
    if ((await client.query('select 1 from bench_gen.search_index_off')).rowCount) throw new Error('the search index is already off (bench_gen.search_index_off): restore it first (npx tsx bench/search.ts --restore)');
    const { rows: triggers } = await client.query<{ tbl: string; name: string; column: string | null }>(
      `select c.relname as tbl, t.tgname as name,
              (select a.attname from pg_attribute a where a.attrelid = t.tgrelid and a.attnum = t.tgattr[0]) as column
       from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace ns on ns.oid = c.relnamespace join pg_proc f on f.oid = t.tgfoid
       where not t.tgisinternal and ns.nspname = 'public' and f.proname ~ '^stoa_.*search_vector' and t.tgenabled <> 'D'`,
    );
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `select i.relname as name, pg_get_indexdef(i.oid) as def
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid join pg_namespace ns on ns.oid = c.relnamespace
       join pg_am am on am.oid = i.relam
       where ns.nspname = 'public' and c.relname in ('posts', 'topics', 'prompts') and am.amname = 'gin'
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attnum = any(x.indkey) and a.attname = 'search_vector')`,
    );
    if (!triggers.length && !indexes.length) throw new Error('found no search triggers or indexes to switch off');
    const since = (await client.query<{ now: Date }>('select now()')).rows[0]!.now.toISOString();
    const state: SwitchState = { since, indexes, triggers: triggers.map((t) => ({ ...t, column: t.column ?? 'id' })) };
    await client.query('INSERT INTO bench_gen.search_index_off (state) VALUES ($1)', [JSON.stringify(state)]);
    for (const t of triggers) await client.query(`ALTER TABLE ${t.tbl} DISABLE TRIGGER ${t.name}`);
    for (const i of indexes) await client.query(`DROP INDEX ${i.name}`);
    await client.query('COMMIT');
    return state;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * Puts back what searchIndexOff took away, in one transaction: triggers on, the vectors of rows
 * written meanwhile computed (an update of a column the trigger watches), indexes rebuilt. Does
 * nothing when nothing is off. Returns what it did, or null.
 */
export async function searchIndexRestore(databaseUrl: string): Promise<{ seconds: number; backfilled: number; state: SwitchState } | null> {
  return withLockRetries(() => searchIndexRestoreOnce(databaseUrl));
}

async function searchIndexRestoreOnce(databaseUrl: string): Promise<{ seconds: number; backfilled: number; state: SwitchState } | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    const exists = (await client.query<{ x: boolean }>(`select to_regclass('bench_gen.search_index_off') is not null as x`)).rows[0]!.x;
    if (!exists) return null;
    await client.query('BEGIN');
    const row = (await client.query<{ state: SwitchState }>('select state from bench_gen.search_index_off for update')).rows[0];
    if (!row) {
      await client.query('ROLLBACK');
      return null;
    }
    const { state } = row;
    await client.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await client.query(`SET LOCAL lock_timeout = '200ms'`);
    await client.query(LOCK_IN_POSTING_ORDER);
    let backfilled = 0;
    for (const t of state.triggers) await client.query(`ALTER TABLE ${t.tbl} ENABLE TRIGGER ${t.name}`);
    // Deferred triggers the update fires (engagement rollups) must run before CREATE INDEX, which refuses a
    // table with pending trigger events.
    await client.query('SET CONSTRAINTS ALL IMMEDIATE');
    for (const t of state.triggers) {
      const result = await client.query(`UPDATE ${t.tbl} SET ${t.column} = ${t.column} WHERE search_vector IS NULL AND created_at >= $1`, [state.since]);
      backfilled += result.rowCount ?? 0;
    }
    for (const i of state.indexes) {
      const present = (await client.query<{ x: boolean }>(`select to_regclass($1) is not null as x`, [`public.${i.name}`])).rows[0]!.x;
      if (!present) await client.query(i.def);
    }
    await client.query('DELETE FROM bench_gen.search_index_off');
    await client.query('COMMIT');
    return { seconds: (performance.now() - started) / 1000, backfilled, state };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

export interface LoadLike {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/**
 * Post creation with search indexing on and off in alternation, starting and ending on (on, off, on, …:
 * `arms` runs, odd), so drift over the runs (other work on the machine, a growing table) falls on both
 * sides. Ratio: mean req/s with indexing ÷ mean req/s without. `measure` runs one post-creation load
 * (warm-up and runs).
 */
export async function indexCostRow(options: {
  databaseUrl: string;
  arms: number;
  measure: () => Promise<LoadLike>;
  describe: (s: LoadLike) => string;
  problems: (s: LoadLike) => string[];
  registerCleanup: (cleanup: () => Promise<void>) => () => void;
  log: (line: string) => void;
  notes: string[];
}): Promise<RowInput> {
  const { log, arms } = options;
  const on: LoadLike[] = [];
  const off: LoadLike[] = [];
  const restores: Array<{ seconds: number; backfilled: number }> = [];
  for (let arm = 0; arm < arms; arm++) {
    if (arm % 2 === 0) {
      log(`   search indexing on (${arm + 1} of ${arms})`);
      on.push(await options.measure());
      continue;
    }
    const unregister = options.registerCleanup(async () => void (await searchIndexRestore(options.databaseUrl)));
    try {
      const state = await searchIndexOff(options.databaseUrl);
      log(`   search indexing off (${arm + 1} of ${arms}): ${state.triggers.map((t) => `${t.tbl}.${t.name}`).join(', ')} disabled, ${state.indexes.map((i) => i.name).join(', ')} dropped`);
      off.push(await options.measure());
    } finally {
      const restored = await searchIndexRestore(options.databaseUrl);
      unregister();
      if (restored) {
        restores.push({ seconds: restored.seconds, backfilled: restored.backfilled });
        log(`   put back in ${restored.seconds.toFixed(1)} s (${restored.backfilled} vectors computed for rows written while off)`);
      }
    }
  }
  const mean = (xs: LoadLike[]) => xs.reduce((a, x) => a + x.rps, 0) / xs.length;
  const onRps = mean(on);
  const offRps = mean(off);
  const ratio = offRps > 0 ? onRps / offRps : NaN;
  // Each run without indexing against the two runs with it on either side.
  const brackets = off.map((o, i) => (on[i]!.rps + on[i + 1]!.rps) / 2 / o.rps);
  const problems = [...on.flatMap(options.problems), ...off.flatMap(options.problems).map((p) => `without: ${p}`)];
  const list = (xs: LoadLike[]) => xs.map((x) => x.rps.toFixed(0)).join(', ');
  return {
    id: 'post-create-search-index',
    section: 'Search',
    measurement: 'Post creation with search indexing (triggers + GIN indexes) vs without — POST /api/topics/:topicId/posts, 50 topics',
    figure: `${onRps.toFixed(0)} req/s (runs with indexing: ${list(on)} req/s; first ${options.describe(on[0]!)})`,
    baseline: `without: ${offRps.toFixed(0)} req/s (runs: ${list(off)} req/s; first ${options.describe(off[0]!)})`,
    ratio: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n.a.',
    ratioValue: Number.isFinite(ratio) ? ratio : null,
    value: Math.round(onRps * 10) / 10,
    baselineValue: Math.round(offRps * 10) / 10,
    unit: 'req/s',
    target: '≥ 0.87× (indexing adds at most 15%)',
    status: problems.length === 0 && ratio >= 0.87 ? 'pass' : 'fail',
    notes: [
      ...options.notes,
      `${arms} runs alternating with and without indexing, starting and ending with; ratio = mean req/s with ÷ mean without; each run without against the runs either side of it: ${brackets.map((b) => `${b.toFixed(2)}×`).join(', ')}`,
      ...(restores.length
        ? [`putting indexing back took ${restores.map((r) => r.seconds.toFixed(0)).join(' and ')} s (GIN rebuilds; ${restores.reduce((a, r) => a + r.backfilled, 0)} vectors of rows written while off computed)`]
        : []),
      ...problems,
    ],
    data: { on, off, brackets, restores },
  };
}

// Run as a script: put back search indexing a killed bench run left off.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (!process.argv.includes('--restore')) {
    console.error('usage: DATABASE_URL=… npx tsx bench/search.ts --restore');
    process.exit(2);
  }
  const done = await searchIndexRestore(requireDatabaseUrl());
  console.log(done ? `restored ${JSON.stringify(done.state)} in ${done.seconds.toFixed(1)} s, ${done.backfilled} vectors computed` : 'nothing to restore');
}

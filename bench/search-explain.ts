// EXPLAIN (ANALYZE, BUFFERS) of the SQL the search endpoints ran in the last bench run (captured into
// bench/.data/search-sql.json by bench/run.ts), optionally with other words or another title:
//
//   DATABASE_URL=… npx tsx bench/search-explain.ts search [words…]     the main search statement
//   DATABASE_URL=… npx tsx bench/search-explain.ts similar [title…]    the similar-problems statement
//   … --time [runs]   no plan: the statement's p50 over a few runs (after one warm-up)
//   … --since-days N  the search's lower bound on replies' dates (the service tries 31, 366, then none)
//
// Runs on a connection set up like Stoa's (jit off). The captured values hold the probe's words; every
// value equal to them is replaced.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { CapturedStatement } from './capture-sql.js';
import { dataDir, median, requireDatabaseUrl } from './common.js';

const [kind = 'search', ...rest] = process.argv.slice(2);
const option = (name: string) => {
  const at = rest.indexOf(name);
  if (at < 0) return undefined;
  const value = rest[at + 1] !== undefined && !rest[at + 1]!.startsWith('--') ? rest[at + 1]! : '';
  rest.splice(at, value ? 2 : 1);
  return value;
};
const time = option('--time');
const runs = time === undefined ? 0 : Number(time) || 7;
const sinceDays = option('--since-days');
const words = rest.join(' ');
if (kind !== 'search' && kind !== 'similar') throw new Error('first argument: search or similar');
const captured = JSON.parse(readFileSync(`${dataDir}/search-sql.json`, 'utf8')) as Record<string, CapturedStatement[]>;
const statement = captured[kind]?.at(-1);
if (!statement) throw new Error(`no captured ${kind} statement: run npm run bench -- --only search first`);

// The probe's words are the longest text value the statement was given (the search text or the title).
const probeText = statement.values.filter((v): v is string => typeof v === 'string' && !/^[0-9a-f-]{36}$|^\{|StartSel=|^\d{4}-\d\d-\d\dT/.test(v) && v !== 'simple').sort((a, b) => b.length - a.length)[0];
// (similar-problems passes the title both as typed and lower-cased.)
const values = statement.values.map((v) =>
  words && probeText && typeof v === 'string' && v.toLowerCase() === probeText.toLowerCase()
    ? v === probeText
      ? words
      : words.toLowerCase()
    : sinceDays && typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)
      ? new Date(Date.now() - Number(sinceDays) * 86_400_000).toISOString()
      : v,
);

const client = new pg.Client({ connectionString: requireDatabaseUrl(), options: '-c jit=off' });
await client.connect();
console.error(`${kind}: ${JSON.stringify(words || probeText)}`);
if (runs) {
  await client.query(statement.text, values);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const { rowCount } = await client.query(statement.text, values);
    times.push(performance.now() - started);
    if (i === 0) console.error(`${rowCount} rows`);
  }
  console.log(`p50 ${median(times).toFixed(1)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
} else {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, values);
  console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
}
await client.end();

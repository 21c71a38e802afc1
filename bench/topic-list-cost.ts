// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_bench npx tsx bench/topic-list-cost.ts (after a bench run: reads bench/.data/captured-sql.jsonl)
// Topic list SQL with and without the topics' text columns, rotating the bench members: DB time + row parsing.
import { readFileSync } from 'node:fs';
import pg from 'pg';
const lines = readFileSync('bench/.data/captured-sql.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const list = lines.find((d) => d.name === 'topicList' && d.text.includes('case'));
const info = JSON.parse(readFileSync('bench/.data/' + new URL(process.env.DATABASE_URL!).pathname.slice(1) + '.json', 'utf8'));
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const ids = (await client.query(`select id from users where email = any($1)`, [info.memberEmails])).rows.map((r) => r.id);
const probe = list.values[0];
// The captured list SQL may come from before or after the text columns left it: make both variants.
const TEXT = '"topics"."body_md", "topics"."body_html", "topics"."article_url", ';
const captured = list.text as string;
const withoutText = captured.replace(TEXT, '');
const withText = captured.includes(TEXT) ? captured : captured.replace('"topics"."solution_post_id"', `${TEXT}"topics"."solution_post_id"`);
if (withText === withoutText) throw new Error('columns not found');
async function run(text: string, n: number) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const u = ids[i % ids.length];
    const params = list.values.map((p: unknown) => (p === probe ? u : p));
    const t0 = performance.now();
    const r = await client.query(text, params);
    times.push(performance.now() - t0);
    bytes += JSON.stringify(r.rows).length;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)]!, kbPerRequest: bytes / n / 1024 };
}
await run(withText, 50);
for (let round = 0; round < 2; round++) {
  const a = await run(withText, 100);
  const b = await run(withoutText, 100);
  console.log(`with text: p50 ${a.p50.toFixed(1)} ms, ${a.kbPerRequest.toFixed(0)} KB/request; without: p50 ${b.p50.toFixed(1)} ms, ${b.kbPerRequest.toFixed(0)} KB/request`);
}
await client.end();

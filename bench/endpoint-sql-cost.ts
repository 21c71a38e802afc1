// Times the SQL of one read endpoint member by member: each statement the endpoint ran for each of the
// bench's rotated members (captured by the last `npm run bench` into bench/.data/baseline-plan.json),
// replayed on one connection, one warm pass then one timed pass. Prints, per statement, the total over
// the members and the slowest member: where an endpoint's database time goes, and for whom.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_bench1 npx tsx bench/endpoint-sql-cost.ts topicList
//   (community | topicList | topicPage | posts; --explain <statement> <member> prints that one's plan)
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { dataDir, requireDatabaseUrl } from './common.js';
import type { CapturedStatement } from './capture-sql.js';

const [endpoint, flag, statementArg, memberArg] = process.argv.slice(2);
if (!endpoint) throw new Error('Name the endpoint: community, topicList, topicPage or posts');
const plan = (JSON.parse(readFileSync(`${dataDir}/baseline-plan.json`, 'utf8')) as { statements: Record<string, CapturedStatement[]> }).statements;
const members = Object.keys(plan).filter((k) => k.startsWith(`${endpoint}@`)).length;
if (members === 0) throw new Error(`No captured SQL for ${endpoint}: run npm run bench first`);
const client = new pg.Client({ connectionString: requireDatabaseUrl(), options: '-c jit=off' });
await client.connect();
const run = (s: CapturedStatement, prefix = '') =>
  client.query({ text: prefix + s.text, values: s.values, ...(s.rowMode === 'array' && !prefix ? { rowMode: 'array' as const } : {}) });

if (flag === '--explain') {
  const s = plan[`${endpoint}@${memberArg ?? 0}`]![Number(statementArg ?? 0)]!;
  console.log(s.text);
  const result = await run(s, 'explain (analyze, buffers) ');
  console.log(result.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
} else {
  const count = plan[`${endpoint}@0`]!.length;
  const total = new Array<number>(count).fill(0);
  const worst = Array.from({ length: count }, () => ({ ms: 0, member: -1 }));
  for (const timed of [false, true]) {
    for (let m = 0; m < members; m++) {
      for (const [i, s] of plan[`${endpoint}@${m}`]!.entries()) {
        const started = performance.now();
        await run(s);
        const ms = performance.now() - started;
        if (!timed) continue;
        total[i]! += ms;
        if (ms > worst[i]!.ms) worst[i] = { ms, member: m };
      }
    }
  }
  console.log(`${endpoint}: ${count} statements × ${members} members`);
  for (let i = 0; i < count; i++) {
    const text = plan[`${endpoint}@0`]![i]!.text.replace(/\s+/g, ' ').slice(0, 90);
    console.log(`#${i} total ${total[i]!.toFixed(0).padStart(6)} ms · slowest member ${worst[i]!.member} ${worst[i]!.ms.toFixed(1)} ms · ${text}`);
  }
  console.log(`all statements: ${total.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
}
await client.end();

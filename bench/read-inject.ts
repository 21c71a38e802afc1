// In-process Node CPU per request of the read routes (fastify.inject: no sockets, one request at a time), for
// comparing builds on a busy machine where req/s wander: CPU from process.cpuUsage, min / first quartile / median
// of ROUNDS rounds (default 8) of n requests, after a warm-up, 50 signed-in generated members in rotation.
//   DATABASE_URL=postgres://…/stoa_bench_quick npx tsx bench/read-inject.ts [n=300] [health|list|page|posts]
// Runs the sources of the checkout it is in (another checkout: copy it there).
import pg from 'pg';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/client.js';
import { buildApp } from '../server/app.js';
import { readInfo } from './common.js';
const n = Number(process.argv[2] ?? 300);
const only = process.argv[3];
const url = process.env.DATABASE_URL!;
const c = new pg.Client({ connectionString: url });
await c.connect();
const info = (await readInfo(c))!;
await c.end();
const config = loadConfig({ ...process.env, DEMO: '0', LOG_LEVEL: 'warn', POST_INTERVAL_SECONDS: '0', POSTS_PER_HOUR: '0', TOPIC_INTERVAL_SECONDS: '0', TOPICS_PER_HOUR: '0' });
const database = await openDatabase({ databaseUrl: url });
const app = await buildApp(config, { database, logger: false });
await app.ready();
const cookies: string[] = [];
for (const email of info.memberEmails.slice(0, 50)) {
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: info.password } });
  cookies.push(String(r.headers['set-cookie']).split(';')[0]!);
}
const pages: Record<string, string> = {
  health: '/healthz',
  list: `/api/communities/${info.communityId}/topics?limit=30`,
  page: `/api/topics/${info.busiestTopicId}`,
  posts: `/api/topics/${info.busiestTopicId}/posts?limit=50`,
};
for (const [name, url] of Object.entries(pages)) {
  if (only && only !== name) continue;
  const run = async (count: number) => {
    const t0 = process.cpuUsage();
    const w0 = performance.now();
    for (let i = 0; i < count; i++) {
      const r = await app.inject({ method: 'GET', url, headers: { cookie: cookies[i % cookies.length]! } });
      if (r.statusCode !== 200) throw new Error(`${name}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    }
    const t = process.cpuUsage(t0);
    return { cpu: (t.user + t.system) / count, wall: ((performance.now() - w0) * 1000) / count };
  };
  await run(Math.min(500, n));
  const rs = [];
  for (let k = 0; k < Number(process.env.ROUNDS ?? 8); k++) rs.push(await run(n));
  rs.sort((a, b) => a.cpu - b.cpu);
  console.log(`${name}: CPU µs/request min ${rs[0]!.cpu.toFixed(0)} q1 ${rs[rs.length >> 2]!.cpu.toFixed(0)} median ${rs[rs.length >> 1]!.cpu.toFixed(0)} (wall ${rs[rs.length >> 1]!.wall.toFixed(0)} µs)`);
}
await app.close();

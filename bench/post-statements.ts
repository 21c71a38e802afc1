// How many SQL statements one reply costs (issue 15's post creation), on data that `npm run bench` generated:
//   DATABASE_URL=postgres://… npx tsx bench/post-statements.ts [--posts 20] [--verbose]
// Starts Stoa from source with the SQL capture (bench/capture-sql.ts, every statement of the process), posts
// `--posts` replies one after another into the busiest topic (each with an Idempotency-Key, as the load does),
// and prints the statements each request sent (its transaction and the post-commit sequencing it starts) and
// those the process sent in the background meanwhile (live delivery, the notifier, sweeps), per post.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import type { CapturedStatement } from './capture-sql.js';
import { benchDir, dataDir, freePort, numberArg, parseArgs, readInfo, repoDir, requireDatabaseUrl, sleep, stopChild, waitForOk } from './common.js';

const args = parseArgs(process.argv.slice(2));
const databaseUrl = requireDatabaseUrl();
const count = numberArg(args, 'posts', 20);

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const info = await readInfo(client);
await client.end();
if (!info) throw new Error('no generated data: run `npm run bench -- --quick` once first');

const captureFile = `${dataDir}/post-statements.jsonl`;
writeFileSync(captureFile, '');
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const env: NodeJS.ProcessEnv = { ...process.env, DEMO: '0', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl, DATABASE_URL: databaseUrl };
// As in the load: no posting limits (set POST_INTERVAL_SECONDS yourself to count the limit's statements too).
Object.assign(env, { POST_INTERVAL_SECONDS: process.env.POST_INTERVAL_SECONDS ?? '0', POSTS_PER_HOUR: process.env.POSTS_PER_HOUR ?? '0' });
Object.assign(env, { STOA_BENCH_CAPTURE_FILE: captureFile, STOA_BENCH_CAPTURE_ALL: '1' });
delete env.ADMIN_EMAIL;
delete env.ADMIN_PASSWORD;
delete env.DATA_DIR;
const log = openSync(`${dataDir}/post-statements-server.log`, 'w');
const child = spawn(process.execPath, ['--import', 'tsx', `${benchDir}capture-entry.ts`], { cwd: repoDir, env, stdio: ['ignore', log, log] });
process.on('exit', () => child.kill('SIGKILL'));
await waitForOk(`${baseUrl}/readyz`, 60_000, child, 10);

const login = await fetch(`${baseUrl}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: baseUrl },
  body: JSON.stringify({ email: info.memberEmails[0], password: info.password }),
});
if (!login.ok) throw new Error(`sign-in: HTTP ${login.status}`);
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c?.startsWith('stoa_session='))!;

const post = (i: number) =>
  fetch(`${baseUrl}/api/topics/${info.busiestTopicId}/posts`, {
    method: 'POST',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json', 'idempotency-key': `post-statements-${Date.now()}-${i}`, 'x-bench-capture': `post@${i}` },
    body: JSON.stringify({ body: `Counting statements, reply ${i}: what would you change for a group of fifty?` }),
  });

// One warm-up post (prepared statements, caches), then a quiet second so the window starts clean.
await (await post(-1)).text();
await sleep(1500);
writeFileSync(captureFile, '');
const started = performance.now();
for (let i = 0; i < count; i++) {
  const response = await post(i);
  if (response.status !== 201) throw new Error(`post ${i}: HTTP ${response.status} ${await response.text()}`);
  await response.text();
}
await sleep(1500); // what the commits set off in the background (live delivery, notifier) lands in the window
const windowSeconds = (performance.now() - started) / 1000;
await stopChild(child, 30_000);

const lines = readFileSync(captureFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CapturedStatement);
const perRequest = lines.filter((l) => l.name.startsWith('post@'));
const background = lines.filter((l) => l.name === '(background)');
const shorten = (text: string) => text.replace(/\s+/g, ' ').slice(0, 140);
console.log(`${count} posts, one at a time; window ${windowSeconds.toFixed(1)} s`);
console.log(`statements per post, in the request (begin/commit and post-commit sequencing included): ${(perRequest.length / count).toFixed(1)}`);
console.log(`background statements in the window, per post: ${(background.length / count).toFixed(1)} (sweeps run about once a second whatever happens)`);
if (args.verbose === true) {
  console.log('\none request:');
  for (const s of perRequest.filter((l) => l.name === 'post@0')) console.log(`  ${String(s.ms ?? '').padStart(7)} ms  ${shorten(s.text)}`);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const byText = new Map<string, number[]>();
  for (const s of perRequest) byText.set(shorten(s.text).slice(0, 80), [...(byText.get(shorten(s.text).slice(0, 80)) ?? []), s.ms ?? 0]);
  console.log('\nmedian ms per statement over all posts:');
  for (const [text, ms] of byText) console.log(`  ${median(ms).toFixed(2).padStart(7)}  ${text}`);
  const kinds = new Map<string, number>();
  for (const s of background) kinds.set(shorten(s.text), (kinds.get(shorten(s.text)) ?? 0) + 1);
  console.log('\nbackground, by statement:');
  for (const [text, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${text}`);
}

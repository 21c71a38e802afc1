// The baseline: a bare Fastify app with a plain `pg` Pool that runs the same SQL as each Stoa endpoint
// under test — no sessions, no authorisation, no schemas, no rendering. Its requests per second are
// the ceiling that Stoa's figures are compared against.
//
// Env: DATABASE_URL, PORT, BASELINE_PLAN (a JSON file: { statements: { <name>: CapturedStatement[] } }
// written by bench/run.ts from the SQL each endpoint ran, captured by bench/capture-sql.ts).
//   GET  /replay/:name?member=i  runs the statements that endpoint ran for member i, in order, on one pooled connection
//   POST /bare-post/:topicId?as= the bare post insert (bench/sql.ts BARE_POST_INSERT), one transaction
//   GET  /bare-topic/:topicId    one topic row with its prompts, in one query (issue 15's topic-page baseline)
//   GET  /bare-posts/:topicId    the topic's first 50 posts joined to their authors, in one query (topic-posts)
//   GET  /bare-topics/:communityId  the community's first 30 topics in list order, in one query (topic-list)
//   GET  /bare-search?q=&config= the GIN match alone: SELECT id FROM posts WHERE search_vector @@ websearch_to_tsquery(config, q) LIMIT 20
//   GET  /bare-similar?communityId=&title=&config=  the community's problems by trigram similarity of the title (pg_trgm),
//        or, without the extension, those whose vector matches any word of the title; LIMIT 5 (/bare-similar/method says which)
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import type { CapturedStatement } from './capture-sql.js';
import { BARE_POST_INSERT, BARE_READS } from './sql.js';

const plan = JSON.parse(readFileSync(process.env.BASELINE_PLAN!, 'utf8')) as { statements: Record<string, CapturedStatement[]> };
// The same pool size and session settings as Stoa's (server/db/client.ts: 10 connections, JIT off), so
// the comparison is about what Stoa adds, not about how the connections are set up.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, options: '-c jit=off' });
pool.on('error', () => {});

const app = Fastify({ logger: false });

app.get('/healthz', async () => ({ status: 'ok' }));

app.get<{ Params: { name: string }; Querystring: { member?: string } }>('/replay/:name', async (request, reply) => {
  const statements = plan.statements[`${request.params.name}@${request.query.member ?? 0}`];
  if (!statements) return reply.status(404).send({ error: 'no such baseline' });
  const client = await pool.connect();
  try {
    const results: unknown[] = [];
    for (const s of statements) {
      const result = await client.query({ text: s.text, values: s.values, ...(s.rowMode === 'array' ? { rowMode: 'array' as const } : {}) });
      results.push(result.rows);
    }
    return results;
  } finally {
    client.release();
  }
});

// Issue 15's read baselines: what each page needs, in one query, by primary or foreign key.
app.get<{ Params: { topicId: string } }>('/bare-topic/:topicId', async (request) => (await pool.query(BARE_READS.topicPage, [request.params.topicId])).rows[0]);
app.get<{ Params: { topicId: string } }>('/bare-posts/:topicId', async (request) => (await pool.query(BARE_READS.topicPosts, [request.params.topicId])).rows);
app.get<{ Params: { communityId: string } }>('/bare-topics/:communityId', async (request) => (await pool.query(BARE_READS.topicList, [request.params.communityId])).rows);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

app.post<{ Params: { topicId: string }; Querystring: { as: string }; Body: { body: string } }>('/bare-post/:topicId', async (request, reply) => {
  const { topicId } = request.params;
  const userId = request.query.as;
  const body = request.body.body;
  const html = `<p>${escapeHtml(body)}</p>`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const inserted = await client.query<{ id: string; created_at: Date }>(BARE_POST_INSERT[0], [topicId, userId, body, html]);
    const post = inserted.rows[0]!;
    await client.query(BARE_POST_INSERT[1], [post.id, body, html, userId]);
    await client.query(BARE_POST_INSERT[2], [topicId]);
    await client.query('commit');
    return reply.status(201).send({ id: post.id, createdAt: post.created_at });
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
});

app.get<{ Querystring: { q: string; config?: string } }>('/bare-search', async (request) => {
  const { rows } = await pool.query<{ id: string }>(
    'SELECT id FROM posts WHERE search_vector @@ websearch_to_tsquery($2::regconfig, $1) LIMIT 20',
    [request.query.q, request.query.config ?? 'simple'],
  );
  return rows;
});

let trigram: boolean | undefined;
const similarMethod = async () =>
  (trigram ??= ((await pool.query(`select 1 from pg_extension where extname = 'pg_trgm'`)).rowCount ?? 0) > 0) ? 'trigram' : 'full-text';
app.get('/bare-similar/method', async () => similarMethod());
app.get<{ Querystring: { communityId: string; title: string; config?: string } }>('/bare-similar', async (request) => {
  const { communityId, title, config = 'simple' } = request.query;
  const { rows } =
    (await similarMethod()) === 'trigram'
      ? await pool.query(
          `SELECT id, title FROM topics WHERE community_id = $1 AND kind = 'problem' ORDER BY similarity(title, $2) DESC LIMIT 5`,
          [communityId, title],
        )
      : await pool.query(
          `SELECT id, title FROM topics WHERE community_id = $1 AND kind = 'problem'
             AND search_vector @@ websearch_to_tsquery($3::regconfig, $2) LIMIT 5`,
          [communityId, title.split(/\s+/).filter(Boolean).join(' or '), config],
        );
  return rows;
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}

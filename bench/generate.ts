// Builds a realistic community of practice on the PostgreSQL database named by DATABASE_URL, for
// `npm run bench`. Default scale 1: 10,000 members, 2,000 topics, 1,000,000 posts, 5,000,000 daily
// topic views over two years. `--scale 0.01` shrinks it, `--scale 2` grows it.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/stoa_bench npx tsx bench/generate.ts [--scale 0.1] [--force] [--seed 7]
//
// How it stays fast on 2 cores: the thread shapes (who replies to what, when) are decided here in
// TypeScript with a seeded random generator, and sent as compact integer arrays; PostgreSQL expands
// them (unnest) into full rows, joining a table of pre-rendered bodies (bench_gen.bodies: 50,000
// distinct replies at scale 1, one text per topic and prompt), so the large text is never sent over
// the wire. Texts carry words of a long-tailed vocabulary (bench/text.ts) so that full-text search is
// measured on realistic word frequencies. Ids are md5-derived UUIDs of the row numbers ('u:17' → user 17), so no
// lookups are needed to link rows. Posts and views load on two connections at once. Secondary
// indexes are dropped during the load and rebuilt afterwards; foreign-key triggers are switched off
// for the loading sessions (session_replication_role = replica), which is safe because every
// reference is generated consistent. Ends with VACUUM ANALYZE, as a long-lived database would be.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { hashPassword } from '../server/features/auth/tokens.js';
import { renderMarkdown } from '../shared/markdown.js';
import {
  makeRandom,
  makeVocabulary,
  topicTitle,
  VOCABULARY_SIZE,
  vocabularySentence,
  weightedSampler,
  zipfSampler,
  type Random,
} from './text.js';
import {
  databaseName,
  ensureDatabaseExists,
  formatDuration,
  numberArg,
  parseArgs,
  Progress,
  redactUrl,
  requireDatabaseUrl,
  writeInfoFile,
  type BenchInfo,
} from './common.js';

export const BENCH_PASSWORD = 'bench-password-2026';
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 730;

/** Splits `total` into integer parts proportional to `weights` (largest remainders get the rest). */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]![1]]! += 1;
  return parts;
}

// ---------------------------------------------------------------- bodies (rendered once, reused)

const SENTENCES = [
  'In our in-service courses the first session sets the tone for everything that follows.',
  'I tried loop input last term: the trainees experienced the technique while learning about it.',
  'What struck me was how quiet the experienced teachers were during the feedback round.',
  'We asked participants to plan a lesson in pairs and then swap plans with another pair.',
  'The observation checklist helped, but only once we had agreed what "engagement" looks like.',
  'Reflection worked better in writing than in the plenary, at least for this group.',
  'Several colleagues said the reading was useful but too long for a busy week.',
  'A difficult participant challenged every example; in the end I asked him to lead one activity.',
  'Our ministry expects a certificate at the end, which changes how people approach the course.',
  'I would start with the trainees\' own classrooms rather than with the theory.',
  'The prompt about effective teaching made me rethink how I give feedback after observations.',
  'We evaluated the course with a short survey and a follow-up visit six weeks later.',
  'Mentoring new trainers is where most of the real learning in our team happens.',
  'It is hard to find time for peer observation when everyone teaches thirty hours a week.',
  'The online part of the course had far more readers than writers, which is normal I think.',
  'One practical change: we now end each session with a two-minute written reflection.',
  'I am not sure the model transfers to primary teachers without some adaptation.',
  'Thank you for sharing this, it matches what I saw in my own training context.',
  'Has anyone used video recordings of lessons for self-evaluation with new teachers?',
  'The key for me is that trainees leave with something they can try the next Monday.',
  'Our regional team meets monthly, and this discussion will be on the agenda.',
  'We adapted the task so that it works with large classes of fifty or more learners.',
  'Participants valued the practical demonstrations much more than the lectures.',
  'I disagree slightly: some theory up front saves time later in the course.',
  'The evaluation showed a gap between what teachers said they would do and what they did.',
  'When the course closed, a small group kept meeting to share lesson plans.',
  'This is exactly the kind of problem we faced when the new curriculum arrived.',
  'Could you say more about how you grouped the participants for the planning task?',
  'Reading the article again, the section on feedback is the one I keep coming back to.',
  'Our trainers now observe each other once a term, with a simple agreed focus.',
];
const PROMPT_QUESTIONS = [
  'How does this apply to your own training context?',
  'What would you change for your own group?',
  'Which part of this have you tried, and what happened?',
  'What gets in the way of doing this where you work?',
  'How would you know that it worked?',
  'Describe one session where this went wrong.',
];
const LIST_ITEMS = ['a clear aim for each session', 'time for trainees to practise', 'feedback that names one strength and one next step', 'a follow-up after the course', 'materials teachers can adapt', 'a short reading before each meeting'];
const LINKS = ['https://www.teachingenglish.org.uk/', 'https://example.org/cpd/reflective-practice', 'https://example.org/research/in-service-training'];

function makeMarkdown(random: Random, sentenceCount: number, article: boolean): string {
  const blocks: string[] = [];
  let left = sentenceCount;
  let index = random.int(SENTENCES.length);
  const sentence = () => SENTENCES[index++ % SENTENCES.length]!;
  while (left > 0) {
    if (article && random.next() < 0.25) blocks.push(`## ${sentence().split(' ').slice(0, 5).join(' ')}`);
    const n = Math.min(left, 1 + random.int(4));
    let paragraph = Array.from({ length: n }, sentence).join(' ');
    if (random.next() < 0.15) paragraph = paragraph.replace(/(\w+ \w+)\./, '**$1**.');
    if (random.next() < 0.12) paragraph += ` See [this page](${LINKS[random.int(LINKS.length)]}).`;
    blocks.push(random.next() < 0.08 ? `> ${paragraph}` : paragraph);
    left -= n;
    if (random.next() < 0.1) blocks.push(LIST_ITEMS.slice(random.int(3), 3 + random.int(4)).map((s) => `- ${s}`).join('\n'));
  }
  return blocks.join('\n\n');
}

// ---------------------------------------------------------------- the plan

export interface Plan {
  members: number;
  posters: number;
  facilitators: number;
  moderators: number;
  managers: number;
  topics: number;
  busyTopics: number;
  posts: number;
  views: number;
}

export function planFor(scale: number): Plan {
  const members = Math.max(60, Math.round(10_000 * scale));
  const topics = Math.max(10, Math.round(2_000 * scale));
  return {
    members,
    posters: Math.max(6, Math.round(members * 0.1)),
    facilitators: Math.max(2, Math.round(members * 0.002)),
    moderators: Math.max(1, Math.round(members * 0.0005)),
    managers: Math.max(1, Math.round(members * 0.0003)),
    topics,
    busyTopics: Math.max(1, Math.round(topics * 0.1)),
    posts: Math.max(500, Math.round(1_000_000 * scale)),
    views: Math.max(2_000, Math.round(5_000_000 * scale)),
  };
}

interface TopicPlan {
  t: number;
  kind: 'cpd' | 'problem';
  author: number;
  createdMs: number;
  endMs: number; // posts fall in [createdMs, endMs]
  closesMs: number | null;
  prompts: number;
  size: number;
  busy: boolean;
  pinned: boolean;
}

const FIRST = ['Amal', 'Ben', 'Chidi', 'Dana', 'Elif', 'Femi', 'Grace', 'Hoang', 'Ines', 'Jonas', 'Keiko', 'Lucía', 'Mehmet', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sipho', 'Tomás', 'Uma', 'Vikram', 'Wen', 'Ximena', 'Yusuf', 'Zanele'];
const LAST = ['Haddad', 'Berg', 'Sato', 'Romero', 'Okafor', 'Nguyen', 'Kaya', 'Mensah', 'Silva', 'Kowalski', 'Ahmed', 'Dubois', 'Ivanova', 'Moreau', 'Patel', 'Rossi', 'Tanaka', 'Yilmaz', 'Zulu', 'Eriksen'];

/** 'Lucía Rossi 17' → 'lucia_rossi_17' (the server's handle rule: a-z, 0-9 and _, 3–30 characters). */
const handleOf = (name: string) =>
  name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 30);

const uuidOf = (prefix: string, n: number | string) => `md5('${prefix}:' || ${n})::uuid`;

// ---------------------------------------------------------------- main

export async function generate(url: string, options: { scale: number; seed: number; force: boolean }): Promise<BenchInfo> {
  const started = Date.now();
  const plan = planFor(options.scale);
  const random = makeRandom(options.seed);
  const created = await ensureDatabaseExists(url);
  console.error(`generator: ${redactUrl(url)}${created ? ' (created)' : ''}, scale ${options.scale}: ` +
    `${plan.members} members, ${plan.topics} topics, ${plan.posts} posts, ${plan.views} topic views`);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const usersTable = await client.query<{ exists: boolean }>(`select to_regclass('public.users') is not null as exists`);
  const hasUsers = usersTable.rows[0]?.exists ? ((await client.query('select 1 from users limit 1')).rowCount ?? 0) > 0 : false;
  if (hasUsers) {
    if (!options.force) {
      await client.end();
      throw new RefusedError(`${databaseName(url)} already has users; refusing to touch it. Pass --force to wipe and regenerate it.`);
    }
    console.error(`--force: dropping every table in ${databaseName(url)}`);
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA IF EXISTS bench_gen CASCADE; CREATE SCHEMA public');
  }

  // The schema comes from the project's own migrations, exactly as the server would create it.
  const database = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await runMigrations(database, url);
  await database.close();

  const second = new pg.Client({ connectionString: url });
  await second.connect();
  for (const c of [client, second]) {
    await c.query(`SET synchronous_commit = off; SET work_mem = '64MB'; SET maintenance_work_mem = '512MB'`);
    try {
      await c.query('SET session_replication_role = replica'); // skip FK triggers while loading (needs superuser)
    } catch {
      console.error('note: not a superuser, foreign keys are checked row by row (slower load)');
    }
  }
  await client.query(`CREATE SCHEMA IF NOT EXISTS bench_gen;
    CREATE TABLE IF NOT EXISTS bench_gen.info (key text primary key, value jsonb not null);
    CREATE TABLE IF NOT EXISTS bench_gen.bodies (n int primary key, md text not null, html text not null);
    TRUNCATE bench_gen.info, bench_gen.bodies`);

  // Time frame: two years of history ending now; day 0 is the first day.
  const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
  const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const startMs = todayMs - HISTORY_DAYS * DAY_MS;
  const startDate = new Date(startMs).toISOString().slice(0, 10);
  const communityId = `md5('c:1')::uuid`;

  // ---- bodies. Markdown templates (the fixed sentences above, long-tailed lengths) are rendered once
  // with the project's markdown module; each distinct body is a template plus one sentence of the
  // long-tailed vocabulary (bench/text.ts) as its own last paragraph, so word frequencies look like a
  // real forum's instead of every word being in ≥ 1/64 of the posts. Appending a plain paragraph adds
  // exactly `\n<p>…</p>` to the HTML (checked below for every template), so 50,000 bodies need only
  // the templates rendered. Posts pick one of REPLY_BODIES at random (each used ~20 times at scale 1).
  const vocabulary = makeVocabulary(options.seed);
  const textRandom = makeRandom(options.seed + 2);
  const nextRank = zipfSampler(textRandom);
  const sentenceOfWords = () => vocabularySentence(textRandom, vocabulary, nextRank);
  const REPLY_TEMPLATES = 1024;
  const ARTICLE_TEMPLATES = 32;
  const REPLY_BODIES = Math.min(50_000, Math.max(2_000, Math.round(plan.posts / 20)));
  const TOPIC_BODY_BASE = 100_000_000; // + topic number
  const PROMPT_BODY_BASE = 200_000_000; // + prompt number
  const render = (md: string) => ({ md, html: renderMarkdown(md) });
  const replyTemplates = Array.from({ length: REPLY_TEMPLATES }, () =>
    // exp(0.75 + 0.85·N) sentences: median ≈ 2.1 fixed sentences, so with the vocabulary sentence a
    // reply's median length stays ≈ 300 characters.
    render(makeMarkdown(random, Math.max(1, Math.min(60, Math.round(Math.exp(0.75 + 0.85 * random.normal())))), false)),
  );
  const articleTemplates = Array.from({ length: ARTICLE_TEMPLATES }, () => render(makeMarkdown(random, 25 + random.int(30), true)));
  const withSentence = (template: { md: string; html: string }, sentence: string) => ({
    md: `${template.md}\n\n${sentence}`,
    html: `${template.html}\n<p>${sentence}</p>`,
  });
  for (const template of [...replyTemplates, ...articleTemplates]) {
    const probe = withSentence(template, 'Tamisk velora, obrent calib.');
    if (renderMarkdown(probe.md) !== probe.html) throw new Error(`appending a paragraph changed a template's HTML:\n${probe.md}`);
  }
  const storeBodies = async (list: Array<{ n: number; md: string; html: string }>) => {
    for (let i = 0; i < list.length; i += 5_000) {
      const chunk = list.slice(i, i + 5_000);
      await client.query('INSERT INTO bench_gen.bodies SELECT * FROM unnest($1::int[], $2::text[], $3::text[])', [
        chunk.map((b) => b.n),
        chunk.map((b) => b.md),
        chunk.map((b) => b.html),
      ]);
    }
  };
  {
    const replies = Array.from({ length: REPLY_BODIES }, (_, i) => ({
      n: i + 1,
      ...withSentence(replyTemplates[textRandom.int(REPLY_TEMPLATES)]!, sentenceOfWords()),
    }));
    await storeBodies(replies);
    const lengths = replies.map((b) => b.md.length).sort((a, b) => a - b);
    console.error(
      `bodies: ${REPLY_BODIES} distinct replies from ${REPLY_TEMPLATES} rendered templates + a sentence of a ${VOCABULARY_SIZE}-word ` +
        `Zipf vocabulary (median ${lengths[lengths.length >> 1]} chars, max ${lengths.at(-1)})`,
    );
  }
  await client.query(`CREATE TABLE IF NOT EXISTS bench_gen.vocabulary (rank int primary key, word text not null);
    TRUNCATE bench_gen.vocabulary`);
  await client.query('INSERT INTO bench_gen.vocabulary SELECT * FROM unnest($1::int[], $2::text[])', [vocabulary.map((_, i) => i + 1), vocabulary]);

  // ---- members: 10% posters (numbers 1..posters, staff among them), 90% readers.
  const { members: M, posters: PN, facilitators: F, moderators: MODS, managers: MGRS } = plan;
  const managerFrom = PN + 1; // managers are readers, not posters
  const joinDay = new Int32Array(M + 1);
  for (let n = 1; n <= M; n++) {
    const founding = n <= PN || n < managerFrom + MGRS || random.next() < 0.75;
    joinDay[n] = founding ? -1 - random.int(365) : random.int(HISTORY_DAYS - 30);
  }
  const passwordHash = await hashPassword(BENCH_PASSWORD, 10);
  let progress = new Progress('members', M * 2);
  for (let from = 1; from <= M; from += 20_000) {
    const ns = Array.from({ length: Math.min(20_000, M - from + 1) }, (_, i) => from + i);
    const names = ns.map((n) => `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]} ${n}`);
    const joined = ns.map((n) => (startMs + joinDay[n]! * DAY_MS + random.int(DAY_MS)) / 1000);
    const roles = ns.map((n) =>
      n <= F ? '{facilitator}' : n <= F + MODS ? '{moderator}' : n >= managerFrom && n < managerFrom + MGRS ? '{manager}' : '{}',
    );
    await client.query(
      // The handle is given here: the trigger that derives it from the name (users_assign_handle) is
      // skipped by the replica-mode load. Names carry the member's number, so these are unique.
      `INSERT INTO users (id, email, password_hash, display_name, handle, created_at)
       SELECT ${uuidOf('u', 'x.n')}, 'member' || x.n || '@bench.stoa.example', $4, x.name, x.handle, to_timestamp(x.joined)
       FROM unnest($1::int[], $2::text[], $3::float8[], $5::text[]) AS x(n, name, joined, handle)`,
      [ns, names, joined, passwordHash, names.map(handleOf)],
    );
    progress.add(ns.length);
    await client.query(
      `INSERT INTO memberships (community_id, user_id, roles, joined_at)
       SELECT ${communityId}, ${uuidOf('u', 'x.n')}, x.roles::text[], to_timestamp(x.joined)
       FROM unnest($1::int[], $2::text[], $3::float8[]) AS x(n, roles, joined)`,
      [ns, roles, joined],
    );
    progress.add(ns.length);
  }
  await client.query(
    `INSERT INTO communities (id, slug, name, description, join_policy, created_at)
     VALUES (${communityId}, 'bench-cop', 'Teacher trainers'' CoP (benchmark)', 'Generated by bench/generate.ts', 'invite', to_timestamp($1))`,
    [(startMs - 400 * DAY_MS) / 1000],
  );
  progress.finish();

  // Search vectors (migration 0018_search) are computed by BEFORE INSERT/UPDATE triggers, which the
  // replica-mode load would skip like every other trigger. Those triggers, and only those, fire during
  // the load (ENABLE ALWAYS), so topics, prompts and posts get exactly the vectors the server would
  // compute; the GIN index on posts is dropped and rebuilt with the other secondary indexes. (If the
  // generator fails half-way the database is unusable anyway: --force drops it, triggers and all.)
  const { rows: searchTriggers } = await client.query<{ tbl: string; name: string }>(
    `select c.relname as tbl, t.tgname as name
     from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace ns on ns.oid = c.relnamespace join pg_proc f on f.oid = t.tgfoid
     where not t.tgisinternal and ns.nspname = 'public' and f.proname ~ '^stoa_.*search_vector'`,
  );
  for (const t of searchTriggers) await client.query(`ALTER TABLE ${t.tbl} ENABLE ALWAYS TRIGGER ${t.name}`);
  if (searchTriggers.length) console.error(`search vectors: ${searchTriggers.map((t) => `${t.tbl}.${t.name}`).join(', ')} fire during the load`);

  // ---- topics: 10% busy (most posts, a few with thousands), 90% short.
  const topicPlans: TopicPlan[] = [];
  const busyWeights = Array.from({ length: plan.busyTopics }, (_, i) => (i + 1) ** -0.4);
  const shortCount = plan.topics - plan.busyTopics;
  const shortWeights = Array.from({ length: shortCount }, () => random.next() ** 2);
  const shortTotal = shortCount > 0 ? Math.round(plan.posts * 0.05) : 0;
  const busySizes = allocate(plan.posts - shortTotal, busyWeights);
  const shortSizes = shortCount > 0 ? allocate(shortTotal, shortWeights) : [];
  const posterWeights = new Float64Array(PN);
  for (let i = 0; i < PN; i++) posterWeights[i] = Math.exp(1.5 * random.normal());
  const pickPoster = weightedSampler(posterWeights, random);
  for (let t = 1; t <= plan.topics; t++) {
    const busy = t <= plan.busyTopics;
    const kind: 'cpd' | 'problem' = t === 1 || (busy ? random.next() < 0.85 : random.next() < 0.5) ? 'cpd' : 'problem';
    const createdDay = busy ? random.int(HISTORY_DAYS - 80) : random.int(HISTORY_DAYS - 5);
    const createdMs = startMs + createdDay * DAY_MS + random.int(DAY_MS);
    const closesMs = !busy && kind === 'cpd' && random.next() < 0.6 ? createdMs + (random.next() < 0.5 ? 7 : 21) * DAY_MS : null;
    topicPlans.push({
      t,
      kind,
      author: kind === 'cpd' ? 1 + random.int(F) : pickPoster(),
      createdMs,
      closesMs: closesMs !== null && closesMs < nowMs ? closesMs : null,
      endMs: Math.min(closesMs ?? nowMs, nowMs),
      prompts: kind === 'cpd' ? (busy ? 3 + random.int(4) : 1 + random.int(4)) : 0,
      size: busy ? busySizes[t - 1]! : shortSizes[t - 1 - plan.busyTopics]!,
      busy,
      pinned: t === 2 || t === plan.busyTopics + 1,
    });
  }
  progress = new Progress('topics & prompts', plan.topics);
  let promptNumber = 0;
  for (let i = 0; i < topicPlans.length; i += 5_000) {
    const chunk = topicPlans.slice(i, i + 5_000);
    // Every topic its own title and text: an article or a problem description plus a vocabulary sentence.
    const titles = chunk.map((p) => topicTitle(textRandom, p.kind, vocabulary, nextRank));
    await storeBodies(
      chunk.map((p) => ({
        n: TOPIC_BODY_BASE + p.t,
        ...withSentence(p.kind === 'cpd' ? articleTemplates[textRandom.int(ARTICLE_TEMPLATES)]! : replyTemplates[textRandom.int(REPLY_TEMPLATES)]!, sentenceOfWords()),
      })),
    );
    await client.query(
      `INSERT INTO topics (id, community_id, kind, title, author_id, body_md, body_html, opens_at, closes_at, pinned, created_at)
       SELECT ${uuidOf('t', 'x.t')}, ${communityId}, x.kind, x.title, ${uuidOf('u', 'x.a')}, b.md, b.html,
              case when x.kind = 'cpd' then to_timestamp(x.created) end, to_timestamp(x.closes), x.pinned, to_timestamp(x.created)
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::boolean[], $8::int[])
            AS x(t, kind, title, a, created, closes, pinned, body)
       JOIN bench_gen.bodies b ON b.n = x.body`,
      [
        chunk.map((p) => p.t),
        chunk.map((p) => p.kind),
        titles,
        chunk.map((p) => p.author),
        chunk.map((p) => p.createdMs / 1000),
        chunk.map((p) => (p.closesMs === null ? null : p.closesMs / 1000)),
        chunk.map((p) => p.pinned),
        chunk.map((p) => TOPIC_BODY_BASE + p.t),
      ],
    );
    // Prompts: the first with the topic, later ones released every two days (some still scheduled).
    // Each prompt: one of the fixed sentences, an open question and a vocabulary sentence, rendered.
    const prompt = chunk.flatMap((p) =>
      Array.from({ length: p.prompts }, (_, j) => ({ t: p.t, j: j + 1, release: p.createdMs + j * 2 * DAY_MS, body: PROMPT_BODY_BASE + ++promptNumber })),
    );
    await storeBodies(
      prompt.map((q) => ({
        n: q.body,
        ...render(`${SENTENCES[textRandom.int(SENTENCES.length)]} ${PROMPT_QUESTIONS[textRandom.int(PROMPT_QUESTIONS.length)]}\n\n${sentenceOfWords()}`),
      })),
    );
    await client.query(
      `INSERT INTO prompts (id, topic_id, position, body_md, body_html, release_at, answer_first, released_event_at, created_at)
       SELECT md5('q:' || x.t || ':' || x.j)::uuid, ${uuidOf('t', 'x.t')}, x.j, b.md, b.html,
              case when x.j > 1 then to_timestamp(x.release) end, (x.t + x.j) % 10 = 0,
              case when x.j > 1 and x.release < $4 then to_timestamp(x.release) end, to_timestamp(x.release - (x.j - 1) * 172800)
       FROM unnest($1::int[], $2::int[], $3::float8[], $5::int[]) AS x(t, j, release, body)
       JOIN bench_gen.bodies b ON b.n = x.body`,
      [prompt.map((p) => p.t), prompt.map((p) => p.j), prompt.map((p) => p.release / 1000), nowMs / 1000, prompt.map((p) => p.body)],
    );
    await client.query(
      `INSERT INTO topic_facilitators (topic_id, user_id)
       SELECT ${uuidOf('t', 'x.t')}, ${uuidOf('u', 'x.a')} FROM unnest($1::int[], $2::int[]) AS x(t, a)`,
      [chunk.filter((p) => p.kind === 'cpd').map((p) => p.t), chunk.filter((p) => p.kind === 'cpd').map((p) => p.author)],
    );
    progress.add(chunk.length);
  }
  progress.finish();

  // ---- drop secondary indexes of the big tables; rebuilt after the load.
  const bigTables = ['posts', 'post_revisions', 'helpful_marks', 'topic_views', 'topic_reads'];
  const { rows: droppedIndexes } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i where i.indrelid::regclass::text = any($1)
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [bigTables],
  );
  for (const index of droppedIndexes) await client.query(`DROP INDEX ${index.name}`);

  // ---- posts (with first revisions and helpful marks) and topic views, on two connections at once.
  progress = new Progress('posts & views', plan.posts + plan.views);
  const postStats = { posts: 0, revisions: 0, helpful: 0 };
  const loadPosts = async () => {
    const cols = { n: [] as number[], t: [] as number[], a: [] as number[], p: [] as number[], j: [] as number[], d: [] as number[], b: [] as number[], s: [] as number[], h: [] as number[], ts: [] as number[] };
    const flush = async () => {
      if (cols.n.length === 0) return;
      const result = await client.query<{ posts: number; revisions: number; marks: number }>(
        `WITH x AS (SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::float8[])
                    AS x(n, t, a, p, j, d, b, s, h, ts)),
              p AS (INSERT INTO posts (id, community_id, topic_id, author_id, parent_id, prompt_id, depth, body_md, body_html, status, status_reason, helpful_count, created_at)
                    SELECT ${uuidOf('p', 'x.n')}, ${communityId}, ${uuidOf('t', 'x.t')}, ${uuidOf('u', 'x.a')},
                           case when x.p > 0 then ${uuidOf('p', 'x.p')} end,
                           case when x.j > 0 then md5('q:' || x.t || ':' || x.j)::uuid end, x.d, b.md, b.html,
                           (array['published', 'removed', 'withdrawn'])[x.s + 1], case when x.s = 1 then 'Off topic for this community' end,
                           x.h, to_timestamp(x.ts)
                    FROM x JOIN bench_gen.bodies b ON b.n = x.b RETURNING 1),
              r AS (INSERT INTO post_revisions (post_id, version, body_md, body_html, editor_id, created_at)
                    SELECT ${uuidOf('p', 'x.n')}, 1, b.md, b.html, ${uuidOf('u', 'x.a')}, to_timestamp(x.ts)
                    FROM x JOIN bench_gen.bodies b ON b.n = x.b RETURNING 1),
              m AS (INSERT INTO helpful_marks (post_id, user_id, created_at)
                    SELECT ${uuidOf('p', 'x.n')}, ${uuidOf('u', `(1 + (x.a - 1 + i) % ${M})`)}, to_timestamp(least(x.ts + i * 3600, $11))
                    FROM x, generate_series(1, x.h) AS i RETURNING 1)
         SELECT (SELECT count(*)::int FROM p) AS posts, (SELECT count(*)::int FROM r) AS revisions, (SELECT count(*)::int FROM m) AS marks`,
        [cols.n, cols.t, cols.a, cols.p, cols.j, cols.d, cols.b, cols.s, cols.h, cols.ts, nowMs / 1000],
      );
      const row = result.rows[0]!;
      postStats.posts += row.posts;
      postStats.revisions += row.revisions;
      postStats.helpful += row.marks;
      progress.add(cols.n.length);
      for (const list of Object.values(cols)) list.length = 0;
    };
    let n = 0;
    for (const topic of topicPlans) {
      const first = n + 1;
      const depth = new Int32Array(topic.size + 1);
      const promptOf = new Int32Array(topic.size + 1);
      const span = Math.max(60_000, topic.endMs - topic.createdMs);
      for (let k = 1; k <= topic.size; k++) {
        n++;
        // Times rise with k, busier early in a topic's life (a slot per post, jittered inside it).
        const ts = (topic.createdMs + span * ((k - 1 + random.next()) / topic.size) ** 1.6) / 1000;
        let parentK = 0;
        if (k > 1 && random.next() > (topic.busy ? 0.4 : 0.5)) {
          // Reply to an earlier post, usually a recent one; never deeper than the depth limit.
          parentK = k - 1 - Math.floor(random.next() ** 3 * (k - 1));
          while (depth[parentK]! >= 8) parentK = parentK > 1 ? parentK - 1 : 0;
        }
        depth[k] = parentK ? depth[parentK]! + 1 : 0;
        if (parentK) promptOf[k] = promptOf[parentK]!;
        else if (topic.prompts > 0 && random.next() < 0.7) {
          const released = Math.min(topic.prompts, 1 + Math.floor((ts * 1000 - topic.createdMs) / (2 * DAY_MS)));
          promptOf[k] = 1 + random.int(released);
        }
        const roll = random.next();
        const status = roll < 0.01 ? 1 : roll < 0.015 ? 2 : 0;
        cols.n.push(n);
        cols.t.push(topic.t);
        cols.a.push(k === 1 && random.next() < 0.3 ? topic.author : pickPoster());
        cols.p.push(parentK ? first + parentK - 1 : 0);
        cols.j.push(promptOf[k]!);
        cols.d.push(depth[k]!);
        cols.b.push(1 + random.int(REPLY_BODIES));
        cols.s.push(status);
        cols.h.push(status === 0 ? Math.floor(random.next() ** 8 * 9) : 0);
        cols.ts.push(ts);
        if (cols.n.length >= 10_000) await flush();
      }
    }
    await flush();
  };

  const viewRandom = makeRandom(options.seed + 1);
  let viewCount = 0;
  const loadViews = async () => {
    const readerWeights = new Float64Array(M);
    for (let i = 0; i < M; i++) readerWeights[i] = Math.exp(1.2 * viewRandom.normal()) * (i < PN ? 3 : 1);
    const pickReader = weightedSampler(readerWeights, viewRandom);
    const quotas = allocate(plan.views, topicPlans.map((p) => (p.size + 20) ** 0.8));
    // p: the member's previous day on the topic (topic_views.prev_day, which triggers keep but a load
    // with triggers off must supply), -1 for none.
    const cols = { t: [] as number[], u: [] as number[], d: [] as number[], p: [] as number[] };
    const flush = async () => {
      if (cols.t.length === 0) return;
      await second.query(
        `INSERT INTO topic_views (topic_id, user_id, day, community_id, prev_day)
         SELECT ${uuidOf('t', 'x.t')}, ${uuidOf('u', 'x.u')}, $4::date + x.d, ${communityId}, CASE WHEN x.p < 0 THEN NULL ELSE $4::date + x.p END
         FROM unnest($1::int[], $2::int[], $3::int[], $5::int[]) AS x(t, u, d, p)`,
        [cols.t, cols.u, cols.d, startDate, cols.p],
      );
      viewCount += cols.t.length;
      progress.add(cols.t.length);
      cols.t.length = cols.u.length = cols.d.length = cols.p.length = 0;
    };
    let shortfall = 0;
    for (const topic of topicPlans) {
      const firstDay = Math.floor((topic.createdMs - startMs) / DAY_MS);
      const days = HISTORY_DAYS - firstDay + 1;
      // A topic that cannot take its share (too young, too few members) passes the rest on.
      const want = quotas[topic.t - 1]! + shortfall;
      const quota = Math.min(want, Math.floor(M * days * 0.3));
      const seen = new Set<number>(); // one row per member per topic per day
      let made = 0;
      for (let attempts = 0; made < quota && attempts < quota * 4; attempts++) {
        const u = pickReader();
        // Most reading happens while a topic is young; never before the member joined.
        const day = Math.max(firstDay + Math.floor(viewRandom.next() ** 1.7 * days), joinDay[u]!);
        if (day > HISTORY_DAYS) continue;
        const key = u * 1000 + day;
        if (seen.has(key)) continue;
        seen.add(key);
        made++;
      }
      // In (member, day) order, so each row's previous day on the topic is the row before it.
      const keys = [...seen].sort((a, b) => a - b);
      for (let i = 0; i < keys.length; i++) {
        const u = Math.floor(keys[i]! / 1000);
        cols.t.push(topic.t);
        cols.u.push(u);
        cols.d.push(keys[i]! % 1000);
        cols.p.push(i > 0 && Math.floor(keys[i - 1]! / 1000) === u ? keys[i - 1]! % 1000 : -1);
      }
      if (cols.t.length >= 50_000) await flush();
      shortfall = want - made;
    }
    await flush();
  };
  await Promise.all([loadPosts(), loadViews()]);
  progress.finish();
  for (const t of searchTriggers) await client.query(`ALTER TABLE ${t.tbl} ENABLE TRIGGER ${t.name}`);

  // ---- derived rows: topic counters, read positions, solutions.
  progress = new Progress('counters & reads', 4, 'steps');
  await client.query(
    `UPDATE topics t SET post_count = c.n, last_activity_at = c.last, updated_at = c.last
     FROM (SELECT topic_id, count(*) FILTER (WHERE status = 'published')::int AS n, max(created_at) AS last FROM posts GROUP BY topic_id) c
     WHERE c.topic_id = t.id`,
  );
  progress.add(1);
  {
    // The participant counters the server keeps on every write (migration topic_participant_counts):
    // distinct published authors, and distinct viewers without a published post.
    await client.query(
      `UPDATE topics t SET poster_count = coalesce(pc.n, 0), reader_count = coalesce(rc.n, 0)
       FROM topics t2
         LEFT JOIN (SELECT topic_id, count(DISTINCT author_id)::int AS n FROM posts WHERE status = 'published' GROUP BY topic_id) pc ON pc.topic_id = t2.id
         LEFT JOIN (SELECT v.topic_id, count(*)::int AS n FROM (SELECT DISTINCT topic_id, user_id FROM topic_views) v
                    WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.topic_id = v.topic_id AND p.author_id = v.user_id AND p.status = 'published')
                    GROUP BY v.topic_id) rc ON rc.topic_id = t2.id
       WHERE t.id = t2.id`,
    );
  }
  progress.add(1);
  // The read positions' counts of published posts up to them (migration 0025) in one sorted pass, not one count
  // per inserted position in the row trigger.
  await client.query('ALTER TABLE topic_reads DISABLE TRIGGER topic_reads_count');
  await client.query(
    `INSERT INTO topic_reads (topic_id, user_id, last_read_post_id, last_read_at, updated_at)
     SELECT topic_id, user_id, NULL, least(now(), max(day) + interval '20 hours'), least(now(), max(day) + interval '20 hours')
     FROM topic_views GROUP BY topic_id, user_id`,
  );
  await client.query('ALTER TABLE topic_reads ENABLE TRIGGER topic_reads_count');
  await client.query('SELECT stoa_recount_topic_reads()');
  progress.add(1);
  await client.query(
    `UPDATE topics t SET solution_post_id = s.id
     FROM (SELECT DISTINCT ON (p.topic_id) p.topic_id, p.id FROM posts p JOIN topics pt ON pt.id = p.topic_id AND pt.kind = 'problem'
           WHERE p.depth = 0 AND p.status = 'published' ORDER BY p.topic_id, p.created_at) s
     WHERE s.topic_id = t.id AND t.kind = 'problem' AND get_byte(decode(md5(t.id::text), 'hex'), 0) % 2 = 0`,
  );
  progress.finish();

  // Rollups kept by triggers (which the replica-mode load skipped) are rebuilt from their source tables.
  const { rows: rebuilds } = await client.query<{ name: string }>(
    `select proname as name from pg_proc where proname in ('engagement_view_weeks_rebuild', 'engagement_member_days_rebuild', 'engagement_by_topic_rebuild', 'topic_poster_counts_rebuild') order by proname`,
  );
  for (const { name } of rebuilds) await client.query(`SELECT ${name}()`);

  progress = new Progress('indexes', droppedIndexes.length, 'indexes');
  // Two at a time, one per connection.
  const queue = [...droppedIndexes];
  await Promise.all(
    [client, second].map(async (c) => {
      for (let index = queue.shift(); index; index = queue.shift()) {
        await c.query(index.def);
        progress.add(1);
      }
    }),
  );
  progress.finish();

  progress = new Progress('vacuum analyze', 1, 'steps');
  await client.query('VACUUM (ANALYZE)');
  progress.finish();

  const { rows: countRows } = await client.query<{ table: string; n: number }>(
    `SELECT 'users' AS table, count(*)::int AS n FROM users UNION ALL SELECT 'memberships', count(*)::int FROM memberships
     UNION ALL SELECT 'topics', count(*)::int FROM topics UNION ALL SELECT 'prompts', count(*)::int FROM prompts
     UNION ALL SELECT 'posts', count(*)::int FROM posts UNION ALL SELECT 'post_revisions', count(*)::int FROM post_revisions
     UNION ALL SELECT 'helpful_marks', count(*)::int FROM helpful_marks UNION ALL SELECT 'topic_views', count(*)::int FROM topic_views
     UNION ALL SELECT 'topic_reads', count(*)::int FROM topic_reads`,
  );
  const counts = Object.fromEntries(countRows.map((r) => [r.table, r.n]));
  const { rows: busiest } = await client.query<{ id: string; n: number }>(`SELECT id, post_count AS n FROM topics ORDER BY post_count DESC LIMIT 1`);
  const staffEnd = F + MODS;
  const memberNumbers = Array.from({ length: 50 }, (_, i) => staffEnd + 1 + (i % Math.max(1, M - staffEnd - MGRS)));
  const info: BenchInfo = {
    scale: options.scale,
    seed: options.seed,
    generatedAt: new Date().toISOString(),
    generatorSeconds: Math.round((Date.now() - started) / 100) / 10,
    password: BENCH_PASSWORD,
    communityId: (await client.query<{ id: string }>(`SELECT ${communityId} AS id`)).rows[0]!.id,
    busiestTopicId: busiest[0]!.id,
    busiestTopicPosts: busiest[0]!.n,
    memberEmails: [...new Set(memberNumbers)].map((n) => `member${n}@bench.stoa.example`),
    managerEmail: `member${managerFrom}@bench.stoa.example`,
    facilitatorEmail: 'member1@bench.stoa.example',
    dataEndsAt: new Date(nowMs).toISOString(),
    counts,
  };
  await client.query(`INSERT INTO bench_gen.info (key, value) VALUES ('info', $1)`, [JSON.stringify(info)]);
  await client.end();
  await second.end();
  writeInfoFile(databaseName(url), info);
  console.error(
    `generated in ${formatDuration(info.generatorSeconds)}: ` +
      Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') +
      `; busiest topic ${info.busiestTopicPosts} posts`,
  );
  return info;
}

export class RefusedError extends Error {}

// Run as a script (npx tsx bench/generate.ts …); bench/run.ts spawns it the same way.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = parseArgs(process.argv.slice(2));
  try {
    await generate(requireDatabaseUrl(), {
      scale: numberArg(args, 'scale', 1),
      seed: numberArg(args, 'seed', 7),
      force: args.force === true,
    });
  } catch (err) {
    console.error(err instanceof RefusedError ? err.message : err);
    process.exit(err instanceof RefusedError ? 3 : 1);
  }
}

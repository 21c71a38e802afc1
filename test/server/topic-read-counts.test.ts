// The list's unread count is post_count less each read position's stored read_count (published posts up to it
// and the reader's own anywhere, migrations 0025 and 0029), less the hidden replies after it. This drives a seeded random sequence of
// posts (to prompts too), held posts and approvals, withdrawals, removals, restorations, auto-hides, prompts
// hidden and released, read positions moved and "mark all read" through the real routes and, after every step,
// compares every viewer's unread count on the list with the count from scratch (the definition), and every stored
// read_count and member's published post count (topic_poster_counts) with a recount. On PostgreSQL it also races a read position against an older post's commit.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';
import { untilBlockedOnLock } from '../helpers/locks.js';
import { communityWithStaff, holdAndAutoHide, postsOf, random } from '../helpers/topic-sequences.js';
import { markCommunityRead } from '../../server/features/topics/queries.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const inList = (ids: string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

/**
 * The unread count from scratch, as the list computed it before read_count: published posts by others after the
 * read position, less replies to prompts hidden from the viewer (scheduled, or answer-first and not answered by
 * them; none for the topic's facilitators, nor for viewers who see all replies).
 */
async function unreadFromScratch(userId: string, seesAll: boolean, topicIds: string[]): Promise<Map<string, number>> {
  const rows = await t.testDb.database.rows<{ id: string; n: number }>(sql`
    select t.id, (select count(*)::int from posts p where p.topic_id = t.id and p.status = 'published' and p.author_id <> ${userId}
      and p.created_at > coalesce((select r.last_read_at from topic_reads r where r.topic_id = t.id and r.user_id = ${userId}), '-infinity'::timestamptz)
      and (${seesAll} or p.prompt_id is null or p.prompt_id not in (select pr.id from prompts pr where pr.topic_id = t.id
        and not exists (select 1 from topic_facilitators f where f.topic_id = t.id and f.user_id = ${userId})
        and (pr.release_at > now() or (pr.answer_first
          and not exists (select 1 from posts mine where mine.prompt_id = pr.id and mine.author_id = ${userId})))))) as n
    from topics t where t.id in (${inList(topicIds)})`);
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** Stored read_count that differ from a recount of the published posts up to the position and the reader's own. */
async function driftedReadCounts() {
  return t.testDb.database.rows<{ topicId: string; userId: string; stored: number; counted: number }>(sql`
    select r.topic_id as "topicId", r.user_id as "userId", r.read_count as stored, c.n as counted from topic_reads r,
      lateral (select count(*)::int as n from posts p where p.topic_id = r.topic_id and p.status = 'published'
        and (p.created_at <= r.last_read_at or p.author_id = r.user_id)) c
    where r.read_count <> c.n`);
}

/** Stored per-member published post counts (migration 0027) that differ from a recount, missing or left over. */
async function driftedPosterCounts() {
  return t.testDb.database.rows<{ topicId: string; userId: string; stored: number | null; counted: number | null }>(sql`
    select coalesce(s.topic_id, c.topic_id) as "topicId", coalesce(s.user_id, c.author_id) as "userId", s.published as stored, c.n as counted
    from topic_poster_counts s
      full join (select topic_id, author_id, count(*)::int as n from posts where status = 'published' group by topic_id, author_id) c
        on c.topic_id = s.topic_id and c.author_id = s.user_id
    where coalesce(s.published, 0) <> coalesce(c.n, 0)`);
}

interface Viewer {
  name: string;
  agent: Agent;
  userId: string;
  seesAll: boolean;
}

async function world() {
  const { communityId, members: practitioners, fay, mo } = await communityWithStaff(t, ['Ana', 'Ben', 'Cy']);
  const viewers: Viewer[] = [];
  for (const u of [...practitioners, fay, mo]) viewers.push({ name: u.displayName, agent: await t.as(u), userId: u.id, seesAll: u === mo });
  const [fayAgent, moAgent] = [viewers[3]!.agent, viewers[4]!.agent];
  const later = new Date(Date.now() + 86_400_000).toISOString();
  const topicIds: string[] = [];
  for (const title of ['Loop input', 'Observation']) {
    const res = await fayAgent.post(`/api/communities/${communityId}/topics`, {
      kind: 'cpd',
      title,
      article: 'Read this first.',
      prompts: [{ body: 'What did you notice?' }, { body: 'Answer before you see others', answerFirst: true }, { body: 'Your context', releaseAt: later }],
    });
    expect(res.statusCode, res.body).toBe(201);
    topicIds.push(res.json().id);
  }
  const problem = await viewers[0]!.agent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Quiet group', body: 'Ideas?' });
  expect(problem.statusCode, problem.body).toBe(201);
  topicIds.push(problem.json().id);
  await holdAndAutoHide(moAgent, communityId);
  return { communityId, topicIds, viewers, mo: moAgent };
}

async function expectExact(w: Awaited<ReturnType<typeof world>>, step: string) {
  expect({ step, drifted: await driftedReadCounts() }).toEqual({ step, drifted: [] });
  expect({ step, drifted: await driftedPosterCounts() }).toEqual({ step, drifted: [] });
  for (const v of w.viewers) {
    const res = await v.agent.get(`/api/communities/${w.communityId}/topics?limit=100`);
    expect(res.statusCode, res.body).toBe(200);
    const shown = new Map<string, number>(res.json().items.map((i: { id: string; unreadCount: number }) => [i.id, i.unreadCount]));
    const truth = await unreadFromScratch(v.userId, v.seesAll, w.topicIds);
    expect({ step, viewer: v.name, unread: Object.fromEntries(shown) }).toEqual({ step, viewer: v.name, unread: Object.fromEntries(truth) });
  }
}

describe('unread counts from stored read counts', () => {
  it('equal the count from scratch for every viewer through a random sequence of posts, moderation, prompts and reading', async () => {
    const w = await world();
    const rng = random(20261207);
    const viewerOf = (userId: string) => w.viewers.find((v) => v.userId === userId)!;
    const moId = w.viewers[4]!.userId;
    const seen = new Set<string>();
    await expectExact(w, 'start');

    for (let step = 0; step < 100; step++) {
      const posts = await postsOf(t, w.topicIds);
      const withStatus = (...statuses: string[]) => posts.filter((p) => statuses.includes(p.status));
      const roll = rng.next();
      let label: string;
      if (roll < 0.3 || posts.length === 0) {
        const v = rng.pick(w.viewers);
        const topicId = rng.pick(w.topicIds);
        const prompts = await t.testDb.database.rows<{ id: string }>(sql`select id from prompts where topic_id = ${topicId} order by position`);
        const promptId = rng.next() < 0.6 ? rng.pick([...prompts.map((p) => p.id), null]) : null;
        const held = rng.next() < 0.25;
        label = `post ${v.name} ${held ? 'held' : 'published'}${promptId ? ' to a prompt' : ''}`;
        const res = await v.agent.post(`/api/topics/${topicId}/posts`, { body: held ? 'About the lawsuit' : `Idea ${step}`, ...(promptId ? { promptId } : {}) });
        // A scheduled prompt is not there for practitioners yet.
        if (res.statusCode === 400) expect(res.json().code).toBe('unknown_prompt');
        else expect(res.statusCode, res.body).toBe(201);
      } else if (roll < 0.48) {
        const v = rng.pick(w.viewers);
        const topicId = rng.pick(w.topicIds);
        const candidates = posts.filter((p) => p.topicId === topicId && (p.status === 'published' || p.authorId === v.userId));
        if (candidates.length === 0) continue;
        const p = rng.pick(candidates);
        label = `read ${v.name}`;
        const res = await v.agent.post(`/api/topics/${topicId}/read`, { postId: p.id });
        // A post in a prompt hidden from the reader is not theirs to mark read.
        if (res.statusCode === 400) expect(res.json().code).toBe('unknown_post');
        else expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.54) {
        const v = rng.pick(w.viewers);
        label = `read-all ${v.name}`;
        const res = await v.agent.post(`/api/communities/${w.communityId}/read-all`);
        expect(res.statusCode, res.body).toBeLessThan(300);
      } else if (roll < 0.57 && withStatus('published').length > 0) {
        const p = rng.pick(withStatus('published'));
        label = 'edit into hold';
        const res = await viewerOf(p.authorId).agent.patch(`/api/posts/${p.id}`, { body: `Now about a lawsuit ${step}`, version: p.version });
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.62 && withStatus('published', 'pending', 'hidden').length > 0) {
        const p = rng.pick(withStatus('published', 'pending', 'hidden'));
        label = `withdraw ${p.status}`;
        const res = await viewerOf(p.authorId).agent.delete(`/api/posts/${p.id}`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.7 && withStatus('published', 'pending', 'hidden').length > 0) {
        const p = rng.pick(withStatus('published', 'pending', 'hidden'));
        label = `remove ${p.status}`;
        const res = await w.mo.post(`/api/posts/${p.id}/removal`, { reason: 'Step ' + step });
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.78 && withStatus('removed').length > 0) {
        const p = rng.pick(withStatus('removed'));
        label = 'restore';
        const res = await w.mo.delete(`/api/posts/${p.id}/removal`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.85 && withStatus('pending').length > 0) {
        const p = rng.pick(withStatus('pending'));
        label = 'approve';
        const res = await w.mo.post(`/api/posts/${p.id}/approval`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.9 && withStatus('published').some((p) => p.authorId !== moId)) {
        const p = rng.pick(withStatus('published').filter((x) => x.authorId !== moId));
        label = 'flag → auto-hide';
        const res = await w.mo.post(`/api/posts/${p.id}/flags`, { reason: 'offensive' });
        expect(res.statusCode, res.body).toBe(201);
      } else if (roll < 0.93 && withStatus('hidden').length > 0) {
        const p = rng.pick(withStatus('hidden'));
        label = 'dismiss flags → published';
        const res = await w.mo.post(`/api/posts/${p.id}/flags/dismiss`);
        expect(res.statusCode, res.body).toBe(200);
      } else {
        // Time: a scheduled prompt's release passes, or a released prompt is scheduled again (nothing is written
        // to topics or posts: the hidden replies are the list's to subtract).
        const [prompt] = await t.testDb.database.rows<{ id: string; scheduled: boolean }>(sql`
          select id, coalesce(release_at > now(), false) as scheduled from prompts where topic_id in (${inList(w.topicIds)})
          order by id offset ${Math.floor(rng.next() * 6)} limit 1`);
        label = prompt!.scheduled ? 'prompt released' : 'prompt scheduled';
        await t.testDb.database.rows(sql`update prompts set release_at = ${prompt!.scheduled ? sql`now() - interval '1 second'` : sql`now() + interval '1 day'`}
          where id = ${prompt!.id}`);
      }
      seen.add(label.split(' ')[0]!);
      await expectExact(w, `${step}: ${label}`);
    }
    // The sequence really exercised every kind of change (the seed is fixed, so this is stable).
    expect([...seen].sort()).toEqual(['approve', 'dismiss', 'edit', 'flag', 'post', 'prompt', 'read', 'read-all', 'remove', 'restore', 'withdraw'].sort());
    // The counts compared were not all zero, and the hidden replies mattered for someone.
    const sums = await Promise.all(w.viewers.map(async (v) => [...(await unreadFromScratch(v.userId, v.seesAll, w.topicIds)).values()].reduce((a, b) => a + b, 0)));
    expect(sums.every((n) => n > 0)).toBe(true);
    // The backfill (migration 0025's recount) gives the stored values again from nothing.
    await t.testDb.database.rows(sql`update topic_reads set read_count = 0`);
    expect((await driftedReadCounts()).length).toBeGreaterThan(0);
    await t.testDb.database.rows(sql`select stoa_recount_topic_reads()`);
    expect(await driftedReadCounts()).toEqual([]);
    // And migration 0027's for the members' published posts per topic.
    await t.testDb.database.rows(sql`update topic_poster_counts set published = 0`);
    expect((await driftedPosterCounts()).length).toBeGreaterThan(0);
    await t.testDb.database.rows(sql`select topic_poster_counts_rebuild()`);
    expect(await driftedPosterCounts()).toEqual([]);
  }, 180_000);

  it('stay exact, without deadlocks, under concurrent posts, removals, read positions and mark-all-read', async () => {
    const w = await world();
    const topicId = w.topicIds[2]!;
    const seedPosts = [];
    for (const v of w.viewers) seedPosts.push((await v.agent.post(`/api/topics/${topicId}/posts`, { body: `Seed by ${v.name}` })).json().id as string);
    const requests: Array<Promise<{ statusCode: number; body: string }>> = [];
    for (const [i, v] of w.viewers.entries()) {
      requests.push(v.agent.post(`/api/topics/${topicId}/posts`, { body: `Now ${i}` }), v.agent.post(`/api/topics/${topicId}/read`, { postId: seedPosts[(i + 2) % seedPosts.length] }));
      requests.push(i % 2 ? v.agent.post(`/api/communities/${w.communityId}/read-all`) : v.agent.post(`/api/topics/${topicId}/read`, { postId: seedPosts.at(-1) }));
    }
    requests.push(w.mo.post(`/api/posts/${seedPosts[0]}/removal`, { reason: 'Off topic' }), w.mo.post(`/api/posts/${seedPosts[1]}/removal`, { reason: 'Off topic' }));
    for (const res of await Promise.all(requests)) expect(res.statusCode, res.body).toBeLessThan(300);
    await expectExact(w, 'concurrent');
  });

  it('marks a community read a few topics a statement, each topic up to its latest post', async () => {
    const w = await world();
    const ana = w.viewers[0]!;
    for (const [i, topicId] of w.topicIds.entries()) {
      for (const v of w.viewers.slice(1, 2 + i)) expect((await v.agent.post(`/api/topics/${topicId}/posts`, { body: `From ${v.name}` })).statusCode).toBe(201);
    }
    await markCommunityRead(t.app.db, w.communityId, ana.userId, 1);
    const positions = await t.testDb.database.rows<{ topicId: string; at: string; latest: string }>(sql`
      select r.topic_id as "topicId", r.last_read_post_id as at,
        (select p.id from posts p where p.topic_id = r.topic_id order by p.created_at desc, p.id desc limit 1) as latest
      from topic_reads r where r.user_id = ${ana.userId} order by r.topic_id`);
    expect(positions.map((p) => p.topicId)).toEqual([...w.topicIds].sort());
    for (const p of positions) expect(p.at).toBe(p.latest);
    await expectExact(w, 'all read');
    expect([...(await unreadFromScratch(ana.userId, false, w.topicIds)).values()]).toEqual([0, 0, 0]);
  });

  it('counts a post published after a newer one was read, while the read position moved past it (PostgreSQL)', async () => {
    if (t.testDb.database.kind === 'pglite') return; // one session: PGlite runs transactions one after another
    const w = await world();
    const [ana, ben] = [w.viewers[0]!, w.viewers[1]!];
    const topicId = w.topicIds[2]!;
    const first = (await ben.agent.post(`/api/topics/${topicId}/posts`, { body: 'First' })).json();
    expect((await ana.agent.post(`/api/topics/${topicId}/read`, { postId: first.id })).statusCode).toBe(200);
    // A post older than one already committed (created_at is its transaction's start) publishes after it.
    const newer = (await ben.agent.post(`/api/topics/${topicId}/posts`, { body: 'Newer' })).json();
    const slow = new pg.Client({ connectionString: t.testDb.url });
    await slow.connect();
    try {
      await slow.query('begin');
      const { rows } = await slow.query<{ id: string }>(
        `insert into posts (community_id, topic_id, author_id, body_md, body_html, created_at)
         select $1, $2, $3, 'Older', '<p>Older</p>', created_at - interval '1 millisecond' from posts where id = $4 returning id`,
        [w.communityId, topicId, ben.userId, newer.id],
      );
      await slow.query('select * from stoa_count_topic_post($1, $2, $3, 1, true)', [topicId, ben.userId, rows[0]!.id]);
      // Ana reads up to the newer post, past the older one's time, while it is not committed: her position waits.
      // (Without the topic's read lock it does not wait, and misses the older post: the checks below fail.)
      const reading = ana.agent.post(`/api/topics/${topicId}/read`, { postId: newer.id });
      const waits = untilBlockedOnLock(t.testDb.url!).then(() => 'waits', () => 'never waited');
      await Promise.race([waits, reading]);
      await slow.query('commit');
      expect((await reading).statusCode).toBe(200);
    } finally {
      await slow.end();
    }
    expect(await driftedReadCounts()).toEqual([]);
    const truth = await unreadFromScratch(ana.userId, false, [topicId]);
    const list = (await ana.agent.get(`/api/communities/${w.communityId}/topics?limit=100`)).json();
    expect(list.items.find((i: { id: string }) => i.id === topicId).unreadCount).toBe(truth.get(topicId));
    expect(truth.get(topicId)).toBe(0);
  });
});

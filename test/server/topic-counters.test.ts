// topics.poster_count / reader_count are kept on every write instead of being aggregated on every read.
// This drives a seeded random sequence of views, posts, holds, approvals, withdrawals, removals,
// restores, auto-hides and flag dismissals through the real routes and, after every step, compares both
// counters of every topic with the direct computation over posts and topic_views.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';
import { topicRollupsAndDirect } from '../helpers/topic-rollups.js';
import { communityWithStaff, holdAndAutoHide, postsOf, random } from '../helpers/topic-sequences.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

interface CounterRow {
  id: string;
  posterCount: number;
  readerCount: number;
  truePosters: number;
  trueReaders: number;
}

/** The stored counters next to the definition: distinct published authors; viewers with no published post. */
async function counters(topicIds: string[]): Promise<CounterRow[]> {
  return t.testDb.database.rows<CounterRow>(sql`
    select t.id, t.poster_count as "posterCount", t.reader_count as "readerCount",
      (select count(distinct p.author_id)::int from posts p where p.topic_id = t.id and p.status = 'published') as "truePosters",
      (select count(distinct v.user_id)::int from topic_views v where v.topic_id = t.id
        and not exists (select 1 from posts p where p.topic_id = v.topic_id and p.author_id = v.user_id and p.status = 'published')) as "trueReaders"
    from topics t where t.id in (${sql.join(topicIds.map((id) => sql`${id}::uuid`), sql`, `)}) order by t.id`);
}

async function expectExact(topicIds: string[], step: string) {
  for (const row of await counters(topicIds)) {
    expect({ step, posters: row.posterCount, readers: row.readerCount }).toEqual({ step, posters: row.truePosters, readers: row.trueReaders });
  }
  // The engagement report's per-topic rollups follow the same writes.
  const { stored, direct } = await topicRollupsAndDirect(t.app.db);
  expect({ step, ...stored }).toEqual({ step, ...direct });
}

async function world() {
  const { communityId, members, fay, mo } = await communityWithStaff(t, ['Ana', 'Ben', 'Cy', 'Dee']);
  const agents = await Promise.all(members.map((m) => t.as(m)));
  const [fayAgent, moAgent] = [await t.as(fay), await t.as(mo)];
  const topicIds: string[] = [];
  for (const title of ['Feedback loops', 'Observation notes']) {
    const res = await fayAgent.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title, body: 'What works for you?' });
    expect(res.statusCode, res.body).toBe(201);
    topicIds.push(res.json().id);
  }
  await holdAndAutoHide(moAgent, communityId);
  return { communityId, topicIds, agents: [...agents, fayAgent, moAgent], mo: moAgent, userIds: [...members, fay, mo].map((u) => u.id) };
}

describe('topic poster/reader counters', () => {
  it('stay equal to the direct computation through a random sequence of views, posts and moderation', async () => {
    const w = await world();
    const rng = random(20261123);
    const agentOf = (userId: string) => w.agents[w.userIds.indexOf(userId)]!;
    const moId = w.userIds[w.userIds.length - 1]!;
    const seen = new Set<string>();
    await expectExact(w.topicIds, 'start');

    for (let step = 0; step < 90; step++) {
      const posts = await postsOf(t, w.topicIds);
      const withStatus = (...statuses: string[]) => posts.filter((p) => statuses.includes(p.status));
      const roll = rng.next();
      let label: string;
      let res: { statusCode: number; body: string } | null = null;
      if (roll < 0.22) {
        const who = rng.pick(w.agents.map((_, i) => i));
        const topicId = rng.pick(w.topicIds);
        label = `view u${who} ${topicId.slice(0, 4)}`;
        res = await w.agents[who]!.get(`/api/topics/${topicId}`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.42 || posts.length === 0) {
        const who = rng.pick(w.agents.map((_, i) => i));
        const topicId = rng.pick(w.topicIds);
        const held = rng.next() < 0.3;
        label = `post u${who} ${held ? 'held' : 'published'}`;
        res = await w.agents[who]!.post(`/api/topics/${topicId}/posts`, { body: held ? 'About the lawsuit' : `Idea ${step}` });
        expect(res.statusCode, res.body).toBe(201);
      } else if (roll < 0.5 && withStatus('published').length > 0) {
        const p = rng.pick(withStatus('published'));
        label = 'edit into hold';
        res = await agentOf(p.authorId).patch(`/api/posts/${p.id}`, { body: `Now about a lawsuit ${step}`, version: p.version });
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.58 && withStatus('published', 'pending', 'hidden').length > 0) {
        const p = rng.pick(withStatus('published', 'pending', 'hidden'));
        label = `withdraw ${p.status}`;
        res = await agentOf(p.authorId).delete(`/api/posts/${p.id}`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.68 && withStatus('published', 'pending', 'hidden').length > 0) {
        const p = rng.pick(withStatus('published', 'pending', 'hidden'));
        label = `remove ${p.status}`;
        res = await w.mo.post(`/api/posts/${p.id}/removal`, { reason: 'Step ' + step });
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.78 && withStatus('removed').length > 0) {
        const p = rng.pick(withStatus('removed'));
        label = 'restore';
        res = await w.mo.delete(`/api/posts/${p.id}/removal`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.86 && withStatus('pending').length > 0) {
        const p = rng.pick(withStatus('pending'));
        label = 'approve';
        res = await w.mo.post(`/api/posts/${p.id}/approval`);
        expect(res.statusCode, res.body).toBe(200);
      } else if (roll < 0.92 && withStatus('published').some((p) => p.authorId !== moId)) {
        const p = rng.pick(withStatus('published').filter((x) => x.authorId !== moId));
        label = 'flag → auto-hide';
        res = await w.mo.post(`/api/posts/${p.id}/flags`, { reason: 'offensive' });
        expect(res.statusCode, res.body).toBe(201);
      } else if (roll < 0.96 && withStatus('hidden').length > 0) {
        const p = rng.pick(withStatus('hidden'));
        label = 'dismiss flags → published';
        res = await w.mo.post(`/api/posts/${p.id}/flags/dismiss`);
        expect(res.statusCode, res.body).toBe(200);
      } else {
        // A day passes: existing views move to yesterday, so the next view is a new row but not a first view.
        label = 'a day passes';
        await t.testDb.database.rows(sql`update topic_views set day = day - 1 where topic_id in (${sql.join(w.topicIds.map((id) => sql`${id}::uuid`), sql`, `)})`);
      }
      seen.add(label.split(' ')[0]!);
      await expectExact(w.topicIds, `${step}: ${label}`);
    }
    // The sequence really exercised every kind of change (the seed is fixed, so this is stable).
    expect([...seen].sort()).toEqual(['a', 'approve', 'dismiss', 'edit', 'flag', 'post', 'remove', 'restore', 'view', 'withdraw'].sort());
    // And the list shows the kept counters.
    const list = (await w.mo.get(`/api/communities/${w.communityId}/topics`)).json();
    for (const row of await counters(w.topicIds)) {
      expect(list.items.find((i: { id: string }) => i.id === row.id)).toMatchObject({ posterCount: row.truePosters, readerCount: row.trueReaders });
    }
    // The migration's backfill computes the same values from scratch (what existing databases start with).
    const migration = readFileSync(new URL('../../migrations/0005_topic_participant_counts.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').find((part) => part.includes('UPDATE "topics"'))!;
    await t.testDb.database.rows(sql`update topics set poster_count = 0, reader_count = 0`);
    await t.testDb.database.rows(sql.raw(backfill));
    const rebuilt = await counters(w.topicIds);
    expect(rebuilt.some((r) => r.posterCount > 0 && r.readerCount > 0)).toBe(true);
    for (const row of rebuilt) expect({ posters: row.posterCount, readers: row.readerCount }).toEqual({ posters: row.truePosters, readers: row.trueReaders });
  }, 120_000);

  it('stay exact under concurrent posts and first views on one topic', async () => {
    const w = await world();
    const topicId = w.topicIds[0]!;
    const requests: Array<Promise<{ statusCode: number; body: string }>> = [];
    for (const [i, agent] of w.agents.entries()) {
      // Each member at once: opens the topic and posts twice (the first post and a view race each other).
      requests.push(agent.get(`/api/topics/${topicId}`));
      if (i % 2 === 0) requests.push(agent.post(`/api/topics/${topicId}/posts`, { body: `First ${i}` }), agent.post(`/api/topics/${topicId}/posts`, { body: `Second ${i}` }));
    }
    for (const res of await Promise.all(requests)) expect(res.statusCode, res.body).toBeLessThan(300);
    await expectExact(w.topicIds, 'concurrent posts and views');
    // Concurrent withdrawals of the same author's two posts: the last one makes them a reader again.
    const posts = await postsOf(t, [topicId]);
    await Promise.all(posts.map((p) => (w.agents[w.userIds.indexOf(p.authorId)] as Agent).delete(`/api/posts/${p.id}`)));
    await expectExact(w.topicIds, 'concurrent withdrawals');
    const [row] = await counters([topicId]);
    expect(row).toMatchObject({ posterCount: 0, readerCount: w.agents.length });
  });
});
